"""The session cookie's signer remembers cookies it has found good (so a phone's next request
skips the HMAC); remembering must never let a changed, expired or wrongly keyed cookie in."""

from __future__ import annotations

from datetime import timedelta

from flask import request
from itsdangerous import TimestampSigner

from reviewkit.extensions import RememberingSigner


def _opened(app, cookie: str) -> dict:
    """The session the app opens from a request that sends ``cookie``."""
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        return dict(app.session_interface.open_session(app, request))


def _cookie(app, data: dict, *, age: timedelta = timedelta(0)) -> str:
    """A session cookie holding ``data`` as the app signs it, signed ``age`` ago."""
    serializer = app.session_interface.get_signing_serializer(app)

    class Back(RememberingSigner):
        def get_timestamp(self) -> int:
            return int(super().get_timestamp() - age.total_seconds())

    serializer.signer = Back
    try:
        return serializer.dumps(data)
    finally:
        serializer.signer = RememberingSigner


def test_a_good_cookie_opens_again_and_is_remembered(app):
    cookie = _cookie(app, {"lang": "cy"})
    assert _opened(app, cookie) == {"lang": "cy"}
    assert any(cookie.encode().startswith(entry[-2]) for entry in RememberingSigner._good)
    assert _opened(app, cookie) == {"lang": "cy"}


def test_a_changed_cookie_is_refused_even_after_the_good_one_was_remembered(app):
    cookie = _cookie(app, {"lang": "cy"})
    assert _opened(app, cookie) == {"lang": "cy"}
    payload, stamp, sig = cookie.rsplit(".", 2)
    other = _cookie(app, {"lang": "ur"}).rsplit(".", 2)[0]
    assert _opened(app, f"{other}.{stamp}.{sig}") == {}
    assert _opened(app, f"{payload}.{stamp}.{sig[:-2]}AA") == {}


def test_a_remembered_cookie_still_expires(app):
    app.permanent_session_lifetime = timedelta(days=31)
    old = _cookie(app, {"lang": "cy"}, age=timedelta(days=30))
    assert _opened(app, old) == {"lang": "cy"}  # good, and now remembered
    app.permanent_session_lifetime = timedelta(days=29)
    assert _opened(app, old) == {}


def test_a_remembered_cookie_is_refused_under_a_new_secret_key(app):
    cookie = _cookie(app, {"lang": "cy"})
    assert _opened(app, cookie) == {"lang": "cy"}
    app.secret_key = "a different key, as after a rotation without fallbacks"
    assert _opened(app, cookie) == {}
    app.config["SECRET_KEY_FALLBACKS"] = ["nothing like the old one"]
    assert _opened(app, cookie) == {}


def test_the_signer_checks_a_signature_it_has_never_seen():
    signer = RememberingSigner("key", salt="s")
    signed = signer.sign(b"value")
    assert signer.unsign(signed) == b"value"
    # a changed signature (its first character: the last one also holds base64 padding bits,
    # so changing it may decode to the same bytes, as itsdangerous reads it)
    at = signed.rindex(b".") + 1
    other = b"A" if signed[at:at + 1] != b"A" else b"B"
    assert not signer.validate(signed[:at] + other + signed[at + 1:])
    assert not RememberingSigner("another key", salt="s").validate(signed)
    assert not TimestampSigner("another key", salt="s").validate(signed)

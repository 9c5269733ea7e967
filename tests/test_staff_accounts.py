"""Staff accounts: admin-issued password links, lock-out, idle sign-out, rate limits."""

from __future__ import annotations

import re

from conftest import PASSWORD, Page, form_token, sign_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import User


def _as_admin(app):
    admin = app.test_client()
    sign_in(admin, "admin")
    return admin


def _add(admin, *, follow: bool = True, **data) -> Page:
    """Send the staff accounts page's "Add an account" form (following its redirect)."""
    return Page(admin.post("/staff/users/", data={
        "csrf_token": form_token(admin, "/staff/users/"), **data}, follow_redirects=follow))


def test_admin_adds_an_account_and_the_one_time_link_sets_a_password(staff_app):
    admin = _as_admin(staff_app)
    page = _add(admin, name="Nia", email="Nia@Example.org", role="facilitator")
    link = re.search(r'href="(http://[^"]+/staff/reset/[^"]+)"', page.html).group(1)
    path = link.split("rk.test", 1)[-1].split("localhost", 1)[-1]
    newcomer = staff_app.test_client()
    short = Page(newcomer.post(path, data={"password": "short", "confirm": "short",
                                           "csrf_token": form_token(newcomer, path)}))
    assert short.status == 400 and "at least 12 characters" in short
    ok = newcomer.post(path, data={"password": "a long pass phrase",
                                   "confirm": "a long pass phrase",
                                   "csrf_token": form_token(newcomer, path)})
    assert ok.status_code == 302
    assert newcomer.get(path).status_code == 404  # used once, never again
    login = newcomer.post("/staff/login", data={
        "email": "nia@example.org", "password": "a long pass phrase",
        "csrf_token": form_token(newcomer, "/staff/login")})
    assert login.status_code == 302


def test_duplicate_email_is_refused(staff_app):
    admin = _as_admin(staff_app)
    page = _add(admin, follow=False, name="Again", email="manager@example.org", role="manager")
    assert page.status == 400 and "already an account" in page


def test_five_wrong_passwords_lock_the_account(staff_app):
    client = staff_app.test_client()
    for _ in range(5):
        r = Page(client.post("/staff/login", data={
            "email": "manager@example.org", "password": "wrong password!",
            "csrf_token": form_token(client, "/staff/login")}))
        assert r.status == 400
    right = client.post("/staff/login", data={
        "email": "manager@example.org", "password": "correct horse 1",
        "csrf_token": form_token(client, "/staff/login")})
    assert right.status_code == 400  # locked for 15 minutes even with the right password
    assert db.session.scalar(select(User.locked_until).filter_by(
        email="manager@example.org")) is not None


def test_idle_staff_are_signed_out(staff_app):
    client = staff_app.test_client()
    sign_in(client, "manager")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session["staff_seen"] -= 31 * 60
    r = client.get("/staff/")
    assert r.status_code == 302 and "/staff/login" in r.headers["Location"]
    assert "signed out because nothing happened" in Page(client.get(r.headers["Location"]))


def test_sign_in_attempts_are_rate_limited(staff_app):
    client = staff_app.test_client()
    token = form_token(client, "/staff/login")
    codes = [client.post("/staff/login", data={"email": "x@example.org", "password": "nope",
                                               "csrf_token": token}).status_code
             for _ in range(12)]
    assert 429 in codes and codes.index(429) >= 10
    assert "Too many tries" in client.post("/staff/login", data={}).get_data(as_text=True)


def test_a_new_account_is_a_facilitator_unless_the_admin_chooses_otherwise(staff_app):
    """The role most accounts need is offered first; making an organisation admin (who sees
    everything) is a choice the admin makes, never what an untouched form sends."""
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    page = Page(admin.get("/staff/users/"))
    role = re.search(r'<select[^>]*name="role".*?</select>', page.html, re.S).group(0)
    assert re.search(r'<option selected value="facilitator">', role), role
    assert 'selected value="admin"' not in role


def test_after_an_account_is_made_the_form_is_empty_for_the_next(staff_app):
    admin = _as_admin(staff_app)
    page = _add(admin, name="Nia Jones", email="nia@example.org", role="manager")
    assert page.status == 200 and "Account made for Nia Jones" in page
    assert 'value="Nia Jones"' not in page.html and 'value="nia@example.org"' not in page.html


def test_services_are_boxes_to_tick_and_only_this_organisations(staff_app):
    """Services are checkboxes (a list box needs Ctrl-click or Shift-arrows to choose two);
    an id the page never offered (another organisation's service, a word) is refused in the
    page's language, with what was typed kept and nobody added."""
    from reviewkit.models import Organisation, Service

    other = Organisation(name="Other", slug="other")
    theirs = Service(organisation=other, name="Theirs", slug="theirs")
    db.session.add_all([other, theirs])
    db.session.commit()
    oak = db.session.scalar(select(Service).filter_by(slug="oak"))
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    page = Page(admin.get("/staff/users/"))
    assert f'type="checkbox" id="services-1" name="services" value="{oak.id}"' in page.html \
        or re.search(rf'<input[^>]*type="checkbox"[^>]*name="services"[^>]*value="{oak.id}"',
                     page.html), page.html
    for services, role, message in [([str(theirs.id)], "facilitator", "فہرست سے ایک سروس چنیں۔"),
                                    (["oak"], "facilitator", "فہرست سے ایک سروس چنیں۔"),
                                    ([str(oak.id)], "boss", "فہرست میں سے ایک چنیں۔")]:
        sent = Page(admin.post("/staff/users/?lang=ur", data={
            "name": "Nia Jones", "email": "nia@example.org", "role": role,
            "services": services, "csrf_token": form_token(admin, "/staff/users/?lang=ur")}))
        assert sent.status == 400 and message in sent, sent.html[-2500:]
        assert "not a valid choice" not in sent.html.lower() and "coerce" not in sent.html
        assert 'value="Nia Jones"' in sent.html and 'value="nia@example.org"' in sent.html
    assert db.session.scalar(select(User.id).filter_by(email="nia@example.org")) is None
    made = _add(admin, name="Nia Jones", email="nia@example.org", role="facilitator",
                services=[str(oak.id)])
    assert made.status == 200
    nia = db.session.scalar(select(User).filter_by(email="nia@example.org"))
    assert [s.slug for s in nia.services] == ["oak"]


def test_typed_text_reads_in_its_own_direction_on_an_urdu_page(staff_app):
    """On a right-to-left page an email address typed into a staff form reads left to right
    (each text box takes the direction of what is typed in it)."""
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    page = Page(admin.get("/staff/users/?lang=ur"))
    assert page.dir == "rtl"
    boxes = re.findall(r"<input[^>]*>", page.html)
    email = next(b for b in boxes if 'name="email"' in b)
    name = next(b for b in boxes if 'name="name"' in b)
    assert 'dir="auto"' in email and 'dir="auto"' in name


def _change(admin, user_id: int, **data):
    token = form_token(admin, "/staff/users/")  # a token of the session: any account's form
    return Page(admin.post(f"/staff/users/{user_id}", data={"csrf_token": token, **data}))


def test_an_admin_changes_a_role_and_switches_off_a_leavers_account(staff_app):
    """A new role or a switched-off account signs the person out at once; a switched-off
    account cannot sign in again; the change is logged; nothing of another organisation's."""
    from reviewkit.models import AccessLog, Organisation, Service

    fran = db.session.scalar(select(User).filter_by(role="facilitator"))
    oak, elm = (db.session.scalar(select(Service.id).filter_by(slug=s)) for s in ("oak", "elm"))
    signed_in = staff_app.test_client()
    sign_in(signed_in, "facilitator")
    assert signed_in.get("/staff/people/").status_code == 200
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    listed = Page(admin.get("/staff/users/"))
    assert f'href="/staff/users/{fran.id}"' in listed.html
    form = Page(admin.get(f"/staff/users/{fran.id}"))
    assert form.status == 200 and "checked" in form.html  # switched on, Oak House ticked
    done = admin.post(f"/staff/users/{fran.id}", data={
        "csrf_token": form.csrf, "name": "Fran F", "role": "manager", "services": [oak, elm],
        "active": "y"})
    assert done.status_code == 302
    db.session.refresh(fran)
    assert (fran.name, fran.role, sorted(s.id for s in fran.services)) == (
        "Fran F", "manager", sorted([oak, elm]))
    # signed out at once by the new role
    assert signed_in.get("/staff/people/").status_code == 302
    # switched off ("active" not sent: unticked): signed out, and her password no longer works
    sign_in(signed_in, "facilitator")  # her email address; a manager now
    assert signed_in.get("/staff/").status_code == 200
    _change(admin, fran.id, name="Fran F", role="manager", services=[oak, elm])
    db.session.refresh(fran)
    assert fran.active is False
    assert signed_in.get("/staff/").status_code == 302
    again = signed_in.post("/staff/login", data={
        "email": "facilitator@example.org", "password": PASSWORD,
        "csrf_token": Page(signed_in.get("/staff/login")).csrf})
    assert again.status_code != 302 and signed_in.get("/staff/").status_code == 302
    listed = Page(admin.get("/staff/users/"))
    assert "Switched off" in listed
    logged = db.session.scalars(select(AccessLog.detail).filter_by(
        action="change", object_type="user", object_id=fran.id)).all()
    assert logged == ["name, role, services", "active"]
    other = Organisation(name="Other", slug="other")
    stranger = User(organisation=other, email="s@other.example", name="S", role="admin",
                    password_hash="!")
    db.session.add_all([other, stranger])
    db.session.commit()
    assert admin.get(f"/staff/users/{stranger.id}").status_code == 404
    assert _change(admin, stranger.id, name="Mine", role="admin").status == 404
    assert admin.get("/staff/users/99999999999999999999").status_code == 404


def test_an_admin_cannot_lock_themselves_out_and_bad_choices_keep_what_was_typed(staff_app):
    from reviewkit.models import Organisation, Service

    me = db.session.scalar(select(User).filter_by(role="admin"))
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    demoted = _change(admin, me.id, name="Still me", role="facilitator", active="y")
    assert demoted.status == 400 and "cannot take away your own admin role" in demoted
    assert 'value="Still me"' in demoted.html
    off = _change(admin, me.id, name="Me", role="admin")
    assert off.status == 400 and "switch off your own account" in off
    db.session.refresh(me)
    assert (me.role, me.active) == ("admin", True)
    fran = db.session.scalar(select(User).filter_by(role="facilitator"))
    other = Organisation(name="Other", slug="other")
    theirs = Service(organisation=other, name="Their house", slug="theirs")
    db.session.add_all([other, theirs])
    db.session.commit()
    sneaky = _change(admin, fran.id, name="Fran", role="facilitator", services=[theirs.id],
                     active="y")
    assert sneaky.status == 400 and "Choose a service from the list." in sneaky
    boss = _change(admin, fran.id, name="Fran", role="boss", active="y")
    assert boss.status == 400 and "Choose one from the list." in boss
    welsh = Page(admin.post(f"/staff/users/{fran.id}?lang=cy", data={
        "csrf_token": form_token(admin, f"/staff/users/{fran.id}"), "name": "",
        "role": "facilitator", "active": "y"}))
    assert welsh.status == 400 and welsh.lang == "cy"
    db.session.refresh(fran)
    assert fran.name != "" and fran.services and fran.services[0].slug == "oak"


def test_adding_an_account_redirects_and_the_link_is_shown_once(staff_app):
    """Post, redirect, get: reloading the page after adding an account sent the form again
    ("There is already an account"). The page now redirects; the one-time link is shown once
    after the redirect (never in the address, nor kept in the cookie), and not on a reload."""
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    sent = admin.post("/staff/users/", data={
        "name": "Nia", "email": "nia@example.org", "role": "facilitator",
        "csrf_token": form_token(admin, "/staff/users/")})
    assert sent.status_code == 303
    assert sent.headers["Location"].rstrip("/").endswith("/staff/users")
    assert "reset" not in sent.headers["Location"]
    shown = admin.get(sent.headers["Location"])
    page = Page(shown)
    assert page.status == 200 and "Account made for Nia" in page
    link = re.search(r'href="(http://[^"]+/staff/reset/([^"]+))"', page.html)
    assert link is not None
    token = link.group(2)
    cookies = " ".join(sent.headers.getlist("Set-Cookie") + shown.headers.getlist("Set-Cookie"))
    assert token not in cookies
    again = Page(admin.get("/staff/users/"))
    assert again.status == 200 and "/staff/reset/" not in again.html
    assert "Account made for Nia" not in again and "already an account" not in again
    # the link shown still works, once
    path = link.group(1).split("rk.test", 1)[-1].split("localhost", 1)[-1]
    newcomer = staff_app.test_client()
    assert newcomer.get(path).status_code == 200


def test_a_new_password_link_is_shown_once_after_a_redirect_too(staff_app):
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    manager = db.session.scalar(select(User).filter_by(role="manager"))
    sent = admin.post(f"/staff/users/{manager.id}/reset",
                      data={"csrf_token": form_token(admin, "/staff/users/")})
    assert sent.status_code == 303
    page = Page(admin.get(sent.headers["Location"]))
    assert "/staff/reset/" in page.html and "set a new password" in page
    assert "/staff/reset/" not in Page(admin.get("/staff/users/")).html

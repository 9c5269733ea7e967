"""Staff accounts: admin-issued password links, lock-out, idle sign-out, rate limits."""

from __future__ import annotations

import re

from conftest import Page, form_token, sign_in
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import User


def test_admin_adds_an_account_and_the_one_time_link_sets_a_password(staff_app):
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    page = Page(admin.post("/staff/users/", data={
        "name": "Nia", "email": "Nia@Example.org", "role": "facilitator",
        "csrf_token": form_token(admin, "/staff/users/")}))
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
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    page = Page(admin.post("/staff/users/", data={
        "name": "Again", "email": "manager@example.org", "role": "manager",
        "csrf_token": form_token(admin, "/staff/users/")}))
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
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    page = Page(admin.post("/staff/users/", data={
        "name": "Nia Jones", "email": "nia@example.org", "role": "manager",
        "csrf_token": form_token(admin, "/staff/users/")}))
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
    made = Page(admin.post("/staff/users/", data={
        "name": "Nia Jones", "email": "nia@example.org", "role": "facilitator",
        "services": [str(oak.id)], "csrf_token": form_token(admin, "/staff/users/")}))
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

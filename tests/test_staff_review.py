"""People supported and the guided review conversation, through the staff pages."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta

from conftest import Page, form_token, sign_in
from sqlalchemy import func, select

from reviewkit.extensions import db
from reviewkit.models import AccessLog, Action, Contributor, Person, Review, Service, Statement


def _add_person(client, name="Jo", service="Oak House"):
    service_id = db.session.scalar(select(Service.id).filter_by(name=service))
    token = form_token(client, "/staff/people/")
    r = client.post("/staff/people/", data={
        "display_name": name, "reference": "R-1", "service_id": service_id, "language": "en",
        "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    return int(r.headers["Location"].rstrip("/").split("/")[-1])


def _phone_answers(person_ref: str, *statements: str) -> None:
    """A person-centred review sent from a phone by the person with ``person_ref``."""
    from reviewkit.services import invitations as inv
    from reviewkit.services import responses as rsp
    from reviewkit.services.banks import latest_version

    service = db.session.scalar(select(Service).filter_by(name="Oak House"))
    invitation = inv.create_invitations(inv.survey_for(
        latest_version("person-centred-review"), service, service.organisation),
        person_ref=person_ref)[0]
    response = rsp.start_response(invitation)
    rsp.set_consent(response, True)
    rsp.save_answer(response, "admire", list(statements))
    rsp.submit(response)


def _facilitator_review(staff_app):
    """A facilitator's signed-in client and a new person-centred review of theirs."""
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    return client, _start(client, _add_person(client))


def _said(client, review_id: int, text: str = "Kind to everyone",
          heading: str = "like-and-admire"):
    """A statement added under a heading of the review by its form (nobody chosen as who
    said it): the statement and the address of its edit page."""
    url = f"/staff/reviews/{review_id}/h/{heading}"
    client.post(url, data={"contributor": "", "text": text,
                           "csrf_token": form_token(client, url)})
    statement = db.session.scalar(select(Statement).filter_by(text=text))
    return statement, f"/staff/reviews/{review_id}/s/{statement.id}"


def _another_reviews_contributor(staff_app) -> Contributor:
    """Someone who took part in a review of another service (Elm Court), added by the admin:
    for a tampered or stale "who said it"."""
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    other = _start(admin, _add_person(admin, "Kim", service="Elm Court"))
    url = f"/staff/reviews/{other}/people"
    admin.post(url, data={"name": "Secret Sam", "role": "family",
                          "csrf_token": form_token(admin, url)})
    secret = db.session.scalar(select(Contributor).filter_by(name="Secret Sam"))
    assert secret.review_id == other
    return secret


def _start(client, person_id, bank="person-centred-review", held_on="2026-11-20"):
    token = form_token(client, f"/staff/people/{person_id}")
    r = client.post(f"/staff/reviews/start/{person_id}", data={
        "bank": bank, "held_on": held_on, "csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("/people")
    return int(r.headers["Location"].split("/")[3])


def test_a_whole_review_ends_in_a_summary_pdf_with_statements_under_headings(staff_app, tmp_path):
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    person_id = _add_person(client)
    token = form_token(client, f"/staff/people/{person_id}")
    client.post(f"/staff/people/{person_id}/consent", data={
        "scope": "pooled", "given": "yes", "csrf_token": token})
    review_id = _start(client, person_id)
    for name, role in [("Mum", "family"), ("Alex", "staff"), ("Priya", "advocate")]:
        token = form_token(client, f"/staff/reviews/{review_id}/people")
        client.post(f"/staff/reviews/{review_id}/people",
                    data={"name": name, "role": role, "csrf_token": token})
    review = db.session.get(Review, review_id)
    contributors = {c.name: c.id for c in review.contributors}
    assert set(contributors) == {"Jo", "Mum", "Alex", "Priya"}
    said = {"like-and-admire": ("Jo is always kind", "Mum"),
            "working-not-working": ("The bus to college is late", "Jo"),
            "important-for-me": ("Help with tablets every morning", "Alex")}
    for section, (text, who) in said.items():
        url = f"/staff/reviews/{review_id}/h/{section}"
        page = Page(client.get(url))
        assert page.status == 200
        kinds = {"working-not-working": "not_working"}.get(section, "")
        r = client.post(url, data={"contributor": contributors[who], "kind": kinds, "text": text,
                                   "csrf_token": page.csrf})
        assert r.status_code == 302
        assert text in Page(client.get(url)).html
    late = db.session.scalar(select(Statement).filter_by(text="The bus to college is late"))
    assert late.kind == "not_working" and late.pooled is True
    token = form_token(client, f"/staff/reviews/{review_id}/actions")
    client.post(f"/staff/reviews/{review_id}/actions", data={
        "what": "Ask the college about an earlier bus", "who": "Alex", "due_on": "2026-12-15",
        "csrf_token": token})
    summary = Page(client.get(f"/staff/reviews/{review_id}/summary"))
    assert "Ask the college about an earlier bus" in summary
    pdf = client.get(f"/staff/reviews/{review_id}/summary.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    bank = review.bank_version.bank
    for section, (said_text, _who) in said.items():
        heading = next(s for s in bank.sections if s.id == section).easy_read
        assert heading in flat and said_text in flat
        # each statement is printed after its own heading
        assert flat.index(heading) < flat.index(said_text)
    assert "Ask the college about an earlier bus" in flat


def test_statements_can_be_edited_moved_deleted_and_restored(staff_app):
    client, review_id = _facilitator_review(staff_app)
    statement, edit = _said(client, review_id)
    r = client.post(edit, data={"text": "Kind to everyone she meets", "section": "important-to-me",
                                "contributor": statement.contributor_id or "",
                                "kind": "important_to", "csrf_token": form_token(client, edit)})
    assert r.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Statement, statement.id)
    assert (moved.text, moved.section_id, moved.kind) == (
        "Kind to everyone she meets", "important-to-me", "important_to")
    r = client.post(f"{edit}/delete", data={"csrf_token": form_token(client, edit)})
    assert r.headers["Location"].endswith(f"undo={statement.id}")
    undo_page = Page(client.get(r.headers["Location"]))
    assert "Deleted: “Kind to everyone she meets”." in undo_page  # says what went
    assert f'href="{edit}"' not in undo_page.html  # no longer listed
    assert f'action="{edit}/undo"' in undo_page.html
    client.post(f"{edit}/undo", data={"csrf_token": undo_page.csrf})
    db.session.expire_all()
    assert db.session.get(Statement, statement.id).deleted_at is None
    # Once undone, the heading's address with ?undo= no longer offers Undo.
    assert f'action="{edit}/undo"' not in Page(client.get(r.headers["Location"])).html


def test_an_empty_statement_gets_a_message_and_keeps_the_choices(staff_app):
    client, review_id = _facilitator_review(staff_app)
    url = f"/staff/reviews/{review_id}/h/working-not-working"
    r = Page(client.post(url, data={"text": "  ", "kind": "not_working",
                                    "csrf_token": form_token(client, url)}))
    assert r.status == 400 and "Type what they said" in r
    chosen = re.search(r'<option[^>]*value="not_working"[^>]*>', r.html).group(0)
    assert "selected" in chosen


def _agreed_long_ago(review_id: int, what: str) -> None:
    """An action of the review due 12 days ago (the form takes no past date: the action was
    agreed when that date was still ahead)."""
    from reviewkit.services import reviews as rv

    rv.add_action(db.session.get(Review, review_id), what=what, who="Alex",
                  due_on=date.today() - timedelta(days=12))


def test_overdue_actions_are_marked(staff_app):
    client, review_id = _facilitator_review(staff_app)
    url = f"/staff/reviews/{review_id}/actions"
    _agreed_long_ago(review_id, "Book the dentist")
    assert "overdue" in Page(client.get(url))
    bad = Page(client.post(url, data={"what": "", "who": "Alex", "due_on": "31/02/2026",
                                      "csrf_token": form_token(client, url)}))
    assert bad.status == 400 and "Say what will happen" in bad
    assert db.session.scalar(select(func.count(Action.id))) == 1


def test_a_facilitator_sees_only_people_in_their_services_and_access_is_logged(staff_app):
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    elsewhere = _add_person(admin, "Kim", service="Elm Court")
    mine = _add_person(admin, "Lee", service="Oak House")
    fac = staff_app.test_client()
    sign_in(fac, "facilitator")
    listing = Page(fac.get("/staff/people/"))
    assert "Lee" in listing and "Kim" not in listing
    assert fac.get(f"/staff/people/{elsewhere}").status_code == 403
    denied = db.session.scalar(select(AccessLog).filter_by(object_id=elsewhere, action="denied"))
    assert denied is not None and denied.user_id is not None
    assert fac.get(f"/staff/people/{mine}").status_code == 200
    views = db.session.scalars(select(AccessLog).filter_by(object_type="person",
                                                           object_id=mine)).all()
    assert [v.action for v in views][-1] == "view"


def test_export_and_erase_on_request(staff_app):
    client = staff_app.test_client()
    sign_in(client, "admin")
    person_id = _add_person(client, "Sam")
    review_id = _start(client, person_id)
    url = f"/staff/reviews/{review_id}/h/like-and-admire"
    client.post(url, data={"text": "Great laugh", "csrf_token": form_token(client, url)})
    token = form_token(client, f"/staff/people/{person_id}")
    exported = client.post(f"/staff/people/{person_id}/export", data={"csrf_token": token})
    data = exported.get_json(force=True)
    assert data["person"]["display_name"] == "Sam"
    assert [s["text"] for s in data["statements"]] == ["Great laugh"]
    client.post(f"/staff/people/{person_id}/erase", data={"csrf_token": token,
                                                          "confirm": "yes"})
    person = db.session.get(Person, person_id)
    assert person.erased_at is not None and person.display_name == "erased"
    assert db.session.scalar(select(func.count(Statement.id))) == 0
    assert db.session.scalar(select(func.count(Review.id))) == 0
    assert db.session.scalar(select(AccessLog.action).order_by(AccessLog.id.desc())) == "erase"


def test_staff_make_invitation_links_and_printable_cards(staff_app):
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    url = "/staff/invitations/"
    page = Page(client.get(url))
    service_id = db.session.scalar(select(Service.id).filter_by(name="Oak House"))
    made = Page(client.post(url, data={
        "bank": "monthly-check-in", "service": service_id, "language": "cy", "count": "3",
        "output": "links", "csrf_token": page.csrf}))
    links = re.findall(r'<li><a href="(http[^"]+/r/[^"]+)"', made.html)
    assert len(set(links)) == 3
    cards = client.post(url, data={"bank": "monthly-check-in", "service": service_id,
                                   "language": "en", "count": "2", "output": "a6",
                                   "csrf_token": page.csrf})
    assert cards.mimetype == "application/pdf" and cards.data.startswith(b"%PDF")
    too_many = Page(client.post(url, data={"bank": "monthly-check-in", "service": service_id,
                                           "language": "en", "count": "9999", "output": "links",
                                           "csrf_token": page.csrf}))
    assert too_many.status == 400 and "between 1 and 500" in too_many
    not_a_number = Page(client.post(url, data={
        "bank": "monthly-check-in", "service": service_id, "language": "en", "count": "three",
        "output": "links", "csrf_token": page.csrf}))
    assert not_a_number.status == 400
    assert "Enter a whole number, for example 3." in not_a_number
    assert "between 1 and 500" not in not_a_number  # one message, not two
    assert "Not a valid integer value" not in not_a_number
    assert 'value="three"' in not_a_number.html



def test_invitation_languages_are_the_ones_the_organisation_offers(staff_app):
    from reviewkit.models import Organisation

    org = db.session.scalar(select(Organisation))
    org.languages = ["en", "cy"]
    db.session.commit()
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    url = "/staff/invitations/"
    page = Page(client.get(url))
    offered = re.findall(r'<option[^>]*value="([a-z]{2})"', page.html)
    assert offered == ["en", "cy"]
    service_id = db.session.scalar(select(Service.id).filter_by(name="Oak House"))
    refused = Page(client.post(url, data={
        "bank": "monthly-check-in", "service": service_id, "language": "ur", "count": "2",
        "output": "links", "csrf_token": page.csrf}))
    assert refused.status == 400 and "/r/" not in refused.html

def test_dashboard_shows_overdue_actions_to_facilitators_and_managers(staff_app):
    client, review_id = _facilitator_review(staff_app)
    _agreed_long_ago(review_id, "Ring Jo's GP on 07700 900123")
    assert "Ring Jo&#39;s GP on 07700 900123" in Page(client.get("/staff/")).html
    manager = staff_app.test_client()
    sign_in(manager, "manager")
    page = Page(manager.get("/staff/"))
    assert "Overdue actions" in page and "07700 900123" not in page.html


def test_the_persons_own_phone_answers_appear_under_the_same_headings(staff_app):

    _phone_answers("R-1", "I make people laugh")
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    review_id = _start(client, _add_person(client))  # the person's reference is R-1
    page = Page(client.get(f"/staff/reviews/{review_id}/h/like-and-admire"))
    assert "From their phone" in page and "I make people laugh" in page


def test_adding_a_person_offers_the_languages_the_organisation_offers(staff_app):
    """The organisation's settings say which languages it offers people: a person's preferred
    language is one of those (it listed all seven, so an invitation could be made in a
    language the organisation had turned off)."""
    from reviewkit.models import Organisation

    db.session.scalar(select(Organisation)).languages = ["en", "cy"]
    db.session.commit()
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    page = Page(client.get("/staff/people/"))
    offered = re.findall(r'<option value="([a-z]{2})"', page.html.split('name="language"')[1]
                         .split("</select>")[0])
    assert offered == ["en", "cy"]
    refused = Page(client.post("/staff/people/", data={
        "display_name": "Jo", "reference": "R-9", "language": "ur", "csrf_token": page.csrf,
        "service_id": db.session.scalar(select(Service.id).filter_by(name="Oak House"))}))
    assert refused.status == 400 and "Jo" in refused.html
    assert db.session.scalar(select(Person).filter_by(reference="R-9")) is None


def test_a_persons_own_phone_link_from_their_page_joins_their_answers_to_the_review(
        staff_app):
    """From the person's page a facilitator makes the person's own link (their language, easy
    read, their reference on it), or a card; what they answer on their phone comes up in the
    review conversation. Only for people the facilitator may see, and only with a reference."""
    from conftest import pages_of, start_journey

    from reviewkit.models import Invitation
    from reviewkit.models import Response as PhoneResponse
    from reviewkit.services import responses as rsp

    client = staff_app.test_client()
    sign_in(client, "facilitator")
    service_id = db.session.scalar(select(Service.id).filter_by(name="Oak House"))
    client.post("/staff/people/", data={
        "display_name": "Jo", "reference": "R-7", "service_id": service_id, "language": "cy",
        "easy_read": "y", "csrf_token": form_token(client, "/staff/people/")})
    person = db.session.scalar(select(Person).filter_by(reference="R-7"))
    url = f"/staff/people/{person.id}"

    def make(person_id: int, output: str = "link", bank: str = "person-centred-review"):
        return client.post(f"/staff/people/{person_id}/phone-link", data={
            "phone-bank": bank, "phone-output": output,
            "phone-csrf_token": form_token(client, url)})
    assert "Their part on their phone" in Page(client.get(url))
    made = Page(make(person.id))
    assert made.status == 200
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.person_ref, invitation.language, invitation.easy_read) == ("R-7", "cy",
                                                                                  True)
    link = f"/r/{invitation.token}"
    assert link in made.html and "for them only" in made
    assert db.session.scalar(select(AccessLog).filter_by(action="invite")).object_id == person.id

    # the person answers on their phone; the review started afterwards shows it
    start_journey(pages_of(staff_app.test_client()), invitation)
    response = db.session.scalar(select(PhoneResponse))
    rsp.save_answer(response, "admire", ["Gwneud i bobl chwerthin"])
    rsp.submit(response)
    review_id = _start(client, person.id)
    page = Page(client.get(f"/staff/reviews/{review_id}/h/like-and-admire"))
    assert "From their phone" in page and "Gwneud i bobl chwerthin" in page

    card = make(person.id, "a6")
    assert card.status_code == 200 and card.mimetype == "application/pdf"
    assert card.data.startswith(b"%PDF")

    # a forged bank, a person of another service, a person with no reference: refused
    forged = Page(make(person.id, bank="no-such-bank"))
    assert forged.status == 400 and "Choose from the list." in forged
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    kim = _add_person(admin, "Kim", service="Elm Court")
    assert make(kim).status_code in (403, 404)
    admin.post("/staff/people/", data={
        "display_name": "Lee", "reference": "", "service_id": service_id, "language": "en",
        "csrf_token": form_token(admin, "/staff/people/")})
    lee = db.session.scalar(select(Person).filter_by(display_name="Lee"))
    assert "joined to a person" in Page(client.get(f"/staff/people/{lee.id}"))
    assert make(lee.id).status_code == 400
    assert db.session.scalar(select(func.count(Invitation.id))) == 2


def test_a_double_submitted_statement_is_stored_once_and_long_ones_are_refused(staff_app):
    client, review_id = _facilitator_review(staff_app)
    url = f"/staff/reviews/{review_id}/h/like-and-admire"
    page = Page(client.get(url))
    key = re.search(r'name="key" type="hidden" value="([0-9a-f]+)"', page.html).group(1)
    for _ in range(2):  # a double tap sends the same form twice
        r = client.post(url, data={"text": "Loves dancing", "key": key, "csrf_token": page.csrf})
        assert r.status_code == 302
    assert db.session.scalar(select(func.count(Statement.id))) == 1
    long = "a" * 10_000
    refused = Page(client.post(url, data={"text": long, "key": "other",
                                          "csrf_token": page.csrf}))
    assert refused.status == 400 and "Keep each statement under 500 characters" in refused
    assert long in refused.html
    assert db.session.scalar(select(func.count(Statement.id))) == 1


def test_erasing_a_person_removes_their_phone_answers_too(staff_app):
    from reviewkit.models import Answer, Invitation

    _phone_answers("R-1", "I make people laugh")
    client = staff_app.test_client()
    sign_in(client, "admin")
    person_id = _add_person(client)  # reference R-1
    token = form_token(client, f"/staff/people/{person_id}")
    client.post(f"/staff/people/{person_id}/erase", data={"csrf_token": token,
                                                          "confirm": "yes"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Answer.id))) == 0
    assert db.session.scalar(select(func.count(Statement.id))) == 0
    assert db.session.scalar(select(Invitation.person_ref)) is None


def test_the_summary_is_in_the_persons_language(staff_app, tmp_path):
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    service_id = db.session.scalar(select(Service.id).filter_by(name="Oak House"))
    token = form_token(client, "/staff/people/")
    r = client.post("/staff/people/", data={"display_name": "Cai", "service_id": service_id,
                                            "language": "cy", "csrf_token": token})
    person_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    review_id = _start(client, person_id)
    url = f"/staff/reviews/{review_id}/h/like-and-admire"
    client.post(url, data={"text": "Mae Cai yn garedig", "kind": "strength",
                           "csrf_token": form_token(client, url)})
    page = Page(client.get(f"/staff/reviews/{review_id}/summary"))
    # the summary is Welsh; the page around it stays in the support worker's language
    assert page.lang == "en" and 'class="summary-page easy-read" lang="cy"' in page.html
    assert "Mae Cai yn garedig" in page
    bank = db.session.get(Review, review_id).bank_version.bank
    english = next(s for s in bank.sections if s.id == "like-and-admire").easy_read
    assert english not in page.html  # the heading is in Welsh, from banks.po
    pdf = tmp_path / "cy.pdf"
    pdf.write_bytes(client.get(f"/staff/reviews/{review_id}/summary.pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Mae Cai yn garedig" in text and english not in " ".join(text.split())


def _add_action(client, review_id: int, due_on: str):
    url = f"/staff/reviews/{review_id}/actions"
    return client.post(url, data={"what": "Book the dentist", "who": "Alex", "due_on": due_on,
                                  "csrf_token": form_token(client, url)})


def test_an_action_due_in_the_past_or_before_the_review_is_refused_and_kept(staff_app):
    """An action due on a day that has passed would be overdue at once, so it is refused with
    a message, and what was typed stays in the boxes; a review set for next week takes no
    action due before it, and one due on its day."""
    from reviewkit.services.clock import today_

    client, review_id = _facilitator_review(staff_app)
    today = today_(db.session.get(Review, review_id).organisation_id)  # the organisation's day
    yesterday = (today - timedelta(days=1)).isoformat()
    early = Page(_add_action(client, review_id, yesterday))
    assert early.status == 400
    assert "This date has passed: choose today" in early
    assert f'value="{yesterday}"' in early.html and "Book the dentist" in early
    assert db.session.scalar(select(func.count(Action.id))) == 0
    assert _add_action(client, review_id, today.isoformat()).status_code == 302

    next_week = today + timedelta(days=7)
    ahead = _start(client, _add_person(client, "Sam"), held_on=next_week.isoformat())
    before = Page(_add_action(client, ahead, today.isoformat()))
    assert before.status == 400
    assert f"This date is before the review ({next_week.isoformat()})" in before
    assert _add_action(client, ahead, next_week.isoformat()).status_code == 302
    assert db.session.scalar(select(func.count(Action.id))) == 2


def test_an_unreadable_action_date_gets_the_apps_own_message(staff_app):
    client, review_id = _facilitator_review(staff_app)
    bad = Page(_add_action(client, review_id, "31/02/2026"))
    assert bad.status == 400
    assert "Enter the date as year, month and day, for example 2027-03-31." in bad
    assert "Not a valid date value" not in bad
    assert 'value="31/02/2026"' in bad.html



def test_the_page_after_an_add_says_what_was_added(staff_app):
    """Without JavaScript the page comes back naming the statement just added (only one of
    this heading); the script's add gets the page as it now is, problems gone, count up."""
    client, review_id = _facilitator_review(staff_app)
    url = f"/staff/reviews/{review_id}/h/like-and-admire"
    r = client.post(url, data={"text": "I love the garden", "csrf_token": form_token(client, url)})
    assert r.status_code == 302 and "added=" in r.headers["Location"]
    page = Page(client.get(r.headers["Location"]))
    assert "Added: I love the garden" in page
    added = re.search(r"added=(\d+)", r.headers["Location"]).group(1)
    other = Page(client.get(f"/staff/reviews/{review_id}/h/important-to-me?added={added}"))
    assert "Added:" not in other
    r = Page(client.post(url, data={"text": "Great at jigsaws", "csrf_token": page.csrf},
                         headers={"X-Requested-With": "fetch"}))
    assert r.status == 201 and "Added: Great at jigsaws" in r
    assert "There is a problem" not in r and 'data-region="count">(2)' in r.html


def test_an_action_can_be_changed_with_the_rules_of_adding_one(staff_app):
    """A typo in who or a wrong date stayed on the review for ever. "Change" opens the form of
    adding, filled in: its rules hold (all problems at once, nothing typed lost), and an
    overdue action keeps its date when only who changes."""
    client, review_id = _facilitator_review(staff_app)
    _agreed_long_ago(review_id, "Book the dentist")
    action = db.session.scalar(select(Action).filter_by(what="Book the dentist"))
    listing = Page(client.get(f"/staff/reviews/{review_id}/actions"))
    edit = f"/staff/reviews/{review_id}/actions/{action.id}"
    assert f'href="{edit}"' in listing.html and f'href="{edit}/delete"' in listing.html
    page = Page(client.get(edit))
    assert page.status == 200 and page.title.startswith("Change an action")
    assert 'value="Alex"' in page.html and action.due_on.isoformat() in page.html

    kept = action.due_on
    r = client.post(edit, data={"what": "Book the dentist", "who": "Alix",
                                "due_on": kept.isoformat(), "csrf_token": page.csrf})
    assert r.status_code == 302 and r.headers["Location"].endswith(
        f"/staff/reviews/{review_id}/actions")
    db.session.expire_all()
    assert (db.session.get(Action, action.id).who, db.session.get(Action, action.id).due_on) \
        == ("Alix", kept)

    yesterday = (kept + timedelta(days=3)).isoformat()  # another past day is a new date
    bad = Page(client.post(edit, data={"what": "", "who": "Sam", "due_on": yesterday,
                                       "csrf_token": page.csrf}))
    assert bad.status == 400 and bad.title.startswith("Error:")
    assert "Say what will happen" in bad and "This date has passed: choose today" in bad
    assert 'value="Sam"' in bad.html and f'value="{yesterday}"' in bad.html
    db.session.expire_all()
    assert db.session.get(Action, action.id).who == "Alix"

    later = (date.today() + timedelta(days=30)).isoformat()
    client.post(edit, data={"what": "Book the dentist in town", "who": "Sam",
                            "due_on": later, "csrf_token": page.csrf})
    db.session.expire_all()
    changed = db.session.get(Action, action.id)
    assert (changed.what, changed.who, changed.due_on.isoformat()) == (
        "Book the dentist in town", "Sam", later)
    summary = Page(client.get(f"/staff/reviews/{review_id}/summary"))
    assert "Sam" in summary and "Alex" not in summary


def test_an_action_deleted_by_mistake_comes_back_with_undo_as_it_was(staff_app):
    """Delete asks first; after it the actions page says what went, with Undo (a form),
    which brings the action back with the same words, owner, date, done mark and place."""
    client, review_id = _facilitator_review(staff_app)
    _agreed_long_ago(review_id, "Ring the college")
    _agreed_long_ago(review_id, "Book the dentist")
    _agreed_long_ago(review_id, "Visit the library")
    action = db.session.scalar(select(Action).filter_by(what="Book the dentist"))
    from reviewkit.services import reviews as rv
    rv.set_action_done(action, True)
    before = (action.what, action.who, action.due_on, action.done_at)
    actions = f"/staff/reviews/{review_id}/actions"
    url = f"{actions}/{action.id}/delete"
    ask = Page(client.get(url))
    assert ask.status == 200 and ask.title.startswith("Delete this action?")
    assert "Book the dentist" in ask and "You can undo this straight after." in ask
    r = client.post(url, data={"csrf_token": ask.csrf})  # the button was not pressed
    assert r.status_code == 200 and not db.session.get(Action, action.id).is_deleted
    assert client.post(url, data={"confirm": "yes"}).status_code == 400  # no CSRF token
    r = client.post(url, data={"confirm": "yes", "csrf_token": ask.csrf})
    assert r.headers["Location"].endswith(f"{actions}?undo={action.id}")
    after = Page(client.get(r.headers["Location"]))
    assert "Deleted: “Book the dentist”." in after
    assert f'action="{actions}/{action.id}/undo"' in after.html
    assert f'href="{url}"' not in after.html  # not listed any more
    summary = Page(client.get(f"/staff/reviews/{review_id}/summary"))
    assert "Book the dentist" not in summary and "Ring the college" in summary
    r = client.post(f"{actions}/{action.id}/undo", data={"csrf_token": after.csrf})
    assert r.headers["Location"].endswith(actions)
    db.session.expire_all()
    back = db.session.get(Action, action.id)
    assert (back.what, back.who, back.due_on, back.done_at) == before and not back.is_deleted
    listing = Page(client.get(actions)).html
    assert (listing.index("Ring the college") < listing.index("Book the dentist")
            < listing.index("Visit the library"))  # in its place again
    assert "Book the dentist" in Page(client.get(f"/staff/reviews/{review_id}/summary"))
    assert "Deleted:" not in Page(client.get(r.headers["Location"] + f"?undo={action.id}"))


def test_undo_of_an_action_is_refused_outside_its_review_and_service(staff_app):
    """Undo checks the action as Delete does: another review's action id is 404 under this
    review, and another service's review is refused; the action stays deleted."""
    from reviewkit.services import reviews as rv

    client, review_id = _facilitator_review(staff_app)
    other = _start(client, _add_person(client, "Sam"))
    _agreed_long_ago(other, "Visit the college")
    mine = db.session.scalar(select(Action).filter_by(what="Visit the college"))
    rv.delete(mine)
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    elm = _start(admin, _add_person(admin, "Kim", service="Elm Court"))
    _agreed_long_ago(elm, "Ring Kim's sister")
    theirs = db.session.scalar(select(Action).filter_by(what="Ring Kim's sister"))
    rv.delete(theirs)
    token = form_token(client, f"/staff/reviews/{review_id}/actions")
    assert client.post(f"/staff/reviews/{review_id}/actions/{mine.id}/undo",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/staff/reviews/{elm}/actions/{theirs.id}/undo",
                       data={"csrf_token": token}).status_code in (403, 404)
    # ?undo= with another review's action says nothing of it.
    shown = Page(client.get(f"/staff/reviews/{review_id}/actions?undo={mine.id}"))
    assert "Visit the college" not in shown and "Deleted:" not in shown
    db.session.expire_all()
    assert db.session.get(Action, mine.id).is_deleted
    assert db.session.get(Action, theirs.id).is_deleted
    # Through its own review, by someone who may see it, the same Undo works.
    assert admin.post(f"/staff/reviews/{elm}/actions/{theirs.id}/undo", data={
        "csrf_token": form_token(admin, f"/staff/reviews/{elm}/actions")}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(Action, theirs.id).is_deleted


def test_an_action_is_changed_only_through_its_own_review_and_service(staff_app):
    """Action ids are global: one of another review is 404 under this review's URL, and a
    facilitator of another service gets 403 or 404, never the action."""
    client, review_id = _facilitator_review(staff_app)
    other = _start(client, _add_person(client, "Sam"))
    _agreed_long_ago(other, "Visit the college")
    action = db.session.scalar(select(Action).filter_by(what="Visit the college"))
    for path in (f"/staff/reviews/{review_id}/actions/{action.id}",
                 f"/staff/reviews/{review_id}/actions/{action.id}/delete"):
        assert client.get(path).status_code == 404
        token = form_token(client, f"/staff/reviews/{review_id}/actions")
        assert client.post(path, data={"what": "X", "who": "Y", "confirm": "yes",
                                       "csrf_token": token}).status_code == 404
    admin = staff_app.test_client()
    sign_in(admin, "admin")
    elm = _start(admin, _add_person(admin, "Kim", service="Elm Court"))
    _agreed_long_ago(elm, "Ring Kim's sister")
    theirs = db.session.scalar(select(Action).filter_by(what="Ring Kim's sister"))
    for path in (f"/staff/reviews/{elm}/actions/{theirs.id}",
                 f"/staff/reviews/{elm}/actions/{theirs.id}/delete"):
        assert client.get(path).status_code in (403, 404)
        assert admin.get(path).status_code == 200
    db.session.expire_all()
    assert db.session.get(Action, action.id).what == "Visit the college"
    assert db.session.get(Action, theirs.id).what == "Ring Kim's sister"

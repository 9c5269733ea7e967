"""A review on a tablet done in a hurry, in a real browser: what a busy support worker does
(pastes a long note, keeps two tabs open, works with JavaScript off) must never lose what they
typed or leave them lost."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Statement

from .browsing import staff_sign_in
from .test_review_tablet import (  # noqa: F401  (app: the fixture the live server serves)
    LANDSCAPE,
    PERSON,
    app,
    open_review_heading,
    stored_texts,
)

pytestmark = pytest.mark.browser

# A note taken in the meeting, pasted in one go: longer than one statement may be (500).
LONG_NOTE = ("Megan told us that the bus to the day centre is often late, sometimes by forty "
             "minutes, and that when it is late she misses the start of the cooking group, "
             "which is the thing she likes most in the week. Carys added that she has phoned "
             "the transport office three times and nobody calls back. ") * 3
LONG_NOTE = LONG_NOTE.strip()


def review_page(base: str, contexts, section_id: str, *, javascript: bool = True):
    """The facilitator on heading ``section_id`` of a new review (see open_review_heading)."""
    return open_review_heading(None, base, contexts, section_id, javascript=javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_long_pasted_note_is_refused_whole_not_cut_short(javascript, live_server,
                                                           contexts):
    """A 700-letter note pasted into the box was cut to 500 letters by the browser and stored
    cut, without a word: the end of what was said was lost. Now the box takes all of it, Add
    says to split it, and every letter is still in the box to split."""
    assert len(LONG_NOTE) > 500
    page, keys, review_id = review_page(live_server, contexts, "working-not-working",
                                        javascript=javascript)
    box = page.locator("#text")
    keys.focus(box)
    page.keyboard.insert_text(LONG_NOTE)  # as a paste
    assert box.input_value() == LONG_NOTE, "the box cut the pasted note short"
    with page.expect_navigation():  # with JavaScript, the refused add posts the form
        page.keyboard.press("Enter")
    error = page.locator("#text-error")
    assert "Keep each statement under 500 characters" in error.inner_text()
    assert page.locator("#text").input_value() == LONG_NOTE
    assert stored_texts(review_id) == []
    assert db.session.scalar(select(Statement.id).filter_by(review_id=review_id)) is None


def test_a_welsh_persons_summary_keeps_the_support_workers_buttons_in_english(live_server,
                                                                              contexts):
    """Megan reads Welsh: her summary is in Welsh. The whole page used to turn Welsh with it,
    the menu, "Sign out", the download and back buttons and every "Add as an idea" link, so a
    support worker who reads no Welsh could not find their way off the page. Now only her
    summary is Welsh (and marked so); what the support worker presses is in English."""
    from datetime import date

    from reviewkit.models import User
    from reviewkit.services import people, reviews
    from reviewkit.services.banks import latest_version

    user = db.session.scalar(select(User).filter_by(email="facilitator@example.org"))
    person = people.create_person(user, display_name="Megan", reference=None,
                                  service_id=user.services[0].id, language="cy",
                                  easy_read=True)
    people.record_consent(user, person, scope="pooled", given=True, note="")
    review = reviews.start_review(user, person, latest_version("person-centred-review"),
                                  date.today())
    reviews.add_statement(review, "like-and-admire", review.contributors[0].id, "strength",
                          "Dw i'n dda am bobi bara brith")
    page = contexts.page(**LANDSCAPE)
    keys = staff_sign_in(page, live_server, "facilitator@example.org")
    page.goto(f"{live_server}/staff/reviews/{review.id}/summary")
    assert page.locator("html").get_attribute("lang") == "en"
    summary = page.locator(".summary-page")
    assert summary.get_attribute("lang") == "cy"
    assert summary.locator("h1").inner_text().startswith("Fy adolygiad")
    assert "Dw i'n dda am bobi bara brith" in summary.inner_text()
    # What the support worker presses reads in English, each control marked English.
    idea = summary.get_by_role("link", name=re.compile(r"^Add as an idea\s?: Dw i'n dda"))
    assert idea.get_attribute("lang") == "en"
    page.get_by_role("button", name="Sign out").wait_for()
    download = page.get_by_role("link", name="Download the summary (PDF)")
    keys.focus(download)
    with page.expect_download() as got:
        page.keyboard.press("Enter")
    assert got.value.suggested_filename == f"review-{review.id}-summary.pdf"
    page.get_by_role("link", name="Back to actions").wait_for()


def test_an_edit_saved_after_another_tab_deleted_the_statement_is_not_lost(live_server,
                                                                           contexts):
    """Two tabs on the same review: in one the support worker starts correcting a statement;
    in the other (or on a colleague's tablet) it is deleted. Saving the correction used to
    go to the heading with the statement nowhere to be seen and no word why: what was typed
    was lost. Now saving brings it back with the correction, and the page says so."""
    page, keys, review_id = review_page(live_server, contexts, "like-and-admire")
    keys.focus(page.locator("#text"))
    page.keyboard.type("Good at jigsw puzzles")
    page.keyboard.press("Enter")
    page.locator("[data-list] li .text", has_text="jigsw").wait_for()
    other = page.context.new_page()  # the second tab
    other.goto(page.url)
    keys.press(page.locator("[data-list]").get_by_role("link", name=re.compile("^Edit or move")))
    assert page.locator("h1").inner_text() == "Edit a statement"
    with other.expect_navigation():
        other.locator("[data-list]").get_by_role(
            "button", name=re.compile("^Delete")).click()
    assert stored_texts(review_id) == []
    keys.type(page.locator("#text"), "Good at jigsaw puzzles")
    keys.press(keys.button("Save"))
    assert "/h/like-and-admire" in page.url
    listed = page.locator("[data-list] li .text").all_inner_texts()
    assert [t.strip() for t in listed] == ["Good at jigsaw puzzles"]
    assert "Saving your change brought it back" in page.locator("main").inner_text()
    assert stored_texts(review_id) == ["Good at jigsaw puzzles"]
    # Opening the edit of a deleted statement says so before anything is typed.
    other.reload()
    with other.expect_navigation():
        other.locator("[data-list]").get_by_role(
            "button", name=re.compile("^Delete")).click()
    page.goto(f"{live_server}/staff/reviews/{review_id}/s/"
              + str(db.session.scalar(select(Statement.id).filter_by(review_id=review_id))))
    assert "This statement has been deleted" in page.locator("main").inner_text()


def test_erase_their_record_asks_first(live_server, contexts):
    """"Erase their record" sat beside "Download everything we hold" and erased the person,
    their reviews and every statement at the first tap. Now it asks on a page of its own,
    which says what will go; Cancel keeps everything."""
    from reviewkit.models import Person, Review

    page, keys, review_id = review_page(live_server, contexts, "like-and-admire")
    person_id = db.session.get(Review, review_id).person_id
    page.goto(f"{live_server}/staff/people/{person_id}")
    keys.press(keys.button("Erase their record"))
    assert page.locator("h1").inner_text() == f"Erase {PERSON}'s record?"
    assert "It cannot be undone." in page.locator("main").inner_text()
    db.session.expire_all()
    assert db.session.get(Person, person_id).erased_at is None
    assert db.session.get(Review, review_id) is not None
    keys.press(keys.link("Cancel: keep their record"))
    assert page.locator("h1").inner_text() == PERSON
    keys.press(keys.button("Erase their record"))
    keys.press(keys.button(f"Erase {PERSON}'s record for good"))
    assert "have been erased" in page.locator("main").inner_text()
    db.session.expire_all()
    assert db.session.get(Person, person_id).erased_at is not None
    assert db.session.get(Review, review_id) is None


def test_the_summary_says_which_things_are_working_and_which_are_not(live_server, contexts,
                                                                     tmp_path):
    """Under "What is working and not working" the summary listed everything in one list:
    "I like my key worker" and "The bus is late most days" read the same, and the person
    could not tell from their summary which was which. Now each kind has its own list, on the
    page and in the PDF they keep."""
    from reviewkit.models import Review
    from reviewkit.services import reviews

    from .test_review_tablet import pdf_text

    page, keys, review_id = review_page(live_server, contexts, "working-not-working")
    for text, kind in [("I like my key worker", "Working"),
                       ("The bus is late most days", "Not working"),
                       ("Swimming on Fridays is great", "Working")]:
        keys.choose(page.locator("#kind"), kind)
        keys.focus(page.locator("#text"))
        page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.locator("[data-list] li .text", has_text=text).wait_for()
    review = db.session.get(Review, review_id)
    reviews.add_statement(review, "like-and-admire", None, None, "Kind to everyone")
    page.goto(f"{live_server}/staff/reviews/{review_id}/summary")
    section = page.locator(".sum-section", has_text="The bus is late most days")
    lists = {section.locator("h3").nth(i).inner_text():
             [t.strip() for t in section.locator("ul").nth(i).locator("li").all_inner_texts()]
             for i in range(section.locator("h3").count())}
    assert lists == {"Working": ["I like my key worker", "Swimming on Fridays is great"],
                     "Not working": ["The bus is late most days"]}
    # A heading of one kind keeps its one list, without a kind's heading.
    admire = page.locator(".sum-section", has_text="Kind to everyone")
    assert admire.locator("h3").count() == 0
    keys.focus(keys.link("Download the summary (PDF)"))
    with page.expect_download() as got:
        page.keyboard.press("Enter")
    pdf = tmp_path / "summary.pdf"
    got.value.save_as(pdf)
    text = pdf_text(pdf)
    assert re.search(r"Working • I like my key worker • Swimming on Fridays is great "
                     r"Not working • The bus is late most days", text), text


def test_someone_who_arrives_late_is_added_without_losing_the_place(live_server, contexts):
    """Mid-review, the advocate arrives. The heading pages had no way back to "Who is taking
    part" (only the address bar), and from there "Start the conversation" went back to the
    first heading. Now "Who is taking part" is in the headings list; after adding them, one
    button goes back to the heading the conversation was on, with them to choose."""
    page, keys, review_id = review_page(live_server, contexts, "important-for-me")
    steps = page.get_by_role("navigation", name="Headings")
    keys.press(steps.get_by_role("link", name="Who is taking part"))
    assert page.locator("h1").inner_text() == "Who is taking part"
    # The person is on the list already: the next one in is not "The person" again.
    assert page.locator("#role").input_value() == "family"
    keys.type(page.locator("#name"), "Alun")
    keys.choose(page.locator("#role"), "Advocate")
    keys.press(keys.button("Add"))
    assert "Alun Advocate" in " ".join(page.locator("ul.people").inner_text().split())
    keys.press(keys.link("Back to the conversation: What is important for me"))
    assert f"/staff/reviews/{review_id}/h/important-for-me" in page.url
    keys.choose(page.locator("#contributor"), "Alun (Advocate)")
    keys.focus(page.locator("#text"))
    page.keyboard.type("Needs an interpreter at the GP")
    page.keyboard.press("Enter")
    page.locator("[data-list] li", has_text="Needs an interpreter").wait_for()
    added = db.session.scalar(select(Statement).filter_by(review_id=review_id))
    assert added.contributor.name == "Alun" and added.section_id == "important-for-me"


def test_a_review_can_be_carried_on_later_and_finished(live_server, contexts):
    """The tablet went to sleep mid-review; the next day the person's page offered only the
    summary (and from there, back through the actions). There was no way to finish a review
    either, so nobody could tell a finished review from one stopped half way. Now the
    person's page says which reviews are not finished with a link to carry on, and the
    summary has "Finish the review"."""
    from reviewkit.models import Review

    page, keys, review_id = review_page(live_server, contexts, "like-and-admire")
    person_id = db.session.get(Review, review_id).person_id
    page.goto(f"{live_server}/staff/people/{person_id}")
    reviews_list = page.locator("main ul").first
    assert "not finished" in reviews_list.inner_text()
    keys.press(reviews_list.get_by_role("link", name=re.compile("^Carry on with this review")))
    assert page.locator("h1").inner_text() == "Who is taking part"
    keys.press(keys.link("Start the conversation"))
    keys.press(page.get_by_role("navigation", name="Headings").get_by_role(
        "link", name="Actions"))
    keys.press(keys.link("See the summary"))
    keys.press(keys.button("Finish the review"))
    assert "The review is finished." in page.locator("main").inner_text()
    assert keys.button("Finish the review").count() == 0
    db.session.expire_all()
    assert db.session.get(Review, review_id).finished_at is not None
    page.goto(f"{live_server}/staff/people/{person_id}")
    reviews_list = page.locator("main ul").first
    assert "finished" in reviews_list.inner_text()
    assert "not finished" not in reviews_list.inner_text()
    assert reviews_list.get_by_role("link", name=re.compile("^Carry on")).count() == 0


def test_the_persons_page_offers_the_usual_review_and_says_what_consent_was_for(live_server,
                                                                                contexts):
    """The consent list showed the code "pooled" (words nobody at the service uses), and the
    conversation offered first was the appreciative inquiry, so a hurried Enter started the
    wrong conversation. Now the consent reads as it was asked, and the person-centred review
    is the one chosen."""
    from reviewkit.models import Review

    page, keys, review_id = review_page(live_server, contexts, "like-and-admire")
    person_id = db.session.get(Review, review_id).person_id
    page.goto(f"{live_server}/staff/people/{person_id}")
    keys.radio(page.locator("input[name=scope]"), 1)  # shared to help plan services
    keys.radio(page.locator("input[name=given]"), 0)  # yes
    keys.press(keys.button("Record consent"))
    consents = page.locator("h2:has-text('Record consent') + ul").inner_text()
    assert ("Their statements, without their name, are shared to help plan services – yes"
            in consents), consents
    assert "pooled" not in consents
    chosen = page.locator("#bank").evaluate("el => el.options[el.selectedIndex].text")
    assert chosen == "My person-centred review"
    keys.press(keys.button("Start a review conversation"))
    started = db.session.scalars(select(Review).filter_by(person_id=person_id)
                                 .order_by(Review.id.desc())).first()
    assert started.id != review_id
    assert started.bank_version.bank_id == "person-centred-review"


def test_a_long_note_pasted_into_an_edit_is_kept_whole(live_server, contexts):
    """The edit page's box cut a pasted note at 500 letters too, and saved it cut. Now Save
    says to split it and the whole note stays in the box."""
    page, keys, review_id = review_page(live_server, contexts, "working-not-working")
    keys.focus(page.locator("#text"))
    page.keyboard.type("Bus late")
    page.keyboard.press("Enter")
    page.locator("[data-list] li .text", has_text="Bus late").wait_for()
    keys.press(page.locator("[data-list]").get_by_role("link", name=re.compile("^Edit or move")))
    box = page.locator("#text")
    keys.focus(box)
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(LONG_NOTE)
    assert box.input_value() == LONG_NOTE, "the box cut the pasted note short"
    keys.press(keys.button("Save"))
    assert "Keep each statement under 500 characters" in page.locator("main").inner_text()
    assert page.locator("#text").input_value() == LONG_NOTE
    assert stored_texts(review_id) == ["Bus late"]


def test_a_name_typed_wrong_can_be_put_right(live_server, contexts, tmp_path):
    """"Cayrs" typed in a hurry for Carys stayed on every statement she made and in the
    summary the person keeps: there was no way to correct a name. Now each person on "Who is
    taking part" has "Change"; what they said stays theirs, under the right name."""
    page, keys, review_id = review_page(live_server, contexts, "like-and-admire")
    steps = page.get_by_role("navigation", name="Headings")
    keys.press(steps.get_by_role("link", name="Who is taking part"))
    keys.type(page.locator("#name"), "Cayrs")
    keys.press(keys.button("Add"))
    keys.press(keys.link("Back to the conversation: What people like and admire about me"))
    keys.choose(page.locator("#contributor"), "Cayrs (Family)")
    keys.focus(page.locator("#text"))
    page.keyboard.type("Always makes us laugh")
    page.keyboard.press("Enter")
    page.locator("[data-list] li .tag", has_text="Cayrs").wait_for()
    keys.press(page.get_by_role("navigation", name="Headings").get_by_role(
        "link", name="Who is taking part"))
    keys.press(page.locator("ul.people").get_by_role(
        "link", name=re.compile(r"^Change\s?: Cayrs$")))
    keys.type(page.locator("#name"), "Carys")
    keys.press(keys.button("Save"))
    assert "Carys" in page.locator("ul.people").inner_text()
    assert "Cayrs" not in page.locator("ul.people").inner_text()
    keys.press(keys.link("Back to the conversation: What people like and admire about me"))
    assert page.locator("[data-list] li .tag").inner_text().strip() == "Carys"
    page.goto(f"{live_server}/staff/reviews/{review_id}/summary")
    assert "Always makes us laugh – Carys" in page.locator(".summary-page").inner_text()


def test_an_actions_who_and_date_can_be_put_right_by_keyboard(live_server, contexts):
    """"Pryia" typed in a hurry and the wrong month stayed on the action, the review and the
    person's summary for ever: an action could not be changed or deleted. Now each action has
    "Change" (the form of adding it, filled in) and "Delete" (which asks first)."""
    from datetime import date

    from reviewkit.models import Action, Review
    from reviewkit.services import reviews

    page, keys, review_id = review_page(live_server, contexts, "like-and-admire")
    year = date.today().year + 1
    review = db.session.get(Review, review_id)
    reviews.add_action(review, what="Ring the GP", who="Pryia", due_on=date(year, 3, 3))
    reviews.add_action(review, what="Ring the wrong college", who="Ann", due_on=None)
    keys.press(page.get_by_role("navigation", name="Headings").get_by_role(
        "link", name="Actions"))
    keys.press(page.get_by_role("link", name=re.compile(r"^Change\s?: Ring the GP$")))
    assert page.locator("h1").inner_text() == "Change an action"
    assert page.locator("#what").input_value() == "Ring the GP"
    keys.type(page.locator("#who"), "Priya")
    keys.focus(page.locator("#due_on"))
    page.keyboard.type(f"0404{year}")  # dd mm yyyy or mm dd yyyy: 04 04 either way
    assert page.locator("#due_on").input_value() == f"{year}-04-04"
    keys.press(keys.button("Save"))
    assert page.locator("h1").inner_text() == "What happens next"
    row = page.locator("table tbody tr", has_text="Ring the GP").inner_text()
    assert "Priya" in row and f"{year}-04-04" in row and "Pryia" not in row

    keys.press(page.get_by_role("link", name=re.compile(r"^Delete\s?: Ring the wrong college$")))
    assert page.locator("h1").inner_text() == "Delete this action?"
    keys.press(keys.link("Cancel: keep the action"))
    assert page.locator("table tbody tr", has_text="Ring the wrong college").count() == 1
    keys.press(page.get_by_role("link", name=re.compile(r"^Delete\s?: Ring the wrong college$")))
    keys.press(keys.button("Delete the action"))
    assert "Deleted: “Ring the wrong college”." in page.locator("main").inner_text()
    assert page.locator("table tbody tr", has_text="Ring the wrong college").count() == 0
    db.session.expire_all()
    assert [(a.what, a.who, a.due_on) for a in db.session.scalars(
        select(Action).filter_by(review_id=review_id, deleted_at=None))] == [
        ("Ring the GP", "Priya", date(year, 4, 4))]
    page.goto(f"{live_server}/staff/reviews/{review_id}/summary")
    assert "Priya" in page.locator(".summary-page").inner_text()


def test_an_action_deleted_by_mistake_is_brought_back_with_undo(live_server, contexts):
    """A deleted action could not be brought back: "Delete" on the wrong row lost what was
    agreed. Now the actions page says what was deleted, with Undo (a form: it works with
    JavaScript off, by keyboard), which puts it back as it was, in its place."""
    from datetime import date

    from reviewkit.models import Action, Review
    from reviewkit.services import reviews

    from .browsing import axe, describe_violations

    page, keys, review_id = review_page(live_server, contexts, "like-and-admire",
                                        javascript=False)
    review = db.session.get(Review, review_id)
    due = date(date.today().year + 1, 5, 6)
    for what, who in (("Ring the GP", "Priya"), ("Book swimming lessons", "Carys"),
                      ("Ask about a bus pass", "Ann")):
        reviews.add_action(review, what=what, who=who, due_on=due)
    page.goto(f"{live_server}/staff/reviews/{review_id}/actions")
    rows = page.locator("table tbody tr")
    before = rows.all_inner_texts()
    keys.press(page.get_by_role("link", name=re.compile(r"^Delete\s?: Book swimming lessons$")))
    keys.press(keys.button("Delete the action"))
    assert "Deleted: “Book swimming lessons”." in page.locator("main").inner_text()
    assert rows.filter(has_text="Book swimming lessons").count() == 0
    assert not (violations := axe(page)), describe_violations(violations, page.url)
    keys.press(keys.button("Undo"))
    assert page.locator("h1").inner_text() == "What happens next"
    assert rows.all_inner_texts() == before  # same words, who, date and place
    assert "Deleted:" not in page.locator("main").inner_text()
    db.session.expire_all()
    assert [(a.what, a.who, a.due_on) for a in db.session.scalars(
        select(Action).filter_by(review_id=review_id, deleted_at=None).order_by(Action.id))] == [
        ("Ring the GP", "Priya", due), ("Book swimming lessons", "Carys", due),
        ("Ask about a bus pass", "Ann", due)]

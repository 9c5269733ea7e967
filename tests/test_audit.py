"""The co-production self-audit as a repeated round (issue 16): opening, closing and answering
rounds, who may see and change which, and the results counted by hand: scores per principle and
group, a response of several groups, not sure, the gap between people supported and staff, the
change since the last round, the ladder of participation and the small numbers hidden; the
page, the PDF and the spreadsheet agree."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from conftest import Page, pdf_text, post_form, service_by_slug, signed_in, staff_user
from openpyxl import load_workbook
from sqlalchemy import select

from reviewkit.extensions import db
from reviewkit.models import Organisation, Response, Service
from reviewkit.reports import audit_rounds as ar
from reviewkit.reports.table import HIDDEN
from reviewkit.services import audit as svc
from reviewkit.services.clock import Refused, today_
from reviewkit.services.demo_audit import answer

PEOPLE_CENTRED = ("involved-from-start", "strengths-first")


@pytest.fixture
def org(staff_org):
    return staff_org


user, service = staff_user, service_by_slug


def rate(survey, groups: list[str], people_centred: tuple[str, str], ladder: str | None = None,
         times: int = 1) -> None:
    """``times`` responses of ``groups``: the two people-centred ratings as given, every other
    rating "not sure", and the ladder."""
    bank = survey.bank_version.bank
    values = {"who-took-part": groups}
    for q in bank.questions:
        if [c.value for c in q.choices][:4] == list(ar.SCORES):
            values[q.id] = "not-sure"
    values.update(zip(PEOPLE_CENTRED, people_centred, strict=True))
    if ladder:
        values["ladder"] = ladder
    for _ in range(times):
        answer(svc.link_of(survey), values)


def round_a(admin, opens: date):
    """Five people supported (not yet, starting), five staff (doing well, leading) and one
    group on the tablet of people supported, staff and families (leading, not sure)."""
    survey = svc.open_round(admin, service_id=None, closes_on=opens + timedelta(days=20),
                            title="Spring", today=opens)
    rate(survey, ["people-supported"], ("not-yet", "starting"), "informing", times=2)
    rate(survey, ["people-supported"], ("not-yet", "starting"), "consulting", times=3)
    rate(survey, ["staff"], ("doing-well", "leading"), "involving", times=5)
    rate(survey, ["people-supported", "staff", "families"], ("leading", "not-sure"),
         "co-producing")
    return survey


# ---------------------------------------------------------------------------- the results


def test_scores_groups_not_sure_gap_and_ladder_counted_by_hand(org):
    survey = round_a(user("admin"), today_())
    res = ar.results(survey)
    ps, staff = res.cells[("people-centred", "people-supported")], \
        res.cells[("people-centred", "staff")]
    # people supported: 5 × (1 + 2) + 4 = 19 over 11 ratings; the group's "not sure" apart
    assert (ps.n, ps.total, ps.ratings, ps.not_sure, ps.score) == (6, 19, 11, 1, 1.73)
    assert (staff.n, staff.score) == (6, 3.55)  # (5 × 7 + 4) / 11
    everyone = res.cells[("people-centred", ar.EVERYONE)]
    assert (everyone.n, everyone.score) == (11, 2.57)  # the group's response counts once: 54/21
    families = res.cells[("people-centred", "families")]
    assert families.n == 1 and families.hidden and families.score is None
    assert res.gap("people-centred") == -1.82  # 1.73 - 3.55
    # every other principle: only "not sure" (two or three questions each, 11 responses)
    silos = res.cells[("across-silos", ar.EVERYONE)]
    assert (silos.n, silos.score, silos.not_sure) == (11, None, 22)
    assert res.gap("across-silos") is None and res.change("people-centred", "staff") is None
    ladder = res.ladder
    assert [ladder["people-supported"].share(s) for s in (*ar.RUNGS, ar.NOT_SURE)] == \
        [33, 50, 0, 17, 0]  # 2, 3, 0, 1 of 6
    assert [ladder[ar.EVERYONE].share(s) for s in ar.RUNGS] == [18, 27, 45, 9]  # of 11
    assert ladder["families"].hidden and ladder["families"].share("co-producing") is None


def test_change_since_the_last_round_of_the_same_scope_only(org):
    admin = user("admin")
    first = round_a(admin, today_() - timedelta(days=200))
    svc.close_round(admin, first, today=today_() - timedelta(days=190))
    second = svc.open_round(admin, service_id=None, closes_on=today_() + timedelta(days=10))
    rate(second, ["people-supported"], ("doing-well", "doing-well"), times=5)
    rate(second, ["staff"], ("leading", "leading"), times=5)
    # a round of a service is another scope: never the "last round" of the organisation's
    oak = svc.open_round(admin, service_id=service("oak").id,
                         closes_on=today_() + timedelta(days=10))
    rate(oak, ["people-supported"], ("leading", "leading"), times=5)

    rounds = ar.history(second)
    assert [r.survey.id for r in rounds] == [first.id, second.id]
    res = rounds[-1]
    assert res.change("people-centred", "people-supported") == 1.27  # 3.00 - 1.73
    assert res.change("people-centred", "staff") == 0.45  # 4.00 - 3.55
    assert res.change("people-centred", ar.EVERYONE) == 0.93  # 3.50 - 2.57
    assert res.change("people-centred", "families") is None  # hidden then, none now
    assert res.gap("people-centred") == -1.0
    assert [r.survey.id for r in ar.history(oak)] == [oak.id]
    assert ar.history(oak)[-1].change("people-centred", "people-supported") is None


def test_small_groups_hide_everyone_too_when_they_could_be_worked_out(org):
    admin = user("admin")
    survey = svc.open_round(admin, service_id=service("oak").id,
                            closes_on=today_() + timedelta(days=10))
    rate(survey, ["people-supported"], ("leading", "leading"), "co-producing", times=5)
    rate(survey, ["families"], ("not-yet", "not-yet"), "informing", times=2)
    res = ar.results(survey)
    # everyone (7) minus people supported (5) would give the two families' ratings away
    assert res.cells[("people-centred", "families")].hidden
    assert res.cells[("people-centred", ar.EVERYONE)].hidden
    assert res.ladder[ar.EVERYONE].hidden and not res.ladder["people-supported"].hidden
    table = ar.scores_table(res, ar.words(survey.bank_version.bank, "en"))
    rows = {(str(r[0]), str(r[1])): r for r in table.rows}
    assert rows[("People-centred", "Families and carers")][2:5] == [HIDDEN] * 3
    assert rows[("People-centred", "Everyone")][2:5] == [HIDDEN] * 3
    assert rows[("People-centred", "People we support")][2:5] == [5, 4.0, 0]
    # three more families: each group is 5 or more, and so is everyone
    rate(survey, ["families"], ("not-yet", "not-yet"), times=3)
    again = ar.results(survey)
    assert again.cells[("people-centred", ar.EVERYONE)].score == 2.5  # (40 + 10) / 20


# ---------------------------------------------------------------------------- rounds


def test_opening_a_round_checks_the_dates_the_service_and_overlaps(org):
    admin, facilitator = user("admin"), user("facilitator")
    oak, elm = service("oak"), service("elm")

    def refused(who, **fields) -> str:
        fields = {"service_id": oak.id, "closes_on": today_() + timedelta(days=5)} | fields
        with pytest.raises(Refused) as caught:
            svc.open_round(who, **fields)
        db.session.rollback()
        return str(caught.value.message)

    assert "on or after the day the round opens" in refused(
        admin, closes_on=today_() - timedelta(days=1))
    assert refused(admin, closes_on=None).startswith("Enter the closing date")
    assert refused(facilitator, service_id=elm.id) == "Choose a service from the list."
    assert refused(admin, service_id=-1) == "Choose a service from the list."
    other = Organisation(name="Other", slug="other")
    theirs = Service(organisation=other, name="Theirs", slug="theirs")
    db.session.add_all([other, theirs])
    db.session.commit()
    assert refused(admin, service_id=theirs.id) == "Choose a service from the list."
    assert "only an administrator" in refused(facilitator, service_id=None)
    assert "Only an administrator or a facilitator" in refused(user("manager"))

    made = svc.open_round(facilitator, service_id=oak.id, closes_on=today_())  # closes today: fine
    assert made.title == "Co-production self-audit – Oak House"
    assert "already an open round" in refused(admin)
    svc.open_round(admin, service_id=None, closes_on=today_() + timedelta(days=5))  # another scope
    svc.close_round(facilitator, made)
    assert made.period_end == today_() and not svc.is_open(made)
    with pytest.raises(Refused, match="already closed"):
        svc.close_round(admin, made)
    db.session.rollback()
    assert svc.open_round(admin, service_id=oak.id, closes_on=today_()).id != made.id


def test_a_round_link_is_open_to_many_phones_until_closed(staff_app, org):
    survey = svc.open_round(user("admin"), service_id=None, closes_on=today_())
    link = svc.link_of(survey)
    assert not link.single_use
    phone = staff_app.test_client()
    first = phone.get(f"/r/{link.token}")
    assert first.status_code == 302 and "/a/" in first.headers["Location"]
    other = staff_app.test_client().get(f"/r/{link.token}")
    assert other.headers["Location"] != first.headers["Location"]  # a new response each
    svc.close_round(user("admin"), survey)
    assert staff_app.test_client().get(f"/r/{link.token}").status_code == 410


# ---------------------------------------------------------------------------- the pages


def test_facilitators_see_their_services_rounds_and_managers_change_nothing(staff_app, org):
    admin = user("admin")
    whole = svc.open_round(admin, service_id=None, closes_on=today_() + timedelta(days=9),
                           title="Whole organisation round")
    elm = svc.open_round(admin, service_id=service("elm").id, closes_on=today_(),
                         title="Elm round")
    oak = svc.open_round(admin, service_id=service("oak").id, closes_on=today_(),
                         title="Oak round")
    facilitator = signed_in(staff_app, "facilitator")
    listed = Page(facilitator.get("/staff/audit/"))
    assert "Oak round" in listed and "Elm round" not in listed
    assert "Whole organisation round" not in listed
    for survey in (whole, elm):  # every page of a round it may not see is not found
        for page in ("", "/results", "/over-time", "/results.xlsx", "/poster.pdf"):
            assert facilitator.get(f"/staff/audit/{survey.id}{page}").status_code == 404
        assert facilitator.post(f"/staff/audit/{survey.id}/close").status_code == 404
    assert facilitator.get(f"/staff/audit/{oak.id}/results").status_code == 200

    manager = signed_in(staff_app, "manager")
    seen = Page(manager.get("/staff/audit/"))
    assert all(t in seen for t in ("Oak round", "Elm round", "Whole organisation round"))
    assert "/staff/audit/new" not in seen.html
    assert manager.get("/staff/audit/new").status_code == 403
    assert manager.post(f"/staff/audit/{oak.id}/close").status_code == 403
    assert manager.post(f"/staff/audit/{oak.id}/together").status_code == 403
    round_page = Page(manager.get(f"/staff/audit/{oak.id}"))
    assert "Close the round now" not in round_page and "Start a group answer" not in \
        round_page
    assert signed_in(staff_app, "translator").get("/staff/audit/").status_code == 403


def test_the_form_refuses_a_service_it_may_not_use_and_keeps_what_was_typed(staff_app, org):
    facilitator = signed_in(staff_app, "facilitator")
    page = post_form(facilitator, "/staff/audit/new", {
        "service": str(service("elm").id), "closes_on": str(today_()), "title": "Our autumn round"})
    assert page.status == 400 and "Choose a service from the list." in page
    assert 'value="Our autumn round"' in page.html
    form = Page(facilitator.get("/staff/audit/new"))
    assert "Elm Court" not in form and "The whole organisation" not in form
    late = post_form(facilitator, "/staff/audit/new", {
        "service": str(service("oak").id), "closes_on": "31/3/2027", "title": "Late"})
    assert late.status == 400 and "for example 2027-03-31" in late
    made = post_form(facilitator, "/staff/audit/new", {
        "service": str(service("oak").id), "closes_on": str(today_() + timedelta(days=30)),
        "title": "Our autumn round"})
    assert made.status == 302
    survey = svc.rounds_for(user("facilitator"))[0]
    assert (survey.title, survey.service.slug, survey.period_start) == (
        "Our autumn round", "oak", today_())


def test_a_group_answers_together_on_the_tablet_in_a_new_response(staff_app, org):
    survey = svc.open_round(user("admin"), service_id=service("oak").id, closes_on=today_())
    tablet = signed_in(staff_app, "facilitator")
    page = Page(tablet.get(f"/staff/audit/{survey.id}"))
    assert "tick every group that is here" in page
    assert svc.link_of(survey).token in page.html  # the link, and its QR code
    starts = [tablet.post(f"/staff/audit/{survey.id}/together", data={"csrf_token": page.csrf})
              for _ in range(2)]
    assert all(s.status_code == 302 and "/a/" in s.headers["Location"] for s in starts)
    assert starts[0].headers["Location"] != starts[1].headers["Location"]
    assert db.session.scalar(select(db.func.count(Response.id)).filter_by(
        survey_id=survey.id)) == 2
    poster = tablet.get(f"/staff/audit/{survey.id}/poster.pdf")
    assert poster.status_code == 200 and svc.link_of(survey).token[:8] in pdf_text(poster.data)


def test_results_page_pdf_and_spreadsheet_show_the_same_numbers(staff_app, org):
    survey = round_a(user("admin"), today_())
    manager = signed_in(staff_app, "manager")
    page = Page(manager.get(f"/staff/audit/{survey.id}/results"))
    # the chart: words and figures as the page's own text, a bar beside each (readable at
    # 320 px: tests/browser/test_audit_chart_narrow.py)
    assert page.status == 200 and '<table class="bar-chart grouped page">' in page.html
    assert "<caption>Scores by principle and group (1 = not yet, 4 = leading)</caption>" in page
    assert "1.73" in page and "3.55" in page and "-1.82" in page
    assert "fewer than 5" in page
    res = ar.results(survey)
    tables = ar.round_document(res, ar.words(survey.bank_version.bank, "en")).tables
    book = load_workbook(io.BytesIO(manager.get(
        f"/staff/audit/{survey.id}/results.xlsx").data))
    for table in tables:
        sheet = [list(r) for r in book[table.title].iter_rows(values_only=True)]
        assert sheet[0] == table.header
        assert sheet[1:] == [["hidden" if v is HIDDEN else v if not isinstance(v, str)
                              else str(v) for v in row] for row in table.rows]
    text = pdf_text(manager.get(f"/staff/audit/{survey.id}/results.pdf").data)
    assert "1.73" in text and "3.55" in text and "-1.82" in text and "fewer than 5" in text
    over = Page(manager.get(f"/staff/audit/{survey.id}/over-time"))
    assert over.status == 200 and "1.73" in over
    # its chart too: the page's own words and figures (tests/browser/test_audit_chart_narrow.py)
    assert '<table class="bar-chart grouped page">' in over.html
    assert "line-chart" not in over.html


def test_rounds_are_dated_day_month_year_in_english_as_on_the_other_pages(staff_app, org):
    """'7 December 2026', as the round's own page and the posters say, not Babel's American
    'December 7, 2026' (in the refusals, the results' period and the round-by-round columns)."""
    admin = user("admin")
    round_a(admin, date(2026, 3, 2))  # closed by now: it closed 20 days later
    second = round_a(admin, today_())
    day = f"{today_().day} {today_():%B %Y}"
    with pytest.raises(Refused) as caught:
        svc.open_round(admin, service_id=None, closes_on=today_() + timedelta(days=9))
    db.session.rollback()
    assert f"closing on {today_() + timedelta(days=20):%-d %B %Y}." in str(caught.value.message)
    with pytest.raises(Refused) as caught:
        svc.open_round(admin, service_id=None, closes_on=today_() - timedelta(days=1))
    db.session.rollback()
    assert f"the day the round opens ({day})" in str(caught.value.message)
    manager = signed_in(staff_app, "manager")
    results = Page(manager.get(f"/staff/audit/{second.id}/results"))
    assert f"From {day} to" in results and "Compared with the round of 2 Mar 2026." in results
    over = Page(manager.get(f"/staff/audit/{second.id}/over-time"))
    assert "2 Mar 2026" in over and "Mar 2, 2026" not in over


@pytest.mark.parametrize("easy_read", [False, True])
def test_the_audit_start_page_is_about_working_together_not_the_persons_own_review(
        staff_app, org, easy_read):
    """A member of staff or a partner answering the self-audit read 'These questions are about
    you, your life and your support' and could choose 'Only use my answers for my own review',
    though there is no review and every rating counts in the round's results."""
    survey = svc.open_round(user("admin"), service_id=None, closes_on=today_())
    phone = staff_app.test_client()
    start = phone.get(f"/r/{svc.link_of(survey).token}").headers["Location"]
    if easy_read:
        page = Page(phone.get(start))
        phone.post(start.replace("/start", "/easy-read"), data={
            "csrf_token": page.csrf, "easy_read": "1", "next": start})
    page = Page(phone.get(start))
    assert page.status == 200
    assert "how we work together" in page and "your life" not in page
    assert "about you and your support" not in page
    assert "my own review" not in page and "Only use my answers in this audit." in page
    # the examples people write are read by those running it (shown with the round's results)
    assert ("The people who ask these questions will read what you write." if easy_read else
            "The people who run this self-audit read the examples you write") in page
    for lang, words in (("cy", "sut rydyn ni'n gweithio gyda'n gilydd"),
                        ("ur", "ہم مل کر کیسے کام کرتے ہیں")):
        assert words in Page(phone.get(f"{start}?lang={lang}"))


def test_two_rounds_opened_the_same_day_have_distinct_names_on_the_page_and_downloads(
        staff_app, org):
    """A round closed early and another opened the same day had the same column heading
    ('7 Dec 2026' twice) round by round: each says its number when another round of the same
    scope shares its day, in the page, the chart, the CSV, the XLSX and the PDF."""
    admin = user("admin")
    round_a(admin, date(2026, 3, 2))
    first = round_a(admin, today_())
    svc.close_round(admin, first)
    second = round_a(admin, today_())
    day = f"{today_().day} {today_():%b %Y}"
    names = [ar.round_name(s) for s in (first, second)]
    assert names == [f"{day} (round 2)", f"{day} (round 3)"]
    assert ar.round_name(svc.same_scope(second)[0]) == "2 Mar 2026"
    manager = signed_in(staff_app, "manager")
    url = f"/staff/audit/{second.id}/over-time"
    over = Page(manager.get(url))
    assert over.status == 200 and all(n in over for n in names)
    heads = over.html.split("<thead>")[1].split("</thead>")[0]
    assert all(heads.count(n) == 1 for n in names)
    book = load_workbook(io.BytesIO(manager.get(f"{url}.xlsx").data))
    header = next(book.worksheets[0].iter_rows(values_only=True))
    assert list(header[-3:]) == ["2 Mar 2026", *names]
    csv_text = manager.get(f"{url}.csv").get_data(as_text=True)
    assert all(n in csv_text for n in names)
    text = " ".join(pdf_text(manager.get(f"{url}.pdf").data).split())
    assert all(n in text for n in names)

"""A person's data through the newer parts: what a subject access request gets (statements
and actions deleted for Undo, their phone answers, ideas made from their words) and what
erasing them takes (the same, the register's copies and history, a theme's quote)."""

from __future__ import annotations

from datetime import date

from conftest import Page, form_token, pooled_themes, sign_in
from sqlalchemy import func, select
from test_staff_review import _add_person, _facilitator_review, _phone_answers, _said

from reviewkit.extensions import db
from reviewkit.models import Action, Idea, Person, Review, Service, Statement, ThemeSet, User
from reviewkit.models.history import version_class


def _export(client, person_id: int) -> dict:
    token = form_token(client, f"/staff/people/{person_id}")
    return client.post(f"/staff/people/{person_id}/export",
                       data={"csrf_token": token}).get_json(force=True)


def _erase(client, person_id: int) -> None:
    token = form_token(client, f"/staff/people/{person_id}")
    r = client.post(f"/staff/people/{person_id}/erase", data={"csrf_token": token,
                                                            "confirm": "yes"})
    assert r.status_code == 302


def _delete_statement(client, review_id: int, statement: Statement) -> None:
    url = f"/staff/reviews/{review_id}/h/like-and-admire"
    r = client.post(f"/staff/reviews/{review_id}/s/{statement.id}/delete",
                    data={"csrf_token": form_token(client, url)})
    assert r.status_code == 302
    db.session.refresh(statement)
    assert statement.is_deleted


def test_export_has_what_was_deleted_for_undo_and_erase_purges_it(staff_app):
    """Deleted on the tablet, kept for Undo: still held, so in the person's export (marked
    with when it was deleted); erasing the person purges it."""
    from reviewkit.services import reviews as rv

    client, review_id = _facilitator_review(staff_app)
    statement, _edit = _said(client, review_id, "Loves the seaside")
    _delete_statement(client, review_id, statement)
    review = db.session.get(Review, review_id)
    action = rv.add_action(review, what="Book the coach to Tenby", who="Jo's keyworker",
                           due_on=date(2026, 12, 1))
    rv.delete(action)
    person_id = review.person_id

    data = _export(client, person_id)
    [said] = data["statements"]
    assert said["text"] == "Loves the seaside" and said["deleted_at"]
    [agreed] = data["reviews"][0]["actions"]
    assert agreed["what"] == "Book the coach to Tenby" and agreed["deleted_at"]

    _erase(client, person_id)
    assert db.session.scalar(select(func.count(Statement.id))) == 0
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_export_has_the_persons_own_phone_answers(staff_app):
    """Their phone answers (found by their reference) are erased on request, so they are in
    the export too."""
    _phone_answers("R-1", "I make people laugh")
    client = staff_app.test_client()
    sign_in(client, "facilitator")
    person_id = _add_person(client)  # reference R-1
    data = _export(client, person_id)
    assert [s["text"] for s in data["statements"]] == ["I make people laugh"]
    [response] = data["phone_answers"]
    assert {"question": "admire", "value": ["I make people laugh"], "skipped": False} \
        in response["answers"]


def _idea_from(statement: Statement, user: User) -> Idea:
    from reviewkit.services import register as reg

    work = reg.save_work(user, title="Days out", kind="project", facilitator_id=user.id)
    return reg.raise_idea(work, statement.text, source="statement", statement_id=statement.id,
                          language="cy", raised_by="Jo Bloggs", name_agreed=True,
                          credit="name", credit_as="Jo B", entered_by=user)


def test_erase_takes_their_words_and_name_out_of_the_register_and_its_history(staff_app):
    client, review_id = _facilitator_review(staff_app)
    statement, _edit = _said(client, review_id, "Mae angen bws i'r coleg")
    facilitator = db.session.scalar(select(User).filter_by(email="facilitator@example.org"))
    idea = _idea_from(statement, facilitator)
    person_id = db.session.get(Review, review_id).person_id
    [exported] = _export(client, person_id)["ideas"]
    assert exported["text"] == "Mae angen bws i'r coleg" and exported["work"] == "Days out"
    asked = Page(client.get(f"/staff/people/{person_id}/erase"))  # it says so before
    assert "Ideas made from their statements stay in the register with their answers, but " \
        "lose their words and their name." in asked

    _erase(client, person_id)
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert idea is not None and idea.decision is None  # the register keeps the idea's place
    assert idea.text == "Dilëwyd ar gais y person a'i dywedodd."  # in the idea's language
    assert (idea.raised_by, idea.credit_as, idea.credit) == (None, None, "none")
    versions = db.session.scalars(select(version_class(Idea))).all()
    assert versions and all(v.text == idea.text and v.raised_by is None and v.credit_as is None
                            for v in versions)


def test_a_themes_quote_goes_when_its_statement_is_deleted_or_its_person_erased(staff_app):
    """The last theming run keeps a quote and examples per theme: a deleted statement is not
    quoted on the curation page, and erasing its person takes their words from the run."""
    from reviewkit.services import reviews as rv

    admin = db.session.scalar(select(User).filter_by(email="admin@example.org"))
    oak = db.session.scalar(select(Service).filter_by(name="Oak House"))
    pooled_themes(admin, oak, [("t1", "The bus to college is late"),
                               ("t1", "The bus never comes on Sundays")],
                  {"t1": "Buses"}, date(2026, 11, 2))
    quoted = db.session.scalar(select(Statement).filter_by(text="The bus never comes on "
                                                                "Sundays"))
    ts = db.session.scalar(select(ThemeSet))
    ts.result = {"themes": [{"id": "t1", "label": "Buses", "typical": quoted.text,
                             "typical_id": quoted.id, "language": "en",
                             "examples": ["The bus to college is late", quoted.text]},
                            {"id": "t2", "label": "Food", "examples": ["Lovely food"]}]}
    db.session.commit()
    person_id = db.session.scalar(select(Person.id).filter_by(display_name="Al"))
    manager = staff_app.test_client()
    sign_in(manager, "manager")
    assert "never comes on Sundays" in Page(manager.get("/staff/analysis/curate")).html

    rv.delete(quoted)
    page = Page(manager.get("/staff/analysis/curate"))
    assert page.status == 200 and "never comes on Sundays" not in page.html
    # nor can it be moved into a theme by its number
    moved = manager.post("/staff/analysis/curate", follow_redirects=True, data={
        "scope": "all", "csrf_token": page.csrf, "op": "move", "statement": str(quoted.id),
        "to": "", "theme": "t1"}).get_data(as_text=True)
    assert "no shared statement has that number" in moved
    assert not db.session.get(ThemeSet, ts.id).edits
    rv.undo_delete(quoted)

    admin_client = staff_app.test_client()
    sign_in(admin_client, "admin")
    _erase(admin_client, person_id)
    db.session.expire_all()
    ts = db.session.scalar(select(ThemeSet))
    assert "never comes on Sundays" not in str(ts.result)
    assert "college" not in str(ts.result)  # the examples of a theme that held their words
    assert "typical_id" not in ts.result["themes"][0]
    assert ts.result["themes"][1]["examples"] == ["Lovely food"]  # others' themes are kept


def test_a_bank_whose_shared_statements_are_all_deleted_is_not_offered_in_the_filter(
        staff_app):
    from reviewkit.services import reviews as rv

    admin = db.session.scalar(select(User).filter_by(email="admin@example.org"))
    oak = db.session.scalar(select(Service).filter_by(name="Oak House"))
    pooled_themes(admin, oak, [("t1", "The bus to college is late")], {"t1": "Buses"},
                  date(2026, 11, 2))
    manager = staff_app.test_client()
    sign_in(manager, "manager")
    title = "My person-centred review"
    assert f">{title}</label>" in manager.get("/staff/analysis/").get_data(as_text=True)
    rv.delete(db.session.scalar(select(Statement)))
    assert title not in manager.get("/staff/analysis/").get_data(as_text=True)


def test_a_name_in_the_register_is_exported_and_erased_on_request(staff_app, tmp_path):
    """Someone named in the register with no record of their own (a partner, a signature,
    who sent an idea): `reviewkit people export-name` writes what is held under the name and
    `erase-name` takes it away, from the history too; the access log has no name."""
    import json

    from reviewkit.cli import main
    from reviewkit.models import AccessLog, Partner, Signature
    from reviewkit.services import register as reg
    from reviewkit.services.register_history import timeline

    admin = db.session.scalar(select(User).filter_by(email="admin@example.org"))
    work = reg.save_work(admin, title="Days out", kind="project")
    reg.add_partner(admin, work, kind="person", name="Gwen Morgan", credit="name")
    reg.add_partner(admin, work, kind="person", name="Sam Taylor", credit="name")
    reg.add_signature(admin, work, name="Gwen Morgan", signed_on=date(2026, 5, 1))
    idea = reg.raise_idea(work, "Trips to the sea", source="staff", raised_by=" gwen morgan",
                          name_agreed=True, credit="name", credit_as="Gwen Morgan",
                          entered_by=admin)
    runner = staff_app.test_cli_runner()
    out = tmp_path / "gwen.json"
    result = runner.invoke(main, ["people", "export-name", "Gwen Morgan", str(out)])
    assert result.exit_code == 0, result.output
    held = json.loads(out.read_text())
    assert [p["name"] for p in held["partners"]] == ["Gwen Morgan"]
    assert [s["signed_on"] for s in held["signatures"]] == ["2026-05-01"]
    assert [i["text"] for i in held["ideas"]] == ["Trips to the sea"]

    result = runner.invoke(main, ["people", "erase-name", "GWEN MORGAN", "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalars(select(Partner.name)).all() == ["Sam Taylor"]
    assert db.session.scalar(select(func.count(Signature.id))) == 0
    idea = db.session.get(Idea, idea.id)
    assert idea.text == "Trips to the sea"  # the idea stays in the register
    assert (idea.raised_by, idea.credit_as, idea.credit) == (None, None, "none")
    for model in (Partner, Signature, Idea):
        versions = db.session.scalars(select(version_class(model))).all()
        assert versions
        assert not [v for v in versions if "gwen" in str(vars(v)).lower()], model
    history = timeline(db.session.get(type(work), work.id), with_names=True)
    assert "Gwen" not in str([vars(e) for e in history])
    logged = db.session.scalars(select(AccessLog).filter_by(object_type="name")).all()
    assert [a.action for a in logged] == ["export", "erase"]
    assert not [a for a in logged if "Gwen" in (a.detail or "")]

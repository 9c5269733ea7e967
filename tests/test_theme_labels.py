"""Labels people use at a Working Together for Change event: two to five words, never a lone
generic word, distinct; the statement most typical of each theme (masked); and the "I statement"
people write for a theme, kept across runs and shown on the pages and in the downloads."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from conftest import Page, sign_in, staff_per_role, the_organisation

from reviewkit.nlp import theme_statements
from reviewkit.nlp.labels import _Used, label_themes
from reviewkit.nlp.lexicon import EMPTY_LABEL_WORDS, GENERIC_LABEL_WORDS
from reviewkit.nlp.pipeline import tokenise

# Small clusters written for this test, like the answers at an event: several ways of saying
# each thing, and "Nothing" answers that used to make a one-word label.
CLUSTERS = {
    "wait": ["Waiting for appointments takes too long", "Long wait for an appointment",
             "Waiting for appointments is hard", "The waiting time for appointments",
             "I waited weeks for appointments"],
    "listen": ["Staff who listen to me", "Staff who listen and care", "Staff do not listen",
               "I want staff who listen", "Nobody listens to what I say"],
    "nothing": ["Nothing", "Nothing.", "Nothing at all", "Nothing at all really", "nothing"],
    "room": ["The waiting room was cold", "The waiting room is too small",
             "Nowhere to sit in the waiting room", "Dirty waiting room"],
    "bus": ["The bus to college is late", "The bus to college never comes",
            "Bus to college always late", "I miss the bus to college"],
}
LONE = {"nothing", "everything", "room", "visit", "staff", "service", "care", "good", "ok"}


def _labels(clusters):
    texts, groups = [], {}
    for name, items in clusters.items():
        groups[name] = list(range(len(texts), len(texts) + len(items)))
        texts.extend(items)
    return texts, label_themes(groups, tokenise(texts, "en"), "en")


def _check(labels: dict[str, str]) -> None:
    seen = set()
    for label in labels.values():
        words = label.split()
        assert 2 <= len(words) <= 5, label
        content = [w.lower().strip("“”") for w in words]
        assert not (len(content) == 1 and content[0] in LONE), label
        assert "_" not in label and not re.match(r"^\d", label), label
        assert label.lower() not in seen, label
        seen.add(label.lower())


def test_labels_are_two_to_five_words_written_by_people_and_distinct():
    texts, labels = _labels(CLUSTERS)
    _check(labels)
    joined = " ".join(t.lower() for t in texts)
    for name, label in labels.items():
        assert label.lower() in joined, (name, label)  # a phrase people wrote, in word order
    # regression: what the themes are about (this set gave "Nothing", "Room" and "Bus" before)
    assert labels["nothing"] == "Nothing at all"
    assert "waiting room" in labels["room"].lower()
    assert "college" in labels["bus"].lower() and "listen" in labels["listen"].lower()
    assert "appointment" in labels["wait"].lower()


def test_near_identical_labels_are_told_apart():
    used = _Used(["Waiting time"], "en")
    assert used.clashes("Waiting times") and used.clashes("waiting time")
    assert not used.clashes("Waiting room")
    # two clusters about the same words get different labels
    twins = {"a": CLUSTERS["wait"], "b": [t.replace("appointments", "appointment")
                                          for t in CLUSTERS["wait"]]}
    _texts, labels = _labels(twins)
    _check(labels)
    assert not _Used([labels["a"]], "en").clashes(labels["b"]), labels


def test_a_label_never_ends_on_a_small_joining_word():
    # Two themes of "Nothing": the second may not have "Nothing at all", and used to get
    # "Nothing at" (a phrase cut short) instead.
    nothing_more = ["Nothing", "nothing", "Nothing.", "Nothing at all really",
                    "Nothing at all thanks"]
    _texts, labels = _labels({"a": CLUSTERS["nothing"], "b": nothing_more})
    _check(labels)
    assert labels["a"] == "Nothing at all"
    for label in labels.values():
        assert label.split()[-1].lower() not in {"at", "to", "of", "for", "and", "in", "on",
                                                 "with", "the", "a"}, labels


def test_a_label_never_joins_the_words_either_side_of_a_masked_name():
    """Names are taken out before labels are made; the words on either side of one were read
    as neighbours, and the demo's trips theme was labelled "Trip to was great"."""
    from reviewkit.nlp import mask_personal
    from reviewkit.nlp.masking import label_tokens

    trips = [f"The trip to {place} was great" for place in
             ("Blackpool", "Aberystwyth", "Tenby", "London", "Blackpool")] * 3
    said = [f"{who} said I was doing great at college" for who in
            ("Mrs Patel", "Mr Jones", "Dr Evans", "Mrs Patel", "Mr Jones")] * 3
    texts = trips + said
    groups = {"trips": list(range(len(trips))),
              "said": list(range(len(trips), len(texts)))}
    tokens = label_tokens(texts, "en")
    assert tokens[0].words == ("the", "trip", "to", "was", "great")  # the name is out
    assert tokens[0].breaks == (3,) and tokens[len(trips)].breaks == ()
    labels = label_themes(groups, tokens, "en")
    _check(labels)
    for label in labels.values():
        assert "to was" not in label.lower(), labels
    assert "trip" in labels["trips"].lower(), labels
    # words people wrote next to each other, as in the masked statements (no gap closed up)
    for name, label in labels.items():
        sample = mask_personal(texts[groups[name][0]], "en")
        assert label.lower() in sample.lower(), (label, sample)


def test_days_in_a_label_keep_their_capital():
    gym = [f"I go to the gym on {day}" for day in ("Tuesdays", "Tuesdays", "Mondays")] * 3
    _texts, labels = _labels({"gym": gym, "bus": CLUSTERS["bus"]})
    assert re.search(r"\b(Tuesdays|Mondays)\b", labels["gym"]), labels
    assert not re.search(r"\b(tuesdays|mondays)\b", labels["gym"]), labels


def test_a_label_never_starts_with_a_verb_cut_from_its_subject():
    # The demo's "I never know who is coming to the house" theme was "Is coming to the house".
    house = [f"I never know who is coming to {place}" for place in
             ("the house", "the house", "the house", "night", "home")] * 3
    _texts, labels = _labels({"house": house, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert labels["house"].split()[0].lower() not in {"is", "are", "was", "be"}, labels


def test_generic_words_alone_never_make_a_label():
    generic = ["Good", "Good.", "good", "Very good", "Good good"] * 2
    _texts, labels = _labels({"g": generic, "bus": CLUSTERS["bus"]})
    _check(labels)
    words = set(EMPTY_LABEL_WORDS["en"]) | set(GENERIC_LABEL_WORDS["en"])
    assert labels["g"].split()[0].lower().strip("“”") in words | {"answered"}


def test_other_languages_get_labels_without_crashing():
    items = ([{"text": t, "language": "cy"} for t in
              ["Mae'r bws i'r coleg yn hwyr", "Bws i'r coleg yn hwyr eto", "Bws i'r coleg"]]
             + [{"text": t, "language": "pl"} for t in
                ["Autobus do szkoły się spóźnia", "Autobus do szkoły", "Spóźniony autobus"]]
             + [{"text": t, "language": "ur"} for t in
                ["عملہ بہت اچھا ہے", "عملہ اچھا ہے", "اچھا عملہ"]] + CLUSTERS["bus"])
    res = theme_statements(items, n_themes=3, split=False)
    assert all(t["label"].strip() for t in res.themes)
    assert len({t["label"] for t in res.themes}) == len(res.themes)


def test_typical_statement_is_a_member_of_its_theme_and_masked():
    items = [{"id": f"w{i}", "text": t} for i, t in enumerate(CLUSTERS["wait"] * 2)]
    items += [{"id": f"b{i}", "text": t} for i, t in enumerate(CLUSTERS["bus"] * 2)]
    items.append({"id": "mail", "text": "The bus to college is late, email jo.bloggs@example.org "
                                        "or ring 07700 900123"})
    res = theme_statements(items, n_themes=2, split=False)
    by_id = {s["id"]: s for s in res.statements}
    for theme in res.themes:
        s = by_id[theme["typical_id"]]
        assert s["theme_id"] == theme["id"]
        assert 20 <= len(s["text"]) <= 160
        assert "@" not in theme["typical"] and "07700" not in theme["typical"]
    # the typical statement is masked even when it is the one with contact details
    from reviewkit.nlp.result import refresh_summaries

    for s in res.statements:
        if s["id"] != "mail" and s["theme_id"] == by_id["mail"]["theme_id"]:
            s["theme_id"] = None
    refresh_summaries(res)
    theme = res.theme(by_id["mail"]["theme_id"])
    assert theme["typical_id"] == "mail"
    assert "[email]" in theme["typical"] and "[phone]" in theme["typical"]


def test_in_peoples_words_is_in_the_language_of_the_label():
    """A theme labelled in English shows an English statement "in people's words" when it has
    one, though the most central statement may be a translation (the demo's "Holiday to the
    seaside" showed an Urdu sentence under it)."""
    import csv
    from pathlib import Path

    path = Path(__file__).parent / "data" / "languages_together.tsv"
    with path.open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["split"] == "dev"]
    items = []
    for r in rows:
        items.append({"id": f"{r['id']}-en", "text": r["en"], "language": "en"})
        items.append({"id": f"{r['id']}-en2", "text": r["en"] + " most days", "language": "en"})
        items += [{"id": f"{r['id']}-{lang}", "text": r[lang], "language": lang}
                  for lang in ("cy", "ur")]
    res = theme_statements(items, language="en", split=False, n_themes=6)
    for t in res.themes:
        if t["counts"]["language"].get(t["language"]):
            assert t["typical_language"] == t["language"], t
    by_id = {s["id"]: s for s in res.statements}
    for t in res.themes:  # still a member of its theme
        assert by_id[t["typical_id"]]["theme_id"] == t["id"]


def test_i_statement_edit_is_validated():
    from reviewkit.nlp import validate_edit

    assert not validate_edit({"op": "i_statement", "theme": "t1",
                              "text": "I want staff to listen to me"})
    long = validate_edit({"op": "i_statement", "theme": "t1", "text": "I want " * 40})
    assert any("200 or fewer" in p for p in long)
    assert any("plain text" in p for p in validate_edit(
        {"op": "i_statement", "theme": "t1", "text": "I want <b>this</b>"}))


# ---------------------------------------------------------------------------- stored, on pages

TEXTS = (CLUSTERS["wait"] * 3 + CLUSTERS["bus"] * 3 + CLUSTERS["listen"] * 3
         + CLUSTERS["room"] * 3)


def _store(org, texts, day=date(2026, 10, 1)):
    from reviewkit.extensions import db
    from reviewkit.models import Statement

    db.session.add_all(Statement(organisation_id=org.id, bank_id="test-bank", section_id="about-me",
                                 text=t, pooled=True, said_on=day, kind=None) for t in texts)
    db.session.commit()


def test_i_statement_survives_a_rerun_and_shows_on_the_pages_and_in_the_xlsx(app):
    from openpyxl import load_workbook

    from reviewkit.services.themes import Scope, ThemingError, add_edit, run_themes

    org = the_organisation()
    _store(org, TEXTS)
    staff_per_role(org)
    scope = Scope(org.id)
    ts = run_themes(org, scope, n_themes=4)
    theme = ts.result["themes"][0]
    assert theme["typical"] and theme["label"]
    add_edit(ts, {"op": "i_statement", "theme": theme["id"],
                  "text": "I want staff to listen to me"})
    with pytest.raises(ThemingError, match="200 or fewer"):
        add_edit(ts, {"op": "i_statement", "theme": theme["id"], "text": "x" * 201})
    _store(org, ["The bus to college was late again"], day=date(2026, 11, 1))
    ts = run_themes(org, scope)
    again = {t["id"]: t for t in ts.result["themes"]}
    assert again[theme["id"]]["i_statement"] == "I want staff to listen to me"

    client = app.test_client()
    sign_in(client, "manager")
    page = Page(client.get("/staff/analysis/curate"))
    assert "I want staff to listen to me" in page.html and "In people" in page.html
    # a person writes one on the curation page; too long is refused with a clear message
    token = page.csrf
    r = client.post("/staff/analysis/curate", data={
        "csrf_token": token, "scope": "all", "op": "i_statement", "theme": theme["id"],
        "i_statement": "I " + "really " * 40 + "want it"})
    assert r.status_code == 302
    html = Page(client.get(r.headers["Location"])).html
    assert "keep it to 200 or fewer" in html
    r = client.post("/staff/analysis/curate", data={
        "csrf_token": token, "scope": "all", "op": "i_statement", "theme": theme["id"],
        "i_statement": "I want to be seen on time"})
    assert r.status_code == 302
    q = "from=2026-Q1&to=2026-Q4"
    page = Page(client.get(f"/staff/analysis/?{q}"))
    assert "I want to be seen on time" in page.html and "In people" in page.html
    wb = load_workbook(io.BytesIO(client.get(f"/staff/analysis/download.xlsx?{q}").data))
    sheet = wb["Summary"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "theme_id")
    assert header[-2:] == ["i statement", "in people's words"]
    assert header[:2] == ["theme_id", "theme"]
    row = next(r for r in rows if r and r[0] == theme["id"])
    assert row[-2] == "I want to be seen on time" and row[-1]


# ------------------------------------------------------- units people wrote are never cut

def test_a_label_never_cuts_a_compound_noun():
    """"the bus to the day centre" gave "Bus to the day": two words that nearly always come
    together in a theme are one unit, never cut."""
    tram = [f"I want to learn to take the tram to {place} on my own" for place in
            ("the day hospice", "college", "the day hospice", "town")] * 3
    hospice = ["The day hospice is lovely", "Lunch at the day hospice",
               "The day hospice garden is nice", "The day hospice staff are kind"] * 2
    _texts, labels = _labels({"tram": tram, "hospice": hospice, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert not labels["tram"].lower().endswith(" day"), labels
    assert "tram" in labels["tram"].lower(), labels


def test_a_label_never_starts_with_a_word_cut_from_its_degree_word():
    """"I wait too long for the doctor" gave "Long for the doctor"."""
    queue = (["We queue too long for the dentist"] * 4
             + ["Someone to come with me to the dentist"] * 3
             + ["Getting to the dentist is tricky"] * 3)
    _texts, labels = _labels({"queue": queue, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert labels["queue"].split()[0].lower() not in {"long", "too"}, labels


def test_a_label_never_runs_from_a_cut_preposition_into_the_verb():
    """"Getting to the doctor is hard" must not give "Doctor is hard"."""
    reach = [f"Reaching the {place} from the village is tricky" for place in
             ("pharmacy", "library")] + [f"Going out to the {place} is tricky" for place in
                                         ("pharmacy", "pharmacy", "library", "pharmacy")]
    _texts, labels = _labels({"reach": reach * 2, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert not re.match(r"^(pharmacy|library) is", labels["reach"].lower()), labels


def test_a_label_never_runs_across_the_end_of_a_sentence_or_line():
    """"…being admitted to hospital.  The service is very good." gave "Admitted to hospital
    the service", and "OT. / Education." (two lines) gave "Ot education"."""
    kept = ["It has kept me from being admitted to hospital.  The service is very good."] * 3 \
        + ["Stopped me being admitted to hospital", "Kept out of hospital. Staff are kind."]
    lines = ["OT.\nEducation.", "OT\nEducation", "OT\nEducation and art",
             "Groups with the OT", "The OT sessions"]
    _texts, labels = _labels({"kept": kept, "lines": lines, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert "hospital the" not in labels["kept"].lower(), labels
    assert "admitted to hospital" in labels["kept"].lower(), labels
    assert "ot education" not in labels["lines"].lower(), labels


def test_a_label_may_start_with_getting_or_going_but_never_with_a_preposition():
    """A theme of "Getting to the doctor is hard" (six words, too long to be a label as it is)
    was labelled "To the doctor is hard"; the words people wrote first make the label."""
    doctor = ["Getting to the doctor is hard"] * 6
    _texts, labels = _labels({"doctor": doctor, "wait": ["I wait too long for the doctor"] * 6})
    _check(labels)
    assert labels["doctor"] == "Getting to the doctor", labels


def test_a_label_never_ends_on_the_verb_of_a_phrasal_verb():
    """"Waiting time for pick up from hospital" gave "Time for pick"."""
    pick = ["Waiting time for pick up from hospital is long", "A better time for pick up",
            "Transport on time for pick up", "Time for pick up was late",
            "Long wait for pick up"]
    _texts, labels = _labels({"pick": pick, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert not labels["pick"].lower().endswith(" pick"), labels
    assert "pick up" in labels["pick"].lower(), labels


def test_acronyms_in_care_are_written_in_capitals():
    _texts, labels = _labels({"ot": ["The OT sessions help", "OT sessions are good",
                                     "More OT sessions please"], "bus": CLUSTERS["bus"]})
    assert labels["ot"] == "OT sessions", labels


def test_welsh_and_english_sentence_openers_are_stripped_from_answers():
    """A Welsh answer said word for word ("Rydw i'n …") labelled its theme with the opener;
    the English "I am" is left out of labels, and so is the Welsh one."""
    items = ([("Rydw i'n amyneddgar", "cy")] * 6 + [("Rydw i'n dda am dynnu lluniau", "cy")] * 4
             + [("Dw i'n dda am dynnu lluniau", "cy")] * 2)
    english = ["I am patient with people"] * 5 + ["I am good at drawing pictures"] * 3
    texts = [t for t, _ in items] + CLUSTERS["bus"] + english
    langs = [lang for _, lang in items] + ["en"] * (len(CLUSTERS["bus"]) + len(english))
    n, m = len(items), len(items) + len(CLUSTERS["bus"])
    groups = {"cy": list(range(n)), "bus": list(range(n, m)), "en": list(range(m, len(texts)))}
    from reviewkit.nlp.masking import label_tokens

    labels = label_themes(groups, label_tokens(texts, langs, "en"), "en")
    _check(labels)
    for opener in ("rydw", "dw i", "i am", "i'm"):
        assert not labels["cy"].lower().startswith(opener), labels
        assert not labels["en"].lower().startswith(opener), labels


def test_a_label_keeps_the_not_that_gives_it_its_meaning():
    """"I couldn't fault the service" gave "Not fault service" (the not cut from its verb) and,
    with that refused, "Fault service"; "cannot improve on perfection" gave "Improve on
    perfection": the opposite of what people said."""
    fault = ["I couldn't fault the service", "Could not fault the service at all",
             "Couldn't fault the service", "I could not fault the service",
             "Cannot fault the service", "Nothing, I couldn't fault it"]
    perfect = ["You cannot improve on perfection", "Can't improve on perfection",
               "You can not improve on perfection", "Cannot improve on perfection at all"]
    _texts, labels = _labels({"fault": fault, "perfect": perfect, "bus": CLUSTERS["bus"]})
    _check(labels)
    for name, verb in (("fault", "fault"), ("perfect", "improve")):
        words = labels[name].lower().split()
        assert verb in words and re.match(r"(could|can|cannot)\b", labels[name].lower()), labels


def test_words_that_name_a_topic_though_spacy_stops_them_make_a_label():
    """spaCy lists "call", "front", "made" and "keep" as stop words: "Call handlers were kind"
    gave the theme a label from two answers that said "online service"."""
    calls = ["The call handler was kind", "More call handlers please",
             "Call handlers were efficient", "The call handler called me back",
             "Waited for a call handler", "The online service was slow",
             "The online service is confusing"]
    _texts, labels = _labels({"calls": calls, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert "call handler" in labels["calls"].lower(), labels


def test_a_theme_of_answers_that_say_they_do_not_know_says_so():
    """Themes of "Do not know" or "Not much" answers have no word that says more; they were
    labelled "Other comments", "Other comments (2)"…, which tells an event nothing."""
    unsure = ["Do not know", "do not know", "I do not know", "Do not know.",
              "I do not really know", "I really do not know"]
    little = ["Not much", "not much", "Not a lot", "Not much at all", "Not much really"]
    _texts, labels = _labels({"unsure": unsure, "little": little, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert labels["unsure"] == "Do not know", labels
    assert labels["little"] in ("Not much", "Not a lot"), labels


def test_what_a_few_added_does_not_label_a_theme_of_keep_going():
    """A theme of "Keep doing what you are doing" answers, two of which also wanted someone
    to talk to, was labelled "Someone to talk to": what most people said is the label."""
    keep = ["Keep doing what you are doing", "Just keep doing what you're doing",
            "Keep doing what you do", "Keep up the good work", "Keep doing it",
            "Keep doing what you are doing, thank you", "Just keep doing it",
            "Keep going, and someone to talk to at night",
            "Keep doing what you do. Someone to talk to"]
    _texts, labels = _labels({"keep": keep, "bus": CLUSTERS["bus"]})
    _check(labels)
    assert "talk" not in labels["keep"].lower() and "keep" in labels["keep"].lower(), labels

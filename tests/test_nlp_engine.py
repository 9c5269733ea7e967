"""Theming engine: splitting, kinds, labels, stability, curation, determinism (small texts)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reviewkit.nlp import (
    apply_edits,
    infer_kind,
    kind_from_question,
    split_statements,
    theme_statements,
)

HERE = Path(__file__).parent
SHARED = Path(__file__).parents[2] / "shared/data/patient_feedback_v6.csv"

BUS = [
    "The bus to college is always late",
    "The bus is late again and I miss my class",
    "Transport to college is never on time",
    "I wait a long time for the bus to college",
    "The college bus did not come today",
]
SWIM = [
    "I love swimming on Tuesdays",
    "Going swimming at the leisure centre is fun",
    "I like swimming with my friends",
    "Swimming lessons make me happy",
    "I go swimming every week",
]
COOK = [
    "I want to learn to cook my own meals",
    "I would like cooking lessons",
    "Learning to cook pasta would be good",
    "More help with cooking at home",
    "I want to cook for my family",
]
STAFF = [
    "Staff are kind and listen to me",
    "The staff are friendly and helpful",
    "Staff are always cheerful and kind",
    "The staff listen to me and are kind",
    "Kind staff who help me",
]
TOPICS = {"bus": BUS, "swim": SWIM, "cook": COOK, "staff": STAFF}


def _items(groups=TOPICS, prefix=""):
    return [
        {"id": f"{prefix}{name}{i}", "text": t}
        for name, texts in groups.items()
        for i, t in enumerate(texts)
    ]


def _theme_of(result, sid):
    return next(s["theme_id"] for s in result.statements if s["id"] == sid)


# --------------------------------------------------------------------- splitting


def test_split_english_sentences_lines_and_contrast():
    parts = split_statements(
        "- The food is good but the bus is always late.\n- I want to learn to cook! Staff are kind"
    )
    assert parts == [
        "The food is good",
        "The bus is always late.",
        "I want to learn to cook!",
        "Staff are kind",
    ]


def test_split_welsh_uses_multilanguage_tokeniser():
    parts = split_statements(
        "Mae'r bws yn hwyr bob amser. Dw i'n hoffi nofio ond mae'r bwyd yn oer iawn", "cy")
    assert parts == ["Mae'r bws yn hwyr bob amser.", "Dw i'n hoffi nofio", "Mae'r bwyd yn oer iawn"]


def test_split_urdu_full_stop():
    parts = split_statements("بس ہمیشہ دیر سے آتی ہے۔ مجھے تیراکی پسند ہے۔", "ur")
    assert parts == ["بس ہمیشہ دیر سے آتی ہے", "مجھے تیراکی پسند ہے"]


def test_split_drops_pieces_without_words():
    assert split_statements("😀😀 123\n!!!", "en") == []


# --------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("text", "language", "kind"),
    [
        ("the bus is always late", "en", "not_working"),
        ("The staff are lovely", "en", "working"),
        ("No problems at all", "en", "working"),
        ("It was not very good", "en", "not_working"),
        ("More activities at weekends please", "en", "idea"),
        ("I would like to learn to cook", "en", "idea"),
        ("Mae'r bws yn hwyr bob amser", "cy", "not_working"),
        ("Dw i'n hoffi nofio", "cy", "working"),
        ("Hoffwn i ddysgu coginio", "cy", "idea"),
        ("بس ہمیشہ دیر سے آتی ہے", "ur", "not_working"),
        ("مجھے عملہ پسند ہے", "ur", "working"),
    ],
)
def test_infer_kind_from_words(text, language, kind):
    guess = infer_kind(text, language)
    assert guess.kind == kind
    assert 0.5 <= guess.confidence <= 1.0


def test_kind_from_bank_question_wins():
    assert kind_from_question(kinds=["important_to"]) == "important_to"
    assert kind_from_question("What is not working?") == "not_working"
    assert kind_from_question("What do people like and admire about you?") == "strength"
    guess = infer_kind("The staff are lovely", question="What is not working for you?")
    assert (guess.kind, guess.confidence, guess.source) == ("not_working", 1.0, "question")



def test_a_question_asking_for_both_leaves_the_kind_to_the_words():
    """A question that asks what went well and what did not fixes no kind: each answer's own
    words decide (an NHS survey's "satisfied and/or dissatisfied with" was read as
    not working, so every praise under it was filed as a problem)."""
    both = ("Please describe any things about the service that you were particularly "
            "satisfied and/or dissatisfied with")
    assert kind_from_question(both) is None
    assert kind_from_question("What is working and what is not working?") is None
    assert kind_from_question("What was good, and what didn't go well?") is None
    assert kind_from_question("Were you dissatisfied with anything?") == "not_working"
    assert kind_from_question("What was good?") == "working"
    praise = infer_kind("The paramedics were kind and quick, thank you", question=both)
    assert (praise.kind, praise.source) == ("working", "words")

def test_kinds_in_theme_result_use_given_and_inferred():
    res = theme_statements(
        [{"text": "The bus is always late"}, {"text": "I like swimming", "kind": "strength"}],
        split=False,
    )
    kinds = {s["text"]: (s["kind"], s["kind_source"]) for s in res.statements}
    assert kinds["I like swimming"] == ("strength", "given")
    assert kinds["The bus is always late"][0] == "not_working"


# --------------------------------------------------------------------- themes and labels


LABEL_RE = re.compile(r"^[A-Z\[][\w' \-\[\]]*$", re.UNICODE)


def test_topics_are_separated_and_labelled_readably():
    res = theme_statements(_items(), split=False, n_themes=4)
    for name in TOPICS:
        ids = {_theme_of(res, f"{name}{i}") for i in range(5)}
        ids.discard(None)
        assert len(ids) == 1, f"{name} statements spread over {ids}"
    labels = {t["label"] for t in res.themes}
    assert len(labels) == len(res.themes)
    for label in labels:
        assert LABEL_RE.match(label), label
        assert "_" not in label and not label[0].isdigit()
    by_topic = {name: res.theme(_theme_of(res, f"{name}0"))["label"].lower() for name in TOPICS}
    assert "bus" in by_topic["bus"] or "college" in by_topic["bus"]
    assert "swim" in by_topic["swim"]
    assert "cook" in by_topic["cook"]
    assert "staff" in by_topic["staff"]


def test_theme_summaries_have_examples_and_counts():
    items = [dict(it, service="Day centre" if i % 2 else "Home", period="2025-Q1")
             for i, it in enumerate(_items())]
    res = theme_statements(items, split=False, n_themes=4)
    for t in res.themes:
        assert 3 <= len(t["examples"]) <= 5
        assert sum(t["counts"]["kind"].values()) == t["size"]
        assert sum(t["counts"]["service"].values()) == t["size"]
        assert t["counts"]["period"] == {"2025-Q1": t["size"]}


def test_automatic_number_of_themes_and_unassigned_share():
    texts = [f"{t} {suffix}" for t in sum(TOPICS.values(), []) for suffix in ("", "today", "again")]
    res = theme_statements(texts, split=False)
    assert 4 <= len(res.themes) <= 50
    assert res.unassigned_share <= 0.10


def test_emoji_and_number_rows_are_unassigned_not_errors():
    res = theme_statements(["😀😀", "12345", *BUS], split=False)
    by_text = {s["text"]: s["theme_id"] for s in res.statements}
    assert by_text["😀😀"] is None and by_text["12345"] is None
    assert by_text[BUS[0]] is not None
    assert any("no words" in w for w in res.warnings)


def test_one_statement_gives_one_theme():
    res = theme_statements(["The bus is late"], split=False)
    assert len(res.themes) == 1 and res.statements[0]["theme_id"] == res.themes[0]["id"]


def test_welsh_and_urdu_sets_get_themes():
    cy = ["Mae'r bws yn hwyr", "Mae'r bws i'r coleg yn hwyr bob amser", "Bws hwyr eto heddiw",
          "Dw i'n hoffi nofio", "Nofio yn y ganolfan hamdden",
          "Dw i'n mwynhau nofio gyda ffrindiau"]
    res = theme_statements(cy, language="cy", split=False, n_themes=2)
    assert _theme_of(res, res.statements[0]["id"]) == _theme_of(res, res.statements[1]["id"])
    assert _theme_of(res, res.statements[3]["id"]) != _theme_of(res, res.statements[0]["id"])
    labels = {t["label"].lower() for t in res.themes}
    assert any("bws" in lab for lab in labels) and any("nofio" in lab for lab in labels)

    ur = ["بس ہمیشہ دیر سے آتی ہے", "کالج کی بس دیر سے آتی ہے", "بس پھر دیر سے آئی",
          "مجھے تیراکی پسند ہے", "تیراکی بہت اچھی ہے", "میں تیراکی کرنا پسند کرتا ہوں"]
    res = theme_statements(ur, language="ur", split=False, n_themes=2)
    assert res.model["vectoriser"]["name"] == "hybrid-multilingual-e5-small"
    assert _theme_of(res, res.statements[0]["id"]) == _theme_of(res, res.statements[1]["id"])
    assert _theme_of(res, res.statements[3]["id"]) != _theme_of(res, res.statements[0]["id"])


def test_labels_and_examples_are_masked():
    texts = [f"Sarah Jenkins on 07700 900{i:03d} helped with the bus" for i in range(6)]
    texts += ["Staff are kind and helpful"] * 3
    res = theme_statements(texts, split=False, n_themes=2)
    blob = json.dumps(res.themes)
    assert "Sarah" not in blob and "Jenkins" not in blob and "07700" not in blob
    assert "[name]" in blob or "[phone]" in blob


# --------------------------------------------------------------------- stability


def test_same_input_same_output():
    a = theme_statements(_items(), split=False)
    b = theme_statements(_items(), split=False)
    assert a.to_dict() == b.to_dict()


def test_model_is_json_and_new_statements_keep_ids():
    first = theme_statements(_items(), split=False, n_themes=4)
    model = json.loads(json.dumps(first.model))
    assert model["vectoriser"]["name"] == "hybrid-static-minilm-l6"
    assert model["format_version"] == 2
    more = _items() + [
        {"id": "new-bus", "text": "The bus to college was late twice this week"},
        {"id": "new-swim", "text": "Swimming on Fridays is great"},
    ]
    second = theme_statements(more, split=False, previous=model)
    for it in _items():
        assert _theme_of(second, it["id"]) == _theme_of(first, it["id"])
    assert _theme_of(second, "new-bus") == _theme_of(first, "bus0")
    assert _theme_of(second, "new-swim") == _theme_of(first, "swim0")
    old_labels = {t["id"]: t["label"] for t in first.themes}
    for t in second.themes:
        assert t["label"] == old_labels[t["id"]]


def test_version_1_models_with_static_vectors_still_update():
    first = theme_statements(_items(), split=False, n_themes=4, vectoriser="static")
    model = json.loads(json.dumps(first.model))
    model["format_version"] = 1  # as written before the hybrid vectors
    more = _items() + [{"id": "new-bus", "text": "The bus to college was late twice this week"}]
    second = theme_statements(more, split=False, previous=model)
    assert second.model["vectoriser"]["name"] == "static-minilm-l6"
    for it in _items():
        assert _theme_of(second, it["id"]) == _theme_of(first, it["id"])
    assert _theme_of(second, "new-bus") == _theme_of(first, "bus0")


def test_models_from_a_newer_reviewkit_are_refused_clearly():
    first = theme_statements(_items(), split=False, n_themes=4)
    model = dict(first.model, format_version=99)
    with pytest.raises(ValueError, match="version 99"):
        theme_statements(_items(), split=False, previous=model)


def test_hybrid_vectors_are_restored_from_the_model():
    from reviewkit.nlp import get_vectoriser

    first = theme_statements(_items(), split=False, n_themes=4)
    state = json.loads(json.dumps(first.model["vectoriser"]))
    vec = get_vectoriser(state["name"], "en", state=state["state"])
    texts = [s["text"] for s in first.statements]
    again = vec.encode(texts)
    assert again.shape == first.vectors.shape
    assert abs(again - first.vectors).max() < 1e-3
    assert not vec.encode(["😀"]).any()  # no words: a zero row, never a theme


def test_new_topic_next_quarter_makes_a_new_theme_only():
    first = theme_statements(_items(), split=False, n_themes=4)
    garden = ["Gardening club on Mondays", "I grow tomatoes in the garden",
              "Planting flowers in the garden", "The garden group is my favourite",
              "Watering the vegetable garden"]
    items = _items() + [{"id": f"g{i}", "text": t} for i, t in enumerate(garden)]
    second = theme_statements(items, split=False, previous=first.model)
    old_ids = {t["id"] for t in first.themes}
    new_ids = {t["id"] for t in second.themes} - old_ids
    assert len(new_ids) == 1
    new = second.theme(new_ids.pop())
    assert "garden" in new["label"].lower()
    garden_themes = [_theme_of(second, f"g{i}") for i in range(5)]
    assert garden_themes.count(new["id"]) >= 4
    assert set(garden_themes) <= {new["id"], None}  # never forced into an old theme


def test_mismatched_vectoriser_is_refused():
    first = theme_statements(_items(), split=False, n_themes=4)
    model = dict(first.model, vectoriser=dict(first.model["vectoriser"], version="0-old"))
    with pytest.raises(ValueError, match="re-run without it"):
        theme_statements(_items(), split=False, previous=model)


# --------------------------------------------------------------------- curation


def test_edits_apply_and_survive_a_rerun_with_new_statements():
    first = theme_statements(_items(), split=False, n_themes=4)
    bus, swim, cook, staff = (_theme_of(first, f"{n}0") for n in ("bus", "swim", "cook", "staff"))
    edits = [
        {"op": "rename", "theme": bus, "label": "Transport to college"},
        {"op": "merge", "themes": [swim, cook], "into": swim, "label": "Things I enjoy"},
        {"op": "move", "statement": "staff4", "to": bus},
        {"op": "split", "theme": bus, "statements": ["bus3"], "label": "Waiting",
         "new_theme": "wait"},
        {"op": "not_a_theme", "theme": staff},
    ]
    curated = apply_edits(first, edits)
    labels = {t["id"]: t["label"] for t in curated.themes}
    assert labels[bus] == "Transport to college"
    assert labels[swim] == "Things I enjoy" and cook not in labels
    assert _theme_of(curated, "cook0") == swim
    assert _theme_of(curated, "staff4") == bus
    assert _theme_of(curated, "bus3") == "wait" and labels["wait"] == "Waiting"
    assert _theme_of(curated, "staff0") is None and staff not in labels
    # the machine result is untouched (pure function)
    assert _theme_of(first, "cook0") == cook

    # next quarter: the curated model, the same edits, new statements
    items = _items() + [
        {"id": "q2-cook", "text": "I want to learn to bake bread and cook"},
        {"id": "q2-staff", "text": "The staff are kind and friendly"},
    ]
    again = theme_statements(items, split=False, previous=curated.model, edits=edits)
    labels2 = {t["id"]: t["label"] for t in again.themes}
    assert labels2[bus] == "Transport to college" and labels2[swim] == "Things I enjoy"
    assert _theme_of(again, "staff4") == bus
    assert _theme_of(again, "bus3") == "wait"
    assert _theme_of(again, "q2-cook") == swim  # merged theme takes new cooking statements
    assert _theme_of(again, "q2-staff") is None  # "not a theme" stays hidden
    assert again.warnings == first.warnings


def test_edits_to_missing_things_are_skipped_with_warnings():
    first = theme_statements(_items(), split=False, n_themes=4)
    out = apply_edits(first, [{"op": "rename", "theme": "t99", "label": "X"},
                              {"op": "move", "statement": "nope", "to": None},
                              {"op": "explode"}])
    assert len(out.warnings) == len(first.warnings) + 3
    assert [t["label"] for t in out.themes] == [t["label"] for t in first.themes]


def test_result_round_trips_through_json_and_edits_still_apply():
    first = theme_statements(_items(), split=False, n_themes=4)
    loaded = type(first).from_dict(json.loads(json.dumps(first.to_dict())))
    bus = _theme_of(first, "bus0")
    out = apply_edits(loaded, [{"op": "split", "theme": bus, "statements": ["bus0", "bus1"]}])
    new = _theme_of(out, "bus0")
    assert new != bus and _theme_of(out, "bus1") == new
    assert out.theme(new)["label"]


# --------------------------------------------------------------------- real data (optional)


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data/patient_feedback_v6.csv is not here")
def test_real_feedback_sample_meets_the_bar():
    import csv

    with open(SHARED, encoding="utf-8") as f:
        texts = [r["FFT answer"] for r in csv.DictReader(f) if r["FFT answer"].strip()][:1500]
    res = theme_statements(texts, split=False)
    assert 5 <= len(res.themes) <= 50
    assert res.unassigned_share <= 0.10
    for t in res.themes:
        assert "_" not in t["label"] and not re.match(r"^\d", t["label"])


def test_weak_single_words_become_flip_chart_phrases():
    thanks = [f"Thank you {w}"
              for w in ("so much", "all", "again", "everyone", "to all", "very much")]
    told = ["I was told nothing", "Nobody told me anything", "They told me what was next",
            "I was never told the time", "Told to wait", "Told different things"]
    res = theme_statements(thanks + told + BUS + SWIM, split=False, n_themes=4)
    labels = {t["label"] for t in res.themes}
    assert "Thank" not in labels and "Told" not in labels, labels
    assert all(len(lab) > 1 for lab in labels)

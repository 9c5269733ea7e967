"""Languages together (issue 17, point 4): a Welsh, Polish or Urdu statement falls in the same
theme as the English one that says the same thing.

The figure is measured on the 60 held-back rows of tests/data/languages_together.tsv (the 24
``dev`` rows chose the settings); benchmarks/languages.py prints it for each language.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from languages import LANGUAGES, load, same_theme  # noqa: E402

from reviewkit.nlp import theme_statements  # noqa: E402
from reviewkit.nlp.vectors import MULTILINGUAL_MAX, auto_name, language_offsets  # noqa: E402

# Issue 17's goal is 80 % of translations in their English original's theme. Held back, the
# engine reaches 80 % (cy), 87 % (pl) and 88 % (ur), 85 % in all (seed 0; 85 to 86 % in all
# over seeds 0 to 4): this keeps it from getting worse (docs/theming.md, "Languages together").
FLOOR = 0.75
GOAL = 0.80


def test_translations_fall_in_their_originals_theme():
    rows = load("test")
    assert len(rows) >= 60 and {r["topic"] for r in rows} and all(r[lang] for r in rows
                                                                   for lang in LANGUAGES)
    result, shares = same_theme(rows)
    assert result.model["vectoriser"]["name"] == "hybrid-multilingual-e5-small"
    for lang in LANGUAGES:
        assert shares[lang] >= FLOOR, (lang, shares)
    assert shares["all"] >= GOAL, shares
    # Not one big theme: the statements' 12 topics are kept apart.
    assert len(result.themes) >= 8
    assert max(t["size"] for t in result.themes) <= len(rows) * 4 // 3


def test_english_only_sets_keep_the_fast_static_vectors():
    assert auto_name(["en"] * 50) == "hybrid-static-minilm-l6"
    assert auto_name(["en"] * 49 + ["cy"]) == "hybrid-multilingual-e5-small"
    assert auto_name(["ur"] * 10) == "hybrid-multilingual-e5-small"
    # Huge and nearly all English: the static vectors, since the multilingual ones would be slow.
    assert auto_name(["en"] * MULTILINGUAL_MAX + ["cy"] * 10) == "hybrid-static-minilm-l6"


def test_the_language_directions_were_measured_for_every_translated_language():
    shipped = language_offsets()
    translated = {p.name for p in (Path(__file__).parent.parent / "translations").iterdir()
                  if p.is_dir()}
    assert translated <= set(shipped)
    assert all(v.shape == (384,) for v in shipped.values())


def test_a_later_welsh_statement_joins_the_english_theme_it_matches():
    rows = load("dev")
    first, _ = same_theme(rows)
    model = json.loads(json.dumps(first.model))  # the model as it is stored
    assert "cy" in model["vectoriser"]["state"]["means"]
    theme = {s["id"]: s["theme_id"] for s in first.statements}
    items = [{"id": s["id"], "text": s["text"], "language": s["language"]}
             for s in first.statements]
    new = {"id": "new-cy", "text": "Mae'r bwyd yn oer eto heddiw amser cinio", "language": "cy"}
    second = theme_statements(items + [new], split=False, previous=model)
    assert second.model["vectoriser"]["name"] == "hybrid-multilingual-e5-small"
    after = {s["id"]: s["theme_id"] for s in second.statements}
    assert after["new-cy"] == theme["f01-en"]  # "The food is cold at lunchtime"
    moved = {k: (v, after[k]) for k, v in theme.items() if v is not None and after[k] != v}
    assert not moved, moved  # every statement with a theme keeps it

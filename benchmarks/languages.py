"""Languages together: do a Welsh, Polish or Urdu statement and its English original fall in
the same theme? (A script that prints figures; tests/test_theming_languages.py keeps the
held-back figure from getting worse.)

    .venv/bin/python benchmarks/languages.py [--split test|dev|all] [--vectoriser auto ...]

Data: ``tests/data/languages_together.tsv``, 84 statements of the kind people write in
reviews and check-ins (12 topics, 7 each), written for reviewkit in English with translations
into Welsh (cy), Polish (pl) and Urdu (ur) that say the same thing. The ``dev`` rows (2 a topic)
were used to choose the multilingual vectors' settings; the ``test`` rows (60, 5 a topic) were
held back and are the figure reported. The four versions of a split's statements are themed
together as one set (default settings, ``split=False``), and each translation counts when its
theme is its English original's.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "languages_together.tsv"
LANGUAGES = ("cy", "pl", "ur")

sys.path.insert(0, str(ROOT))


def load(split: str = "test", path: Path = DATA) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [r for r in rows if split == "all" or r["split"] == split]


def same_theme(rows: list[dict], vectoriser: str = "auto", n_themes: int | None = None):
    """Theme the rows' English and translated statements together; return (the result, the
    share of translations in their original's theme for each language, and overall)."""
    from reviewkit.nlp import theme_statements

    items = [{"id": f"{r['id']}-{lang}", "text": r[lang], "language": lang}
             for r in rows for lang in ("en", *LANGUAGES)]
    result = theme_statements(items, language="en", split=False, vectoriser=vectoriser,
                              n_themes=n_themes)
    theme = {s["id"]: s["theme_id"] for s in result.statements}
    shares = {}
    for lang in LANGUAGES:
        same = [theme[f"{r['id']}-{lang}"] is not None
                and theme[f"{r['id']}-{lang}"] == theme[f"{r['id']}-en"] for r in rows]
        shares[lang] = sum(same) / len(same)
    shares["all"] = sum(shares[lang] for lang in LANGUAGES) / len(LANGUAGES)
    return result, shares


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="test", choices=["test", "dev", "all"])
    ap.add_argument("--vectoriser", nargs="+", default=["auto", "hybrid"])
    args = ap.parse_args(argv)
    rows = load(args.split)
    print(f"{len(rows)} statements x 4 languages ({args.split} rows of {DATA.name})")
    print(f"{'vectoriser':34} {'cy':>6} {'pl':>6} {'ur':>6} {'all':>6} {'themes':>7} {'s':>6}")
    for name in args.vectoriser:
        started = time.perf_counter()
        result, shares = same_theme(rows, vectoriser=name)
        took = time.perf_counter() - started
        used = result.model["vectoriser"]["name"]
        print(f"{name + ' (' + used + ')':34} " + " ".join(
            f"{shares[k]:6.0%}" for k in (*LANGUAGES, "all"))
            + f" {len(result.themes):7d} {took:6.1f}")


if __name__ == "__main__":
    main()

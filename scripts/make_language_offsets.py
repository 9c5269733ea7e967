"""Make ``reviewkit/nlp/data/e5_language_offsets.json``: where each language sits in the
multilingual-e5-small space, relative to English.

multilingual-e5-small puts statements that say the same thing in different languages close
together, but each language also has a direction of its own: themed as they are, Welsh
statements gather with Welsh statements. The multilingual vectoriser takes each language's
direction out before clustering. The direction is measured here on parallel text that is in the
repository: the question banks' and the interface's own English strings and their translations
(``translations/<lang>/LC_MESSAGES/{banks,messages}.po``; strings of 3 to 30 words, no
placeholders, not fuzzy), as the mean of the translations' vectors minus the mean of the
English ones. No feedback data is used.

    .venv/bin/python scripts/make_language_offsets.py [--max-pairs 400]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "reviewkit" / "nlp" / "data" / "e5_language_offsets.json"
PLACEHOLDER = re.compile(r"%|\{|<|\bhttps?:")


def pairs(lang: str, limit: int) -> list[tuple[str, str]]:
    from babel.messages.pofile import read_po

    found: dict[str, str] = {}
    for domain in ("banks", "messages"):
        path = ROOT / "translations" / lang / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        with open(path, "rb") as f:
            catalog = read_po(f)
        for m in catalog:
            if (isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
                    and not m.fuzzy and 3 <= len(m.id.split()) <= 30
                    and not PLACEHOLDER.search(m.id) and m.string != m.id):
                found.setdefault(m.id, m.string)
    return sorted(found.items())[:limit]


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from reviewkit.nlp.vectors import E5Vectoriser

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-pairs", type=int, default=400)
    args = ap.parse_args(argv)
    vec = E5Vectoriser()
    offsets, counts = {}, {}
    for lang in sorted(p.name for p in (ROOT / "translations").iterdir() if p.is_dir()):
        found = pairs(lang, args.max_pairs)
        if len(found) < 20:
            print(f"{lang}: only {len(found)} pairs, left out")
            continue
        en = vec.encode([a for a, _ in found])
        tr = vec.encode([b for _, b in found])
        offsets[lang] = [round(float(v), 5) for v in tr.mean(axis=0) - en.mean(axis=0)]
        counts[lang] = len(found)
        print(f"{lang}: {len(found)} pairs", flush=True)
    OUT.write_text(json.dumps({
        "model": vec.name, "version": vec.version, "pairs": counts, "offsets": offsets,
    }, indent=0) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

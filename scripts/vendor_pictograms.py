#!/usr/bin/env python3
"""Vendor the OpenMoji pictograms that reviewkit uses into reviewkit/static/pictograms/.

The pictures come from the npm package ``@iconify-json/openmoji`` (OpenMoji, CC BY-SA 4.0). This
script reads that package's ``icons.json`` and writes one small standalone SVG per pictogram name in
:data:`PICTOGRAMS`, plus ``ATTRIBUTION.md`` listing every file and the OpenMoji icon it came from.

Usage (from the repository root)::

    python scripts/vendor_pictograms.py                  # runs `npm pack` in a temporary folder
    python scripts/vendor_pictograms.py path/to/icons.json
    python scripts/vendor_pictograms.py path/to/node_modules/@iconify-json/openmoji

To add a pictogram: add a line to PICTOGRAMS (our name -> OpenMoji icon name; browse names at
https://icon-sets.iconify.design/openmoji/), run the script, and commit the new SVG and
ATTRIBUTION.md. Pictogram names are what question banks use (``pictogram: star``); the loader
checks that every name a bank uses has a file here. Files no longer in PICTOGRAMS are removed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "reviewkit" / "static" / "pictograms"
PACKAGE = "@iconify-json/openmoji"

# Our pictogram name -> OpenMoji icon name (as named in @iconify-json/openmoji).
# Names describe the idea, so a picture can be swapped without editing every bank.
PICTOGRAMS: dict[str, str] = {
    # Fixed: the picture-face scales and yes/no (reviewkit/banks/schema.py).
    "face-very-happy": "grinning-face-with-smiling-eyes",
    "face-happy": "slightly-smiling-face",
    "face-ok": "neutral-face",
    "face-sad": "slightly-frowning-face",
    "face-very-sad": "crying-face",
    "yes": "check-mark-button",
    "no": "cross-mark",
    # General pictograms for the app's own pages.
    "home": "house",
    "listen": "speaker-high-volume",
    "language": "globe-with-meridians",
    "pencil": "pencil",
    "calendar": "spiral-calendar",
    "person": "person",
    "people": "people-holding-hands",
    "star": "star",
    "heart": "red-heart",
    "question": "red-question-mark",
    "thumbs-up": "thumbs-up",
    "thumbs-down": "thumbs-down",
    "lightbulb": "light-bulb",
    "check": "check-mark",
    "clock": "three-oclock",
    "phone": "mobile-phone",
    "card": "identification-card",
    "envelope": "envelope",
    # Used by the shipped question banks.
    "not-sure": "thinking-face",
    "help": "open-hands",
    "handshake": "handshake",
    "gift": "wrapped-gift",
    "trophy": "trophy",
    "sun": "sun",
    "future": "sunrise",
    "learn": "graduation-cap",
    "safe": "shield",
    "health": "stethoscope",
    "talk": "speech-balloon",
    "ear": "ear",
    "choose": "signpost",
    "discover": "magnifying-glass-tilted-left",
    "dream": "thought-balloon",
    "wish": "rainbow",
    "tools": "hammer-and-wrench",
    "next-steps": "footprints",
    "place": "round-pushpin",
    "community": "houses",
    "hug": "people-hugging",
    "family": "family-adult-adult-child",
    "not-yet": "hourglass-not-done",
    "starting": "seedling",
    "leading": "glowing-star",
    "target": "bullseye",
    "puzzle": "puzzle-piece",
    "megaphone": "megaphone",
    "write": "memo",
    "plan": "clipboard",
    "repeat": "repeat-button",
    "stop": "stop-sign",
    "access": "wheelchair-symbol",
    "celebrate": "party-popper",
    "raise-hand": "person-raising-hand",
    "organisation": "office-building",
    "chart": "chart-increasing",
    "tea": "hot-beverage",
}

# Pictures drawn for reviewkit where OpenMoji had none that fits (kept by vendor(), credited in
# ATTRIBUTION.md, shared under the same license): name -> what it shows.
DRAWN: dict[str, str] = {
    "ladder": "a ladder of four rungs, the top one blue (the ladder of participation)",
}

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left} {top} {width} {height}" '
    'width="{width}" height="{height}" role="img">{body}</svg>\n'
)


def fetch_package(workdir: Path) -> Path:
    """`npm pack` the icon set into workdir and return the path of its icons.json."""
    result = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True,
                            capture_output=True, text=True)
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / "package" / "icons.json"


def find_icons_json(source: Path) -> Path:
    return source / "icons.json" if source.is_dir() else source


def resolve(data: dict, name: str) -> dict:
    """The icon's body and box, following iconify aliases (without transformations)."""
    icons, aliases = data["icons"], data.get("aliases", {})
    seen: list[str] = []
    while name not in icons:
        alias = aliases.get(name)
        if alias is None or name in seen:
            raise KeyError(name)
        seen.append(name)
        name = alias["parent"]
    icon = icons[name]
    return {
        "body": icon["body"],
        "left": icon.get("left", data.get("left", 0)),
        "top": icon.get("top", data.get("top", 0)),
        "width": icon.get("width", data.get("width", 16)),
        "height": icon.get("height", data.get("height", 16)),
    }


def package_version(icons_json: Path) -> str:
    pkg = icons_json.parent / "package.json"
    try:
        return json.loads(pkg.read_text(encoding="utf-8")).get("version", "unknown")
    except OSError:
        return "unknown"


def attribution(version: str) -> str:
    lines = [
        "# Pictograms",
        "",
        "The pictograms in this folder are from **OpenMoji – the open-source emoji and icon",
        "project** (<https://openmoji.org/>).",
        "",
        "License: **CC BY-SA 4.0** (<https://creativecommons.org/licenses/by-sa/4.0/>).",
        "",
        f"They were taken from the npm package `{PACKAGE}` version {version}",
        "by `scripts/vendor_pictograms.py`, which wraps each icon in a small standalone SVG.",
        "The drawings are not changed. If you change or add pictures, share them under the same",
        "license.",
        "",
        "| file | OpenMoji icon |",
        "|---|---|",
    ]
    lines += [f"| {name}.svg | {icon} |" for name, icon in sorted(PICTOGRAMS.items())]
    lines += ["", "## Drawn for reviewkit", "",
              "These were drawn for reviewkit in the same style, where OpenMoji had no picture",
              "that fits. License: **CC BY-SA 4.0**, like the rest.", "",
              "| file | what it shows |", "|---|---|"]
    lines += [f"| {name}.svg | {what} |" for name, what in sorted(DRAWN.items())]
    return "\n".join(lines) + "\n"


def vendor(icons_json: Path, out_dir: Path = OUT_DIR) -> list[Path]:
    data = json.loads(icons_json.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    missing = [icon for icon in PICTOGRAMS.values() if icon not in data["icons"]
               and icon not in data.get("aliases", {})]
    if missing:
        raise SystemExit(f"not in {icons_json}: {', '.join(missing)}")
    written = []
    for name, icon in sorted(PICTOGRAMS.items()):
        path = out_dir / f"{name}.svg"
        path.write_text(SVG.format(**resolve(data, icon)), encoding="utf-8")
        written.append(path)
    for old in out_dir.glob("*.svg"):
        if old.stem not in PICTOGRAMS and old.stem not in DRAWN:
            old.unlink()
    (out_dir / "ATTRIBUTION.md").write_text(attribution(package_version(icons_json)),
                                            encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path,
                        help="icons.json or the package folder (default: npm pack into a temp dir)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    if args.source:
        written = vendor(find_icons_json(args.source), args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            written = vendor(fetch_package(Path(tmp)), args.out)
    largest = max(written, key=lambda p: p.stat().st_size)
    print(f"wrote {len(written)} pictograms to {args.out} "
          f"(largest {largest.name}: {largest.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

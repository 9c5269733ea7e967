"""Train the tiny working / not-working classifier that reviewkit ships (kind_model.json).

A logistic regression on the shipped static sentence vectors (128 numbers per statement), trained
on the coders' sentiment in the NHS Friends and Family Test data described in
shared/data/README.md (1-2 = working, 4-5 = not working; 3 and blanks left out). Only the
weights are shipped (129 numbers); the data itself is never committed.

    .venv/bin/python scripts/train_kind_model.py [--data ../shared/data/patient_feedback_v6.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/patient_feedback_v6.csv"))
    ap.add_argument("--out", default=str(ROOT / "reviewkit/nlp/data/kind_model.json"))
    ap.add_argument("--C", type=float, default=4.0)
    args = ap.parse_args()

    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    from reviewkit.nlp.vectors import get_vectoriser

    texts, labels = [], []
    with open(args.data, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            s, t = row["Comment sentiment"].strip(), row["FFT answer"].strip()
            if s in {"1", "2", "4", "5"} and t:
                texts.append(t)
                labels.append(1 if s in {"1", "2"} else 0)
    vec = get_vectoriser("static")
    X = vec.encode(texts)
    y = np.array(labels)
    clf = LogisticRegression(C=args.C, max_iter=5000)
    acc = cross_val_score(clf, X, y, cv=5).mean()
    clf.fit(X, y)
    model = {
        "what": "P(working) vs not working, logistic regression on static vectors",
        "vectoriser": {"name": vec.name, "version": vec.version},
        "classes": ["not_working", "working"],
        "coef": [round(float(c), 5) for c in clf.coef_[0]],
        "intercept": round(float(clf.intercept_[0]), 5),
        "trained_on": "NHS FFT v6 coder sentiment (1-2 vs 4-5), not shipped",
        "n": int(len(y)),
        "cv_accuracy": round(float(acc), 4),
        "made_by": "scripts/train_kind_model.py",
    }
    Path(args.out).write_text(json.dumps(model, indent=1) + "\n")
    print(f"n={len(y)} 5-fold accuracy={acc:.3f} -> {args.out}")


if __name__ == "__main__":
    main()

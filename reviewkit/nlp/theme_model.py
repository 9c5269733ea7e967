"""The theme model: the JSON-able state one theming run hands the next.

``fresh_model`` makes it from scratch: cluster (see :mod:`.clustering`), fold themes smaller
than a minimum size into their nearest neighbour, give every statement its nearest theme
unless its similarity is below a threshold (the lowest 5 % on the first run), label the themes.
``update_model`` starts from an earlier one: it keeps every theme id and label, puts new
statements into existing themes where they are close enough, makes new themes only from what
is left over, and never leaves more than ``max_unassigned`` of the statements out. Merged and
hidden themes (people's edits, see :mod:`.curation`) keep their statements merged and hidden.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .clustering import (
    auto_k,
    distinct_rows,
    kmeans,
    leave_one_out_sims,
    mean_unit,
    micro_merge,
    nearest,
    similarities,
    subset,
)

MODEL_FORMAT = "reviewkit-themes"
MODEL_VERSION = 2  # 2: default vectors are "hybrid" (static + lemma sketch + kind); 1 still reads
FIRST_RUN_UNASSIGNED = 0.05


def check_format(previous: Mapping) -> None:
    """Raise ValueError when an earlier model is not one this reviewkit reads."""
    version = previous.get("format_version", 1)
    if previous.get("format", MODEL_FORMAT) != MODEL_FORMAT or not isinstance(version, int) \
            or version > MODEL_VERSION:
        raise ValueError(
            f"the earlier theme model is {previous.get('format')} version {version}; this "
            f"reviewkit reads {MODEL_FORMAT} versions 1 to {MODEL_VERSION}: upgrade reviewkit "
            "or re-run without it"
        )


def new_theme(tid: str, centroid: np.ndarray, label: str = "") -> dict:
    """A theme record of the model (active, machine-labelled, centroid rounded to 5 places)."""
    return {
        "id": tid,
        "label": label,
        "label_source": "machine",
        "status": "active",
        "centroid": [round(float(v), 5) for v in centroid],
        "size": 0,
    }


def fresh_model(x, content_idx, tokens, code, n_themes, max_unassigned, seed, stage=None):
    """(model, {statement index: theme id}) from the vectors ``x`` of one set, from scratch.

    Only the rows ``content_idx`` (statements with words) are clustered and assigned.
    ``stage("naming")`` is called when the clusters are made, before they are labelled."""
    from .labels import label_themes

    model = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_VERSION,
        "seed": seed,
        "threshold": 0.0,
        "next_id": 1,
        "themes": [],
    }
    n = len(content_idx)
    if n == 0:
        return model, {}
    xc = x if n == x.shape[0] else subset(x, content_idx)  # never a copy of a million rows
    k = n_themes if n_themes else auto_k(n)
    k = max(1, min(k, n, distinct_rows(xc, k)))
    min_size = max(2, math.ceil(0.003 * n)) if n >= 10 else 1
    centroids = (micro_merge(xc, k, seed, min_size) if k > 1
                 else mean_unit(xc, range(n))[None, :])

    # Fold small clusters into their nearest neighbour, then recompute centroids.
    for _ in range(3):
        best = nearest(xc, centroids)[0]
        sizes = np.bincount(best, minlength=len(centroids))
        keep = [c for c in range(len(centroids)) if sizes[c] >= min_size]
        if len(keep) == len(centroids) or not keep:
            break
        centroids = centroids[keep]
    best = nearest(xc, centroids)[0]
    new_centroids = []
    for c in range(len(centroids)):
        members = np.flatnonzero(best == c)
        new_centroids.append(mean_unit(xc, members) if len(members) else centroids[c])
    centroids = np.vstack(new_centroids)
    best, best_sim = nearest(xc, centroids)

    # Order themes by size (largest first, ties by first member) so that ids read naturally.
    sizes = np.bincount(best, minlength=len(centroids))
    first = [int(np.flatnonzero(best == c)[0]) if sizes[c] else n for c in range(len(centroids))]
    order = sorted(range(len(centroids)), key=lambda c: (-sizes[c], first[c]))
    order = [c for c in order if sizes[c] > 0]
    ids = {c: f"t{i + 1}" for i, c in enumerate(order)}
    model["next_id"] = len(order) + 1

    # The threshold is set on leave-one-out similarities: a statement is always close to a
    # centroid it helped make, which in small themes would set the bar too high for the
    # new statements of later runs. Statements below it are left unassigned on this run too.
    best_sim = leave_one_out_sims(xc, best, len(centroids), best_sim)
    target = min(FIRST_RUN_UNASSIGNED, max_unassigned)
    threshold = float(np.quantile(best_sim, target, method="lower")) if n >= 20 else -1.0
    # A little slack so that rounding the stored centroids never drops a statement next run.
    threshold = round(threshold - 1e-3, 5)
    model["threshold"] = threshold
    assign: dict[int, str] = {}
    groups: dict[str, list[int]] = {ids[c]: [] for c in order}
    for j, i in enumerate(content_idx):
        if best_sim[j] >= threshold:
            tid = ids[int(best[j])]
            assign[int(i)] = tid
            groups[tid].append(int(i))
    if stage:
        stage("naming")
    labels = label_themes(groups, tokens, code)
    model["themes"] = [new_theme(ids[c], centroids[c], labels[ids[c]]) for c in order]
    return model, assign



def update_model(previous, x, content_idx, tokens, code, max_unassigned, seed, n_themes,
                 stage=None):
    """(model, {statement index: theme id}) that keep the themes of ``previous`` (see above);
    ``stage("naming")`` as in :func:`fresh_model`."""
    from .labels import label_themes

    model = {
        "format": MODEL_FORMAT,
        "format_version": MODEL_VERSION,
        "seed": previous.get("seed", seed),
        "threshold": float(previous.get("threshold", 0.0)),
        "next_id": int(previous.get("next_id", len(previous.get("themes", [])) + 1)),
        "themes": [dict(t) for t in previous.get("themes", [])],
    }
    themes = model["themes"]
    threshold = model["threshold"]
    n = len(content_idx)
    if n == 0:
        return model, {}
    xc = x if n == x.shape[0] else subset(x, content_idx)
    centroids = np.asarray([t["centroid"] for t in themes], dtype=np.float32).reshape(
        len(themes), -1
    )
    if centroids.shape[0] and centroids.shape[1] != xc.shape[1]:
        raise ValueError("the earlier theme model's vectors do not match this vectoriser")
    if len(themes):
        best, best_sim = nearest(xc, centroids)
    else:
        best, best_sim = np.zeros(n, int), np.full(n, -1.0, np.float32)
    matched = best_sim >= threshold

    # New themes from what the existing ones do not cover.
    residual = np.flatnonzero(~matched)
    active = sum(t.get("status", "active") == "active" for t in themes)
    min_new = max(3, math.ceil(0.01 * n))
    room = max(0, 50 - active) if not n_themes else max(0, n_themes - active)
    if len(residual) >= min_new and room:
        xr = xc[residual]
        k = max(1, min(room, auto_k(len(residual)) // 2 or 1, distinct_rows(xr, room)))
        rc = kmeans(xr, k, seed) if k > 1 else mean_unit(xr, range(len(residual)))[None, :]
        rb = nearest(xr, rc)[0]
        new_cent = []
        for c in range(len(rc)):
            members = np.flatnonzero(rb == c)
            if len(members) >= min_new:
                cent = mean_unit(xr, members)
                if float(np.mean(similarities(xr[members], cent[None, :]))) >= threshold:
                    new_cent.append((int(members[0]), cent, residual[members]))
        new_cent.sort(key=lambda m: m[0])
        if new_cent:
            founders = []
            for _, cent, rows in new_cent:
                tid = f"t{model['next_id']}"
                model["next_id"] += 1
                themes.append(new_theme(tid, cent))
                founders.append((len(themes) - 1, rows))
            centroids = np.asarray([t["centroid"] for t in themes], dtype=np.float32)
            best, best_sim = nearest(xc, centroids)
            matched = best_sim >= threshold
            # The statements a new theme was made from belong to it.
            for pos, rows in founders:
                free = rows[~matched[rows]]
                best[free] = pos
                matched[free] = True
    # Never leave more than max_unassigned out: take the closest of the rest.
    allowed_out = int(math.floor(max_unassigned * n))
    out_idx = np.flatnonzero(~matched)
    if len(out_idx) > allowed_out and len(themes):
        order = out_idx[np.argsort(-best_sim[out_idx], kind="stable")]
        matched[order[: len(out_idx) - allowed_out]] = True

    by_id = {t["id"]: t for t in themes}
    assign: dict[int, str] = {}
    for j, i in enumerate(content_idx):
        if not matched[j]:
            continue
        t = themes[int(best[j])]
        status = t.get("status", "active")
        hops = 0
        while status == "merged" and hops < 20:
            t = by_id.get(t.get("merged_into"), t)
            status = t.get("status", "active")
            hops += 1
        if status == "hidden":
            continue
        assign[int(i)] = t["id"]
    if stage:
        stage("naming")
    unlabelled = [t["id"] for t in themes if not t.get("label")]
    if unlabelled:
        groups = {tid: [i for i, a in assign.items() if a == tid] for tid in unlabelled}
        taken = [t["label"] for t in themes if t["label"]]
        labels = label_themes(groups, tokens, code, taken=taken)
        for tid, lab in labels.items():
            by_id[tid]["label"] = lab
    return model, assign



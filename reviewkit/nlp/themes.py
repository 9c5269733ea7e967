"""Theming: statements -> vectors -> clusters -> labelled themes, stable from run to run.

``theme_statements(items, ...)`` is the one entry point. Without ``previous`` it clusters from
scratch; with ``previous`` (the ``model`` dict of an earlier result, JSON-able) it keeps every
existing theme id and label, puts new statements into existing themes where they are close
enough, and makes new themes only from what is left over. Same input, same output.

Clustering: statement vectors (unit length) -> k-means (on a sample of at most 20,000 for
speed) with k = sqrt(n/2) clipped to 5..50 unless asked -> themes smaller than a minimum size
are folded into their nearest neighbour -> every statement goes to its nearest theme centroid
unless its similarity is below a threshold (the lowest 5 % on the first run; never more than
``max_unassigned`` of the statements are left out).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .kinds import infer_kinds
from .pipeline import has_words, language_code, normalise, split_statements, tokenise_each

MODEL_FORMAT = "reviewkit-themes"
MODEL_VERSION = 2  # 2: default vectors are "hybrid" (static + lemma sketch + kind); 1 still reads
SAMPLE = 20_000
FIRST_RUN_UNASSIGNED = 0.05


@dataclass
class ThemeResult:
    """What a theming run gives back. ``to_dict()`` is JSON-able; ``model`` feeds the next run."""

    statements: list[dict]
    themes: list[dict]
    model: dict
    language: str = "en"
    warnings: list[str] = field(default_factory=list)
    vectors: Any = field(default=None, repr=False)  # not serialised; rebuilt when needed

    @property
    def unassigned_share(self) -> float:
        if not self.statements:
            return 0.0
        return sum(s["theme_id"] is None for s in self.statements) / len(self.statements)

    def theme(self, theme_id: str) -> dict | None:
        return next((t for t in self.themes if t["id"] == theme_id), None)

    def to_dict(self) -> dict:
        return {
            "language": self.language,
            "statements": self.statements,
            "themes": self.themes,
            "model": self.model,
            "unassigned_share": round(self.unassigned_share, 4),
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ThemeResult:
        return cls(
            statements=[dict(s) for s in data["statements"]],
            themes=[dict(t) for t in data["themes"]],
            model=dict(data["model"]),
            language=data.get("language", "en"),
            warnings=list(data.get("warnings", [])),
        )


# ---------------------------------------------------------------------------- input


def _as_item(item: str | Mapping) -> dict:
    if isinstance(item, str):
        return {"text": item}
    if isinstance(item, Mapping):
        if "text" not in item:
            raise ValueError("each statement needs a 'text'")
        return dict(item)
    raise TypeError(f"a statement is a string or a mapping, not {type(item).__name__}")


def _content_id(text: str) -> str:
    return "s" + hashlib.sha1(text.lower().encode("utf-8")).hexdigest()[:10]


def build_statements(
    items: Iterable[str | Mapping], language: str = "en", *, split: bool = True
) -> list[dict]:
    """Input answers -> statement dicts (id, text, source, question, kinds, service, period)."""
    out: list[dict] = []
    seen: Counter[str] = Counter()
    for source, raw in enumerate(items):
        item = _as_item(raw)
        lang = language_code(item.get("language") or language)
        text = str(item.get("text") or "")
        parts = split_statements(text, lang) if split else [normalise(text)]
        if not parts:
            parts = [normalise(text)]
        base = str(item["id"]) if item.get("id") is not None else None
        for j, part in enumerate(parts):
            if base is not None:
                sid = base if len(parts) == 1 else f"{base}.{j + 1}"
            else:
                sid = _content_id(part)
            seen[sid] += 1
            if seen[sid] > 1:
                sid = f"{sid}~{seen[sid]}"
            out.append(
                {
                    "id": sid,
                    "text": part,
                    "source": source,
                    "language": lang,
                    "question": item.get("question"),
                    "kinds": item.get("kinds"),
                    "kind": item.get("kind"),
                    "service": item.get("service"),
                    "period": item.get("period"),
                }
            )
    return out


def label_tokens(texts: Sequence[str], language: str | Sequence[str | None], default: str = "en"):
    """Tokens for labels and kinds, from text with personal details taken out.

    ``language`` is one language for all, or one per text (``None`` = ``default``)."""
    from .masking import PLACEHOLDERS, mask_personal

    langs = [language] * len(texts) if isinstance(language, str) else list(language)
    masked = []
    for t, lang in zip(texts, langs, strict=True):
        m = mask_personal(t, lang or default)
        if m != t:
            for ph in PLACEHOLDERS:
                m = m.replace(ph, " , ")
        masked.append(m)
    return tokenise_each(masked, language, default)


def statement_languages(statements: Sequence[Mapping], default: str) -> list[str]:
    """Each statement's language code (``default`` where it has none)."""
    return [language_code(s.get("language") or default) for s in statements]


def _infer_kinds_each(texts, langs, vectors, vectoriser_name, questions, kinds):
    """:func:`infer_kinds` with each statement read in its own language."""
    out: list[Any] = [None] * len(texts)
    for lang in dict.fromkeys(langs):
        idx = [i for i, c in enumerate(langs) if c == lang]
        guesses = infer_kinds(
            [texts[i] for i in idx], lang,
            vectors=None if vectors is None else vectors[idx],
            vectoriser_name=vectoriser_name,
            questions=[questions[i] for i in idx], kinds=[kinds[i] for i in idx])
        for i, g in zip(idx, guesses, strict=True):
            out[i] = g
    return out


# ---------------------------------------------------------------------------- maths


def _rows(x, idx) -> Any:
    return x[idx]


def _sims(x, centroids: np.ndarray) -> np.ndarray:
    if centroids.size == 0:
        return np.zeros((x.shape[0], 0), dtype=np.float32)
    out = x @ centroids.T
    return np.asarray(out, dtype=np.float32)


def _mean_unit(x, idx: Sequence[int]) -> np.ndarray:
    m = np.asarray(x[list(idx)].mean(axis=0)).ravel().astype(np.float32)
    n = float(np.linalg.norm(m))
    return m / n if n > 0 else m


def _row_norms(x) -> np.ndarray:
    if hasattr(x, "multiply"):
        return np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return np.linalg.norm(x, axis=1)


def auto_k(n: int) -> int:
    """A sensible number of themes for n statements: sqrt(n/2) clipped to 5..50."""
    return int(min(50, max(5, round(math.sqrt(max(n, 1) / 2)))))


def _kmeans(x, k: int, seed: int, *, sample: int = SAMPLE, tries: int = 3,
            local_trials: int | None = None) -> np.ndarray:
    """Unit-length k-means centroids: k-means++ seeds from a small sample, then Lloyd.

    ``tries`` restarts (the one with the lowest inertia wins) on a sample of at most ``sample``.
    """
    from threadpoolctl import threadpool_limits

    # OpenMP threads spinning beside the tokenisers' threads made k-means 3x slower on 2 cores.
    with threadpool_limits(limits=1):
        return _kmeans_inner(x, k, seed, sample, tries, local_trials)


def _kmeans_inner(x, k: int, seed: int, sample: int = SAMPLE, tries: int = 3,
                  local_trials: int | None = None) -> np.ndarray:
    from sklearn.cluster import KMeans, kmeans_plusplus

    n = x.shape[0]
    rng = np.random.default_rng(seed)
    fit_x = x[np.sort(rng.choice(n, sample, replace=False))] if n > sample else x
    best = None
    for trial in range(tries):
        m = fit_x.shape[0]
        seed_idx = np.sort(rng.choice(m, min(m, 4000), replace=False)) if m > 4000 else None
        seed_x = fit_x[seed_idx] if seed_idx is not None else fit_x
        if local_trials == 1 and not hasattr(seed_x, "toarray"):
            init = _d2_seeds(np.asarray(seed_x, dtype=np.float32), k, seed + trial)
        else:
            init, _ = kmeans_plusplus(seed_x, k, random_state=seed + trial,
                                      n_local_trials=local_trials)
        if hasattr(init, "toarray"):
            init = init.toarray()
        km = KMeans(n_clusters=k, init=np.asarray(init), n_init=1, max_iter=100,
                    random_state=seed + trial)
        km.fit(fit_x)
        if best is None or km.inertia_ < best.inertia_:
            best = km
    c = np.asarray(best.cluster_centers_, dtype=np.float32)
    norms = np.linalg.norm(c, axis=1, keepdims=True)
    norms[norms == 0] = 1
    return c / norms


def _d2_seeds(x: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k-means++ seeding (one trial per step) for unit rows, with dot products (fast)."""
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    sq = np.einsum("ij,ij->i", x, x)
    first = int(rng.integers(n))
    chosen = [first]
    d2 = np.maximum(sq + sq[first] - 2.0 * (x @ x[first]), 0.0)
    for _ in range(1, min(k, n)):
        total = float(d2.sum())
        if total <= 0:
            nxt = int(rng.integers(n))
        else:
            nxt = int(np.searchsorted(np.cumsum(d2, dtype=np.float64), rng.random() * total))
            nxt = min(nxt, n - 1)
        chosen.append(nxt)
        d2 = np.minimum(d2, np.maximum(sq + sq[nxt] - 2.0 * (x @ x[nxt]), 0.0))
    return x[chosen]


MICRO_SIZE = 25  # statements per micro-cluster on average
MAX_MICRO = 300
MICRO_SAMPLE = 10_000  # micro-clusters are fitted on at most this many statements


def n_micro(n: int, k: int) -> int:
    """How many micro-clusters to merge into k themes: about one per 25 statements.

    (Plain k-means is used below 2 k micro-clusters, i.e. fewer than 50 k statements.)"""
    return int(min(MAX_MICRO, max(2 * k, round(n / MICRO_SIZE))))


def _micro_merge(x, k: int, seed: int, min_size: int = 1) -> np.ndarray:
    """Theme centroids: k-means into many micro-clusters, then merge them (average linkage).

    Fine k-means finds tight groups of statements that say the same thing; average-linkage
    merging of their centroids by cosine then joins groups that belong together without the
    equal-size pull of a coarse k-means, so a large topic is not cut into arbitrary slices
    while a small, distinct one keeps its own theme. The tree is cut where ``k`` groups have at
    least ``min_size`` statements; the statements of smaller groups go to their nearest theme.
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    n = x.shape[0]
    m = min(n_micro(n, k), _distinct_rows(x, n_micro(n, k)))
    if n < 2 * k * MICRO_SIZE or m < 2 * k:
        return _kmeans(x, k, seed)  # too few statements for micro-clusters to mean much
    micro = _kmeans(x, m, seed, sample=MICRO_SAMPLE, tries=2, local_trials=1)
    best = _sims(x, micro).argmax(axis=1)
    sizes = np.bincount(best, minlength=m)
    used = np.flatnonzero(sizes)
    if len(used) <= k:
        return micro[used]
    means = np.vstack([_mean_unit(x, np.flatnonzero(best == c)) for c in used]).astype(np.float64)
    tree = linkage(means, method="average", metric="cosine")
    for cut in range(k, len(used) + 1):
        groups = fcluster(tree, cut, criterion="maxclust") - 1
        big = np.bincount(groups, weights=sizes[used]) >= min_size
        if big.sum() >= k:
            break
    group = np.full(m, -1)
    group[used] = groups
    member_group = group[best]
    keep = [g for g in range(groups.max() + 1) if big[g]][:k] or [int(np.argmax(big))]
    return np.vstack([_mean_unit(x, np.flatnonzero(member_group == g)) for g in keep])


def _distinct_rows(x, limit: int) -> int:
    """How many distinct vectors there are (up to ``limit``)."""
    if hasattr(x, "toarray"):
        sample = x[: min(x.shape[0], 5000)].toarray()
    else:
        sample = np.asarray(x[: min(x.shape[0], 5000)])
    return min(limit, len({r.tobytes() for r in np.round(sample, 4)}))


# ---------------------------------------------------------------------------- main


def theme_statements(
    items: Iterable[str | Mapping],
    *,
    language: str = "en",
    n_themes: int | None = None,
    vectoriser: str | Any = "auto",
    previous: Mapping | None = None,
    edits: Sequence[Mapping] | None = None,
    split: bool = True,
    max_unassigned: float = 0.10,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> ThemeResult:
    """Group statements into labelled themes.

    ``items``: strings, or mappings with ``text`` and optionally ``id`` (stable statement id,
    needed for curation edits to find a statement again), ``question``, ``kinds`` (the bank
    question's kinds), ``kind`` (known already), ``service``, ``period``, ``language``.
    ``language`` is the language of items that do not say theirs; each statement is split,
    masked, tokenised (with its own stop words) and read for its kind in its own language, and
    a theme is labelled in the language most of its statements are in. With ``vectoriser``
    "auto" the vectors suit the language most statements are in.
    ``previous``: the ``model`` of an earlier result (keeps theme ids). ``edits``: curation
    records applied on top (see :mod:`reviewkit.nlp.curation`). ``progress(n)`` is called as
    statements are vectorised.
    """
    from .vectors import get_vectoriser

    code = language_code(language)
    statements = build_statements(items, code, split=split)
    texts = [s["text"] for s in statements]
    langs = statement_languages(statements, code)
    tokens = label_tokens(texts, langs, code)
    warnings: list[str] = []

    if previous is not None:
        version = previous.get("format_version", 1)
        if previous.get("format", MODEL_FORMAT) != MODEL_FORMAT or not isinstance(version, int) \
                or version > MODEL_VERSION:
            raise ValueError(
                f"the earlier theme model is {previous.get('format')} version {version}; this "
                f"reviewkit reads {MODEL_FORMAT} versions 1 to {MODEL_VERSION}: upgrade reviewkit "
                "or re-run without it"
            )
        prev_vec = previous.get("vectoriser", {})
        vec = get_vectoriser(prev_vec.get("name"), code, state=prev_vec.get("state"))
        if vec.version != prev_vec.get("version"):
            raise ValueError(
                f"the earlier theme model used {prev_vec.get('name')} version "
                f"{prev_vec.get('version')}, this one has {vec.version}: re-run without it"
            )
    else:
        main = Counter(langs).most_common(1)[0][0] if langs else code
        vec = get_vectoriser(vectoriser, code if vectoriser != "auto" else main) \
            if isinstance(vectoriser, str) else vectoriser
        if hasattr(vec, "fit") and getattr(vec, "vocabulary", None) is None:
            keep = [i for i, t in enumerate(texts) if has_words(t)]
            if getattr(vec, "accepts_tokens", False):
                vec.fit([texts[i] for i in keep], tokens=[tokens[i] for i in keep])
            else:
                vec.fit([texts[i] for i in keep])

    if not texts:
        x = np.zeros((0, 1), np.float32)
    elif getattr(vec, "accepts_tokens", False):
        x = vec.encode(texts, progress=progress, tokens=tokens)
    else:
        x = vec.encode(texts, progress=progress)
    content = np.array(
        [has_words(t) and bool(tok.words) for t, tok in zip(texts, tokens, strict=True)], bool
    )
    if len(texts):
        content &= _row_norms(x) > 0
    n_empty = int((~content).sum())
    if n_empty:
        warnings.append(f"{n_empty} statement(s) have no words (only numbers, emoji or symbols)")

    # Kinds: given, or from the question, or inferred from the words.
    kind_x, kind_name = x, vec.name
    if getattr(vec, "last_static", None) is not None:  # hybrid: the classifier reads static
        kind_x, kind_name = vec.last_static, vec.static.name
    guesses = _infer_kinds_each(
        texts,
        langs,
        None if hasattr(kind_x, "tocsr") else kind_x,
        kind_name,
        [s["question"] for s in statements],
        [s["kinds"] for s in statements],
    )
    for s, g in zip(statements, guesses, strict=True):
        if s.get("kind"):
            s["kind_confidence"], s["kind_source"] = 1.0, "given"
        else:
            s["kind"], s["kind_confidence"], s["kind_source"] = g.kind, g.confidence, g.source

    content_idx = np.flatnonzero(content)
    if previous is not None:
        model, assign = _update(previous, x, content_idx, tokens, code, max_unassigned, seed,
                                n_themes)
    else:
        model, assign = _fresh(x, content_idx, tokens, code, n_themes, max_unassigned, seed)
    model["vectoriser"] = {"name": vec.name, "version": vec.version, "state": vec.state()}
    model["language"] = code

    for i, s in enumerate(statements):
        s["theme_id"] = assign.get(i)
        s.pop("kinds", None)
    result = ThemeResult(statements, [], model, code, warnings, vectors=x)
    refresh_summaries(result, tokens=tokens)
    if edits:
        from .curation import apply_edits

        result = apply_edits(result, edits)
    return result


def _new_theme(tid: str, centroid: np.ndarray, label: str = "") -> dict:
    return {
        "id": tid,
        "label": label,
        "label_source": "machine",
        "status": "active",
        "centroid": [round(float(v), 5) for v in centroid],
        "size": 0,
    }


def _fresh(x, content_idx, tokens, code, n_themes, max_unassigned, seed):
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
    xc = x[content_idx]
    k = n_themes if n_themes else auto_k(n)
    k = max(1, min(k, n, _distinct_rows(xc, k)))
    min_size = max(2, math.ceil(0.003 * n)) if n >= 10 else 1
    centroids = (_micro_merge(xc, k, seed, min_size) if k > 1
                 else _mean_unit(xc, range(n))[None, :])

    # Fold small clusters into their nearest neighbour, then recompute centroids.
    for _ in range(3):
        sims = _sims(xc, centroids)
        best = sims.argmax(axis=1)
        sizes = np.bincount(best, minlength=len(centroids))
        keep = [c for c in range(len(centroids)) if sizes[c] >= min_size]
        if len(keep) == len(centroids) or not keep:
            break
        centroids = centroids[keep]
    sims = _sims(xc, centroids)
    best = sims.argmax(axis=1)
    new_centroids = []
    for c in range(len(centroids)):
        members = np.flatnonzero(best == c)
        new_centroids.append(_mean_unit(xc, members) if len(members) else centroids[c])
    centroids = np.vstack(new_centroids)
    sims = _sims(xc, centroids)
    best = sims.argmax(axis=1)
    best_sim = sims[np.arange(n), best]

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
    best_sim = _leave_one_out_sims(xc, best, len(centroids), best_sim)
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
    labels = label_themes(groups, tokens, code)
    model["themes"] = [_new_theme(ids[c], centroids[c], labels[ids[c]]) for c in order]
    return model, assign


def _leave_one_out_sims(x, best: np.ndarray, k: int, fallback: np.ndarray) -> np.ndarray:
    """Each statement's similarity to the mean of the other statements of its theme."""
    out = np.asarray(fallback, dtype=np.float64).copy()
    for c in range(k):
        idx = np.flatnonzero(best == c)
        if len(idx) < 2:
            continue
        total = np.asarray(x[idx].sum(axis=0)).ravel()
        dots = np.asarray(x[idx] @ total).ravel()
        own = _row_norms(x[idx]) ** 2
        rest = np.sqrt(np.maximum(float(total @ total) - 2 * dots + own, 1e-12))
        out[idx] = (dots - own) / rest
    return out.astype(np.float32)


def _update(previous, x, content_idx, tokens, code, max_unassigned, seed, n_themes):
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
    xc = x[content_idx]
    centroids = np.asarray([t["centroid"] for t in themes], dtype=np.float32).reshape(
        len(themes), -1
    )
    if centroids.shape[0] and centroids.shape[1] != xc.shape[1]:
        raise ValueError("the earlier theme model's vectors do not match this vectoriser")
    sims = _sims(xc, centroids)
    best = sims.argmax(axis=1) if len(themes) else np.zeros(n, int)
    best_sim = sims[np.arange(n), best] if len(themes) else np.full(n, -1.0, np.float32)
    matched = best_sim >= threshold

    # New themes from what the existing ones do not cover.
    residual = np.flatnonzero(~matched)
    active = sum(t.get("status", "active") == "active" for t in themes)
    min_new = max(3, math.ceil(0.01 * n))
    room = max(0, 50 - active) if not n_themes else max(0, n_themes - active)
    if len(residual) >= min_new and room:
        xr = xc[residual]
        k = max(1, min(room, auto_k(len(residual)) // 2 or 1, _distinct_rows(xr, room)))
        rc = _kmeans(xr, k, seed) if k > 1 else _mean_unit(xr, range(len(residual)))[None, :]
        rs = _sims(xr, rc)
        rb = rs.argmax(axis=1)
        new_cent = []
        for c in range(len(rc)):
            members = np.flatnonzero(rb == c)
            if len(members) >= min_new:
                cent = _mean_unit(xr, members)
                if float(np.mean(_sims(xr[members], cent[None, :]))) >= threshold:
                    new_cent.append((int(members[0]), cent, residual[members]))
        new_cent.sort(key=lambda m: m[0])
        if new_cent:
            founders = []
            for _, cent, rows in new_cent:
                tid = f"t{model['next_id']}"
                model["next_id"] += 1
                themes.append(_new_theme(tid, cent))
                founders.append((len(themes) - 1, rows))
            centroids = np.asarray([t["centroid"] for t in themes], dtype=np.float32)
            sims = _sims(xc, centroids)
            best = sims.argmax(axis=1)
            best_sim = sims[np.arange(n), best]
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
    unlabelled = [t["id"] for t in themes if not t.get("label")]
    if unlabelled:
        groups = {tid: [i for i, a in assign.items() if a == tid] for tid in unlabelled}
        taken = [t["label"] for t in themes if t["label"]]
        labels = label_themes(groups, tokens, code, taken=taken)
        for tid, lab in labels.items():
            by_id[tid]["label"] = lab
    return model, assign


# ---------------------------------------------------------------------------- summaries


def ensure_vectors(result: ThemeResult):
    """The statement vectors of a result, re-computed when it was loaded from a dict."""
    if result.vectors is None or result.vectors.shape[0] != len(result.statements):
        from .vectors import get_vectoriser

        v = result.model.get("vectoriser", {})
        vec = get_vectoriser(v.get("name"), result.language, state=v.get("state"))
        texts = [s["text"] for s in result.statements]
        if getattr(vec, "accepts_tokens", False):
            langs = statement_languages(result.statements, result.language)
            result.vectors = vec.encode(texts, tokens=label_tokens(texts, langs, result.language))
        else:
            result.vectors = vec.encode(texts)
    return result.vectors


def refresh_summaries(result: ThemeResult, *, tokens=None, n_examples: int = 5) -> ThemeResult:
    """Recompute sizes, counts, example statements of every active theme (in place).

    A theme's ``language`` is the one most of its statements are in (its label's language);
    ``counts["language"]`` says how many statements are in each."""
    from .labels import theme_language
    from .masking import mask_personal

    x = ensure_vectors(result)
    langs = statement_languages(result.statements, result.language)
    members: dict[str, list[int]] = {}
    for i, s in enumerate(result.statements):
        if s.get("theme_id"):
            members.setdefault(s["theme_id"], []).append(i)
    summaries = []
    for t in result.model.get("themes", []):
        if t.get("status", "active") != "active":
            t["size"] = 0
            continue
        idx = members.get(t["id"], [])
        t["size"] = len(idx)
        if not idx:
            continue
        centroid = np.asarray(t["centroid"], dtype=np.float32)
        sims = np.asarray(_sims(x[idx], centroid[None, :])).ravel()
        order = sorted(range(len(idx)), key=lambda j: (-round(float(sims[j]), 6), idx[j]))
        examples: list[str] = []
        seen: set[str] = set()
        for prefer_readable in (True, False):
            for j in order:
                text = result.statements[idx[j]]["text"]
                if prefer_readable and not 15 <= len(text) <= 240:
                    continue
                shown = mask_personal(text[:300], langs[idx[j]])
                key = shown.lower().strip(" .!")
                if key in seen:
                    continue
                seen.add(key)
                examples.append(shown)
                if len(examples) >= n_examples:
                    break
            if len(examples) >= min(n_examples, 3):
                break
        stmts = [result.statements[i] for i in idx]
        lang = theme_language([langs[i] for i in idx], result.language)
        summaries.append(
            {
                "id": t["id"],
                "label": mask_personal(t["label"], lang),
                "label_source": t.get("label_source", "machine"),
                "language": lang,
                "size": len(idx),
                "examples": examples[:n_examples],
                "counts": {
                    "kind": dict(sorted(Counter(s["kind"] for s in stmts).items())),
                    "service": dict(sorted(
                        Counter(str(s["service"]) for s in stmts if s.get("service")).items())),
                    "period": dict(
                        sorted(Counter(str(s["period"]) for s in stmts if s.get("period")).items())
                    ),
                    "language": dict(sorted(Counter(langs[i] for i in idx).items())),
                },
            }
        )
    summaries.sort(key=lambda s: (-s["size"], _id_key(s["id"])))
    result.themes = summaries
    return result


def _id_key(tid: str) -> tuple:
    digits = "".join(ch for ch in tid if ch.isdigit())
    return (int(digits) if digits else 0, tid)

"""Clustering: unit-length statement vectors -> theme centroids, the same on every run.

k-means (on a sample of at most 20,000 for speed; k-means++ seeds) with k = sqrt(n/2) clipped
to 5..50 unless asked; for larger sets, many micro-clusters merged by average linkage
(``micro_merge``). Vectors are numpy arrays or scipy sparse rows, of unit length, so a dot
product is a cosine.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

SAMPLE = 20_000
SMALL = 2_000  # up to this many statements, k-means restarts SMALL_TRIES times
SMALL_TRIES = 30


CHUNK = 65_536  # rows worked on at once: a million statements never make rows x k arrays


def as_float32(x):
    """Dense rows as float32 (large sets keep their vectors as float16 to halve the memory;
    every sum and product is done in float32). Sparse rows and float32 come back as they are."""
    if getattr(x, "dtype", None) == np.float16:
        return x.astype(np.float32)
    return x


class RepeatedRows:
    """The rows of a large set's distinct texts, one per statement (``rows[index[i]]`` is
    statement i's row) without copying a row for each repeat. Indexing and slicing give plain
    arrays; :func:`subset` keeps the sharing."""

    def __init__(self, rows: np.ndarray, index: np.ndarray):
        self.rows, self.index = rows, index
        self.dtype = rows.dtype
        self.shape = (len(index), rows.shape[1])

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            return np.asarray(self)[key]
        return self.rows[self.index[key]]

    def __array__(self, dtype=None, copy=None):
        out = self.rows[self.index]
        return out if dtype is None else out.astype(dtype)


def subset(x, idx: np.ndarray):
    """Rows ``idx`` of ``x`` (shared, not copied, for :class:`RepeatedRows`)."""
    if isinstance(x, RepeatedRows):
        return RepeatedRows(x.rows, x.index[idx])
    return x[idx]


def _chunks(n: int):
    for start in range(0, n, CHUNK):
        yield start, min(n, start + CHUNK)


def similarities(x, centroids: np.ndarray) -> np.ndarray:
    """Each row's similarity to each centroid (rows x centroids, float32)."""
    if centroids.size == 0:
        return np.zeros((x.shape[0], 0), dtype=np.float32)
    if x.shape[0] > CHUNK or getattr(x, "dtype", None) == np.float16:
        out = np.empty((x.shape[0], centroids.shape[0]), dtype=np.float32)
        for a, b in _chunks(x.shape[0]):
            out[a:b] = np.asarray(as_float32(x[a:b]) @ centroids.T, dtype=np.float32)
        return out
    out = x @ centroids.T
    return np.asarray(out, dtype=np.float32)


def nearest(x, centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's nearest centroid and its similarity, a chunk of rows at a time (never the
    whole rows x centroids matrix)."""
    n = x.shape[0]
    best = np.zeros(n, dtype=np.intp)
    best_sim = np.zeros(n, dtype=np.float32)
    for a, b in _chunks(n):
        sims = similarities(x[a:b], centroids)
        best[a:b] = sims.argmax(axis=1)
        best_sim[a:b] = sims[np.arange(b - a), best[a:b]]
    return best, best_sim


def mean_unit(x, idx: Sequence[int]) -> np.ndarray:
    """The mean of rows ``idx``, made unit length (a centroid)."""
    rows = x[np.asarray(idx, dtype=np.intp) if not isinstance(idx, range) else list(idx)]
    if getattr(rows, "dtype", None) == np.float16:
        m = rows.mean(axis=0, dtype=np.float32)
    else:
        m = np.asarray(rows.mean(axis=0)).ravel().astype(np.float32)
    n = float(np.linalg.norm(m))
    return m / n if n > 0 else m


def row_norms(x) -> np.ndarray:
    """The length of each row (0 for a statement with no known words)."""
    if hasattr(x, "multiply"):
        return np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    if x.dtype == np.float16:
        out = np.empty(x.shape[0], dtype=np.float32)
        for a, b in _chunks(x.shape[0]):
            out[a:b] = np.linalg.norm(x[a:b].astype(np.float32), axis=1)
        return out
    return np.linalg.norm(x, axis=1)


def auto_k(n: int) -> int:
    """A sensible number of themes for n statements: sqrt(n/2) clipped to 5..50."""
    return int(min(50, max(5, round(math.sqrt(max(n, 1) / 2)))))


def kmeans(x, k: int, seed: int, *, sample: int = SAMPLE, tries: int | None = None,
           local_trials: int | None = None) -> np.ndarray:
    """Unit-length k-means centroids: k-means++ seeds from a small sample, then Lloyd.

    ``tries`` restarts (the one with the lowest inertia wins) on a sample of at most ``sample``;
    by default 3, or ``SMALL_TRIES`` for sets of up to ``SMALL`` statements. A few hundred
    statements in one run of k-means often land in a poor local optimum that cuts statements
    saying the same thing (in two languages, say) apart; there restarts cost little.
    """
    from threadpoolctl import threadpool_limits

    if tries is None:
        tries = SMALL_TRIES if x.shape[0] <= SMALL else 3

    # OpenMP threads spinning beside the tokenisers' threads made k-means 3x slower on 2 cores.
    with threadpool_limits(limits=1):
        return _kmeans_inner(x, k, seed, sample, tries, local_trials)


def _kmeans_inner(x, k: int, seed: int, sample: int = SAMPLE, tries: int = 3,
                  local_trials: int | None = None) -> np.ndarray:
    from sklearn.cluster import KMeans, kmeans_plusplus

    n = x.shape[0]
    rng = np.random.default_rng(seed)
    fit_x = x[np.sort(rng.choice(n, sample, replace=False))] if n > sample else x
    fit_x = as_float32(fit_x)  # large sets keep float16 vectors
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


def micro_merge(x, k: int, seed: int, min_size: int = 1, runs: int | None = None) -> np.ndarray:
    """Theme centroids: k-means into many micro-clusters, then merge them (average linkage).

    Fine k-means finds tight groups of statements that say the same thing; average-linkage
    merging of their centroids by cosine then joins groups that belong together without the
    equal-size pull of a coarse k-means, so a large topic is not cut into arbitrary slices
    while a small, distinct one keeps its own theme. The tree is cut where ``k`` groups have at
    least ``min_size`` statements; the statements of smaller groups go to their nearest theme.
    ``runs`` (default ``CONSENSUS_RUNS``) above 1: the micro-clusters are merged on how often
    that many merges with other seeds put their statements in one theme (co-association).
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    n = x.shape[0]
    m = min(n_micro(n, k), distinct_rows(x, n_micro(n, k)))
    if n < 2 * k * MICRO_SIZE or m < 2 * k:
        return kmeans(x, k, seed)  # too few statements for micro-clusters to mean much
    micro = kmeans(x, m, seed, sample=MICRO_SAMPLE, tries=2, local_trials=1)
    best, _ = nearest(x, micro)
    sizes = np.bincount(best, minlength=m)
    used = np.flatnonzero(sizes)
    if len(used) <= k:
        return micro[used]
    means = np.vstack([mean_unit(x, np.flatnonzero(best == c)) for c in used]).astype(np.float64)
    runs = CONSENSUS_RUNS if runs is None else runs
    tree = (linkage(means, method="average", metric="cosine") if runs <= 1
            else _consensus_tree(x, best, used, k, seed, min_size, runs))
    for cut in range(k, len(used) + 1):
        groups = fcluster(tree, cut, criterion="maxclust") - 1
        big = np.bincount(groups, weights=sizes[used]) >= min_size
        if big.sum() >= k:
            break
    group = np.full(m, -1)
    group[used] = groups
    member_group = group[best]
    keep = [g for g in range(groups.max() + 1) if big[g]][:k] or [int(np.argmax(big))]
    return np.vstack([mean_unit(x, np.flatnonzero(member_group == g)) for g in keep])


CONSENSUS_RUNS = 1  # 1: merge micro-clusters by their centroids' cosine (see micro_merge)


def _consensus_tree(x, best: np.ndarray, used: np.ndarray, k: int, seed: int, min_size: int,
                    runs: int):
    """Average-linkage tree of the micro-clusters ``used`` (``best``: each row's) on
    co-association: for two micro-clusters, the chance that a statement of each lands in the
    same theme over ``runs`` micro-merges with other seeds."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    row = np.full(int(used.max()) + 1, -1)
    row[used] = np.arange(len(used))
    co = np.zeros((len(used), len(used)))
    for r in range(runs):
        theme = nearest(x, micro_merge(x, k, seed + 1000 * (r + 1), min_size, runs=1))[0]
        share = np.zeros((len(used), int(theme.max()) + 1))
        np.add.at(share, (row[best], theme), 1.0)
        share /= np.maximum(share.sum(axis=1, keepdims=True), 1.0)
        co += share @ share.T
    dist = 1.0 - co / runs
    dist = np.clip((dist + dist.T) / 2, 0.0, 1.0)
    np.fill_diagonal(dist, 0.0)
    return linkage(squareform(dist, checks=False), method="average")


def distinct_rows(x, limit: int) -> int:
    """How many distinct vectors there are (up to ``limit``)."""
    if hasattr(x, "toarray"):
        sample = x[: min(x.shape[0], 5000)].toarray()
    else:
        sample = np.asarray(x[: min(x.shape[0], 5000)], dtype=np.float32)
    return min(limit, len({r.tobytes() for r in np.round(sample, 4)}))


def leave_one_out_sims(x, best: np.ndarray, k: int, fallback: np.ndarray) -> np.ndarray:
    """Each statement's similarity to the mean of the other statements of its theme."""
    out = np.asarray(fallback, dtype=np.float64).copy()
    for c in range(k):
        idx = np.flatnonzero(best == c)
        if len(idx) < 2:
            continue
        total = None
        for a, b in _chunks(len(idx)):
            part = np.asarray(as_float32(x[idx[a:b]]).sum(axis=0)).ravel()
            total = part if total is None else total + part
        for a, b in _chunks(len(idx)):
            rows = as_float32(x[idx[a:b]])
            dots = np.asarray(rows @ total).ravel()
            own = row_norms(rows) ** 2
            rest = np.sqrt(np.maximum(float(total @ total) - 2 * dots + own, 1e-12))
            out[idx[a:b]] = (dots - own) / rest
    return out.astype(np.float32)

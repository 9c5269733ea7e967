"""Consensus merging of micro-clusters (``clustering.CONSENSUS_RUNS``, off by default).

Tried for issue 17 point 2 (docs/theming.md, "Methods tried"): the micro-clusters are merged on
how often several micro-merges with other seeds put their statements in one theme.
"""

from __future__ import annotations

import numpy as np

from reviewkit.nlp.clustering import CONSENSUS_RUNS, micro_merge, nearest


def _planted(seed: int = 0):
    """Three topics far apart, each made of four nearby sub-topics of 60 statements."""
    rng = np.random.default_rng(seed)
    dims = 24
    rows, topic = [], []
    for t in range(3):
        centre = np.zeros(dims)
        centre[t * 8] = 1.0
        for _ in range(4):
            sub = centre + 0.35 * rng.normal(size=dims) / np.sqrt(dims)
            rows.append(sub + 0.08 * rng.normal(size=(60, dims)) / np.sqrt(dims))
            topic += [t] * 60
    x = np.vstack(rows).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True), np.array(topic)


def test_consensus_merge_keeps_each_planted_topic_in_one_theme():
    x, topic = _planted()
    centroids = micro_merge(x, 3, seed=0, min_size=10, runs=5)
    assert len(centroids) == 3
    means = np.vstack([x[topic == t].mean(axis=0) for t in range(3)])
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    # each theme is one topic, not a blend of several, and every topic has its theme
    sims = centroids @ means.T
    assert (sims.max(axis=1) > 0.95).all()
    assert sorted(sims.argmax(axis=1)) == [0, 1, 2]
    theme = nearest(x, centroids)[0]
    assert all(len(set(theme[topic == t])) == 1 for t in range(3))


def test_consensus_is_off_unless_asked():
    x, _ = _planted(1)
    assert CONSENSUS_RUNS == 1
    assert np.array_equal(micro_merge(x, 3, seed=0, min_size=10),
                          micro_merge(x, 3, seed=0, min_size=10, runs=1))

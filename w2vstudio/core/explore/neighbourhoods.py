"""Neighbourhoods: each row's nearest other rows by cosine, and the Jaccard overlap of two sets."""

from __future__ import annotations

import numpy as np

from w2vstudio.core.vectors import top_k, unit_rows

DEFAULT_K = 10
_SCORE_BUDGET = 1 << 22  # cosines held at once (16 MiB of float32)


def neighbour_ids(vectors: np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """Each row's `k` nearest other rows by cosine, best first: (n, min(k, n - 1)) int64."""
    unit = unit_rows(vectors)
    n = len(unit)
    step = max(1, _SCORE_BUDGET // max(n, 1))
    parts = [np.zeros((0, min(k, max(n - 1, 0))), np.int64)]
    for s in range(0, n, step):
        sims = unit[s:s + step] @ unit.T
        rows = np.arange(len(sims))
        sims[rows, s + rows] = -np.inf
        parts.append(top_k(sims, min(k, n - 1))[0])
    return np.concatenate(parts)


def jaccard(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard overlap of each row pair of two id arrays (n, ka) and (n, kb), ids distinct per row."""
    shared = (a[:, :, None] == b[:, None, :]).sum(axis=(1, 2))
    union = a.shape[1] + b.shape[1] - shared
    return np.divide(shared, union, out=np.ones(len(a)), where=union > 0)

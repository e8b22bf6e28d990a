"""Scoring trained vectors and counting co-occurrences."""

from __future__ import annotations

import numpy as np
from numba import njit

from w2vstudio.core.kernels.jit import JIT, NOFAST

# ---------------------------------------------------------------------------------------------
# Scoring trained vectors

@njit(**JIT)
def scaled_dots(x, inv_norms, queries, out):  # pragma: no cover - compiled
    """out[k, i] = (x[i] . queries[k]) * inv_norms[i], reading x once."""
    for i in range(x.shape[0]):
        for k in range(queries.shape[0]):
            s = np.float32(0.0)
            for j in range(x.shape[1]):
                s += x[i, j] * queries[k, j]
            out[k, i] = s * inv_norms[i]


@njit(**NOFAST)
def analogy_scores(sims, where, inputs, first, out):
    """3CosAdd scores of questions first..first+len(out)-1: out[k] = sims[where[q, 1]] -
    sims[where[q, 0]] + sims[where[q, 2]] for q = first + k, summed in that order in float32 as
    numpy would, with the question's input columns inputs[q] at -inf. One pass over three rows,
    no gathered copies; numpy's (vectorised) argmax then picks each answer."""
    for k in range(out.shape[0]):
        q = first + k
        a, b, c = sims[where[q, 0]], sims[where[q, 1]], sims[where[q, 2]]
        row = out[k]
        for j in range(sims.shape[1]):
            row[j] = b[j] - a[j] + c[j]
        for m in range(3):
            row[inputs[q, m]] = -np.inf


# ---------------------------------------------------------------------------------------------
# Corpus statistics

@njit(**NOFAST)
def cooccurrences(tokens, offsets, limit, window, out):  # pragma: no cover - compiled
    """out[x, y] += 1 for each two positions of a sentence at most `window` apart holding words
    x, then y, both below `limit` (`out` is limit x limit int64)."""
    for s in range(len(offsets) - 1):
        end = offsets[s + 1]
        for i in range(offsets[s], end):
            x = tokens[i]
            if x >= limit:
                continue
            for j in range(i + 1, min(i + window + 1, end)):
                y = tokens[j]
                if y < limit:
                    out[x, y] += 1

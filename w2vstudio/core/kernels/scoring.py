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


@njit(**NOFAST)
def pair_sightings(tokens, offsets, window, a, b, out):  # pragma: no cover - compiled
    """How many times, reading in order, a word of the pair {a, b} meets the other at most `window`
    words before it in its sentence (a pair of one word: two occurrences); the positions of the later
    word, ascending, are written into `out` as far as it is long (an empty `out`: only count)."""
    n = 0
    for s in range(len(offsets) - 1):
        start, end = offsets[s], offsets[s + 1]
        for j in range(start, end):
            y = tokens[j]
            if y != a and y != b:
                continue
            for i in range(max(start, j - window), j):
                x = tokens[i]
                if (x == a and y == b) or (x == b and y == a):
                    if n < len(out):
                        out[n] = j
                    n += 1
    return n


# ---------------------------------------------------------------------------------------------
# The held-out slice's losses, without update

@njit(**JIT)
def _input_vector(syn0, row, mean, v):  # pragma: no cover - compiled
    """v = the sum (or mean, `mean`) of syn0's rows in `row` (−1: none), in float64; False if none."""
    v[:] = 0.0
    n = 0
    for m in range(row.shape[0]):
        w = row[m]
        if w < 0:
            continue
        n += 1
        for j in range(syn0.shape[1]):
            v[j] += syn0[w, j]
    if mean and n > 1:
        for j in range(v.shape[0]):
            v[j] /= n
    return n > 0


@njit(**JIT)
def _softplus(x):  # pragma: no cover - compiled
    """log(1 + exp(x)), stable: −log σ(−x)."""
    if x > 0:
        return x + np.log1p(np.exp(-x))
    return np.log1p(np.exp(x))


@njit(**JIT)
def _dot(u, v):  # pragma: no cover - compiled
    s = 0.0
    for j in range(v.shape[0]):
        s += u[j] * v[j]
    return s


@njit(**JIT)
def ns_row_losses(syn0, syn1neg, inputs, outputs, negatives, mean, out):  # pragma: no cover - compiled
    """out[r] = −log σ(v·u_o) − Σ_k log σ(−v·u_k) for row r (v from `inputs[r]`, `_input_vector`),
    a negative equal to the output skipped as the training kernel skips it; float64 sums."""
    v = np.zeros(syn0.shape[1])
    for r in range(outputs.shape[0]):
        _input_vector(syn0, inputs[r], mean, v)
        o = outputs[r]
        loss = _softplus(-_dot(syn1neg[o], v))
        for k in range(negatives.shape[1]):
            n = negatives[r, k]
            if n != o:
                loss += _softplus(_dot(syn1neg[n], v))
        out[r] = loss


@njit(**JIT)
def hs_row_losses(syn0, syn1, inputs, outputs, codes, points, lengths, mean, out):  # pragma: no cover - compiled
    """out[r] = −log p(output | input) along the output's Huffman path: Σ_j −log σ((1 − 2·code_j)·v·u_j)."""
    v = np.zeros(syn0.shape[1])
    for r in range(outputs.shape[0]):
        _input_vector(syn0, inputs[r], mean, v)
        o = outputs[r]
        loss = 0.0
        for j in range(lengths[o]):
            loss += _softplus(-(1.0 - 2.0 * codes[o, j]) * _dot(syn1[points[o, j]], v))
        out[r] = loss

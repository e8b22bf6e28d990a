"""p(output | input) as the model defines it for its own objective.

- full softmax: p = softmax(C·v)[o];
- negative sampling: p = softmax(C·v + log Pn)[o], Pn the noise distribution (counts^ns_exponent)
  the negatives came from: at the optimum v·u_o ≈ log p(o|i) − log(k·Pn(o)) (Levy & Goldberg
  2014); beside it σ(v·u_o), the yes/no probability NS trains;
- hierarchical softmax: p = the product of the sigmoids along o's Huffman path.

v is E[input], or the mean (sum, for a model trained with summed context) of several rows. One
matrix-vector product per call and no copy of E or C: safe to call on a model while it trains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.inside.tables import huffman, noise_p, objective, output_matrix


@dataclass(frozen=True)
class Likelihood:
    p: float
    rank: int  # 1 = the most likely of all V words
    neg_log_p: float
    objective: str  # "softmax" | "negative" | "hs"
    sigmoid: float | None  # σ(v·u_o) for a model with negative sampling, else None
    top: list  # [(word, p)], most likely first


def input_vector(model, input_ids: int | Sequence[int]) -> np.ndarray:
    """E[input], or the mean (or sum, as the model's cbow_mean says) of several rows."""
    ids = np.atleast_1d(np.asarray(input_ids, dtype=np.int64))
    if len(ids) == 1:
        return model.vectors[ids[0]]
    return combine(model.vectors[ids], model.params.cbow_mean)


def combine(rows: np.ndarray, mean: bool) -> np.ndarray:
    """The CBOW input: the mean (or sum) of the context rows, float32."""
    rows = np.asarray(rows, dtype=np.float64)
    return (rows.mean(axis=0) if mean or len(rows) == 1 else rows.sum(axis=0)).astype(np.float32)


def output_scores(model, v: np.ndarray) -> np.ndarray:
    """C·v over the whole vocabulary, or for hierarchical softmax the scores of the inner nodes."""
    matrix = model.syn1 if objective(model) == "hs" else output_matrix(model)
    return (matrix @ v).astype(np.float64)


def log_probs(model, scores: np.ndarray) -> np.ndarray:
    """log p(w | v) for every word w (float64, V) from ``output_scores``, for the model's objective."""
    obj = objective(model)
    if obj == "hs":
        return hs_log_probs(model, scores)
    if obj == "negative":
        scores = scores + np.log(noise_p(model))
    return log_softmax(scores)


def log_softmax(scores: np.ndarray) -> np.ndarray:
    """log softmax(scores), shifted by the largest score (no overflow; much faster than
    np.logaddexp.reduce, which a probe at every snapshot would feel)."""
    peak = scores.max()
    return scores - (peak + np.log(np.exp(scores - peak).sum()))


def hs_log_probs(model, node_scores: np.ndarray) -> np.ndarray:
    """log of each word's path product Π σ(±s) from the scores of the inner nodes (float64, V)."""
    codes, points, lengths = huffman(model)
    signed = node_scores.astype(np.float64)[points] * (1.0 - 2.0 * codes)
    on_path = np.arange(points.shape[1]) < lengths[:, None]
    return -np.where(on_path, np.logaddexp(0.0, -signed), 0.0).sum(axis=1)


def likelihood(model, input_ids: int | Sequence[int], output_id: int, topn: int = 10) -> Likelihood:
    """p(output | input) for the model's objective, its rank among all words and the top words."""
    v = input_vector(model, input_ids)
    yes_no = None
    if model.params.negative > 0 and objective(model) != "softmax":
        yes_no = sigmoid(float(np.dot(model.syn1neg[output_id].astype(np.float64), v)))
    return summarize(model, log_probs(model, output_scores(model, v)), output_id, yes_no, topn)


def summarize(model, logp: np.ndarray, output_id: int, yes_no: float | None, topn: int) -> Likelihood:
    """The Likelihood of ``output_id`` from every word's log p."""
    lo = float(logp[output_id])
    k = min(max(int(topn), 0), len(logp))
    best = np.argpartition(-logp, k - 1)[:k] if k else np.zeros(0, np.int64)
    best = best[np.lexsort((best, -logp[best]))]
    words = model.vocab.words
    return Likelihood(float(np.exp(lo)), int(np.count_nonzero(logp > lo)) + 1, -lo, objective(model), yes_no,
                      [(words[i], float(np.exp(logp[i]))) for i in best])


def sigmoid(x: float) -> float:
    """σ(x) without overflow."""
    return float(np.exp(-np.logaddexp(0.0, -x)))


def windows_likelihood(model, windows: np.ndarray, output_id: int, topn: int = 10) -> Likelihood:
    """CBOW's p(output | context) averaged over real context windows ((n, 2·window) ids, −1 for
    none): p is the mean over the windows of p(output | that window's mean (or sum) of E rows); rank
    and top words by that mean p; σ(v·u_o) the mean too (negative sampling)."""
    windows = np.atleast_2d(np.asarray(windows, np.int64))
    total = np.zeros(len(model.vocab))
    yes_no = [] if model.params.negative > 0 and objective(model) != "softmax" else None
    n = 0
    for row in windows:
        ids = row[row >= 0]
        if not len(ids):
            continue
        v = combine(model.vectors[ids], model.params.cbow_mean)
        total += np.exp(log_probs(model, output_scores(model, v)))
        if yes_no is not None:
            yes_no.append(sigmoid(float(np.dot(model.syn1neg[output_id].astype(np.float64), v))))
        n += 1
    if not n:
        raise ValueError("no window has a context word")
    with np.errstate(divide="ignore"):
        mean_log = np.log(total / n)
    return summarize(model, mean_log, output_id, None if yes_no is None else float(np.mean(yes_no)), topn)

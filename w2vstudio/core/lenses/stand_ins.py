"""Stand-ins: the words that could take a word's place in each of its occurrences, as the model sees it.

A topic changes the words around a word; a sense changes what the word itself could be replaced
by. The candidates are the word's `CANDIDATES` nearest words (cosine of input vectors, among the
`senses.NEAREST_POOL` most frequent): a word's vector blends its senses, so its neighbours hold
stand-ins of each (plant: refinery, hydroelectric … and seeds, photosynthesis …). For each
occurrence, each candidate is scored by the model's own likelihood of the occurrence's context
within the training window (each context word weighted by its subsampling keep-probability and,
for a reduced window, by the chance that training's window reaches it), and the scores become a
distribution over the candidates (softmax, a uniform prior):

- skip-gram: Σ_c w_c log p(c | v), where p(c | v) is what the objective trains: σ(E_v·C_c) for
  negative sampling (the probability that c is a real context of v), the Huffman path product for
  hierarchical softmax, softmax(C·E_v)[c] for the full softmax;
- CBOW: log p(v | h), h the (weighted) mean or sum of the context's input vectors: σ(h·C_v),
  the path product of v, or h·C_v (the softmax's normaliser is the same for every candidate).

`divergence` is the Jensen–Shannon divergence (nats) between the mean distributions of two groups
of occurrences: how much what could stand in the word's place differs between them, whatever their
sizes (a sense of a fifth of the occurrences counts as much as one of half).
"""

from __future__ import annotations

import numpy as np

from w2vstudio.core.inside.tables import huffman, objective, output_matrix
from w2vstudio.core.lenses.mirror import weights as reach_of
from w2vstudio.core.train.model import Model
from w2vstudio.core.vectors import KeyedVectors

CANDIDATES = 30


def candidates(kv: KeyedVectors, row: int, pool: int, n: int = CANDIDATES) -> np.ndarray:
    """Rows of the `n` words nearest `row` by the cosine of input vectors, among the first `pool`
    rows (the most frequent words), the word itself left out; nearest first."""
    best, cos = kv.top_similar(kv.vectors[row], n, restrict_vocab=pool, exclude=np.array([[row]]))
    return best[0][cos[0] > -np.inf].astype(np.int64)


def training_context(model: Model, contexts: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Occurrences sampled with a wider window (columns: offsets −W … −1, 1 … W; weights: the
    keep-probabilities) cut to the model's window, each weight times the chance that a reduced
    window reaches it: (contexts, weights), each (n, 2·window)."""
    wide = contexts.shape[1] // 2
    window = min(model.params.window, wide)
    reach = reach_of(window, model.params.shrink_window)
    cols = slice(wide - window, wide + window)
    return contexts[:, cols], weights[:, cols] * np.concatenate([reach[::-1], reach])


def log_fit(model: Model, cands: np.ndarray, contexts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(n, len(cands)) float64: each occurrence's score for each candidate (see the module's
    description). `contexts`: (n, m) context ids, −1 for none; `weights`: (n, m), 0 for none."""
    contexts = np.asarray(contexts, np.int64)
    weights = np.where(contexts >= 0, np.asarray(weights, np.float64), 0.0)
    obj = objective(model)
    if model.params.sg:
        distinct, at = np.unique(np.maximum(contexts, 0), return_inverse=True)
        table = _skipgram_table(model, obj, cands, distinct)  # (len(distinct), K): log p(c | v)
        return np.einsum("nm,nmk->nk", weights, table[at.reshape(contexts.shape)])
    rows = model.vectors[np.maximum(contexts, 0)].astype(np.float64)
    total = weights.sum(axis=1, keepdims=True)
    h = np.einsum("nm,nmd->nd", weights, rows)
    if model.params.cbow_mean:
        h /= np.maximum(total, 1e-12)
    if obj == "hs":
        return _path_log_probs(model, cands, h).T
    scores = h @ output_matrix(model)[cands].astype(np.float64).T
    return scores if obj == "softmax" else _log_sigmoid(scores)


def of_occurrences(model: Model, kv: KeyedVectors, row: int, contexts: np.ndarray, weights: np.ndarray,
                   pool: int) -> tuple[np.ndarray, np.ndarray]:
    """(candidates, distributions): the stand-ins of `row` (`kv`: the model's input vectors, whose
    norms are computed once for all the words measured) and, per occurrence sampled with a wider
    window, the distribution over them."""
    cands = candidates(kv, row, pool)
    near, reach = training_context(model, contexts, weights)
    return cands, distributions(log_fit(model, cands, near, reach))


def distributions(scores: np.ndarray) -> np.ndarray:
    """Each row of `scores` as a distribution over the candidates (softmax)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    return p / p.sum(axis=1, keepdims=True)


def divergence(p: np.ndarray, labels: np.ndarray) -> float:
    """The Jensen–Shannon divergence (nats) between the mean rows of `p` with labels 0 and 1."""
    a, b = p[labels == 0].mean(axis=0), p[labels == 1].mean(axis=0)
    middle = (a + b) / 2
    return float(0.5 * _kl(a, middle) + 0.5 * _kl(b, middle))


def _kl(a: np.ndarray, b: np.ndarray) -> float:
    inside = a > 0
    return float((a[inside] * np.log(a[inside] / b[inside])).sum())


def _log_sigmoid(x: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -x)


def _skipgram_table(model: Model, obj: str, cands: np.ndarray, distinct: np.ndarray) -> np.ndarray:
    """log p(c | v) for each context word c in `distinct` and candidate v: (len(distinct), K)."""
    v = model.vectors[cands].astype(np.float64)  # (K, d)
    if obj == "hs":
        return _path_log_probs(model, distinct, v)
    c = output_matrix(model)
    scores = c[distinct].astype(np.float64) @ v.T
    if obj == "negative":
        return _log_sigmoid(scores)
    normaliser = np.empty(len(cands))
    for start in range(0, len(c), 65536):
        block = c[start:start + 65536].astype(np.float64) @ v.T
        peak = block.max(axis=0)
        part = peak + np.log(np.exp(block - peak).sum(axis=0))
        normaliser = part if start == 0 else np.logaddexp(normaliser, part)
    return scores - normaliser


def _path_log_probs(model: Model, words: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """log of the Huffman path product of each of `words` for each row of `inputs`: (len(words), n)."""
    codes, points, lengths = huffman(model)
    pts, signs = points[words], 1.0 - 2.0 * codes[words]
    on_path = np.arange(points.shape[1]) < lengths[words, None]
    nodes, at = np.unique(np.where(on_path, pts, 0), return_inverse=True)
    scores = model.syn1[nodes].astype(np.float64) @ inputs.T  # (nodes, n)
    signed = scores[at.reshape(pts.shape)] * signs[:, :, None]  # (words, L, n)
    return np.where(on_path[:, :, None], _log_sigmoid(signed), 0.0).sum(axis=1)

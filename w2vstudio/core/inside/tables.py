"""The model's own sampling tables, as its trainer builds them: noise distribution, Huffman tree,
keep probabilities, and a seeded random stream drawing from them exactly as the kernel does."""

from __future__ import annotations

import threading
import weakref

import numpy as np

from w2vstudio.core.kernels.random import alias_table, below, draw_negative, seed_states, uniform
from w2vstudio.core.kernels.training import huffman_tree
from w2vstudio.core.errors import W2VError

_HUFFMAN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Vocabulary -> (codes, points, lengths)
_LOCK = threading.Lock()


def objective(model) -> str:
    """What the model's output layer was trained for: "softmax", "hs" or "negative"."""
    if model.params.softmax:
        return "softmax"
    return "hs" if model.params.hs else "negative"


def output_matrix(model) -> np.ndarray:
    """C: the per-word output rows (full softmax or negative sampling); no copy."""
    c = model.syn1soft if objective(model) == "softmax" else model.syn1neg
    if c.shape != model.vectors.shape:
        raise W2VError("the model has no per-word context matrix C (it was trained with hierarchical "
                       "softmax only, or saved without its output weights)")
    return c


def require_output(model, name: str) -> None:
    """Raise, naming ``name``, unless the model keeps trained output weights for its objective (all
    zero: a vectors file saved as a model, or a model never trained)."""
    v, dim = model.vectors.shape
    obj = objective(model)
    weights = model.syn1 if obj == "hs" else model.syn1soft if obj == "softmax" else model.syn1neg
    if weights.shape != ((v - 1 if obj == "hs" else v), dim) or v < 2 or not weights.any():
        raise W2VError(f"{name} has no context matrix C (its output weights): only models trained here keep it")


def noise_p(model) -> np.ndarray:
    """Pn: counts ** ns_exponent, normalised (float64), the distribution negatives are drawn from."""
    w = model.vocab.counts.astype(np.float64) ** model.params.ns_exponent
    return w / w.sum()


def noise_table(model) -> tuple[np.ndarray, np.ndarray]:
    """The alias table the trainer draws negatives from (counts ** ns_exponent)."""
    return alias_table(model.vocab.counts.astype(np.float64) ** model.params.ns_exponent)


def huffman(model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes, points, lengths) of the model's Huffman tree, built once per vocabulary."""
    vocab = model.vocab
    with _LOCK:
        tree = _HUFFMAN.get(vocab)
    if tree is None:
        tree = huffman_tree(vocab.counts.astype(np.float64))
        with _LOCK:
            _HUFFMAN[vocab] = tree
    return tree


class Stream:
    """The kernel's xorshift stream from a seed: the same draws, in Python, one at a time."""

    def __init__(self, seed: int):
        self.state = seed_states(seed, 1)[0][0]

    def uniform(self) -> float:
        state, u = uniform(self.state)
        self.state = np.uint64(state)  # kept unsigned: the kernel's shifts are logical
        return float(u)

    def below(self, n: int) -> int:
        state, b = below(self.state, n)
        self.state = np.uint64(state)
        return int(b)

    def negative(self, thresholds: np.ndarray, aliases: np.ndarray) -> int:
        state, w = draw_negative(self.state, thresholds, aliases)
        self.state = np.uint64(state)
        return int(w)

"""Comparing two models: a word's neighbours side by side, and the words that moved most.

Words are matched by their strings. Neighbours are searched in each model's whole vocabulary (or
its first `restrict_vocab` words), as batched matrix products; overlaps are Jaccard indices.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from w2vstudio.core.explore.change import change
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K, jaccard
from w2vstudio.core.vectors import KeyedVectors


@dataclass(frozen=True)
class NeighbourComparison:
    """A word's nearest neighbours in two models, best first, and the overlap of the two sets."""

    word: str
    left: list[tuple[str, float]]
    right: list[tuple[str, float]]
    overlap: float

    @property
    def shared(self) -> set[str]:
        """Words in both lists."""
        return {w for w, _ in self.left} & {w for w, _ in self.right}


def _neighbours(kv: KeyedVectors, rows: np.ndarray, topn: int, restrict_vocab: int | None):
    """Top `topn` other words of each row: (indices, scores), never padded with excluded rows."""
    k = min(topn, max((len(kv) if restrict_vocab is None else min(restrict_vocab, len(kv))) - 1, 0))
    return kv.top_similar(kv.vectors[rows], k, restrict_vocab, exclude=rows[:, None])


def _overlaps(a: KeyedVectors, b: KeyedVectors, words: list[str], topn: int, restrict_vocab: int | None):
    """Neighbours of `words` in each model, and their overlaps: ids of b's words recoded to a's
    rows (words a lacks after them), so that the same word has the same id on both sides."""
    left = _neighbours(a, np.array([a.index(w) for w in words], np.int64), topn, restrict_vocab)
    right = _neighbours(b, np.array([b.index(w) for w in words], np.int64), topn, restrict_vocab)
    found, where = np.unique(right[0], return_inverse=True)
    codes = np.array([a.index(b.words[j]) if b.words[j] in a else len(a) + j for j in found.tolist()], np.int64)
    return left, right, jaccard(left[0], codes[where].reshape(right[0].shape))


def overlaps(a: KeyedVectors, b: KeyedVectors, words: list[str], topn: int = DEFAULT_K,
             restrict_vocab: int | None = None) -> np.ndarray:
    """Overlap (Jaccard) of each word's `topn` neighbours in model `a` and in model `b`."""
    if not words:
        return np.zeros(0)
    return _overlaps(a, b, list(words), topn, restrict_vocab)[2]


def compare_word(a: KeyedVectors, b: KeyedVectors, word: str, topn: int = DEFAULT_K,
                 restrict_vocab: int | None = None) -> NeighbourComparison:
    """`word`'s `topn` neighbours in model `a` and in model `b`, with their overlap."""
    (li, ls), (ri, rs), overlap = _overlaps(a, b, [word], topn, restrict_vocab)
    return NeighbourComparison(word, [(a.words[i], float(s)) for i, s in zip(li[0], ls[0])],
                               [(b.words[i], float(s)) for i, s in zip(ri[0], rs[0])], float(overlap[0]))


def most_different(a: KeyedVectors, b: KeyedVectors, top: int = 2_000, n: int = 50,
                   topn: int = DEFAULT_K) -> list[tuple[str, float]]:
    """Of the `top` most frequent words both models know, the `n` that moved most between them, as
    `change` ranks them (alignment, neighbourhoods, frequency controlled): (word, z), highest first."""
    if sum(w in b for w in a.words) < 3:
        return []  # too few to align
    result = change([a, b], top=top, k=topn)
    return [(r["word"], r["z"]) for r in result.ranked(n)]

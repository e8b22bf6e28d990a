"""Frequency effects: how a word's count shapes what the model learned about it.

The vocabulary, by rank, falls into ten groups of (nearly) equal size, the deciles. Per decile:
its ranks and counts, the mean vector norm, 3CosAdd accuracy on the analogy questions assigned to
it (all four words in the decile or more frequent ones, assigned by their rarest word, answers
searched among the words up to the decile's last rank) and the share of its occurrences that
subsampling drops. Per word: count, norm, the stability of its neighbourhood over the last
snapshots and the agreement of its neighbours between two models.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from w2vstudio.core.explore.compare import overlaps
from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.evaluate import analogy_rows, answered
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K, jaccard, neighbour_ids
from w2vstudio.core.train.sampling import keep_probabilities
from w2vstudio.core.vectors import KeyedVectors

DECILES = 10
DEFAULT_LAST = 5  # snapshots whose consecutive overlaps make a word's stability
DEFAULT_PER_DECILE = 3  # words of each decile offered for tracking


@dataclass(frozen=True)
class Decile:
    """One tenth of the vocabulary by rank (ranks 1-based, inclusive)."""

    rank_from: int
    rank_to: int
    count_min: int
    count_max: int
    norm_mean: float
    analogy_accuracy: float | None  # None without questions
    analogy_questions: int
    drop_share: float  # of the decile's occurrences, the share subsampling drops

    def to_dict(self) -> dict:
        return asdict(self)


def bounds(n_words: int, parts: int = DECILES) -> np.ndarray:
    """Row where each of `parts` groups of nearly equal size starts, and the end: (parts + 1,)."""
    return np.linspace(0, n_words, parts + 1).round().astype(np.int64)


def counts_of(kv: KeyedVectors, name: str | Path = "the model") -> np.ndarray:
    """The word counts of `kv`; a `W2VError` naming `name` if it has none."""
    if kv.counts is None or not kv.counts.any():
        raise W2VError(f"{name} has no word counts (a plain vectors file): the frequency lens needs a model "
                       "saved by w2vstudio")
    return kv.counts


def norms(kv: KeyedVectors) -> np.ndarray:
    """Each word's vector norm, float64."""
    inv = kv.inv_norms.astype(np.float64)
    return np.divide(1.0, inv, out=np.zeros(len(inv)), where=inv > 0)


def deciles(kv: KeyedVectors, sample: float, analogies: str | Path | None = None,
            parts: int = DECILES) -> list[Decile]:
    """The vocabulary's deciles (fewer parts for a vocabulary smaller than `parts`); `sample` is
    the model's subsampling threshold, `analogies` a questions-words file (default: bundled)."""
    counts = counts_of(kv).astype(np.float64)
    edges = np.unique(bounds(len(kv), min(parts, len(kv))))
    norm, keep = norms(kv), keep_probabilities(counts, sample)
    rows = analogy_rows(kv, analogies)
    rows = rows[(rows >= 0).all(axis=1)]
    rarest = rows.max(axis=1, initial=-1) if len(rows) else np.zeros(0, np.int64)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mine = rows[(rarest >= lo) & (rarest < hi)]
        hits = answered(kv, mine, restrict_vocab=int(hi))
        c = counts[lo:hi]
        out.append(Decile(int(lo) + 1, int(hi), int(c.min()), int(c.max()), float(norm[lo:hi].mean()),
                          float(hits.mean()) if len(hits) else None, len(hits),
                          float((c * (1 - keep[lo:hi])).sum() / c.sum()) if c.sum() else 0.0))
    return out


def decile_sample(n_words: int, per_decile: int = DEFAULT_PER_DECILE, seed: int = 0) -> np.ndarray:
    """Rows of up to `per_decile` words drawn from every decile (seeded), sorted: words to track in
    the next run, so that the stability of rare words is measured too."""
    rng = np.random.default_rng(seed)
    edges = bounds(n_words)
    parts = [rng.choice(np.arange(lo, hi), min(per_decile, hi - lo), replace=False)
             for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)


def stability(snapshots: np.ndarray, last: int = DEFAULT_LAST, k: int = DEFAULT_K) -> np.ndarray:
    """Each tracked word's mean top-`k` neighbour overlap (Jaccard) between consecutive snapshots
    among the `last` ones; `snapshots` is (S, tracked, dim). NaN with fewer than two snapshots."""
    chosen = snapshots[-last:] if last > 0 else snapshots[:0]
    if len(chosen) < 2:
        return np.full(snapshots.shape[1], np.nan)
    ids = [neighbour_ids(s, k) for s in chosen]
    return np.mean([jaccard(a, b) for a, b in zip(ids[:-1], ids[1:])], axis=0)


def agreement(a: KeyedVectors, b: KeyedVectors, words: list[str] | None = None, k: int = DEFAULT_K) -> np.ndarray:
    """Overlap (Jaccard) of each word's top-`k` neighbours in models `a` and `b`; `words`
    default to those of `a` that `b` knows too, in `a`'s order."""
    words = [w for w in a.words if w in b] if words is None else words
    return overlaps(a, b, words, k)

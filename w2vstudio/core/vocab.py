"""The vocabulary: words sorted by frequency, their counts and an index."""

from __future__ import annotations

import numpy as np

from w2vstudio.core.errors import CorpusError
from w2vstudio.core.support.chunked import WordIndex


class Vocabulary:
    """Words with their corpus counts; id 0 is the most frequent word."""

    def __init__(self, words: list[str], counts):
        self.words = list(words)
        self.counts = np.asarray(counts, dtype=np.int64)
        if len(self.words) != len(self.counts):
            raise ValueError("words and counts differ in length")
        self.index = WordIndex(self.words)

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word) -> bool:
        return word in self.index

    @property
    def total(self) -> int:
        """Total count of all vocabulary words."""
        return int(self.counts.sum())

    @classmethod
    def from_counts(cls, words: list[str], counts, min_count: int = 5, max_vocab: int | None = None):
        """Keep words seen at least min_count times (at most max_vocab of them, if set), most frequent first.

        Returns the vocabulary and, for each input word, its new id or -1 if dropped.
        """
        counts = np.asarray(counts, dtype=np.int64)
        order = np.argsort(-counts, kind="stable")
        order = order[counts[order] >= max(int(min_count), 1)]
        if max_vocab:  # None or 0: no limit
            order = order[: int(max_vocab)]
        if len(order) == 0:
            raise CorpusError(f"no word occurs at least {min_count} times; lower the minimum count")
        remap = np.full(len(counts), -1, dtype=np.int32)
        remap[order] = np.arange(len(order), dtype=np.int32)
        return cls([words[i] for i in order], counts[order]), remap

    def extended(self, words: list[str], counts, min_count: int = 5):
        """This vocabulary with counts added and new frequent words appended (ids stay stable).

        Returns the new vocabulary and, for each input word, its id in it or -1 if dropped.
        """
        counts = np.asarray(counts, dtype=np.int64)
        old_ids = np.fromiter((self.index.get(w, -1) for w in words), dtype=np.int64, count=len(words))
        known = old_ids >= 0
        new_counts = self.counts.copy()
        np.add.at(new_counts, old_ids[known], counts[known])
        fresh = np.flatnonzero(~known)
        fresh = fresh[np.argsort(-counts[fresh], kind="stable")]
        fresh = fresh[counts[fresh] >= max(int(min_count), 1)]
        remap = np.full(len(counts), -1, dtype=np.int32)
        remap[known] = old_ids[known]
        remap[fresh] = len(self) + np.arange(len(fresh), dtype=np.int32)
        vocab = Vocabulary(self.words + [words[i] for i in fresh], np.concatenate([new_counts, counts[fresh]]))
        return vocab, remap

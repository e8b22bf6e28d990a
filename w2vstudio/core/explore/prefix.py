"""Words by prefix, most frequent first: what word completion offers."""

from __future__ import annotations

import bisect

import numpy as np

from w2vstudio.core.support import chunked

SHOWN = 12


class PrefixIndex:
    """Words sorted for prefix lookups, each with its frequency rank."""

    def __init__(self, words: list[str]):
        # sorted by numpy, which lets go of the GIL: Python's sort of 300,000 words would slow the
        # GUI thread while a worker builds the index
        array = np.concatenate([np.array(words[start:start + chunked.CHUNK], dtype=str)
                                for start in range(0, len(words), chunked.CHUNK)]
                               or [np.zeros(0, dtype=str)])
        order = np.argsort(array, kind="stable")
        self._sorted = [words[i] for i in order.tolist()]
        self._ranks = order.astype(np.int64)

    def matches(self, prefix: str, n: int = SHOWN) -> list[str]:
        """Up to `n` words starting with `prefix`, most frequent first."""
        if not prefix:
            return []
        lo = bisect.bisect_left(self._sorted, prefix)
        hi = bisect.bisect_left(self._sorted, prefix + "\U0010ffff")
        ranks = self._ranks[lo:hi]
        best = np.argpartition(ranks, n)[:n] if len(ranks) > n else np.arange(len(ranks))
        best = best[np.argsort(ranks[best])]
        return [self._sorted[lo + i] for i in best.tolist()]

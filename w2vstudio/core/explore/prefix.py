"""Words by prefix, most frequent first: what word completion offers."""

from __future__ import annotations

import bisect
import heapq

import numpy as np

SHOWN = 12
_CHUNK = 1 << 14  # words sorted per C call


class PrefixIndex:
    """Words sorted for prefix lookups, each with its frequency rank."""

    def __init__(self, words: list[str]):
        # sorted a chunk at a time, then merged: one sort of 300,000 words holds the GIL (and the
        # GUI thread, while a worker builds the index) for 200 ms
        runs = [sorted(range(start, min(start + _CHUNK, len(words))), key=words.__getitem__)
                for start in range(0, len(words), _CHUNK)]
        order = list(heapq.merge(*runs, key=words.__getitem__)) if len(runs) > 1 else (runs or [[]])[0]
        self._sorted = [words[i] for i in order]
        self._ranks = np.array(order, dtype=np.int64)

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

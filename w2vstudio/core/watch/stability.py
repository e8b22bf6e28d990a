"""Neighbourhood stability: how much each tracked word's nearest neighbours change over training.

For each snapshot, every tracked word's top-k neighbours among the tracked words (cosine) come
from row blocks of one matrix product; the stability of a word between two snapshots is the
Jaccard overlap of its two neighbour sets (1: unchanged, 0: all new).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.explore.neighbourhoods import DEFAULT_K, jaccard, neighbour_ids
from w2vstudio.core.watch.trajectories import snapshot_epochs

class StabilityTracker:
    """Stability between consecutive snapshots, computed incrementally as snapshots arrive.

    Feed snapshots in order with `add`, or `update(recorder)` from a timer; reads are thread-safe.
    """

    def __init__(self, k: int = DEFAULT_K):
        self.k = k
        self._lock = threading.Lock()
        self._neighbours: list[np.ndarray] = []
        self._overlaps: list[np.ndarray] = []

    def __len__(self) -> int:
        """Snapshots seen."""
        with self._lock:
            return len(self._neighbours)

    def add(self, vectors: np.ndarray):
        """The next snapshot, (tracked, dim)."""
        ids = neighbour_ids(vectors, self.k)
        with self._lock:
            if self._neighbours:
                self._overlaps.append(jaccard(self._neighbours[-1], ids))
            self._neighbours.append(ids)

    def update(self, recorder, most: int | None = None) -> int:
        """Add the recorder's snapshots not seen yet (at most `most` of them); how many were added."""
        start = len(self)
        stop = len(recorder) if most is None else min(len(recorder), start + most)
        for i in range(start, stop):
            self.add(recorder.snapshot(i))
        return len(self) - start

    def overlaps(self) -> np.ndarray:
        """(S - 1, tracked): row i is each word's overlap between snapshots i and i + 1."""
        with self._lock:
            if not self._overlaps:
                return np.zeros((0, len(self._neighbours[0]) if self._neighbours else 0))
            return np.stack(self._overlaps)

    def mean_curve(self) -> np.ndarray:
        """Mean overlap over the tracked words, per consecutive pair: (S - 1,) (1 where no word is
        tracked: nothing moved)."""
        overlaps = self.overlaps()
        return overlaps.mean(axis=1) if overlaps.shape[1] else np.ones(len(overlaps))

    def neighbours(self, i: int) -> np.ndarray:
        """Top-k neighbours (positions among the tracked words) in snapshot `i`."""
        with self._lock:
            return self._neighbours[i]

    def still_moving(self, n: int = 20) -> list[tuple[int, float]]:
        """The `n` words with the lowest overlap in the latest pair: (position, overlap), lowest
        first (ties by position)."""
        with self._lock:
            latest = self._overlaps[-1] if self._overlaps else np.zeros(0)
        order = np.argsort(latest, kind="stable")[:n]
        return [(int(i), float(latest[i])) for i in order]


@dataclass(frozen=True)
class Stability:
    """How a recorder's tracked words' neighbourhoods changed between consecutive snapshots."""

    recorder: object  # the SnapshotRecorder
    x: np.ndarray  # (S - 1,) epochs of the later snapshot of each pair
    mean: np.ndarray  # (S - 1,) mean overlap of the top-k neighbours
    still_moving: list[tuple[str, float, int]]  # (word, overlap, count): the lowest overlaps lately


def stabilise(recorder, tracker: StabilityTracker, most: int | None = None, moving: int = 30) -> Stability:
    """Add the recorder's next snapshots (at most `most`) to `tracker`; the stability it has seen,
    with the `moving` words that changed most lately."""
    tracker.update(recorder, most)
    words, counts = recorder.words, recorder.model.vocab.counts[recorder.tracked_ids]
    still = [(words[i], overlap, int(counts[i])) for i, overlap in tracker.still_moving(moving)]
    x = snapshot_epochs(recorder, recorder.times()[:len(tracker)])[1:]
    return Stability(recorder, x, tracker.mean_curve(), still)

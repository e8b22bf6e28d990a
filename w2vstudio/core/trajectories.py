"""Snapshots on one stable 2D basis, so that points on the live map move only when vectors do.

Each snapshot is scaled to unit rows (cosine geometry, as the map's PCA), optionally aligned by
orthogonal Procrustes in the full space, then projected on the PCA axes of the latest snapshot.
Trails of pinned words are columns of the result: `coordinates[:, position_of_word]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from w2vstudio.core.errors import W2VError
from w2vstudio.core.projection import pca_apply, pca_fit, procrustes_align, unit_rows
from w2vstudio.core.run import epoch_words
from w2vstudio.core.snapshots import SnapshotRecorder
from w2vstudio.core.vectors import KeyedVectors

ALIGNMENTS = {
    "none": "one PCA basis (the latest snapshot's) for all",
    "latest": "each snapshot rotated onto the latest, then that basis",
    "previous": "each snapshot rotated onto the one before it (aligned), then the latest's basis",
}


def snapshot_coordinates(snapshots: Sequence[np.ndarray] | np.ndarray, align: str = "none") -> np.ndarray:
    """2D coordinates of every snapshot (S, tracked, dim) on a stable basis: (S, tracked, 2).

    With "previous" a new snapshot leaves the earlier ones' aligned vectors unchanged (only the
    basis follows the latest), which suits a map that updates during training."""
    if align not in ALIGNMENTS:
        raise W2VError(f'unknown alignment "{align}" (use {", ".join(ALIGNMENTS)})')
    frames = [unit_rows(s).astype(np.float64) for s in snapshots]
    if not frames:
        return np.zeros((0, 0, 2))
    if align == "latest":
        frames = [procrustes_align(frames[-1], f) for f in frames]
    elif align == "previous":
        for i in range(1, len(frames)):
            frames[i] = procrustes_align(frames[i - 1], frames[i])
    basis = pca_fit(frames[-1], 2)
    return np.stack([pca_apply(basis, f) for f in frames])


def snapshot_epochs(recorder: SnapshotRecorder, times: np.ndarray) -> np.ndarray:
    """When snapshots were taken, in epochs (the loss plot's axis); their indices where the epoch
    length is unknown."""
    per_epoch = epoch_words(recorder.model)
    return times["words"] / per_epoch if per_epoch else np.arange(len(times), dtype=np.float64)


@dataclass(frozen=True)
class Frames:
    """The first `len(self)` snapshots of a recorder on one 2D basis: the live map's timeline."""

    recorder: SnapshotRecorder
    words: list[str]
    counts: np.ndarray
    coords: np.ndarray  # (S, words, 2)
    x: np.ndarray  # (S,) when each was taken, in epochs
    loss: np.ndarray  # (S,) the loss of the batch that ended just before (NaN for the first)

    def __len__(self) -> int:
        return len(self.coords)

    @cached_property
    def positions(self) -> dict[str, int]:
        """Each tracked word's row in `coords`."""
        return {w: i for i, w in enumerate(self.words)}

    def vectors(self, i: int) -> KeyedVectors:
        """Snapshot `i` as vectors to query (the tracked words only)."""
        return KeyedVectors(self.words, self.recorder.snapshot(i), self.counts)

    def nearest(self, x: float) -> int:
        """The snapshot taken nearest to `x` epochs."""
        return int(np.abs(self.x - x).argmin())


def project_snapshots(recorder: SnapshotRecorder, align: str = "none") -> Frames:
    """The recorder's snapshots so far on one basis (`snapshot_coordinates`)."""
    times = recorder.times()
    coords = snapshot_coordinates(recorder.stacked(0, len(times)), align)
    counts = recorder.model.vocab.counts[recorder.tracked_ids]
    return Frames(recorder, recorder.words, counts, coords, snapshot_epochs(recorder, times), times["loss"])

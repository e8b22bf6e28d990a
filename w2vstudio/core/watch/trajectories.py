"""Snapshots on one stable 2D basis, so that points on the live map move only when vectors do.

Each snapshot is scaled to unit rows (cosine geometry, as the map's PCA), optionally aligned by
orthogonal Procrustes in the full space, then projected on the PCA axes of the latest snapshot, or
placed into a t-SNE map of it (`snapshot_tsne`; later snapshots go into the same map).
Trails of pinned words are columns of the result: `coordinates[:, position_of_word]`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from w2vstudio.core.errors import W2VError
from w2vstudio.core.map.projection import pca_apply, pca_fit, procrustes_align, unit_rows
from w2vstudio.core.train.model import epoch_words
from w2vstudio.core.watch.snapshot_tsne import SnapshotMap, tsne_coordinates
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

ALIGNMENTS = {
    "none": "each snapshot as it is",
    "latest": "each snapshot rotated onto the latest (with t-SNE, onto the snapshot its map was fitted to)",
    "previous": "each snapshot rotated onto the one before it (aligned)",
}

METHODS = {
    "pca": "the latest snapshot's PCA axes, every snapshot projected on them",
    "tsne": "a t-SNE map of the latest snapshot, every other placed into it (later ones too, until re-fitted)",
}


def aligned_snapshots(
    snapshots: Sequence[np.ndarray] | np.ndarray,
    align: str = "none",
    onto: np.ndarray | None = None,
    after: np.ndarray | None = None,
) -> list[np.ndarray]:
    """Each snapshot as unit rows (float64), aligned: with "latest" rotated onto `onto` (default:
    the last snapshot), with "previous" each onto the one before it (the first onto `after`, if
    given: the aligned snapshot before these)."""
    if align not in ALIGNMENTS:
        raise W2VError(f'unknown alignment "{align}" (use {", ".join(ALIGNMENTS)})')
    frames = [unit_rows(s).astype(np.float64) for s in snapshots]
    if align == "latest" and frames:
        target = frames[-1] if onto is None else onto
        frames = [procrustes_align(target, f) for f in frames]
    elif align == "previous":
        for i in range(len(frames)):
            before = frames[i - 1] if i else after
            if before is not None:
                frames[i] = procrustes_align(before, frames[i])
    return frames


def snapshot_coordinates(
    snapshots: Sequence[np.ndarray] | np.ndarray,
    align: str = "none",
    method: str = "pca",
    task: Task | None = None,
) -> np.ndarray:
    """2D coordinates of every snapshot (S, tracked, dim) on a stable basis: (S, tracked, 2).
    `method` is a key of METHODS; `task` serves t-SNE (`tsne_coordinates`).

    With "previous" a new snapshot leaves the earlier ones' aligned vectors unchanged (only the
    basis follows the latest), which suits a map that updates during training."""
    _check_method(method)
    frames = aligned_snapshots(snapshots, align)
    if not frames:
        return np.zeros((0, 0, 2))
    if method == "tsne":
        return tsne_coordinates(frames, task=task)[1]
    basis = pca_fit(frames[-1], 2)
    return np.stack([pca_apply(basis, f) for f in frames])


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise W2VError(f'unknown live map method "{method}" (use {", ".join(METHODS)})')


def snapshot_epochs(recorder: SnapshotRecorder, times: np.ndarray) -> np.ndarray:
    """When snapshots were taken, in epochs (the loss plot's axis); their indices where the epoch
    length is unknown."""
    per_epoch = epoch_words(recorder.model)
    return times["words"] / per_epoch if per_epoch else np.arange(len(times), dtype=np.float64)


@dataclass(frozen=True)
class TSNEBasis:
    """What t-SNE frames keep to place later snapshots into their map."""

    align: str
    map: SnapshotMap  # of the latest snapshot when it was fitted ("latest" rotates onto its vectors)
    last: np.ndarray  # the last snapshot's aligned vectors ("previous" rotates the next onto them)
    fitted: int  # the snapshots there were when the map was fitted


@dataclass(frozen=True)
class Frames:
    """The first `len(self)` snapshots of a recorder on one 2D basis: the live map's timeline."""

    recorder: SnapshotRecorder
    words: list[str]
    counts: np.ndarray
    coords: np.ndarray  # (S, words, 2)
    x: np.ndarray  # (S,) when each was taken, in epochs
    loss: np.ndarray  # (S,) the loss of the batch that ended just before (NaN for the first)
    method: str = "pca"  # a key of METHODS
    tsne: TSNEBasis | None = None  # with "tsne", once there is a snapshot

    def __len__(self) -> int:
        return len(self.coords)

    @property
    def basis(self) -> object:
        """What the coordinates are drawn on: the same object while frames only grow on one map
        (the recorder with PCA, the map with t-SNE), so that a view fitted to them can stay."""
        return self.recorder if self.tsne is None else self.tsne.map

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


def project_snapshots(
    recorder: SnapshotRecorder,
    align: str = "none",
    method: str = "pca",
    previous: Frames | None = None,
    task: Task | None = None,
) -> Frames:
    """The recorder's snapshots so far on one basis (`snapshot_coordinates`). With t-SNE, frames
    of the same recorder and alignment in `previous` are kept and the snapshots taken since are
    placed into their map, until the snapshots have doubled since it was fitted; otherwise a new
    map of the latest snapshot is fitted (`_tsne_frames`)."""
    _check_method(method)
    times = recorder.times()
    counts = recorder.model.vocab.counts[recorder.tracked_ids]
    if method == "tsne":
        coords, tsne = _tsne_frames(recorder, len(times), align, previous, task)
    else:
        coords, tsne = snapshot_coordinates(recorder.stacked(0, len(times)), align), None
    return Frames(recorder, recorder.words, counts, coords, snapshot_epochs(recorder, times), times["loss"],
                  method, tsne)


def _tsne_frames(
    recorder: SnapshotRecorder,
    taken: int,
    align: str,
    previous: Frames | None,
    task: Task | None,
) -> tuple[np.ndarray, TSNEBasis | None]:
    """The first `taken` snapshots on a t-SNE map: `previous`'s, extended, if they can be, and as
    long as its map is of at least half of them (so a map fitted early in training, of barely trained
    vectors, is fitted again as training goes on, each time the snapshots have doubled)."""
    kept = previous.tsne if previous is not None and previous.recorder is recorder and len(previous) <= taken else None
    if kept is not None and kept.align == align and taken < 2 * kept.fitted:
        new = aligned_snapshots(recorder.stacked(len(previous), taken), align, onto=kept.map.vectors, after=kept.last)
        if not new:
            return previous.coords, kept
        _, xy = tsne_coordinates(new, kept.map, task)
        return np.concatenate([previous.coords, xy]), TSNEBasis(align, kept.map, new[-1], kept.fitted)
    frames = aligned_snapshots(recorder.stacked(0, taken), align)
    if not frames:
        return np.zeros((0, len(recorder.words), 2)), None
    snapshot_map, xy = tsne_coordinates(frames, None, task)
    return xy, TSNEBasis(align, snapshot_map, frames[-1], len(frames))

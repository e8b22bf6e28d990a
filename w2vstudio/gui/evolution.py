"""The snapshots of a model, analysed in the background as they come: every snapshot on one stable
2D basis (for the live map and its timeline) and the stability of each word's neighbourhood."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from PySide6.QtCore import QObject, Signal

from w2vstudio.core.snapshots import SnapshotRecorder
from w2vstudio.core.stability import StabilityTracker
from w2vstudio.core.trajectories import snapshot_coordinates
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.refresher import Refresher
from w2vstudio.gui.watch import epoch_words

STILL_MOVING = 30  # words listed as still moving
STABILITY_STEP = 2  # snapshots added to the stability per run: short bursts, which training hardly feels


@dataclass(frozen=True)
class Frames:
    """The first `len(self)` snapshots of a recorder on one 2D basis."""

    recorder: SnapshotRecorder
    words: list[str]
    counts: np.ndarray
    coords: np.ndarray  # (S, words, 2)
    x: np.ndarray  # (S,) when each was taken, in epochs (the loss plot's axis)
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


@dataclass(frozen=True)
class Stability:
    """How the tracked words' neighbourhoods changed between consecutive snapshots."""

    recorder: SnapshotRecorder
    x: np.ndarray  # (S - 1,) epochs of the later snapshot of each pair
    mean: np.ndarray  # (S - 1,) mean overlap of the top-k neighbours
    still_moving: list[tuple[str, float, int]]  # (word, overlap, count): the lowest overlaps lately


def _epochs(recorder: SnapshotRecorder, times: np.ndarray) -> np.ndarray:
    """When snapshots were taken, in epochs (their indices where the epoch length is unknown)."""
    per_epoch = epoch_words(recorder.model)
    return times["words"] / per_epoch if per_epoch else np.arange(len(times), dtype=np.float64)


def project(recorder: SnapshotRecorder, align: str) -> Frames:
    """The recorder's snapshots on one basis."""
    times = recorder.times()
    coords = snapshot_coordinates(recorder.stacked(0, len(times)), align)
    counts = recorder.model.vocab.counts[recorder.tracked_ids]
    return Frames(recorder, recorder.words, counts, coords, _epochs(recorder, times), times["loss"])


def stabilise(recorder: SnapshotRecorder, tracker: StabilityTracker) -> Stability:
    """Add the recorder's next few snapshots to `tracker`; the stability it has seen."""
    for i in range(len(tracker), min(len(recorder), len(tracker) + STABILITY_STEP)):
        tracker.add(recorder.snapshot(i))
    n = len(tracker)
    words, counts = recorder.words, recorder.model.vocab.counts[recorder.tracked_ids]
    moving = [(words[i], overlap, int(counts[i])) for i, overlap in tracker.still_moving(STILL_MOVING)]
    return Stability(recorder, _epochs(recorder, recorder.times()[:n])[1:], tracker.mean_curve(), moving)


class Evolution(QObject):
    """Follows one recorder (the model in training, or the one explored) and emits its `Frames` and
    its `Stability` each time they are brought up to date (None when there is nothing to follow).
    Frames are cheap and come often; stability, a neighbour search per snapshot, less often."""

    frames_changed = Signal(object)  # Frames or None
    stability_changed = Signal(object)  # Stability or None
    failed = Signal(str)

    def __init__(self, align: str = "none", parent=None):
        super().__init__(parent)
        self.align = align
        self.recorder: SnapshotRecorder | None = None
        self.frames: Frames | None = None
        self.stability: Stability | None = None
        self._tracker = StabilityTracker()
        self._projector = Refresher(project, interval_ms=200, ratio=2.0, parent=self)
        self._projector.succeeded.connect(self._on_projected)
        self._stabiliser = Refresher(stabilise, interval_ms=300, ratio=4.0, parent=self)
        self._stabiliser.succeeded.connect(self._on_stabilised)
        for refresher in (self._projector, self._stabiliser):
            refresher.failed.connect(self.failed)

    @property
    def idle(self) -> bool:
        return self._projector.idle and self._stabiliser.idle

    def follow(self, recorder: SnapshotRecorder | None):
        """Follow `recorder` (again, when it has taken more snapshots)."""
        if recorder is not self.recorder:
            self._projector.cancel()
            self._stabiliser.cancel()
            self.recorder, self.frames, self.stability = recorder, None, None
            self._tracker = StabilityTracker()
            self.frames_changed.emit(None)
            self.stability_changed.emit(None)
        if recorder is None:
            return
        taken = len(recorder)
        if taken > (0 if self.frames is None else len(self.frames)):
            self._projector.request(recorder, self.align)
        if taken > self._stable():
            self._stabiliser.request(recorder, self._tracker)

    def set_align(self, align: str):
        """Put the snapshots on another basis (trajectories.ALIGNMENTS)."""
        self.align = align
        if self.recorder is not None:
            self._projector.request(self.recorder, align)

    def _on_projected(self, frames: Frames):
        if frames.recorder is self.recorder:
            self.frames = frames
            self.frames_changed.emit(frames)

    def _stable(self) -> int:
        """Snapshots in the stability shown."""
        return 0 if self.stability is None else len(self.stability.x) + 1

    def _on_stabilised(self, stability: Stability):
        if stability.recorder is self.recorder:
            self.stability = stability
            self.stability_changed.emit(stability)
            if len(self.recorder) > self._stable():  # more to catch up with
                self._stabiliser.request(self.recorder, self._tracker)

"""`Evolution`: the snapshots of one model analysed in the background as they come: every snapshot
on one stable 2D basis, PCA or t-SNE (the live map's frames), and the stability of each word's
neighbourhood."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Signal

from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.watch.stability import Stability, StabilityTracker, stabilise
from w2vstudio.core.watch.trajectories import Frames, project_snapshots
from w2vstudio.gui.workers import Refresher

STILL_MOVING = 30  # words listed as still moving
STABILITY_STEP = 2  # snapshots added to the stability per run: short bursts, which training hardly feels


class Evolution(QObject):
    """Follows one recorder (the model in training, or the one explored) and emits its `Frames` and
    its `Stability` each time they are brought up to date (None when there is nothing to follow).
    PCA frames are cheap and come often; stability, a neighbour search per snapshot, less often.
    t-SNE frames keep their map: new snapshots are placed into it until `refit` or until they
    have doubled since it was fitted."""

    frames_changed = Signal(object)  # Frames or None
    stability_changed = Signal(object)  # Stability or None
    projection_progressed = Signal(float)  # share of the t-SNE frames computed
    projection_failed = Signal(str)  # the frames could not be computed (also in `failed`)
    failed = Signal(str)

    def __init__(self, align: str = "none", method: str = "pca", parent=None):
        super().__init__(parent)
        self.align, self.method = align, method
        self._anew = False  # the next frames are computed from scratch: a new t-SNE map
        self.following = True  # a run's new snapshots are analysed as they come (`follow_run`)
        self.recorder: SnapshotRecorder | None = None
        self.frames: Frames | None = None
        self.stability: Stability | None = None
        self._tracker = StabilityTracker()
        self._projector = Refresher(project_snapshots, interval_ms=200, ratio=2.0, parent=self, with_task=True)
        self._projector.progressed.connect(self.projection_progressed)
        self._projector.succeeded.connect(self._on_projected)
        self._projector.failed.connect(self.projection_failed)
        self._stabiliser = Refresher(partial(stabilise, most=STABILITY_STEP, moving=STILL_MOVING), interval_ms=300,
                                     ratio=4.0, parent=self)
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
            self._project()
        if taken > self._stable():
            self._stabiliser.request(recorder, self._tracker)

    def follow_run(self, recorder: SnapshotRecorder | None):
        """Follow the recorder of the run in progress, unless the map stopped following training."""
        if self.following and recorder is not None:
            self.follow(recorder)

    def set_following(self, following: bool):
        self.following = following

    def set_align(self, align: str):
        """Put the snapshots on another basis (trajectories.ALIGNMENTS)."""
        self.align = align
        self.refit()

    def set_method(self, method: str):
        """Project the snapshots by another method (trajectories.METHODS)."""
        self.method = method
        self.refit()

    def refit(self):
        """Compute the frames again from scratch (with t-SNE, a new map of the latest snapshot),
        stopping a computation in progress."""
        self._anew = True
        if self.recorder is not None:
            self._projector.cancel()
            self._project()

    def _project(self):
        self._projector.request(self.recorder, self.align, self.method, None if self._anew else self.frames)

    def _on_projected(self, frames: Frames):
        if frames.recorder is self.recorder:
            self.frames, self._anew = frames, False
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

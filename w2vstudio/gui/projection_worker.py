"""`ProjectionJob`: maps word vectors to 2D off the GUI thread, with progress and cancel."""

from __future__ import annotations

import threading

import numpy as np

from w2vstudio.core.projection import project_2d
from w2vstudio.gui.workers import Job


class ProjectionJob(Job):
    """`project_2d(vectors, method)` on its own thread; never touches a widget.

    Emits (queued to GUI receivers) `progressed(fraction: float)` as it goes, then one of
    `succeeded(xy: (n, 2) array)`, `failed(message)` or `cancelled()`. `stop()` cancels: PCA if it
    has not started, t-SNE between its chunks of iterations.
    """

    def __init__(self, vectors: np.ndarray, method: str):
        super().__init__()
        self._vectors, self._method = vectors, method
        self._cancel = threading.Event()

    def work(self) -> np.ndarray:
        return project_2d(
            self._vectors, self._method, progress=self.progressed.emit, cancel=self._cancel
        )

    def stop(self) -> None:
        self._cancel.set()

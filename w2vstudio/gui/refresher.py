"""`Refresher`: recomputes something in the background as often as asked, but one run at a time.

Unlike a JobSlot, a new request never abandons the run in progress (which may be updating state
that must not be updated twice at once): requests made during a run, or during the pause after
it, merge into one more run with the latest arguments. The pause after a run is `ratio` times the
run's duration, at least `interval_ms`: background refreshes take a bounded share of one core
whatever they cost. (Not at a lower priority: a thread that holds the GIL and waits for a core
would stall the event loop.)
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from w2vstudio.gui.workers import JobSlot


class Refresher(QObject):
    """Runs `fn(*args)` in a job for each (merged) `request(*args)`; results come as signals."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable, interval_ms: int = 0, ratio: float = 0.0, parent=None):
        super().__init__(parent)
        self._fn, self._interval, self._ratio = fn, interval_ms, ratio
        self._pending: tuple | None = None
        self._started = 0.0
        self._slot = JobSlot(self)
        self._slot.succeeded.connect(self._on_job_succeeded)
        self._slot.failed.connect(self._on_job_failed)
        self._pause = QTimer(self, singleShot=True)
        self._pause.timeout.connect(self._on_pause_timeout)

    @property
    def idle(self) -> bool:
        """Nothing running, paused after a run or waiting to run."""
        return self._slot.job is None and not self._pause.isActive() and self._pending is None

    def request(self, *args):
        """Run `fn(*args)` as soon as the current run and its pause are over."""
        self._pending = args
        self._start_pending()

    def cancel(self):
        """Forget the waiting request; a run in progress finishes, unheard."""
        self._pending = None
        self._pause.stop()
        self._slot.stop()

    def _start_pending(self):
        if self._pending is None or self._slot.job is not None or self._pause.isActive():
            return
        args, self._pending = self._pending, None
        self._started = time.perf_counter()
        self._slot.call(self._fn, *args)

    def _rest(self):
        took_ms = 1000 * (time.perf_counter() - self._started)
        self._pause.start(max(self._interval, round(self._ratio * took_ms)))

    def _on_job_succeeded(self, result):
        self._rest()
        self.succeeded.emit(result)

    def _on_job_failed(self, message: str):
        self._rest()
        self.failed.emit(message)

    def _on_pause_timeout(self):
        self._start_pending()


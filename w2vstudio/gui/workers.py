"""Background work, one way: calls on superqt's thread pool whose outcomes come back as queued signals.

`Call` runs one call at a time for its owner (a new one drops the outcome of the last);
`Refresher` recomputes something as often as asked, one run at a time, resting between runs.
A call never touches a widget. `stop_all()` cancels every call and waits for the pool (the
window calls it on close; the tests check that nothing is left running).

A call running Python code hands the GIL to the event loop every `SWITCH_INTERVAL` (Python's
default is 5 ms). Each call the GUI thread makes into Qt releases the GIL and must take it back;
behind a busy worker each such return waited up to the interval, so a repaint of 40 calls took
150-280 ms instead of 35-50 ms (docs/benchmarks.md: the convoy).
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from superqt.utils import FunctionWorker, WorkerBase

from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.support.task import Task
from w2vstudio.core.support.printable import printable

MIN_POOL_THREADS = 8  # training, scan, map, probes and stability may run at once, whatever the cores
SWITCH_INTERVAL = 0.0005  # seconds a worker running Python keeps the GIL while the event loop waits


def error_message(exc: BaseException) -> str:
    """One sentence for the user about an exception raised by a call (control characters escaped)."""
    return printable(_message(exc))


def _message(exc: BaseException) -> str:
    if isinstance(exc, W2VError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, MemoryError):
        return "There is not enough memory for this; try a smaller corpus, vocabulary or dimension."
    if isinstance(exc, ValueError):
        return str(exc)
    return f"Unexpected error: {exc!r}"


class _Signals(QObject):
    """A call's signals (superqt's worker reaches them as its own attributes)."""

    progressed = Signal(float, object)  # fraction, text (None: none)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()
    _finished = Signal(object)  # the worker, to forget it


class _Worker(FunctionWorker):
    """A FunctionWorker with a `Task` (given to the call as `task=` if `with_task`) whose progress
    is the queued `progressed` signal and which `quit` cancels; started at once. `run` is
    superqt's without its `warnings.catch_warnings()`, which swaps process-wide state (unsafe
    in threads)."""

    def __init__(self, fn: Callable, args: tuple, kwargs: dict, with_task: bool):
        signals = _Signals()
        self.task = Task(signals.progressed.emit)
        kwargs = {**kwargs, "task": self.task} if with_task else kwargs
        super().__init__(fn, *args, **kwargs)
        self.signals = signals
        self.done = False

    def quit(self):
        super().quit()
        self.task.cancel()

    def start(self):
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._worker_set.add(self)
        self._finished.connect(self._set_discard)
        pool = QThreadPool.globalInstance()
        pool.setMaxThreadCount(max(pool.maxThreadCount(), MIN_POOL_THREADS))
        pool.start(self)

    def run(self):
        self._running = True
        try:
            result = self.work()
        except Exception as exc:  # every failure becomes a signal, never a crash
            self._running, self.done = False, True  # done before the outcome is seen: no race with `running()`
            self.errored.emit(exc)
        else:
            self._running, self.done = False, True
            self.returned.emit(result)
        self.finished.emit()
        self._finished.emit(self)


def running() -> list[WorkerBase]:
    """Calls started and not finished."""
    return [w for w in WorkerBase._worker_set if not getattr(w, "done", False)]


def stop_all() -> None:
    """Ask every call to stop, then wait for all of them to end."""
    WorkerBase.await_workers()


class Call(QObject):
    """Runs one call at a time for its owner and forwards its outcome.

    `start(fn, *args, **kwargs)` runs `fn(*args, **kwargs)` (with `task=` a `Task` if `with_task`:
    its progress comes as `progressed(fraction, text)`, `stop()` cancels it) on a pool thread, after stopping the previous call, whose outcome is dropped:
    an owner only ever hears about the last thing it asked for."""

    progressed = Signal(float, object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._worker: _Worker | None = None

    @property
    def busy(self) -> bool:
        """A call runs (or waits for a thread)."""
        return self._worker is not None

    def start(self, fn: Callable, *args, with_task: bool = False, **kwargs) -> None:
        self.stop()
        worker = _Worker(fn, args, kwargs, with_task)
        worker.signals.progressed.connect(self._on_worker_progressed)
        worker.signals.returned.connect(self._on_worker_returned)
        worker.signals.errored.connect(self._on_worker_errored)
        self._worker = worker
        worker.start()

    def stop(self) -> None:
        """Ask the running call to stop (it raises Cancelled where it can) and forget it."""
        if self._worker is not None:
            self._worker.quit()
            self._worker = None

    def _current(self, ended: bool = False) -> bool:
        """Whether the signal comes from the call running (which is over if `ended`)."""
        if self._worker is None or self.sender() is not self._worker.signals:
            return False
        if ended:
            self._worker = None
        return True

    def _on_worker_progressed(self, fraction: float, text):
        if self._current():
            self.progressed.emit(fraction, text)

    def _on_worker_returned(self, result):
        if self._current(ended=True):
            self.succeeded.emit(result)

    def _on_worker_errored(self, exc: Exception):
        if not self._current(ended=True):
            return
        if isinstance(exc, Cancelled):
            self.cancelled.emit()
            return
        if not isinstance(exc, (W2VError, OSError, MemoryError)):
            traceback.print_exception(exc)
        self.failed.emit(error_message(exc))


class Refresher(QObject):
    """Runs `fn(*args)` for each (merged) `request(*args)`, one run at a time; results as signals.

    A new request never abandons the run in progress (which may be updating state that must not
    be updated twice at once): requests made during a run, or during the rest after it, merge
    into one more run with the latest arguments. The rest is `ratio` times the run's duration, at
    least `interval_ms`: background refreshes take a bounded share of one core, whatever they cost.
    `with_task` is `Call.start`'s: `cancel()` then stops a run where it can."""

    progressed = Signal(float, object)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable, interval_ms: int = 0, ratio: float = 0.0, parent=None, *,
                 with_task: bool = False):
        super().__init__(parent)
        self._fn, self._interval, self._ratio = fn, interval_ms, ratio
        self._with_task = with_task
        self._pending: tuple | None = None
        self._started = 0.0
        self._call = Call(self)
        self._call.progressed.connect(self.progressed)
        self._call.succeeded.connect(self._on_call_succeeded)
        self._call.failed.connect(self._on_call_failed)
        self._rest = QTimer(self, singleShot=True)
        self._rest.timeout.connect(self._on_rest_timeout)

    @property
    def idle(self) -> bool:
        """Nothing running, resting after a run or waiting to run."""
        return not self._call.busy and not self._rest.isActive() and self._pending is None

    def request(self, *args):
        """Run `fn(*args)` as soon as the current run and its rest are over."""
        self._pending = args
        self._start_pending()

    def cancel(self):
        """Forget the waiting request; a run in progress finishes (or stops, with a task), unheard."""
        self._pending = None
        self._rest.stop()
        self._call.stop()

    def _start_pending(self):
        if self._pending is None or self._call.busy or self._rest.isActive():
            return
        args, self._pending = self._pending, None
        self._started = time.perf_counter()
        self._call.start(self._fn, *args, with_task=self._with_task)

    def _start_rest(self):
        took_ms = 1000 * (time.perf_counter() - self._started)
        self._rest.start(max(self._interval, round(self._ratio * took_ms)))

    def _on_call_succeeded(self, result):
        self._start_rest()
        self.succeeded.emit(result)

    def _on_call_failed(self, message: str):
        self._start_rest()
        self.failed.emit(message)

    def _on_rest_timeout(self):
        self._start_pending()

"""Background jobs: scanning, training and any other slow call, each on its own QThread.

A job's `work()` runs off the GUI thread and never touches a widget; its outcome reaches the GUI
through queued signals: `succeeded(result)`, `failed(message)` or `cancelled()`. Every started
job is kept alive until its thread has ended; `stop_all()` ends them (the window calls it on close).
"""

from __future__ import annotations

import threading
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal

from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.model import Model, TrainParams
from w2vstudio.core.scan import ScannedCorpus, scan_corpus
from w2vstudio.core.snapshots import chain
from w2vstudio.core.trainer import BatchReport, EpochReport, Trainer, TrainResult

_live: set[Job] = set()


def live_jobs() -> list[Job]:
    """Jobs whose thread is still running."""
    return [job for job in _live if job.isRunning()]


def stop_all() -> None:
    """Ask every job to stop, then wait for all of them to end."""
    jobs = list(_live)
    for job in jobs:
        job.stop()
    for job in jobs:
        job.wait()


def error_message(exc: BaseException) -> str:
    """One sentence for the user about an exception raised by a job."""
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


class Job(QThread):
    """A piece of work run once on its own thread; subclasses implement `work()`."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self):
        super().__init__()
        _live.add(self)
        self.finished.connect(self._on_finished)

    def run(self):
        try:
            result = self.work()
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # every failure becomes a message, never a crash
            if not isinstance(exc, (W2VError, OSError, MemoryError)):
                traceback.print_exc()
            self.failed.emit(error_message(exc))
        else:
            self.succeeded.emit(result)

    def work(self):
        raise NotImplementedError

    def stop(self):
        """Ask the work to end early; jobs that cannot stop just finish."""

    def _on_finished(self):
        self.wait()
        _live.discard(self)


class CallJob(Job):
    """Runs `fn(*args)`; its return value is the result. A `cancellable` one runs
    `fn(*args, cancel=event)`, and `stop()` sets the event (fn then raises `Cancelled`)."""

    def __init__(self, fn: Callable, *args, cancellable: bool = False):
        super().__init__()
        self._fn, self._args = fn, args
        self._cancel = threading.Event() if cancellable else None

    def work(self):
        if self._cancel is None:
            return self._fn(*self._args)
        return self._fn(*self._args, cancel=self._cancel)

    def stop(self):
        if self._cancel is not None:
            self._cancel.set()


class JobSlot(QObject):
    """Runs one job at a time for its owner and forwards that job's signals.

    Starting a job stops the previous one, whose outcome is then dropped: a panel only ever
    hears about the last thing it asked for.
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._job: Job | None = None

    @property
    def job(self) -> Job | None:
        """The running job, if any."""
        return self._job

    def start(self, job: Job) -> Job:
        self.stop()
        self._job = job
        job.succeeded.connect(self._on_succeeded)
        job.failed.connect(self._on_failed)
        job.cancelled.connect(self._on_cancelled)
        job.progressed.connect(self._on_progressed)
        job.start()
        return job

    def call(self, fn: Callable, *args, cancellable: bool = False) -> Job:
        """Start `fn(*args)` as the slot's job (`fn(*args, cancel=event)` if `cancellable`)."""
        return self.start(CallJob(fn, *args, cancellable=cancellable))

    def stop(self):
        """Ask the running job to stop and forget it."""
        if self._job is not None:
            self._job.stop()
            self._job = None

    def _current(self) -> bool:
        return self._job is not None and self.sender() is self._job

    def _on_progressed(self, progress):
        if self._current():
            self.progressed.emit(progress)

    def _on_succeeded(self, result):
        if self._current():
            self._job = None
            self.succeeded.emit(result)

    def _on_failed(self, message: str):
        if self._current():
            self._job = None
            self.failed.emit(message)

    def _on_cancelled(self):
        if self._current():
            self._job = None
            self.cancelled.emit()


class ScanJob(Job):
    """Scans corpus files; `progressed((bytes_done, bytes_total, words))` per block read."""

    def __init__(self, paths: list, lowercase: bool):
        super().__init__()
        self._paths, self._lowercase = list(paths), lowercase
        self._cancel = threading.Event()

    def work(self) -> ScannedCorpus:
        return scan_corpus(self._paths, lowercase=self._lowercase, cancel=self._cancel,
                           progress=lambda *done: self.progressed.emit(done))

    def stop(self):
        self._cancel.set()


@dataclass(frozen=True)
class TrainOutcome:
    """A trained (or, if stopped, partly trained) model, how its run went and what watched it."""

    model: Model
    result: TrainResult
    watch: object = None  # the job's gui.watch.TrainingWatch, if any


class TrainJob(Job):
    """Encodes a scanned corpus and trains a new model on it.

    The trainer's callback only appends its reports to a thread-safe buffer, which the GUI
    empties with `drain()` on a timer. A `watch` (gui.watch.TrainingWatch) records the run too.
    """

    def __init__(self, scanned: ScannedCorpus, params: TrainParams, watch=None):
        super().__init__()
        self._scanned, self._params = scanned, params
        self.watch = watch
        self._reports: deque[BatchReport | EpochReport] = deque()
        self._lock = threading.Lock()
        self._trainer: Trainer | None = None
        self._stopped = self._paused = False

    def work(self) -> TrainOutcome:
        p = self._params
        corpus = self._scanned.encode(min_count=p.min_count, max_vocab=p.max_vocab)
        model = Model.create(corpus.vocab, p)
        watching = None if self.watch is None else self.watch.attach(model, corpus.n_tokens)
        trainer = Trainer(model, corpus, chain(self._reports.append, watching))
        with self._lock:
            self._trainer = trainer
            if self._stopped:
                trainer.cancel()
            elif self._paused:
                trainer.pause()
        result = trainer.train()
        if self.watch is not None:
            self.watch.finish()
        return TrainOutcome(model, result, self.watch)

    def drain(self) -> list[BatchReport | EpochReport]:
        """The reports received since the last call, oldest first."""
        reports = []
        while self._reports:
            reports.append(self._reports.popleft())
        return reports

    def _control(self, stopped: bool | None = None, paused: bool | None = None):
        with self._lock:
            self._stopped = self._stopped if stopped is None else stopped
            self._paused = self._paused if paused is None else paused
            if self._trainer is not None:
                if self._stopped:
                    self._trainer.cancel()
                elif self._paused:
                    self._trainer.pause()
                else:
                    self._trainer.resume()

    def pause(self):
        self._control(paused=True)

    def resume(self):
        self._control(paused=False)

    def stop(self):
        self._control(stopped=True)

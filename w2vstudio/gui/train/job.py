"""A training run of the studio, Qt-free: encode the scanned corpus, create the model, record
snapshots and per-epoch quality (`TrainingWatch`), train. `TrainJob.run` runs on a worker thread;
the GUI reads its reports (`drain`), recorder and evaluations (all thread-safe) on a timer."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from w2vstudio.core.model import Model, TrainParams
from w2vstudio.core.quality import EpochQuality
from w2vstudio.core.scan import ScannedCorpus
from w2vstudio.core.snapshots import (DEFAULT_PER_EPOCH, DEFAULT_TRACKED, EPOCH_WORDS, SnapshotRecorder, chain,
                                      tracked_ids)
from w2vstudio.core.trainer import BatchReport, EpochReport, Trainer, TrainResult


@dataclass(frozen=True)
class WatchOptions:
    per_epoch: int = DEFAULT_PER_EPOCH  # snapshots per epoch; 0: none
    tracked: int = DEFAULT_TRACKED  # the most frequent words to track (pinned ones are added)
    quality: bool = True  # evaluate analogies and WordSim-353 at each epoch end
    pinned: tuple[str, ...] = ()


class TrainingWatch:
    """Recorders for one training run; `attach` when the model exists, `finish` when it is trained."""

    def __init__(self, options: WatchOptions):
        self.options = options
        self.model: Model | None = None  # the model in training, once attached
        self.recorder: SnapshotRecorder | None = None
        self.quality: EpochQuality | None = None

    def attach(self, model: Model, epoch_words: int) -> Callable:
        """Start recording `model` (pinned words outside its vocabulary are not tracked); the
        trainer callback to chain."""
        o = self.options
        model.info[EPOCH_WORDS] = int(epoch_words)
        self.model = model
        if o.per_epoch > 0:
            pinned = [w for w in o.pinned if w in model.vocab]
            recorder = SnapshotRecorder(model, tracked_ids(model.vocab, o.tracked, pinned), o.per_epoch)
            recorder.start()
            self.recorder = recorder
        if o.quality:
            self.quality = EpochQuality(model)
        return chain(self.recorder, self.quality)

    def finish(self):
        """After training, on its thread: the last snapshot, the evaluations still running, and
        both stored in the model (so that they are saved with it)."""
        if self.recorder is not None:
            self.recorder.finish()
            self.recorder.save_into()
        if self.quality is not None:
            self.quality.save_into()

    def quality_results(self) -> list[dict]:
        """The per-epoch evaluations ready so far."""
        return [] if self.quality is None else self.quality.results()


@dataclass(frozen=True)
class TrainOutcome:
    """A trained (or, if stopped, partly trained) model, how its run went and what watched it."""

    model: Model
    result: TrainResult
    watch: TrainingWatch


class TrainJob:
    """Encodes a scanned corpus and trains a new model on it (`run`, on a worker thread).

    The trainer's callback only appends its reports to a thread-safe buffer, which the GUI
    empties with `drain()` on a timer; `pause`, `resume` and `stop` are thread-safe.
    """

    def __init__(self, scanned: ScannedCorpus, params: TrainParams, watch: TrainingWatch):
        self._scanned, self._params = scanned, params
        self.watch = watch
        self._reports: deque[BatchReport | EpochReport] = deque()
        self._lock = threading.Lock()
        self._trainer: Trainer | None = None
        self._stopped = self._paused = False

    def run(self) -> TrainOutcome:
        p = self._params
        corpus = self._scanned.encode(min_count=p.min_count, max_vocab=p.max_vocab)
        model = Model.create(corpus.vocab, p)
        trainer = Trainer(model, corpus, chain(self._reports.append, self.watch.attach(model, corpus.n_tokens)))
        with self._lock:
            self._trainer = trainer
        self._control()
        result = trainer.train()
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

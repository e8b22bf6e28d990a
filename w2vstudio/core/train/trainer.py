"""The training loop: batches over threads, learning-rate schedule, progress, pause and cancel.

Each batch (about ``batch_words`` corpus words of whole sentences) is one call of the Numba
kernel, which releases the GIL; worker threads take batches in order and update the shared
weights without locks (Hogwild). Between batches, Python owns the schedule and the reports. A batch
whose loss is NaN or infinite stops the run with `Diverged` (its weights are lost).
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.kernels.random import seed_states
from w2vstudio.core.kernels.text import ids_within
from w2vstudio.core.kernels.training import train_sentences
from w2vstudio.core.errors import W2VError
from w2vstudio.core.train.model import Model
from w2vstudio.core.corpus.scan import EncodedCorpus
from w2vstudio.core.train.callbacks import BatchReport, EpochReport, TrainingCallback, TrainResult
from w2vstudio.core.train.sampling import SamplingTables


class Diverged(W2VError):
    """The loss became NaN or infinite: the weights are lost (the run stops at once)."""


@dataclass(frozen=True)
class _Batch:
    epoch: int
    first: int
    last: int
    start_words: int  # corpus words scheduled before this batch, all epochs
    words: int


class Trainer:
    """Trains a model on an encoded corpus, telling `callbacks` (`callbacks.TrainingCallback`) as it goes."""

    def __init__(self, model: Model, corpus: EncodedCorpus, callbacks: Sequence[TrainingCallback] = ()):
        _check_inputs(model, corpus)
        self.model = model
        self.corpus = corpus
        self.callbacks = list(callbacks)
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.RLock()  # callbacks run under it and may call pause()/cancel()
        self._paused_for = 0.0
        self._paused_at = 0.0
        self._t0 = 0.0

    # -- control, from any thread ---------------------------------------------------------------
    def cancel(self):
        """Stop after the batches in flight; the model stays consistent and usable."""
        self._stop.set()
        self.resume()

    def pause(self):
        """Hold the workers before their next batch (the batches in flight finish)."""
        with self._lock:
            if self._running.is_set():
                self._paused_at = time.perf_counter()
                self._running.clear()

    def resume(self):
        with self._lock:
            if not self._running.is_set():
                self._paused_for += time.perf_counter() - max(self._paused_at, self._t0)
                self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    # -- the run ----------------------------------------------------------------------------------
    def train(self, epochs: int | None = None) -> TrainResult:
        """Run ``epochs`` (default: the model's) more epochs; blocks until done or cancelled."""
        p = self.model.params
        epochs = p.epochs if epochs is None else epochs
        plan = _plan(self.corpus.offsets, epochs, p.batch_words)
        self._batches = iter(plan)
        self._total = self.corpus.n_tokens * epochs
        self._raw_per_word = self.corpus.raw_words / max(self.corpus.n_tokens, 1)
        self._tables = SamplingTables(self.model)
        self._words_done = 0
        self._epoch_sums = np.zeros((epochs, 2))  # loss, predictions
        self._epoch_left = np.bincount([b.epoch for b in plan], minlength=epochs + 1)[1:]
        self._last_epoch_end = 0.0  # active seconds when the previous epoch ended
        self._history = []
        self._epoch_losses = []
        self._warm_up()
        with self._lock:
            self._paused_for = 0.0
            self._t0 = time.perf_counter()
        self._error = None
        threads = p.threads or os.cpu_count() or 1
        states = seed_states(p.seed + 7919 * self.model.epochs_trained, threads)
        if threads == 1:
            self._work(states[0])
        else:
            workers = [threading.Thread(target=self._work, args=(s,), name=f"w2v-{i}", daemon=True)
                       for i, s in enumerate(states)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        if self._error is not None:
            raise self._error
        result = self._finish()
        for callback in self.callbacks:
            callback.on_end(result)
        return result

    def _warm_up(self):
        """Load (or, the first time ever, compile) the kernel before the clock starts."""
        self._run_kernel(_Batch(1, 0, 0, 0, 0), self.model.params.alpha, np.zeros(1, np.uint64), np.zeros(3))

    def _run_kernel(self, batch: _Batch, alpha: float, rng: np.ndarray, stats: np.ndarray):
        m, t, c, p = self.model, self._tables, self.corpus, self.model.params
        train_sentences(c.tokens, c.offsets, batch.first, batch.last, m.vectors, m.syn1neg, m.syn1,
                                m.syn1soft, t.keep, t.thresholds, t.aliases, t.codes, t.points, t.lengths,
                                p.sg, p.cbow_mean, p.hs, p.negative, p.window, p.shrink_window, alpha, rng, stats,
                                p.shared_negatives)

    def _finish(self) -> TrainResult:
        seconds = self._active_seconds()
        m = self.model
        done = len(self._epoch_losses)
        m.epochs_trained += done
        m.epoch_losses.extend(self._epoch_losses)
        m.raw_words = self.corpus.raw_words
        if self._history:
            base = m.loss_history[-1, 0] if len(m.loss_history) else 0.0
            new = np.array(self._history, dtype=np.float64)
            new[:, 0] += base
            m.loss_history = np.concatenate([m.loss_history.reshape(-1, 3), new])
        raw = self._words_done * self._raw_per_word
        return TrainResult(done, self._stop.is_set(), seconds, self._words_done,
                           raw / seconds if seconds > 0 else 0.0, list(self._epoch_losses))

    def _active_seconds(self) -> float:
        return time.perf_counter() - self._t0 - self._paused_for

    def _next_batch(self) -> tuple[_Batch, float] | None:
        self._running.wait()
        with self._lock:
            if self._stop.is_set():
                return None
            batch = next(self._batches, None)
        if batch is None:
            return None
        while not self.corpus.arrived(int(self.corpus.offsets[batch.last]), timeout=0.1):
            if self._stop.is_set():  # the corpus is read from the cache as training goes
                return None
        p = self.model.params
        alpha = p.alpha - (p.alpha - p.min_alpha) * batch.start_words / self._total
        return batch, max(alpha, p.min_alpha)

    def _work(self, rng: np.ndarray):
        try:
            self._work_loop(rng)
        except BaseException as exc:  # re-raised by train() in the calling thread
            self._error = exc
            self.cancel()

    def _work_loop(self, rng: np.ndarray):
        while (job := self._next_batch()) is not None:
            batch, alpha = job
            stats = np.zeros(3)
            self._run_kernel(batch, alpha, rng, stats)
            self._report(batch, alpha, stats)

    def _report(self, batch: _Batch, alpha: float, stats: np.ndarray):
        if stats[1] and not math.isfinite(stats[0]):
            raise Diverged(f"training diverged: the loss became {stats[0]} in epoch {batch.epoch} at a learning "
                           f"rate of {alpha:g}; try a smaller learning rate (--alpha)")
        with self._lock:
            self._words_done += batch.words
            elapsed = self._active_seconds()
            loss = stats[0] / stats[1] if stats[1] else float("nan")
            self._history.append((self._words_done, alpha, loss))
            speed = self._words_done * self._raw_per_word / elapsed if elapsed > 0 else 0.0
            e = batch.epoch - 1
            self._epoch_sums[e] += stats[:2]
            self._epoch_left[e] -= 1
            report = BatchReport(batch.epoch, self._words_done, self._total, alpha, speed, loss, elapsed,
                                 int(stats[1]))
            for callback in self.callbacks:
                callback.on_batch(report)
            # epochs end in order: report each finished epoch whose predecessors are reported
            while len(self._epoch_losses) < len(self._epoch_left) and self._epoch_left[len(self._epoch_losses)] == 0:
                k = len(self._epoch_losses)
                total, n = self._epoch_sums[k]
                self._epoch_losses.append(total / n if n else float("nan"))
                ended = EpochReport(k + 1, self._epoch_losses[-1], elapsed - self._last_epoch_end)
                self._last_epoch_end = elapsed
                for callback in self.callbacks:
                    callback.on_epoch(ended)


def _check_inputs(model: Model, corpus: EncodedCorpus):
    """Raise ValueError unless the arrays are what the kernel indexes without checking: weights
    shaped by the parameters, ids within the vocabulary (tokens still arriving are checked as they
    arrive), sentence bounds within the ids."""
    model.check()
    if len(corpus.vocab) != len(model.vocab):
        raise ValueError("the corpus was encoded with a different vocabulary than the model's")
    tokens, offsets = corpus.tokens, corpus.offsets
    if tokens.dtype != np.int32 or tokens.ndim != 1 or offsets.dtype != np.int64 or offsets.ndim != 1:
        raise ValueError("the corpus ids must be int32 and its sentence offsets int64, both one-dimensional")
    if corpus.arrival is None and not ids_within(tokens, len(model.vocab)):
        raise ValueError("the corpus holds ids outside the vocabulary")
    if not len(offsets) or offsets[0] != 0 or offsets[-1] != len(tokens) or (np.diff(offsets) < 0).any():
        raise ValueError("the corpus's sentence offsets do not cover its ids in order")


def _plan(offsets: np.ndarray, epochs: int, batch_words: int) -> list[_Batch]:
    """Batches of whole sentences holding about ``batch_words`` corpus words, for every epoch."""
    n_words = int(offsets[-1])
    cuts = np.searchsorted(offsets, np.arange(batch_words, n_words, batch_words), side="left")
    bounds = np.unique(np.concatenate([[0], cuts, [len(offsets) - 1]]))
    batches = []
    for e in range(epochs):
        for first, last in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
            words = int(offsets[last] - offsets[first])
            batches.append(_Batch(e + 1, first, last, e * n_words + int(offsets[first]), words))
    return batches

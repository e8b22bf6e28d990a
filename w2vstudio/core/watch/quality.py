"""Per-epoch quality: analogy accuracy and WordSim-353 Spearman, evaluated while training goes on.

`EpochQuality` is a training callback: at each epoch end it copies the vectors the evaluations can
see and evaluates the copy on one background thread (BLAS on one thread where the main thread
limits it around training: `w2vstudio.core.support.blas`). An evaluation is a fixed amount of work, which
depends on the vocabulary, not the corpus, mostly outside the GIL (BLAS and a Numba kernel); its
cost against an epoch's is measured in docs/benchmarks.md. On Linux the thread runs at nice 10:
where training keeps every core busy, the scheduler gives it a small share of a core; results then
come later, and those left when training ends run at once, in the thread and in the caller of
`wait`.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from w2vstudio.core.explore.evaluate import evaluate_analogies, evaluate_pairs
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.callbacks import EpochReport, TrainingCallback
from w2vstudio.core.vectors import KeyedVectors

ANALOGY_RESTRICT = 30_000  # as gensim's evaluate_word_analogies
PAIRS_RESTRICT = 300_000  # as gensim's evaluate_word_pairs
NICE = 10  # CFS weight 110 against 1,024 for a training thread


def evaluate_quality(kv: KeyedVectors, analogies: str | Path | None = None,
                     pairs: str | Path | None = None) -> dict:
    """{"analogy": accuracy, "ws353": Spearman}, None where no question or pair was usable;
    default sets: the bundled questions-words.txt and WordSim-353."""
    analogy = evaluate_analogies(kv, analogies, restrict_vocab=ANALOGY_RESTRICT)
    spearman = evaluate_pairs(kv, pairs, restrict_vocab=PAIRS_RESTRICT).spearman
    return {"analogy": analogy.accuracy if analogy.total else None,
            "ws353": None if math.isnan(spearman) else spearman}


class EpochQuality(TrainingCallback):
    """Training callback evaluating the model at each epoch end, in the background.

    Results are `{"epoch": k, "analogy": ..., "ws353": ...}` with k counted over all the model's
    runs, after those already in `model.info["epoch_quality"]`; `on_result(entry)` is called
    for each in epoch order, as soon as it and those before it are ready, on the thread that
    finished the last of them."""

    def __init__(self, model: Model, analogies: str | Path | None = None, pairs: str | Path | None = None,
                 on_result: Callable[[dict], None] | None = None):
        self.model = model
        self.analogies, self.pairs = analogies, pairs
        self.on_result = on_result
        self._lock = threading.Lock()
        self._results: list[dict] = list(model.info.get("epoch_quality", []))
        self._pending: list[tuple[Future, tuple]] = []
        self._executor: ThreadPoolExecutor | None = None
        self._kv: KeyedVectors | None = None  # the run's words, with their evaluation caches
        self._unsent: dict[int, dict] = {}  # results not passed to on_result yet
        self._next: int | None = None  # the epoch on_result gets next (epochs come in order)
        self._send_lock = threading.Lock()

    def on_epoch(self, report: EpochReport):
        m = self.model
        rows = min(len(m.vocab), max(ANALOGY_RESTRICT, PAIRS_RESTRICT))
        words, vectors = m.vocab.words[:rows], m.vectors[:rows].copy()
        epoch = m.epochs_trained + report.epoch  # epochs_trained grows when the run ends
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, "w2v-quality", initializer=_lower_priority)
            args = (epoch, words, vectors)
            self._next = epoch if self._next is None else self._next
            self._pending.append((self._executor.submit(self._evaluate, *args), args))

    def _evaluate(self, epoch: int, words: list[str], vectors):
        base = self._kv  # the word caches carry over epochs
        if base is None or base.words != words:
            base = KeyedVectors(words, vectors)
        kv = self._kv = base.with_vectors(vectors)
        entry = {"epoch": epoch, **evaluate_quality(kv, self.analogies, self.pairs)}
        with self._lock:
            self._results.append(entry)
            self._results.sort(key=lambda e: e["epoch"])
            self._unsent[epoch] = entry
        self._send()

    def _send(self):
        """Pass the results ready in epoch order to `on_result`, one thread at a time."""
        with self._send_lock:
            while True:
                with self._lock:
                    if self._next not in self._unsent:
                        return
                    entry = self._unsent.pop(self._next)
                    self._next += 1
                if self.on_result is not None:
                    self.on_result(entry)

    def results(self) -> list[dict]:
        """The entries ready so far, in epoch order."""
        with self._lock:
            return list(self._results)

    def wait(self) -> list[dict]:
        """Finish the pending evaluations (raising the first one's error) and end the thread.

        Those not started yet run here, beside the background thread: two cores, once training
        has ended and left them free."""
        with self._lock:
            pending, executor = self._pending, self._executor
            self._pending, self._executor = [], None
        try:
            for future, args in pending:
                if future.cancel():
                    self._evaluate(*args)
            for future, _ in pending:
                if not future.cancelled():
                    future.result()
        finally:
            if executor is not None:
                executor.shutdown()
        return self.results()

    def stop(self):
        """Drop the evaluations not started and end the thread (after the one running): for a run
        that failed or was interrupted."""
        with self._lock:
            pending, executor = self._pending, self._executor
            self._pending, self._executor = [], None
        for future, _ in pending:
            future.cancel()
        if executor is not None:
            executor.shutdown()

    def save_into(self, model: Model | None = None):
        """Wait, then store the results in `model.info["epoch_quality"]` (default: this model)."""
        (self.model if model is None else model).info["epoch_quality"] = self.wait()


def _lower_priority():
    """Run the calling thread at a lower priority (Linux: nice is per thread)."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
        except OSError:
            pass

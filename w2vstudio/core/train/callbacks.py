"""What a `Trainer` tells its callbacks: the reports, and the named hooks that hear them (as
gensim's `CallbackAny2Vec`).

A callback subclasses `TrainingCallback` and overrides the hooks it needs. `on_batch` and
`on_epoch` run on the trainer's worker threads, under its lock, one callback after the other in
the order given: every batch's report, then, once all of an epoch's batches are done, the
epoch's (epochs end in order). `on_end` runs once, on the thread that called `train()`, when
training ended (finished or cancelled), not when it failed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BatchReport:
    """Sent after every batch. ``loss`` is the batch's mean loss per prediction."""

    epoch: int  # 1-based
    words_done: int  # corpus words processed in this run, all epochs
    total_words: int
    alpha: float
    words_per_sec: float  # raw corpus words per second of training
    loss: float
    elapsed: float
    predictions: int = 0  # (centre, context) predictions in this batch

    @property
    def progress(self) -> float:
        return self.words_done / self.total_words if self.total_words else 1.0


@dataclass(frozen=True)
class EpochReport:
    """Sent when every batch of an epoch is done. ``loss`` is the epoch's mean per prediction."""

    epoch: int
    loss: float
    seconds: float


@dataclass(frozen=True)
class TrainResult:
    epochs: int  # completed epochs
    cancelled: bool
    seconds: float
    words_done: int
    raw_words_per_sec: float
    epoch_losses: list


class TrainingCallback:
    """The hooks of a training run; each does nothing here."""

    def on_batch(self, report: BatchReport) -> None:
        """A batch is done."""

    def on_epoch(self, report: EpochReport) -> None:
        """Every batch of an epoch is done."""

    def on_end(self, result: TrainResult) -> None:
        """Training ended; the model is consistent."""

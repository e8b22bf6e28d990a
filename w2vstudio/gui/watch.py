"""What the studio records while a model trains: snapshots of the tracked words and per-epoch
quality. No Qt here: a `TrainingWatch` is attached to the new model on the training thread, and
the GUI reads its recorder and evaluations (both thread-safe) on a timer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from w2vstudio.core.model import Model
from w2vstudio.core.quality import EpochQuality
from w2vstudio.core.snapshots import DEFAULT_PER_EPOCH, DEFAULT_TRACKED, SnapshotRecorder, chain, tracked_ids

EPOCH_WORDS = "epoch_words"  # model.info key: corpus words per epoch, to put snapshots on the loss axis


@dataclass(frozen=True)
class WatchOptions:
    per_epoch: int = DEFAULT_PER_EPOCH  # snapshots per epoch; 0: none
    tracked: int = DEFAULT_TRACKED  # the most frequent words to track (pinned ones are added)
    quality: bool = True  # evaluate analogies and WordSim-353 at each epoch end
    pinned: tuple[str, ...] = ()


def epoch_words(model: Model) -> float | None:
    """Corpus words per epoch of the model's training, if known: the loss plot's and the
    snapshots' unit (a model trained less than one epoch: the words it was trained on)."""
    stored = model.info.get(EPOCH_WORDS)
    if isinstance(stored, (int, float)) and stored > 0:
        return float(stored)
    history = model.loss_history
    if len(history) and history[-1, 0] > 0:
        return float(history[-1, 0]) / max(model.epochs_trained, 1)
    return None


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

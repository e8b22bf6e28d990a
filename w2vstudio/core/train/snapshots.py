"""Snapshots of the tracked words' vectors, taken while a model trains, for the live map.

A `SnapshotRecorder` is a training callback. `start()` takes the snapshot before the first batch
(unless the recorder already holds some: continued training extends the timeline) and plans
`per_epoch` more per epoch, evenly spaced in corpus words; the batch report that reaches the next
point copies the tracked rows. That is one snapshot per batch at most (where batches are longer
than the spacing, fewer are taken), as float32: about 0.1 ms for 2,000 x 100 under the trainer's
lock, where converting to float16 would take ten times as long. Snapshots are saved with the
model as float16: half the size, and three significant digits are plenty for maps and overlaps.

Readers on other threads (the GUI) see whole snapshots only; `words` of a snapshot are on the axis
of the model's `loss_history` (corpus words since the model's first epoch).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from w2vstudio.core.errors import FormatError, UnknownWordError
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.callbacks import BatchReport, TrainingCallback, TrainResult
from w2vstudio.core.vocab import Vocabulary

DEFAULT_TRACKED = 2_000
DEFAULT_PER_EPOCH = 10
TIMES = np.dtype([("words", np.int64), ("epoch", np.int64), ("alpha", np.float64), ("loss", np.float64)])
_IDS, _VECTORS, _TIMES = "snapshot_ids", "snapshot_vectors", "snapshot_times"  # keys in model.extras


def tracked_ids(vocab: Vocabulary, top: int = DEFAULT_TRACKED, pinned: Iterable[str] = ()) -> np.ndarray:
    """Ids of the `top` most frequent words, then of the pinned words not among them."""
    ids = list(range(min(top, len(vocab))))
    for word in pinned:
        if word not in vocab:
            raise UnknownWordError(f'"{word}" is not in the vocabulary')
        ids.append(vocab.index[word])
    return np.array(list(dict.fromkeys(ids)), dtype=np.int64)


def stored_snapshots(model: Model) -> dict:
    """What a model holds without loading it into a recorder: count, tracked words, per epoch."""
    stored = _stored(model)
    if stored is None:
        return {"count": 0, "tracked": 0, "per_epoch": 0}
    ids, _, times = stored
    return {"count": len(times), "tracked": len(ids),
            "per_epoch": int(model.info.get("snapshots", {}).get("per_epoch", 0))}


def _stored(model: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The model's stored snapshot ids, vectors and times, checked against each other and the
    model (FormatError if they disagree); None if it holds no snapshots."""
    present = [key in model.extras for key in (_IDS, _VECTORS, _TIMES)]
    if not any(present):
        return None
    if not all(present):
        raise FormatError("the model's snapshots are damaged (some of their arrays are missing)")
    ids, vectors, times = (model.extras[key] for key in (_IDS, _VECTORS, _TIMES))
    if ids.ndim != 1 or ids.dtype.kind not in "iu" or times.dtype != TIMES or times.ndim != 1:
        problem = f"ids {ids.dtype} {ids.shape}, times {times.dtype} {times.shape}"
    elif vectors.dtype.kind != "f" or vectors.shape != (len(times), len(ids), model.dim):
        problem = f"{vectors.shape} vectors for {len(times)} times, {len(ids)} words and {model.dim} dimensions"
    elif len(ids) and (ids.min() < 0 or ids.max() >= len(model.vocab) or len(np.unique(ids)) != len(ids)):
        problem = f"their word ids are not distinct ids of the {len(model.vocab):,} words"
    else:
        return ids, vectors, times
    raise FormatError(f"the model's snapshots are damaged ({problem})")


class SnapshotRecorder(TrainingCallback):
    """Copies `model.vectors[tracked_ids]` at evenly spaced points of training."""

    def __init__(self, model: Model, tracked_ids: np.ndarray, per_epoch: int = DEFAULT_PER_EPOCH):
        if per_epoch < 1:
            raise ValueError("per_epoch must be at least 1")
        self.model = model
        self.tracked_ids = np.array(tracked_ids, dtype=np.int64)
        self.tracked_ids.flags.writeable = False
        self.per_epoch = per_epoch
        self._lock = threading.Lock()
        self._vectors: list[np.ndarray] = []
        self._times: list[tuple] = []
        self._planned = 0  # snapshot points in the current run
        self._points = None  # corpus words of this run at which to take them
        self._next = 0
        self._last: BatchReport | None = None
        self._base = (0, 0)  # corpus words and epochs the model was trained on before this run

    # -- recording, on the trainer's threads -----------------------------------------------------
    def start(self, epochs: int | None = None):
        """Plan a run of `epochs` (default: the model's); snapshot the vectors before it if none
        is held yet. Call it just before `Trainer.train`."""
        epochs = self.model.params.epochs if epochs is None else epochs
        self._planned = self.per_epoch * epochs
        self._points, self._next, self._last = None, 0, None
        history = self.model.loss_history  # grows, like epochs_trained, when a run ends
        self._base = (int(history[-1, 0]) if len(history) else 0, self.model.epochs_trained)
        if not len(self):
            self._take(0, 0, self.model.params.alpha, float("nan"))

    def on_batch(self, report: BatchReport):
        """Snapshot when a batch report reaches the next point."""
        if not self._planned:
            raise RuntimeError("call SnapshotRecorder.start() before training")
        self._last = report
        if self._points is None:
            self._points = report.total_words * np.arange(1, self._planned + 1) // self._planned
        if self._next < len(self._points) and report.words_done >= self._points[self._next]:
            self._next = int(np.searchsorted(self._points, report.words_done, side="right"))
            self._take(report.words_done, report.epoch, report.alpha, report.loss)

    def on_end(self, result: TrainResult):
        self.finish()

    def finish(self):
        """After a run: snapshot where it stopped, if it was cancelled between two points."""
        last = self._last
        if last is not None and self._base[0] + last.words_done > self.times()["words"][-1]:
            self._take(last.words_done, last.epoch, last.alpha, last.loss)

    def _take(self, words_done: int, epoch: int, alpha: float, loss: float):
        vectors = self.model.vectors[self.tracked_ids]  # fancy indexing: a copy
        vectors.flags.writeable = False
        row = (self._base[0] + words_done, self._base[1] + epoch, alpha, loss)
        with self._lock:
            self._vectors.append(vectors)
            self._times.append(row)

    # -- reading, from any thread ----------------------------------------------------------------
    @property
    def words(self) -> list[str]:
        """The tracked words, in snapshot row order."""
        return [self.model.vocab.words[i] for i in self.tracked_ids]

    def __len__(self) -> int:
        with self._lock:
            return len(self._vectors)

    def snapshot(self, i: int) -> np.ndarray:
        """Snapshot `i` (negative counts from the end): (tracked, dim) float32, read-only."""
        with self._lock:
            return self._vectors[i]

    def stacked(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Snapshots `start` to `stop` as one (S, tracked, dim) float32 array."""
        with self._lock:
            chosen = self._vectors[start:stop]
        if not chosen:
            return np.zeros((0, len(self.tracked_ids), self.model.dim), np.float32)
        return np.stack(chosen)

    def times(self) -> np.ndarray:
        """When each snapshot was taken: (S,) records of `TIMES` (words, epoch, alpha, loss)."""
        with self._lock:
            return np.array(self._times, dtype=TIMES)

    # -- storage in the model file ---------------------------------------------------------------
    def save_into(self, model: Model | None = None):
        """Store the snapshots (as float16) in `model.extras` (default: the recorder's model)."""
        model = self.model if model is None else model
        with self._lock:
            vectors = np.empty((len(self._vectors), len(self.tracked_ids), self.model.dim), np.float16)
            for i, v in enumerate(self._vectors):
                vectors[i] = v
            times = np.array(self._times, dtype=TIMES)
        model.extras.update({_IDS: self.tracked_ids, _VECTORS: vectors, _TIMES: times})
        model.info["snapshots"] = {"per_epoch": self.per_epoch}

    @classmethod
    def load_from(cls, model: Model, per_epoch: int | None = None) -> SnapshotRecorder | None:
        """A recorder holding the model's stored snapshots (None if it has none), ready to extend
        them; `per_epoch` defaults to the stored one."""
        stored = _stored(model)
        if stored is None:
            return None
        ids, vectors, times = stored
        recorder = cls(model, ids, per_epoch or stored_snapshots(model)["per_epoch"] or DEFAULT_PER_EPOCH)
        recorder._times = [tuple(t) for t in times.tolist()]
        for v in vectors:
            v = v.astype(np.float32)
            v.flags.writeable = False
            recorder._vectors.append(v)
        return recorder

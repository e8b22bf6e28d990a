"""The held-out likelihood: the model's own objective on words it never trained on, without update.

The online loss a trainer reports is each prediction's loss just before its update, at the rate of
the moment: at a high rate the model adapts to the text it is reading, and that gain fades as the
rate decays, so the online loss can rise while the model improves. The held-out slice
(`corpus.heldout.carve`) answers the real question: skip-gram −log p(context | centre) over the
slice's (centre, context) pairs, CBOW −log p(centre | context window), with the run's full window.
Exact for the full softmax and hierarchical softmax; for negative sampling the negative-sampling loss
with negatives drawn once (seeded), at every snapshot, and at each epoch's end the estimate
softmax(C·v + log Pn) that the Inside tab uses. Positions are sampled evenly (fixed for the run) so
that one scoring costs at most `BUDGET` multiply-adds; the estimate has its own sample of that cost.
Vectorised numpy, in chunks; `HeldOutScorer` is a trainer callback placed beside the recorder.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from w2vstudio.core.corpus.scan import EncodedCorpus
from w2vstudio.core.corpus.windows import context_matrix
from w2vstudio.core.errors import FormatError
from w2vstudio.core.inside.tables import huffman, noise_p, objective, output_matrix
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.callbacks import BatchReport, EpochReport, TrainingCallback

BUDGET = 40_000_000  # multiply-adds of one scoring of the slice (and of one NS estimate)
INFO = "heldout"  # model.info: {"slice_words", "pairs", "records": [{"words", "progress", "neg_log_p", "ns_loss"}]}
_CHUNK = 2_048


# -- the slice as training rows -------------------------------------------------------------------
def training_rows(corpus: EncodedCorpus, sg: bool, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, outputs): skip-gram one row per (centre, context) pair, inputs (P, 1) the centre;
    CBOW one row per position with context, inputs (P, 2·window) padded with −1, output the centre."""
    tokens = np.asarray(corpus.tokens, np.int64)
    ctx = context_matrix(tokens, corpus.offsets, window)
    if sg:
        rows, cols = np.nonzero(ctx >= 0)
        return tokens[rows][:, None], ctx[rows, cols]
    has = (ctx >= 0).any(axis=1)
    return ctx[has], tokens[has]


# -- scoring, vectorised ------------------------------------------------------------------------
def input_vectors(model, inputs: np.ndarray) -> np.ndarray:
    """(P, d) float64: E of the one input, or the mean (sum) of the context rows present."""
    inputs = np.asarray(inputs, np.int64)
    if inputs.shape[1] == 1:
        return model.vectors[inputs[:, 0]].astype(np.float64)
    present = inputs >= 0
    v = (model.vectors[np.where(present, inputs, 0)].astype(np.float64) * present[:, :, None]).sum(axis=1)
    if model.params.cbow_mean:
        v /= np.maximum(present.sum(axis=1), 1)[:, None]
    return v


def neg_log_p(model, inputs: np.ndarray, outputs: np.ndarray) -> np.ndarray:
    """−log p(output | inputs) per row, as `inside.likelihood` defines p for the model's objective
    (the softmax's, HS's path product, or NS's softmax(C·v + log Pn))."""
    outputs = np.asarray(outputs, np.int64)
    result = np.empty(len(outputs))
    obj = objective(model)
    if obj == "hs":
        codes, points, lengths = huffman(model)
        for s in range(0, len(outputs), _CHUNK):
            v = input_vectors(model, inputs[s:s + _CHUNK])
            o = outputs[s:s + _CHUNK]
            pts = points[o]
            scores = np.einsum("pld,pd->pl", model.syn1[pts].astype(np.float64), v)
            signed = scores * (1.0 - 2.0 * codes[o])
            on = np.arange(points.shape[1]) < lengths[o][:, None]
            result[s:s + _CHUNK] = np.where(on, np.logaddexp(0.0, -signed), 0.0).sum(axis=1)
        return result
    c = output_matrix(model)
    shift = np.log(noise_p(model)) if obj == "negative" else np.zeros(len(c))
    single = inputs.shape[1] == 1
    if single:  # skip-gram: one normaliser per distinct centre
        ids, back = np.unique(inputs[:, 0], return_inverse=True)
        log_z = _log_z(c, model.vectors[ids].astype(np.float64), shift)[back.ravel()]
    for s in range(0, len(outputs), _CHUNK):
        v = input_vectors(model, inputs[s:s + _CHUNK])
        o = outputs[s:s + _CHUNK]
        z = log_z[s:s + _CHUNK] if single else _log_z(c, v, shift)
        result[s:s + _CHUNK] = z - (np.einsum("pd,pd->p", c[o].astype(np.float64), v) + shift[o])
    return result


def _log_z(c: np.ndarray, v: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """log Σ_w exp(C[w]·v + shift[w]) per row of v (float32 products, float64 sums)."""
    out = np.empty(len(v))
    step = max(1, 4_000_000 // max(len(c), 1))
    for s in range(0, len(v), step):
        scores = (v[s:s + step].astype(c.dtype) @ c.T).astype(np.float64) + shift
        peak = scores.max(axis=1)
        out[s:s + step] = peak + np.log(np.exp(scores - peak[:, None]).sum(axis=1))
    return out


def ns_loss(model, inputs: np.ndarray, outputs: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """The negative-sampling loss per row: −log σ(v·u_o) − Σ_k log σ(−v·u_k), a negative equal to
    the output skipped (as the kernel skips it)."""
    outputs = np.asarray(outputs, np.int64)
    result = np.empty(len(outputs))
    c = model.syn1neg
    for s in range(0, len(outputs), _CHUNK):
        v = input_vectors(model, inputs[s:s + _CHUNK])
        o, neg = outputs[s:s + _CHUNK], negatives[s:s + _CHUNK]
        pos = np.einsum("pd,pd->p", c[o].astype(np.float64), v)
        negs = np.einsum("pkd,pd->pk", c[neg].astype(np.float64), v)
        result[s:s + _CHUNK] = (np.logaddexp(0.0, -pos)
                                + np.where(neg != o[:, None], np.logaddexp(0.0, negs), 0.0).sum(axis=1))
    return result


def _every(n: int, keep: int) -> np.ndarray:
    """`keep` of n indices, evenly spaced (all if keep ≥ n)."""
    if keep >= n:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max(keep, 1)).round().astype(np.int64))


class HeldOutScorer(TrainingCallback):
    """Scores the held-out slice at the start, at `per_epoch` evenly spaced points of each epoch (as the
    recorder takes its snapshots) and, for negative sampling, the estimate at each epoch's end."""

    def __init__(self, model: Model, slice_: EncodedCorpus, per_epoch: int = 1, seed: int = 1,
                 budget: int = BUDGET):
        p = model.params
        self.model, self.per_epoch = model, max(int(per_epoch), 1)
        self.slice_words = slice_.n_tokens
        self.objective = objective(model)
        inputs, outputs = training_rows(slice_, p.sg, p.window)
        self.pairs = len(outputs)
        d, v = model.dim, len(model.vocab)
        width = inputs.shape[1]
        if self.objective == "hs":
            cost = d * (huffman(model)[0].shape[1] + width)
        elif self.objective == "negative":
            cost = d * (p.negative + 1 + width)
        else:
            cost = d * (v + width)
        keep = _every(len(outputs), budget // max(cost, 1))
        self.inputs, self.outputs = inputs[keep], outputs[keep]
        rng = np.random.default_rng(seed)
        if self.objective == "negative":
            self.negatives = rng.choice(v, size=(len(keep), p.negative), p=noise_p(model))
            est = _every(len(outputs), budget // max(d * (v + width), 1))
            self.est_inputs, self.est_outputs = inputs[est], outputs[est]
        self._lock = threading.Lock()
        self._records: list[dict] = [dict(r) for r in stored_heldout(model)]
        self._points = None
        self._next = 0
        self._base = (0, 0)
        self._words = max(self.slice_words, 1)
        self.seconds = 0.0  # time spent scoring

    @property
    def scored(self) -> int:
        """Rows scored each time (pairs for skip-gram, windows for CBOW)."""
        return len(self.outputs)

    def start(self, epochs: int | None = None, epoch_words: int | None = None):
        """Plan the run and score the weights as they are before it."""
        epochs = self.model.params.epochs if epochs is None else epochs
        self._planned = self.per_epoch * epochs
        self._points, self._next = None, 0
        history = self.model.loss_history
        self._base = (int(history[-1, 0]) if len(history) else 0, self.model.epochs_trained)
        self._epoch_words = epoch_words
        self._score(0, estimate=True)

    def on_batch(self, report: BatchReport):
        self._epoch_words = report.total_words / self.model.params.epochs
        if self._points is None:
            self._points = report.total_words * np.arange(1, self._planned + 1) // self._planned
        if self._next < len(self._points) and report.words_done >= self._points[self._next]:
            self._next = int(np.searchsorted(self._points, report.words_done, side="right"))
            self._score(report.words_done, estimate=False)

    def on_epoch(self, report: EpochReport):
        if self.objective == "negative":
            words = int(round(report.epoch * (self._epoch_words or 0)))
            self._score(words, estimate=True, only_estimate=True)

    def _score(self, words_done: int, estimate: bool, only_estimate: bool = False):
        import time

        t0 = time.perf_counter()
        row = {"words": self._base[0] + int(words_done),
               "progress": self._base[1] + (words_done / self._epoch_words if self._epoch_words else 0.0),
               "neg_log_p": None, "ns_loss": None}
        if self.objective == "negative":
            if not only_estimate and len(self.outputs):
                row["ns_loss"] = float(ns_loss(self.model, self.inputs, self.outputs, self.negatives).mean())
            if estimate and len(self.est_outputs):
                row["neg_log_p"] = float(neg_log_p(self.model, self.est_inputs, self.est_outputs).mean())
        elif len(self.outputs):
            row["neg_log_p"] = float(neg_log_p(self.model, self.inputs, self.outputs).mean())
        with self._lock:
            last = self._records[-1] if self._records else None
            if last is not None and last["words"] == row["words"]:
                last.update({k: v for k, v in row.items() if v is not None})
            else:
                self._records.append(row)
        self.seconds += time.perf_counter() - t0

    def records(self) -> list[dict]:
        """[{"words", "progress", "neg_log_p", "ns_loss"}] in order (None: not scored then)."""
        with self._lock:
            return [dict(r) for r in self._records]

    def curve(self, key: str = "neg_log_p") -> tuple[np.ndarray, np.ndarray]:
        """(progress in epochs, values) of the records that have `key`."""
        rows = [r for r in self.records() if r.get(key) is not None]
        return np.array([r["progress"] for r in rows]), np.array([r[key] for r in rows])

    def save_into(self, model: Model | None = None):
        model = self.model if model is None else model
        model.info[INFO] = {"slice_words": self.slice_words, "pairs": self.pairs, "scored": self.scored,
                            "records": self.records()}


def stored_heldout(model: Model) -> list[dict]:
    """The model's held-out records ([] for a model without, older files too); FormatError if damaged."""
    entry = model.info.get(INFO)
    if entry is None:
        return []
    records = entry.get("records") if isinstance(entry, dict) else None
    ok = isinstance(records, list) and all(
        isinstance(r, dict) and isinstance(r.get("words"), int) and _number(r.get("progress"))
        and all(r.get(k) is None or _number(r.get(k)) for k in ("neg_log_p", "ns_loss")) for r in records)
    if not ok:
        raise FormatError("the model's held-out likelihood is damaged")
    return [{"words": r["words"], "progress": float(r["progress"]), "neg_log_p": r.get("neg_log_p"),
             "ns_loss": r.get("ns_loss")} for r in records]


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def heldout_summaries(model: Model) -> list[dict]:
    """The records as `info --json` gives them: {"progress", "neg_log_p"} and, for negative
    sampling, "ns_loss"."""
    negative = objective(model) == "negative"
    out = []
    for r in stored_heldout(model):
        row = {"progress": r["progress"], "neg_log_p": r["neg_log_p"]}
        if negative:
            row["ns_loss"] = r["ns_loss"]
        out.append(row)
    return out

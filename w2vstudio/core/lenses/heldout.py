"""The held-out likelihood: the model's own objective on words it never trained on, without update.

The online loss a trainer reports is each prediction's loss just before its update, at the rate of
the moment: at a high rate the model adapts to the text it is reading, and that gain fades as the
rate decays, so the online loss can rise while the model improves. The held-out slice
(`corpus.heldout.carve`) answers the real question: skip-gram −log p(context | centre) over the
slice's (centre, context) pairs, CBOW −log p(centre | context window), with the run's full window.
Exact for the full softmax and hierarchical softmax; for negative sampling the negative-sampling loss
with negatives drawn once (seeded), at every snapshot, and at each epoch's end the estimate
softmax(C·v + log Pn) that the Inside tab uses. Rows are sampled evenly, once for the run, so that
all the scorings of an epoch cost about `SHARE` of the epoch's training (`scoring_budget`; at least
`MIN_ROWS` rows, at most `MAX_ROWS`); the estimate has its own, smaller sample (`ESTIMATE_SHARE`). Negative sampling and
hierarchical softmax are scored by Numba kernels (`kernels.scoring`), the softmax by numpy in chunks
(`neg_log_p`, `ns_loss`: the numpy references); `HeldOutScorer` is a trainer callback placed beside
the recorder.
"""

from __future__ import annotations

import math
import threading

import numpy as np

from w2vstudio.core.corpus.scan import EncodedCorpus
from w2vstudio.core.corpus.windows import context_matrix
from w2vstudio.core.errors import FormatError
from w2vstudio.core.inside.tables import huffman, noise_p, objective, output_matrix
from w2vstudio.core.kernels.scoring import hs_row_losses, ns_row_losses
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.callbacks import BatchReport, EpochReport, TrainingCallback
from w2vstudio.core.train.sampling import keep_probabilities

SHARE = 0.0065  # an epoch's scorings: this share of its training multiply-adds (2–4% of its time, docs/benchmarks.md)
ESTIMATE_SHARE = 0.002  # the NS estimate at each epoch's end (and at the start)
MIN_ROWS = 2_000  # rows scored at least (a small corpus's curve), if the slice has them
MAX_ROWS = 250_000  # and at most: their mean loss is then within about 0.003 nats (one standard error)
MIN_ESTIMATE_ROWS = 10
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


def _log_z(c: np.ndarray, v: np.ndarray, shift: np.ndarray, rows: int = 256) -> np.ndarray:
    """log Σ_w exp(C[w]·v + shift[w]) per row of v (float32 products, float64 sums). C is read a
    block of words at a time for `rows` rows of v together, the sum carried in log space: at millions
    of words, a pass over C per row would read gigabytes for a few rows."""
    if not c.any():  # output weights not yet trained (a fresh model's): every score is its shift
        top = shift.max() if len(shift) else 0.0
        return np.full(len(v), top + np.log(np.exp(shift - top).sum()))
    out = np.empty(len(v))
    words = max(1, 4_000_000 // rows)
    for s in range(0, len(v), rows):
        vs = v[s:s + rows].astype(c.dtype)
        peak, total = np.full(len(vs), -np.inf), np.zeros(len(vs))
        for w in range(0, len(c), words):
            scores = (vs @ c[w:w + words].T).astype(np.float64) + shift[w:w + words]
            top = np.maximum(peak, scores.max(axis=1))
            total = total * np.exp(peak - top) + np.exp(scores - top[:, None]).sum(axis=1)
            peak = top
        out[s:s + rows] = peak + np.log(total)
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


def row_costs(model, width: int) -> tuple[int, int]:
    """(multiply-adds of scoring one row, of scoring one row by the softmax estimate) for rows of
    `width` input words."""
    d, v = model.dim, len(model.vocab)
    obj = objective(model)
    if obj == "hs":
        _, _, lengths = huffman(model)
        counts = model.vocab.counts.astype(np.float64)
        units = float((lengths * counts).sum() / max(counts.sum(), 1.0))
    elif obj == "negative":
        units = model.params.negative + 1
    else:
        units = v
    return int(d * (units + width)), int(d * (v + width))


def epoch_cost(model, epoch_words: int) -> float:
    """The training multiply-adds of one epoch, roughly: per word kept by subsampling, a forward
    pass and two updates over its output units and input rows (skip-gram: about window + 1 rows per
    word, CBOW one row of about window + 1 context words; reduced windows on average)."""
    p = model.params
    counts = model.vocab.counts.astype(np.float64)
    if counts.sum() > 0:
        epoch_words = epoch_words * float((keep_probabilities(counts, p.sample) * counts).sum() / counts.sum())
    per_side = (p.window + 1) / 2 if p.shrink_window else p.window
    if p.sg:
        rows, width = 2 * per_side, 1
    else:
        rows, width = 1, 2 * per_side
    return 3.0 * epoch_words * rows * row_costs(model, round(width))[0]


def scoring_budget(model, epoch_words: int | None, per_epoch: int) -> tuple[float, float]:
    """(multiply-adds of one scoring, of one NS estimate): `SHARE` and `ESTIMATE_SHARE` of an epoch's
    training, spread over its snapshots (no limit when the epoch's length is unknown)."""
    if not epoch_words:
        return math.inf, math.inf
    cost = epoch_cost(model, epoch_words)
    return SHARE * cost / max(per_epoch, 1), ESTIMATE_SHARE * cost


def row_losses(model, inputs: np.ndarray, outputs: np.ndarray, negatives: np.ndarray | None = None) -> np.ndarray:
    """The losses the scorer averages, per row: the NS loss with these negatives (negative
    sampling), else −log p(output | inputs); Numba kernels but for the full softmax."""
    inputs, outputs = np.ascontiguousarray(inputs, np.int64), np.ascontiguousarray(outputs, np.int64)
    out = np.empty(len(outputs))
    mean = bool(model.params.cbow_mean) and inputs.shape[1] > 1
    obj = objective(model)
    if obj == "negative" and negatives is not None:
        ns_row_losses(model.vectors, model.syn1neg, inputs, outputs, np.ascontiguousarray(negatives, np.int64),
                      mean, out)
    elif obj == "hs":
        codes, points, lengths = huffman(model)
        hs_row_losses(model.vectors, model.syn1, inputs, outputs, codes, points.astype(np.int64),
                      lengths.astype(np.int64), mean, out)
    else:
        return neg_log_p(model, inputs, outputs)
    return out


def _every(n: int, keep: int) -> np.ndarray:
    """`keep` of n indices, evenly spaced (all if keep ≥ n)."""
    if keep >= n:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max(keep, 1)).round().astype(np.int64))


def _rows(madds: float, cost: int) -> int:
    return int(min(madds / max(cost, 1), 2**62)) if math.isfinite(madds) else 2**62


class HeldOutScorer(TrainingCallback):
    """Scores the held-out slice at the start, at `per_epoch` evenly spaced points of each epoch (as the
    recorder takes its snapshots) and, for negative sampling, the estimate at each epoch's end."""

    def __init__(self, model: Model, slice_: EncodedCorpus, per_epoch: int = 1, seed: int = 1,
                 budget: float | None = None, epoch_words: int | None = None):
        p = model.params
        self.model, self.per_epoch = model, max(int(per_epoch), 1)
        self.slice_words = slice_.n_tokens
        self.objective = objective(model)
        inputs, outputs = training_rows(slice_, p.sg, p.window)
        self.pairs = len(outputs)
        v = len(model.vocab)
        width = int(np.mean((inputs >= 0).sum(axis=1))) if len(inputs) else 1
        cost, est_cost = row_costs(model, width)
        floor, floor_est = MIN_ROWS, MIN_ESTIMATE_ROWS
        one, estimate = scoring_budget(model, epoch_words, self.per_epoch)
        if budget is not None:  # one scoring's multiply-adds, as asked
            one = estimate = budget
            floor = floor_est = 1
        keep = _every(len(outputs), min(max(floor, _rows(one, cost)), MAX_ROWS))
        self.inputs, self.outputs = inputs[keep], outputs[keep]
        rng = np.random.default_rng(seed)
        if self.objective == "negative":
            self.negatives = rng.choice(v, size=(len(keep), p.negative), p=noise_p(model))
            est = _every(len(outputs), max(floor_est, _rows(estimate, est_cost)))
            self.est_rows, self.est_inputs, self.est_outputs = est, inputs[est], outputs[est]
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
                row["ns_loss"] = float(row_losses(self.model, self.inputs, self.outputs, self.negatives).mean())
            if estimate and len(self.est_outputs):
                row["neg_log_p"] = float(neg_log_p(self.model, self.est_inputs, self.est_outputs).mean())
        elif len(self.outputs):
            row["neg_log_p"] = float(row_losses(self.model, self.inputs, self.outputs).mean())
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

"""One learning step for one training row, on copies of the rows it touches (never the model's).

The update is the kernel's: the input vector v (E[input], or the mean or sum of the context rows)
is fixed during the step; each output unit (the true word's and the negatives' C rows, the inner
nodes of its Huffman path, or for the full softmax every C row) takes g = α·(label − σ(v·u)), adds
g·u to the input's gradient and moves u by g·v; then every input row moves by that gradient.
``apply`` commits a step to the copies; repeating it traces p(true word) against rounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.inside.likelihood import (Likelihood, combine, likelihood, log_probs, log_softmax, sigmoid,
                                             summarize, windows_likelihood)
from w2vstudio.core.inside.tables import Stream, huffman, noise_table, objective, output_matrix

DEFAULT_NEGATIVE = 5  # negatives shown beside a full-softmax model, which draws none
SINGLE_NOTE = ("one word's vector alone: outside what CBOW was trained on (the mean of a window's context "
               "vectors), so p saturates; not CBOW's answer")


@dataclass(frozen=True)
class Context:
    """What a CBOW model's p(output | input) is scored on: "corpus" (real windows around the output
    that hold the input, `rows` (n, 2·window) padded with −1), "typed" (one context, `rows` (1, m))
    or "single" (the input's vector alone, `rows` (1, 1))."""

    kind: str
    rows: np.ndarray

    @property
    def windows(self) -> int:
        return len(self.rows)

    def first(self) -> list[int]:
        """The ids of the first context (the row one step is shown on)."""
        row = np.asarray(self.rows[0])
        return [int(i) for i in row[row >= 0]]

    def to_dict(self) -> dict:
        out = {"context": self.kind}
        if self.kind == "corpus":
            out["windows"] = self.windows
        if self.kind == "single":
            out["note"] = SINGLE_NOTE
        return out


def context_likelihood(model, context: Context, output_id: int, topn: int = 10) -> Likelihood:
    """p(output | context) as CBOW predicts: the mean over the corpus windows, or over the one
    typed context (or single vector)."""
    if context.kind == "corpus":
        return windows_likelihood(model, context.rows, output_id, topn)
    return likelihood(model, context.first(), output_id, topn)


@dataclass(frozen=True)
class Unit:
    """One logistic output unit: a C row (negative sampling) or an inner node of the Huffman path."""

    row: int
    word: str | None  # the C row's word; None for a Huffman node
    label: int
    score: float  # v·u
    sigmoid: float  # σ(v·u)
    loss: float  # −log σ(v·u) for label 1, −log σ(−v·u) for label 0
    factor: float  # the probability the unit gives its label: σ(v·u) for label 1, 1 − σ(v·u) for label 0


@dataclass(frozen=True)
class Change:
    matrix: str  # "E", "C" (a word's output row) or "H" (an inner node of the Huffman tree)
    row: int
    word: str | None
    delta: float  # length of the row's change


@dataclass(frozen=True)
class Update:
    """The rows one step writes: input rows by id, changed output rows by ("C" | "H", row), and for
    the full softmax the whole new C (else None)."""

    inputs: dict
    outputs: dict
    c_full: np.ndarray | None


@dataclass(frozen=True)
class Readout:
    p: float  # p(true word | input), as the model's objective defines it
    rank: int
    neg_log_p: float
    ns_loss: float | None  # −log σ(v·u_o) − Σ log σ(−v·u_k) with the drawn negatives
    cosine: float | None  # cos(v, C[output])


class Step:
    """A training row (inputs → output) and the learning step on it, at learning rate ``alpha``
    (default: the model's initial rate). Negatives come from the model's noise distribution,
    drawn afresh after each applied step from a stream seeded with ``seed``."""

    def __init__(self, model, input_ids: int | Sequence[int], output_id: int, alpha: float | None = None,
                 seed: int = 1):
        self.model = model
        self.inputs = [int(i) for i in np.atleast_1d(input_ids)]
        self.output = int(output_id)
        self.alpha = float(model.params.alpha if alpha is None else alpha)
        self.objective = objective(model)
        p = model.params
        self.has_c = self.objective == "softmax" or p.negative > 0
        self.has_ns = p.negative > 0 and self.objective != "softmax"  # a full softmax draws no negatives
        self.has_hs = bool(p.hs) and self.objective != "softmax"
        self.k = p.negative if p.negative > 0 else DEFAULT_NEGATIVE
        if self.has_c:
            self._thresholds, self._aliases = noise_table(model)
        self._stream = Stream(seed)
        self._e = {i: model.vectors[i].copy() for i in self.inputs}
        self._patch: dict[tuple[str, int], np.ndarray] = {}  # ("C" | "H", row) -> changed row
        self._c_full = None  # the full softmax changes every C row: a copy after the first step
        self._draw()
        self.history = [self.readout().p]  # p(true word) before each round, and after the last

    # -- the current state (the copies) --------------------------------------------------------
    def input_vector(self) -> np.ndarray:
        return combine([self._e[i] for i in self.inputs], self.model.params.cbow_mean)

    def _matrix(self, name: str) -> np.ndarray:
        if name == "H":
            return self.model.syn1
        return self._c_full if self._c_full is not None else output_matrix(self.model)

    def _row(self, name: str, r: int) -> np.ndarray:
        got = self._patch.get((name, r))
        return got if got is not None else self._matrix(name)[r]

    def scores(self, v: np.ndarray | None = None) -> np.ndarray:
        """C·v over the whole vocabulary (for hierarchical softmax: the inner nodes' scores), on the
        copies; v defaults to the current input vector."""
        v = self.input_vector() if v is None else v
        name = "H" if self.objective == "hs" else "C"
        scores = (self._matrix(name) @ v).astype(np.float64)
        rows = [r for (m, r) in self._patch if m == name]
        if rows:
            scores[rows] = np.array([self._patch[(name, r)] for r in rows]) @ v
        return scores

    def _draw(self):
        self.negatives = ([self._stream.negative(self._thresholds, self._aliases) for _ in range(self.k)]
                          if self.has_ns else [])

    # -- what the view shows -------------------------------------------------------------------
    def likelihood(self, topn: int = 10) -> Likelihood:
        v = self.input_vector()
        yes_no = None
        if self.has_ns:
            yes_no = sigmoid(float(np.dot(self._row("C", self.output), v)))
        return summarize(self.model, log_probs(self.model, self.scores(v)), self.output, yes_no, topn)

    def ns_units(self) -> list[Unit]:
        """The true word (label 1) and the drawn negatives (label 0; one equal to the true word is
        skipped, as the kernel skips it), scored on C; none for a model without negative sampling."""
        if not self.has_ns:
            return []
        v = self.input_vector()
        words = self.model.vocab.words
        pairs = [(self.output, 1)] + [(n, 0) for n in self.negatives if n != self.output]
        return [_unit(r, words[r], label, float(np.dot(self._row("C", r), v))) for r, label in pairs]

    def hs_units(self) -> list[Unit]:
        """The inner nodes on the true word's Huffman path: p(word) is the product of their factors,
        σ(v·u) where the path goes to the 0 child (label 1), 1 − σ(v·u) where it goes to the 1 child."""
        if not self.model.params.hs or not len(self.model.syn1):
            return []
        codes, points, lengths = huffman(self.model)
        v = self.input_vector()
        n = lengths[self.output]
        return [_unit(int(points[self.output, j]), None, 1 - int(codes[self.output, j]),
                      float(np.dot(self._row("H", int(points[self.output, j])), v))) for j in range(n)]

    def readout(self) -> Readout:
        lk = self.likelihood(topn=0)
        ns_loss = cosine = None
        if self.has_ns:
            ns_loss = sum(u.loss for u in self.ns_units())
        if self.has_c:
            v, c = self.input_vector().astype(np.float64), self._row("C", self.output).astype(np.float64)
            norm = np.linalg.norm(v) * np.linalg.norm(c)
            cosine = float(v @ c / norm) if norm > 0 else 0.0
        return Readout(lk.p, lk.rank, lk.neg_log_p, ns_loss, cosine)

    def costs(self) -> dict:
        """Multiply-adds of one prediction's scores: full softmax V·d, negative sampling (k+1)·d,
        hierarchical softmax (path length)·d."""
        d, v = self.model.dim, len(self.model.vocab)
        out = {"softmax": v * d, "negative": (self.k + 1) * d}
        if self.model.params.hs:
            out["hs"] = int(huffman(self.model)[2][self.output]) * d
        return out

    # -- the step --------------------------------------------------------------------------------
    def update(self) -> Update:
        """The new rows the next step writes (to copies; nothing is applied)."""
        v = self.input_vector()
        work = np.zeros_like(v)
        changed: dict[tuple[str, int], np.ndarray] = {}
        c_full = None
        if self.objective == "softmax":
            c = self._matrix("C")
            scores = (c @ v).astype(np.float64)
            p = np.exp(log_softmax(scores))
            g = -p * self.alpha
            g[self.output] += self.alpha
            g = g.astype(np.float32)
            work = g @ c
            c_full = c + np.outer(g, v)
        units = [("H", u.row, u.label) for u in self.hs_units()] if self.has_hs else []
        if self.objective != "softmax" and self.model.params.negative > 0:
            units += [("C", u.row, u.label) for u in self.ns_units()]
        for name, r, label in units:  # in the kernel's order: Huffman path, true word, negatives
            u = changed.get((name, r))
            u = self._row(name, r).copy() if u is None else u
            g = np.float32((label - sigmoid(float(np.dot(u, v)))) * self.alpha)
            work += g * u
            u += g * v
            changed[(name, r)] = u
        if len(self.inputs) > 1 and not self.model.params.cbow_mean:  # gensim's rule for summed context
            work /= np.float32(len(self.inputs))
        e = {i: row.copy() for i, row in self._e.items()}
        for i in self.inputs:
            e[i] += work
        return Update(e, changed, c_full)

    def gradient(self, limit: int = 20) -> tuple[list[Change], int]:
        """The rows the next step changes, largest change first (at most ``limit``), and how many
        rows change in all."""
        step = self.update()
        words = self.model.vocab.words
        out = [Change("E", i, words[i], float(np.linalg.norm(row - self._e[i]))) for i, row in step.inputs.items()]
        out += [Change(m, r, words[r] if m == "C" else None, float(np.linalg.norm(u - self._row(m, r))))
                for (m, r), u in step.outputs.items()]
        total = len(out)
        if step.c_full is not None:
            deltas = np.linalg.norm(step.c_full - self._matrix("C"), axis=1)
            top = np.argsort(-deltas, kind="stable")[:limit]
            out += [Change("C", int(r), words[r], float(deltas[r])) for r in top]
            total += len(deltas)
        out.sort(key=lambda c: -c.delta)
        return out[:limit], total

    def apply(self) -> tuple[Readout, Readout]:
        """Do the step on the copies; (before, after). The model is never written."""
        before = self.readout()
        step = self.update()
        self._e = step.inputs
        if step.c_full is not None:
            self._c_full = step.c_full
        self._patch.update(step.outputs)
        self._draw()
        after = self.readout()
        self.history.append(after.p)
        return before, after

    def rounds(self, n: int) -> list[float]:
        """Apply ``n`` more steps; p(true word) after each."""
        return [self.apply()[1].p for _ in range(n)]


def _unit(row: int, word: str | None, label: int, score: float) -> Unit:
    sig = sigmoid(score)
    loss = float(np.logaddexp(0.0, -score if label else score))
    return Unit(row, word, label, score, sig, loss, float(np.exp(-loss)))

"""A tiny model trained one sample at a time in numpy: full softmax, negative sampling or
hierarchical softmax, on the seeds' sentences or a short text of the user's.

Every word of the text is in the vocabulary; the samples are the seeds' tables (full window,
input = centre), visited in order and round again. Each sample is one ``Step`` written into the
tiny model's own matrices, so the tiny model learns by exactly the rules the step view shows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.inside.samples import SEED_SENTENCE, make_samples
from w2vstudio.core.inside.step import Step
from w2vstudio.core.vocab import Vocabulary

MAX_WORDS = 5000
OBJECTIVES = ("softmax", "negative", "hs")
SEED_TEXT = "\n".join([
    SEED_SENTENCE,
    "The doctor treated the patient.",
    "The patient was admitted by the nurse.",
    "The nurse consulted with the doctor.",
    "The doctor's shift is over.",
    "The nurse's shift is over.",
    "The quick brown fox jumps.",
    "What word goes with peanut butter? Jelly.",
])


@dataclass
class TinyParams:
    """What ``Step`` reads from a model's params, for the tiny model."""

    sg: bool = True
    hs: bool = False
    negative: int = 0
    softmax: bool = True
    ns_exponent: float = 0.75
    cbow_mean: bool = True
    alpha: float = 0.2
    window: int = 2


@dataclass(frozen=True)
class Trained:
    """One sample trained: its index in ``samples``, its loss before the step, the rows it moved."""

    index: int
    loss: float
    words: tuple[str, ...]  # words whose E or C row changed most (E rows first)


class TinyModel:
    """E (a row per word) and C (a row per word, or per Huffman node) trained sample by sample."""

    def __init__(self, text: str = SEED_TEXT, objective: str = "softmax", sg: bool = True, dim: int = 8,
                 window: int = 2, negative: int = 3, alpha: float = 0.2, seed: int = 1):
        if objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}")
        table = make_samples(text, window, sg)
        if len(table.tokens) > MAX_WORDS:
            raise ValueError(f"the text has {len(table.tokens):,} words; the tiny model takes up to {MAX_WORDS:,}")
        if not table.samples:
            raise ValueError("the text makes no training samples (it needs two words on a line)")
        counts = Counter(t.text for t in table.tokens)
        self.vocab, _ = Vocabulary.from_counts(list(counts), list(counts.values()), min_count=1)
        self.params = TinyParams(sg, objective == "hs", negative if objective == "negative" else 0,
                                 objective == "softmax", alpha=alpha, window=window)
        self.objective = objective
        self.text_tokens = table.tokens
        self.samples = table.samples
        self.dim = dim
        self.seed = seed
        self.reset()

    def reset(self):
        """Fresh E and C from the seed (uniform in ±0.5: large enough to see in a heatmap and to learn
        in a few rounds); back to the first sample."""
        v, d = len(self.vocab), self.dim
        rng = np.random.default_rng(self.seed)
        self.vectors = (rng.random((v, d)) - 0.5).astype(np.float32)
        out = (rng.random((v, d)) - 0.5).astype(np.float32)
        self.syn1soft = out if self.objective == "softmax" else np.zeros((0, d), np.float32)
        self.syn1neg = out if self.objective == "negative" else np.zeros((0, d), np.float32)
        self.syn1 = out[: v - 1].copy() if self.objective == "hs" else np.zeros((0, d), np.float32)
        self.position = 0  # samples trained so far (all rounds)
        self.losses: list[float] = []

    @property
    def context_matrix(self) -> np.ndarray:
        """C: a row per word (softmax, negative sampling) or per inner Huffman node."""
        return {"softmax": self.syn1soft, "negative": self.syn1neg, "hs": self.syn1}[self.objective]

    def ids(self, sample) -> tuple[list[int], int]:
        index = self.vocab.index
        return [index[w] for w in sample.inputs], index[sample.output]

    def step_for(self, index: int) -> Step:
        """The step of sample ``index`` on the current weights (copies: applying it changes nothing here)."""
        inputs, output = self.ids(self.samples[index])
        return Step(self, inputs, output, seed=self.seed * 1_000_003 + self.position)

    def next(self, n: int = 1) -> list[Trained]:
        """Train the next ``n`` samples, one at a time."""
        done = []
        for _ in range(n):
            index = self.position % len(self.samples)
            step = self.step_for(index)
            before = step.readout()
            loss = before.ns_loss if self.objective == "negative" else before.neg_log_p
            changes, _ = step.gradient(limit=6)
            self._write(step)
            self.position += 1
            self.losses.append(loss)
            words = [c.word for c in changes if c.matrix == "E"] + [c.word for c in changes if c.matrix == "C"]
            done.append(Trained(index, loss, tuple(dict.fromkeys(words))))
        return done

    def _write(self, step: Step):
        update = step.update()
        for i, row in update.inputs.items():
            self.vectors[i] = row
        for (matrix, r), row in update.outputs.items():
            (self.syn1 if matrix == "H" else self.context_matrix)[r] = row
        if update.c_full is not None:
            self.syn1soft[:] = update.c_full

    def running_mean(self, last: int = 50) -> float:
        """Mean loss of the last ``last`` samples (nan before the first)."""
        tail = self.losses[-last:]
        return float(np.mean(tail)) if tail else float("nan")

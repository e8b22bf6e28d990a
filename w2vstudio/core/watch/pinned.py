"""Live probes, run in a background job: the pinned words' nearest neighbours and one analogy, in
the model as it is now (possibly still training). No Qt here."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vstudio.core.train.model import Model
from w2vstudio.core.vectors import KeyedVectors

PROBE_TOPN = 5


@dataclass(frozen=True)
class AnalogyProbe:
    """a : b :: c : ?, with the answer expected."""

    a: str
    b: str
    c: str
    expected: str

    @property
    def words(self) -> tuple[str, str, str, str]:
        return self.a, self.b, self.c, self.expected

    def __str__(self) -> str:
        return f"{self.a} : {self.b} :: {self.c} : {self.expected}"


@dataclass(frozen=True)
class ProbeResults:
    neighbours: dict[str, list[tuple[str, float]] | None]  # per pinned word; None: not in the vocabulary
    answer: tuple[str, float] | None = None  # the analogy's best answer
    expected_rank: int | None = None  # 1-based rank of the expected answer
    missing: tuple[str, ...] = ()  # words of the analogy not in the vocabulary


class LiveVectors:
    """A model in training as KeyedVectors sharing its weights: built once, in the first probe's
    job, and with fresh norms at each probe."""

    def __init__(self, model: Model):
        self.model = model
        self._kv: KeyedVectors | None = None

    def current(self) -> KeyedVectors:
        if self._kv is None:
            self._kv = self.model.keyed_vectors()
        else:
            self._kv.invalidate()
        return self._kv


def run_probes(source: LiveVectors | KeyedVectors, pins: list[str], analogy: AnalogyProbe | None) -> ProbeResults:
    """Probe a model in training (its vectors as they are now) or vectors to explore."""
    kv = source.current() if isinstance(source, LiveVectors) else source
    neighbours: dict[str, list[tuple[str, float]] | None] = dict.fromkeys(pins)
    known = [w for w in pins if w in kv]
    if known:
        rows = np.array([kv.index(w) for w in known], dtype=np.int64)
        ids, scores = kv.top_similar(kv.vectors[rows], min(PROBE_TOPN, len(kv) - 1), exclude=rows[:, None])
        for word, row_ids, row_scores in zip(known, ids, scores):
            neighbours[word] = [(kv.words[i], float(s)) for i, s in zip(row_ids, row_scores)]
    if analogy is None:
        return ProbeResults(neighbours)
    missing = tuple(w for w in analogy.words if w not in kv)
    if missing:
        return ProbeResults(neighbours, missing=missing)
    result = kv.analogy(analogy.a, analogy.b, analogy.c, topn=1, expected=analogy.expected)
    return ProbeResults(neighbours, result.results[0] if result.results else None, result.expected_rank)

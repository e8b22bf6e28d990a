"""What holds across the runs of an ensemble: neighbours and analogy answers with their agreement
(in how many runs a word is in the top n) and the mean and standard deviation of its score; and
`over_runs`, any per-model measure taken in every run with its mean and standard deviation.

The answers are ranked by their mean score over the runs (a word excluded in any run, such as a
query word or a zero vector, is left out); the standard deviation has ddof = 1 (0 for one run).
A single model is an ensemble of one: agreement 1, sd 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.files.ensemble import runs_of
from w2vstudio.core.vectors import KeyedVectors, top_k


@dataclass(frozen=True)
class Agreed:
    """One answer across K runs."""

    word: str
    score: float  # mean over the runs
    sd: float
    agreement: int  # runs that have it in their top n


@dataclass(frozen=True)
class AgreedList:
    results: list[Agreed]
    runs: int


def sd(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """Standard deviation across runs: ddof 1, or 0 where there is one run."""
    values = np.asarray(values, dtype=np.float64)
    return values.std(axis=axis, ddof=1) if values.shape[axis] > 1 else np.zeros(np.delete(values.shape, axis))


@dataclass(frozen=True)
class Spread:
    """A measure taken in each of K runs: `per_run` (K, ...) float64, NaN where a run had none."""

    per_run: np.ndarray

    @property
    def runs(self) -> int:
        return len(self.per_run)

    @property
    def mean(self) -> np.ndarray:
        """The mean over the runs (NaN where any run has none)."""
        return self.per_run.mean(axis=0)

    @property
    def sd(self) -> np.ndarray:
        """The standard deviation over the runs (ddof 1; 0 for one run; NaN where a run has none)."""
        return np.where(np.isnan(self.per_run).any(axis=0), np.nan, sd(self.per_run))


def over_runs(runs: Sequence, measure: Callable[[object], object]) -> Spread:
    """`measure(run)` for every run (KeyedVectors or models: `runs_of` gives an ensemble's), each a
    number or a nested list or array of one shape, None for a value a run has not (NaN)."""
    if not runs:
        raise ValueError("no runs to measure")
    return Spread(np.array([measure(run) for run in runs], dtype=np.float64))


def across_runs(runs: list[KeyedVectors], scoring: Callable[[KeyedVectors], np.ndarray], topn: int) -> AgreedList:
    """`scoring(kv)`: every word's score in a run, (V,), -inf for a word that cannot be an answer;
    a run's top n are its `topn` best (ties: the more frequent first, as `KeyedVectors` ranks)."""
    k, n_words = len(runs), len(runs[0])
    scores = np.full((k, n_words), -np.inf)
    agreement = np.zeros(n_words, dtype=np.int64)
    for r, kv in enumerate(runs):
        got = scoring(kv)
        scores[r, : len(got)] = got
        idx, vals = top_k(got[None], topn)
        agreement[idx[0][np.isfinite(vals[0])]] += 1
    valid = np.isfinite(scores).all(axis=0)
    mean = np.where(valid, np.where(valid, scores, 0).mean(axis=0), -np.inf)
    idx, _ = top_k(mean[None], min(topn, int(valid.sum())))
    spread = sd(np.where(valid, scores, 0)[:, idx[0]])
    words = runs[0].words
    return AgreedList([Agreed(words[i], float(mean[i]), float(s), int(agreement[i]))
                       for i, s in zip(idx[0], spread)], k)


def neighbours(kv: KeyedVectors, positive, negative=(), topn: int = 10) -> AgreedList:
    """Nearest words to `positive` minus `negative` (as `KeyedVectors.most_similar`) in each run."""
    return across_runs(runs_of(kv), lambda run: run.similarity_scores(positive, negative), topn)


def analogy(kv: KeyedVectors, a: str, b: str, c: str, method: str = "add", topn: int = 10,
            include_inputs: bool = False) -> AgreedList:
    """a : b :: c : ? (as `KeyedVectors.analogy`; a, b and c left out unless `include_inputs`) in each run."""
    return across_runs(runs_of(kv), lambda run: run.analogy_scores(a, b, c, method, include_inputs), topn)

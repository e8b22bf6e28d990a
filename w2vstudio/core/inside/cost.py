"""What the full softmax costs before it runs: an estimate from V × predictions × epochs, with
the seconds per multiply-add measured once on this machine by the training kernel itself."""

from __future__ import annotations

import os
import time
from functools import cache

import numpy as np

from w2vstudio.core.kernels.training import train_sentences
from w2vstudio.core.errors import W2VError
from w2vstudio.core.train.sampling import keep_probabilities

BUDGET_SECONDS = 30 * 60
_CAL_VOCAB = 1000  # the calibration: CBOW predictions over this many words
_CAL_TOKENS = 600


def predictions_per_epoch(params, counts: np.ndarray) -> float:
    """Expected predictions in one epoch: words kept by subsampling times the predictions each
    makes (skip-gram: the mean number of context words; CBOW: one)."""
    counts = np.asarray(counts, dtype=np.float64)
    kept = float((counts * keep_probabilities(counts, params.sample)).sum())
    if not params.sg:
        return kept
    return kept * (params.window + 1 if params.shrink_window else 2 * params.window)


@cache
def seconds_per_multiply_add(dim: int) -> float:
    """One thread's time per multiply-add of the full-softmax kernel, measured on a small case."""
    rng = np.random.default_rng(0)
    vectors = rng.random((_CAL_VOCAB, dim), dtype=np.float32) - 0.5
    out = np.zeros((_CAL_VOCAB, dim), np.float32)
    tokens = rng.integers(0, _CAL_VOCAB, _CAL_TOKENS).astype(np.int32)
    offsets = np.arange(0, _CAL_TOKENS + 1, 20, dtype=np.int64)
    empty, one = np.zeros((0, dim), np.float32), np.ones(_CAL_VOCAB)
    none = (np.zeros(1, np.uint64), np.zeros(1, np.int32), np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32),
            np.zeros(1, np.int32))

    def run(last: int) -> float:
        start = time.perf_counter()
        train_sentences(tokens, offsets, 0, last, vectors, empty, empty, out, one, *none, False, True,
                                False, 0, 2, False, 0.01, np.ones(1, np.uint64), np.zeros(3))
        return time.perf_counter() - start

    run(1)  # load (or compile) the kernel first
    return run(len(offsets) - 1) / (_CAL_TOKENS * 3 * _CAL_VOCAB * dim)


def softmax_seconds(params, counts: np.ndarray) -> float:
    """Estimated training time of the full softmax: 3·V·d multiply-adds per prediction."""
    threads = params.threads or os.cpu_count() or 1
    work = predictions_per_epoch(params, counts) * params.epochs * 3 * len(counts) * params.dim
    return work * seconds_per_multiply_add(params.dim) / threads


def check_softmax_time(params, counts: np.ndarray, budget: float | None = None) -> None:
    """Refuse, in one sentence with the estimate and the reason, a full-softmax run above the budget
    (default ``BUDGET_SECONDS``)."""
    if not params.softmax:
        return
    budget = BUDGET_SECONDS if budget is None else budget
    seconds = softmax_seconds(params, counts)
    if seconds > budget:
        predictions = predictions_per_epoch(params, counts)
        raise W2VError(
            f"the full softmax would train for about {_duration(seconds)} ({len(counts):,} words x "
            f"{predictions / 1e6:,.1f} M predictions x {params.epochs} epochs, every prediction scoring the whole "
            f"vocabulary: the bottleneck negative sampling removes), above the budget of {_duration(budget)}; lower "
            "the vocabulary (--max-vocab) or the epochs, or force it (train --force)")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} minutes"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:.1f} days"

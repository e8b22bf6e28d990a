"""Context windows of the corpus, as CBOW sees them: the words within `window` of a centre on its
line (out-of-vocabulary words dropped first, as training drops them), padded with −1.

`windows_of` picks the windows whose centre is `output` and whose context holds `input`: the real
contexts over which CBOW's p(output | input) is an average. From an encoded corpus (a run's) or
streamed from the corpus files (`corpus_windows`), up to a cap.
"""

from __future__ import annotations


import numpy as np

from w2vstudio.core.corpus.stream import LINE_END, blocks
from w2vstudio.core.support.task import Task

DEFAULT_CAP = 500  # windows read for one pair


def sentence_ids(offsets: np.ndarray) -> np.ndarray:
    """The sentence of every position."""
    return np.searchsorted(offsets, np.arange(int(offsets[-1])), side="right") - 1


def contexts_at(tokens: np.ndarray, sentence: np.ndarray, positions: np.ndarray, window: int) -> np.ndarray:
    """(len(positions), 2·window) ids of the words within `window` of each position in its
    sentence, left to right without the centre; −1 where there is none."""
    n = len(tokens)
    tokens = np.asarray(tokens, np.int64)
    positions = np.asarray(positions, np.int64)
    shifts = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    at = positions[:, None] + shifts[None, :]
    inside = (at >= 0) & (at < n)
    safe = np.clip(at, 0, max(n - 1, 0))
    ok = inside & (sentence[safe] == sentence[positions][:, None])
    return np.where(ok, tokens[safe], -1)


def context_matrix(tokens: np.ndarray, offsets: np.ndarray, window: int) -> np.ndarray:
    """The context of every position (`contexts_at` for all)."""
    return contexts_at(tokens, sentence_ids(offsets), np.arange(len(tokens)), window)


def windows_of(tokens: np.ndarray, offsets: np.ndarray, window: int, input_id: int, output_id: int,
               cap: int = DEFAULT_CAP) -> np.ndarray:
    """Up to `cap` contexts (first in corpus order) centred on `output_id` that hold `input_id`."""
    found = np.flatnonzero(np.asarray(tokens) == output_id)
    if not len(found):
        return np.zeros((0, 2 * window), np.int64)
    ctx = contexts_at(tokens, sentence_ids(offsets), found, window)
    return ctx[(ctx == input_id).any(axis=1)][:cap]


def corpus_windows(paths, index: dict[str, int], lowercase: bool, window: int, input_id: int, output_id: int,
                   cap: int = DEFAULT_CAP, task: Task | None = None, phrases=None) -> np.ndarray:
    """`windows_of` over the corpus files, streamed (block by block, lines whole), up to `cap`;
    with the model's phrase table (`model.phrases`), the lines joined as training read them."""
    found = []
    total = 0
    for block in blocks(paths, index, lowercase, task, phrases):
        ids = block.ids
        ids = ids[(ids >= 0) | (ids == LINE_END)]  # out-of-vocabulary words dropped
        ends = np.flatnonzero(ids == LINE_END)
        words = ids[ids >= 0]
        offsets = np.unique(np.concatenate([[0], ends - np.arange(len(ends)), [len(words)]]))
        got = windows_of(words, offsets, window, input_id, output_id, cap - total)
        if len(got):
            found.append(got)
            total += len(got)
        if total >= cap:
            break
    return np.concatenate(found) if found else np.zeros((0, 2 * window), np.int64)

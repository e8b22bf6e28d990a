"""A held-out slice of an encoded corpus: words kept back from training to score the model on.

About `fraction` of the corpus (at most `MAX_WORDS`) in chunks of about `CHUNK` words, evenly spread
through it, so that a corpus of one long line (text8) gives a slice too. Both parts keep the original
sentence bounds and are cut where a chunk begins or ends: no window spans the gap. Deterministic:
the same corpus and fraction always keep back the same words.
"""

from __future__ import annotations

import numpy as np

from w2vstudio.core.corpus.arrival import kept_ranges
from w2vstudio.core.corpus.scan import EncodedCorpus

CHUNK = 1_000
MAX_WORDS = 200_000
DEFAULT_FRACTION = 0.01


def heldout_ranges(n_tokens: int, fraction: float, chunk: int = CHUNK, max_words: int = MAX_WORDS) -> np.ndarray:
    """(pieces, 2) int64: the start and end of each chunk kept back, ascending and apart."""
    if not 0 <= fraction < 1:
        raise ValueError(f"the held-out fraction must be at least 0 and below 1, not {fraction}")
    held = min(int(round(fraction * n_tokens)), max_words)
    if held <= 0 or n_tokens < 2:
        return np.zeros((0, 2), np.int64)
    pieces = max(1, -(-held // chunk))
    length = held // pieces
    centres = (np.arange(pieces) + 0.5) * n_tokens / pieces
    starts = np.clip((centres - length / 2).astype(np.int64), 0, n_tokens - length)
    return np.stack([starts, starts + length], axis=1)


def held_before(ranges: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """How many held-out positions (`ranges`, ascending and apart) lie before each of `positions`.
    From the few ranges, not a mask: a mask of a billion words is a gigabyte."""
    starts, lengths = ranges[:, 0], ranges[:, 1] - ranges[:, 0]
    before = np.concatenate([[0], np.cumsum(lengths)])
    j = np.searchsorted(starts, positions, side="right") - 1
    within = np.clip(positions - starts[np.maximum(j, 0)], 0, lengths[np.maximum(j, 0)]) if len(ranges) else 0
    return np.where(j >= 0, before[np.maximum(j, 0)] + within, 0)


def split(corpus: EncodedCorpus, ranges: np.ndarray) -> tuple[EncodedCorpus, EncodedCorpus]:
    """(the corpus without the positions in `ranges`, those positions), each cut into sentences at
    the original bounds and where a range begins or ends. A corpus still to arrive from the cache
    (its reading not started) reads the ranges now and the rest into its own array, moved up over
    them; else the kept ranges are copied a piece at a time (no one long C call holds the GIL)."""
    n = corpus.n_tokens
    bounds = np.unique(np.concatenate([corpus.offsets, ranges.ravel(), [0, n]]))
    held = held_before(ranges, bounds)
    n_held = int(held[-1])
    arrival = corpus.arrival
    if arrival is not None and not arrival.started:
        held_tokens = arrival.start(ranges)
        train_tokens = arrival.out[:n - n_held]
    else:
        whole = corpus.whole().tokens
        held_tokens, train_tokens = _gather(whole, ranges), _gather(whole, kept_ranges(ranges, n))
        arrival = None
    train = EncodedCorpus(corpus.vocab, train_tokens, np.unique(bounds - held), corpus.raw_words, corpus.files,
                          arrival)
    slice_ = EncodedCorpus(corpus.vocab, held_tokens, np.unique(held), n_held, corpus.files)
    return train, slice_


def _gather(tokens: np.ndarray, ranges: np.ndarray, piece: int = 1 << 22) -> np.ndarray:
    """The ids of `ranges`, one after another, copied `piece` ids at a time."""
    out = np.empty(int((ranges[:, 1] - ranges[:, 0]).sum()), tokens.dtype)
    at = 0
    for a, b in ranges.tolist():
        for s in range(a, b, piece):
            e = min(s + piece, b)
            out[at:at + e - s] = tokens[s:e]
            at += e - s
    return out


def carve(corpus: EncodedCorpus, fraction: float = DEFAULT_FRACTION) -> tuple[EncodedCorpus, EncodedCorpus | None]:
    """(training corpus, held-out slice); the corpus itself and None when nothing is kept back."""
    ranges = heldout_ranges(corpus.n_tokens, fraction)
    if not len(ranges):
        return corpus, None
    return split(corpus, ranges)

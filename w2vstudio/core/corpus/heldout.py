"""A held-out slice of an encoded corpus: words kept back from training to score the model on.

About `fraction` of the corpus (at most `MAX_WORDS`) in chunks of about `CHUNK` words, evenly spread
through it, so that a corpus of one long line (text8) gives a slice too. Both parts keep the original
sentence bounds and are cut where a chunk begins or ends: no window spans the gap. Deterministic:
the same corpus and fraction always keep back the same words.
"""

from __future__ import annotations

import numpy as np

from w2vstudio.core.corpus.scan import EncodedCorpus

CHUNK = 1_000
MAX_WORDS = 200_000
DEFAULT_FRACTION = 0.01


def heldout_mask(n_tokens: int, fraction: float, chunk: int = CHUNK, max_words: int = MAX_WORDS) -> np.ndarray:
    """(n_tokens,) bool: True for the positions kept back."""
    if not 0 <= fraction < 1:
        raise ValueError(f"the held-out fraction must be at least 0 and below 1, not {fraction}")
    mask = np.zeros(n_tokens, bool)
    held = min(int(round(fraction * n_tokens)), max_words)
    if held <= 0 or n_tokens < 2:
        return mask
    pieces = max(1, -(-held // chunk))
    length = held // pieces
    centres = (np.arange(pieces) + 0.5) * n_tokens / pieces
    starts = np.clip((centres - length / 2).astype(np.int64), 0, n_tokens - length)
    for s in starts.tolist():
        mask[s:s + length] = True
    return mask


def split(corpus: EncodedCorpus, mask: np.ndarray) -> tuple[EncodedCorpus, EncodedCorpus]:
    """(the corpus without the masked positions, the masked positions), each cut into sentences at
    the original bounds and wherever the mask changes."""
    n = corpus.n_tokens
    changes = np.flatnonzero(np.diff(mask.astype(np.int8))) + 1
    bounds = np.unique(np.concatenate([corpus.offsets, changes, [0, n]]))
    # held-out positions before each bound, from the few held ones: a cumulative sum over the whole
    # corpus would hold the GIL for seconds on a big one (numpy's casting accumulate), freezing the studio
    held = np.searchsorted(np.flatnonzero(mask), bounds)
    kept = bounds - held
    train = EncodedCorpus(corpus.vocab, np.ascontiguousarray(corpus.tokens[~mask]), np.unique(kept),
                          corpus.raw_words, corpus.files)
    slice_ = EncodedCorpus(corpus.vocab, np.ascontiguousarray(corpus.tokens[mask]), np.unique(held),
                           int(mask.sum()), corpus.files)
    return train, slice_


def carve(corpus: EncodedCorpus, fraction: float = DEFAULT_FRACTION) -> tuple[EncodedCorpus, EncodedCorpus | None]:
    """(training corpus, held-out slice); the corpus itself and None when nothing is kept back."""
    mask = heldout_mask(corpus.n_tokens, fraction)
    if not mask.any() or mask.all():
        return corpus, None
    return split(corpus, mask)

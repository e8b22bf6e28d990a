"""A bootstrap resample of an encoded corpus's documents, without reading the text again.

Documents are the corpus's lines (its sentences), or, for a corpus of few long lines (more than
`CHUNK` words a line on average, e.g. text8), chunks of `CHUNK` words. A resample draws as many
documents as there are, with replacement (numpy's `default_rng(seed)`), and gathers their ids into
a new `EncodedCorpus` on the same vocabulary.
"""

from __future__ import annotations

import numpy as np

from w2vstudio.core.corpus.scan import EncodedCorpus

CHUNK = 1000  # words per document for a corpus of few long lines


def documents(corpus: EncodedCorpus) -> tuple[np.ndarray, np.ndarray, str]:
    """Start and end of each document in `corpus.tokens`, and what they are ("lines" or chunks)."""
    offsets = np.asarray(corpus.offsets, dtype=np.int64)
    starts, ends = offsets[:-1], offsets[1:]
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    if not len(starts) or corpus.n_tokens / len(starts) <= CHUNK:
        return starts, ends, "lines"
    pieces = -(-(ends - starts) // CHUNK)  # chunks per line, the last one shorter
    line = np.repeat(np.arange(len(starts)), pieces)
    first = np.concatenate([[0], np.cumsum(pieces)[:-1]])
    chunk_starts = starts[line] + (np.arange(len(line)) - first[line]) * CHUNK
    return chunk_starts, np.minimum(chunk_starts + CHUNK, ends[line]), f"chunks of {CHUNK} words"


def resample(corpus: EncodedCorpus, seed: int) -> EncodedCorpus:
    """As many documents as `corpus` has, drawn with replacement, in the order drawn."""
    starts, ends, _ = documents(corpus)
    if not len(starts):
        return corpus
    picked = np.random.default_rng(seed).integers(0, len(starts), len(starts))
    lengths = ends[picked] - starts[picked]
    offsets = np.zeros(len(picked) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    source = np.repeat(starts[picked] - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.int64)
    tokens = np.asarray(corpus.whole().tokens)[source].astype(np.int32, copy=False)
    raw = round(corpus.raw_words * int(offsets[-1]) / max(corpus.n_tokens, 1))
    return EncodedCorpus(corpus.vocab, tokens, offsets, raw, list(corpus.files))

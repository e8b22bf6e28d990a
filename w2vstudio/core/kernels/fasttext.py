"""fastText's subwords: hashing character n-grams, summing their rows, the dictionary."""

from __future__ import annotations

import numpy as np
from numba import njit

from w2vstudio.core.kernels.jit import NOFAST

# ---------------------------------------------------------------------------------------------
# fastText subwords

@njit(**NOFAST)
def fasttext_ngrams(data, starts, minn, maxn, bucket, counts, out):  # pragma: no cover - compiled
    """Character n-grams of words as fastText's Dictionary::computeSubwords makes them: word k is
    the UTF-8 bytes data[starts[k]:starts[k + 1]] (with its `<` and `>`); n counts characters,
    single `<` or `>` left out. counts[k] = its number of n-grams; where `out` is not empty, their
    buckets (FNV-1a over the bytes taken as int8, as fastText's hash, mod `bucket`) follow each
    other in out."""
    pos = 0
    for k in range(len(starts) - 1):
        a, b = starts[k], starts[k + 1]
        found = 0
        for i in range(a, b):
            if data[i] & 0xC0 == 0x80:
                continue
            j, n = i, 1
            h = np.int64(2166136261)  # FNV-1a of data[i:j], extended as j grows
            while j < b and n <= maxn:
                t = j
                j += 1
                while j < b and data[j] & 0xC0 == 0x80:
                    j += 1
                if out.size:
                    for t in range(t, j):
                        byte = np.int64(data[t])
                        h = ((h ^ (byte | 0xFFFFFF00 if byte >= 128 else byte)) * 16777619) & 0xFFFFFFFF
                if n >= minn and not (n == 1 and (i == a or j == b)):
                    if out.size:
                        out[pos] = h % bucket
                    pos += 1
                    found += 1
                n += 1
        counts[k] = found


@njit(**NOFAST)
def fasttext_add_rows(rows, ids, owners, out):  # pragma: no cover - compiled
    """out[owners[m]] += rows[ids[m]] for each m in turn, in float32 (the order fastText and gensim
    sum a word's n-gram rows in)."""
    for m in range(len(ids)):
        row, k = ids[m], owners[m]
        for d in range(out.shape[1]):
            out[k, d] += rows[row, d]


@njit(**NOFAST)
def fasttext_dictionary(data, pos, size, max_word, arena, counts, kinds):  # pragma: no cover - compiled
    """Read `size` fastText dictionary entries (word bytes, `\\0`, int64 count, int8 type) from
    data[pos:]: counts[i] and kinds[i], and where `arena` is not empty each word followed by a
    `\\0` in it. Returns (the position after them, entries read, arena bytes used): fewer entries
    than `size` where one does not end within `max_word` bytes or the data."""
    used, n = 0, len(data)
    for i in range(size):
        stop, limit = pos, min(n, pos + max_word)
        while stop < limit and data[stop] != 0:
            stop += 1
        if stop >= limit or stop + 10 > n:
            return pos, i, used
        if arena.size:
            arena[used : used + stop - pos + 1] = data[pos : stop + 1]
        used += stop - pos + 1
        count = np.int64(0)
        for b in range(8):
            count |= np.int64(data[stop + 1 + b]) << (8 * b)
        counts[i] = count
        kinds[i] = data[stop + 9]
        pos = stop + 10
    return pos, size, used

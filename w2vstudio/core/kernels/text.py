"""Tokenising UTF-8 bytes and reading word2vec binary records."""

from __future__ import annotations

import numpy as np
from numba import njit

from w2vstudio.core.kernels.jit import NOFAST

# ---------------------------------------------------------------------------------------------
# Tokenising UTF-8 bytes


@njit(**NOFAST)
def _codepoint(buf, i):
    """(code point, byte length) of the valid UTF-8 sequence starting at buf[i]."""
    b = buf[i]
    if b < 0x80:
        return np.int64(b), 1
    if b < 0xE0:
        return ((np.int64(b) & 0x1F) << 6) | (np.int64(buf[i + 1]) & 0x3F), 2
    if b < 0xF0:
        return (((np.int64(b) & 0x0F) << 12) | ((np.int64(buf[i + 1]) & 0x3F) << 6)
                | (np.int64(buf[i + 2]) & 0x3F)), 3
    return (((np.int64(b) & 0x07) << 18) | ((np.int64(buf[i + 1]) & 0x3F) << 12)
            | ((np.int64(buf[i + 2]) & 0x3F) << 6) | (np.int64(buf[i + 3]) & 0x3F)), 4


@njit(**NOFAST)
def _is_joiner(cp):
    return cp == 0x27 or cp == 0x2D or cp == 0x2019  # ' - ’


@njit(**NOFAST)
def _fold(b, lower):
    if lower and 0x41 <= b <= 0x5A:
        return b + 32
    return b


@njit(**NOFAST)
def tokenize_block(buf, lower, alnum, table, arena, spans, hashes, counts, n_known, arena_used):
    """Split valid UTF-8 into words (letters/digits joined by inner ' ’ -) and line ends.

    Words are ids into a table of distinct byte strings kept across calls: ``table`` is an
    open-addressing index (-1 = empty, size a power of two), string k's bytes (ASCII folded to
    lower case if ``lower``) are ``arena[spans[k, 0]:spans[k, 1]]``, its hash ``hashes[k]`` and
    its occurrences so far ``counts[k]`` (incremented here). New strings are appended. The caller guarantees room for ``len(buf)`` more bytes and
    ``len(buf) // 2 + 1`` more strings, with the table at most half full afterwards.

    Returns (ids with -1 at line ends, number of strings, arena bytes used).
    """
    n = len(buf)
    ids = np.empty(n + 1, dtype=np.int32)
    mask = len(table) - 1
    n_ids = 0
    i = 0
    while i < n:
        cp, width = _codepoint(buf, i)
        if cp == 10:
            ids[n_ids] = -1
            n_ids += 1
            i += 1
            continue
        if alnum[cp] == 0:
            i += width
            continue
        start = i
        h = np.uint64(14695981039346656037)
        while i < n:
            cp, width = _codepoint(buf, i)
            if alnum[cp] == 0:
                if not _is_joiner(cp) or i + width >= n:
                    break
                nxt, _ = _codepoint(buf, i + width)
                if alnum[nxt] == 0:
                    break
            for k in range(i, i + width):
                h = (h ^ np.uint64(_fold(buf[k], lower))) * np.uint64(1099511628211)
            i += width
        length = i - start
        slot = np.int64(h & np.uint64(mask))
        while True:
            w = table[slot]
            if w == -1:
                table[slot] = n_known
                hashes[n_known] = h
                spans[n_known, 0] = arena_used
                for k in range(length):
                    arena[arena_used + k] = _fold(buf[start + k], lower)
                arena_used += length
                spans[n_known, 1] = arena_used
                ids[n_ids] = n_known
                counts[n_known] = 1
                n_known += 1
                break
            if hashes[w] == h and spans[w, 1] - spans[w, 0] == length:
                same = True
                off = spans[w, 0]
                for k in range(length):
                    if _fold(buf[start + k], lower) != arena[off + k]:
                        same = False
                        break
                if same:
                    ids[n_ids] = w
                    counts[w] += 1
                    break
            slot = (slot + 1) & mask
        n_ids += 1
    return ids[:n_ids], n_known, arena_used


@njit(**NOFAST)
def rehash(hashes, n, size):
    """A fresh open-addressing table of ``size`` slots (a power of two) for strings 0..n-1."""
    table = np.full(size, -1, dtype=np.int32)
    mask = size - 1
    for w in range(n):
        slot = np.int64(hashes[w] & np.uint64(mask))
        while table[slot] != -1:
            slot = (slot + 1) & mask
        table[slot] = w
    return table


@njit(**NOFAST)
def pack_spans(arena, spans, out, separator=-1):
    """The byte strings ``arena[spans[k, 0]:spans[k, 1]]``, one after another, written to ``out``
    (without the GIL: a pruning packs hundreds of MB), each followed by the byte `separator` if
    it is not -1 (a newline: a block's new strings decoded in one call instead of one call each)."""
    pos = 0
    for k in range(len(spans)):
        a, b = spans[k, 0], spans[k, 1]
        out[pos:pos + b - a] = arena[a:b]
        pos += b - a
        if separator >= 0:
            out[pos] = separator
            pos += 1


@njit(**NOFAST)
def word_counts(word_of, counts, n_words):
    """Occurrences of each of ``n_words`` words: ``counts[k]`` summed over the strings ``k`` whose
    word is ``word_of[k]`` (numpy's bincount would hold the GIL over tens of millions of strings)."""
    out = np.zeros(n_words, dtype=np.int64)
    for k in range(len(word_of)):
        out[word_of[k]] += counts[k]
    return out


@njit(**NOFAST)
def ids_within(ids, limit):
    """Whether every id lies in [0, limit): one pass without the GIL (numpy's min and max over a
    billion ids hold it for a second)."""
    for i in range(len(ids)):
        if ids[i] < 0 or ids[i] >= limit:
            return False
    return True


@njit(**NOFAST)
def name_ids(ids, word_of):
    """Each string id (>= 0) of ``ids`` replaced by its word ``word_of[id]``, in place; line ends
    (-1) kept."""
    for i in range(len(ids)):
        if ids[i] >= 0:
            ids[i] = word_of[ids[i]]


@njit(**NOFAST)
def encode_ids(chunk, table, tokens, pos, ends):
    """Write ``table[id + 2]`` of each id of ``chunk`` that maps to a word (>= 0) at ``tokens[pos:]``;
    where one maps to -2 (a line end), the position reached goes to ``ends``. Returns (position
    reached, number of ends). ``tokens`` may be the array ``chunk`` lies in, at or before it."""
    n_ends = 0
    for i in range(len(chunk)):
        mapped = table[chunk[i] + 2]
        if mapped >= 0:
            tokens[pos] = mapped
            pos += 1
        elif mapped == -2:
            ends[n_ends] = pos
            n_ends += 1
    return pos, n_ends


# ---------------------------------------------------------------------------------------------
# Reading word2vec binary files

BINARY_NEED_MORE, BINARY_NO_WORD, BINARY_MALFORMED = 0, 1, 2


@njit(**NOFAST)
def binary_records(buf, pos, size, max_word, out, row, stop, arena, starts):
    """Parse word2vec binary records from buf[pos:] (uint8) into rows row..stop-1 of `out`
    (uint8, `size` bytes a row): each is newlines (skipped), a word, a space, `size` bytes of
    vector and maybe a newline. Words go to `arena` each followed by a newline, their offsets in
    `buf` to `starts[k]` for the k-th record of this call.

    Returns (records, pos, arena bytes, status): status BINARY_NEED_MORE where the records stop
    at `stop` or the next does not fit in `buf`; BINARY_NO_WORD where no space follows within
    `max_word` bytes (pos: where the word begins); BINARY_MALFORMED for an empty word or one with
    a newline in it (pos: its start)."""
    n, used, k = len(buf), 0, 0
    while row + k < stop:
        start = pos
        while start < n and buf[start] == 10:
            start += 1
        space = -1
        for j in range(start, min(n, start + max_word)):
            if buf[j] == 32:
                space = j
                break
        if space < 0:
            if n - start >= max_word:
                return k, start, used, BINARY_NO_WORD
            return k, pos, used, BINARY_NEED_MORE
        if space + 1 + size > n:
            return k, pos, used, BINARY_NEED_MORE
        if space == start:
            return k, start, used, BINARY_MALFORMED
        for j in range(start, space):
            if buf[j] == 10:
                return k, start, used, BINARY_MALFORMED
            arena[used] = buf[j]
            used += 1
        arena[used] = 10
        used += 1
        out[row + k, :] = buf[space + 1:space + 1 + size]
        starts[k] = start
        k += 1
        pos = space + 1 + size
        if pos < n and buf[pos] == 10:
            pos += 1
    return k, pos, used, BINARY_NEED_MORE

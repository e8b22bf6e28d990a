"""Counting word pairs and joining them into phrase tokens, over streams of word ids.

A pair is two words with nothing but connector words between them (none when there are no
connector words): its key is ``(a << 32) | b`` and, with connectors, the run of connectors between
them as a number (``run_code``: each connector's index 1..K as a digit in base K + 1). Keys live
in open-addressing tables (a power of two of slots, -1 = empty) that the caller grows.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from w2vstudio.core.kernels.jit import NOFAST

EMPTY = -1


@njit(**NOFAST)
def _slot(k1, k2, mask):
    h = np.uint64(k1) * np.uint64(0x9E3779B97F4A7C15) ^ (np.uint64(k2) * np.uint64(0xC2B2AE3D27D4EB4F))
    h ^= h >> np.uint64(31)
    return np.int64(h & np.uint64(mask))


@njit(**NOFAST)
def _find(keys, runs, k1, k2):
    """The slot of key (k1, k2), or of the empty slot where it would go."""
    mask = len(keys) - 1
    use_runs = len(runs) == len(keys)
    slot = _slot(k1, k2, mask)
    while True:
        k = keys[slot]
        if k == EMPTY or (k == k1 and (not use_runs or runs[slot] == k2)):
            return slot
        slot = (slot + 1) & mask


@njit(**NOFAST)
def count_pairs(ids, connector, base, max_run, state, keys, runs, counts, n_used, max_used):
    """Count the pairs of ``ids`` (word ids, -1 at line ends) into the table, from where ``state``
    (prev word or -1, run code, run length) left off; stop early once ``n_used`` reaches
    ``max_used``. ``connector[w]``: 0 for an ordinary word, else its index 1..base-1; a run longer
    than ``max_run`` connectors makes no pair. Returns (ids consumed, n_used)."""
    prev, code, run = state[0], state[1], state[2]
    i = 0
    n = len(ids)
    while i < n:
        w = ids[i]
        i += 1
        if w < 0:
            prev, code, run = -1, 0, 0
            continue
        c = connector[w]
        if c > 0:
            if prev >= 0:
                code = code * base + c
                run += 1
            continue
        if prev >= 0 and run <= max_run:
            slot = _find(keys, runs, (np.int64(prev) << 32) | w, code)
            if keys[slot] == EMPTY:
                keys[slot] = (np.int64(prev) << 32) | w
                if len(runs) == len(keys):
                    runs[slot] = code
                counts[slot] = 1
                n_used += 1
            elif counts[slot] < 2147483647:
                counts[slot] += 1
        prev, code, run = w, 0, 0
        if n_used >= max_used:
            break
    state[0], state[1], state[2] = prev, code, run
    return i, n_used


@njit(**NOFAST)
def rehash_pairs(keys, runs, counts, size):
    """The table's entries in a fresh table of ``size`` slots."""
    new_keys = np.full(size, EMPTY, dtype=np.int64)
    new_runs = np.zeros(size if len(runs) == len(keys) else 0, dtype=np.int64)
    new_counts = np.zeros(size, dtype=counts.dtype)
    for s in range(len(keys)):
        if keys[s] != EMPTY:
            t = _find(new_keys, new_runs, keys[s], runs[s] if len(runs) == len(keys) else 0)
            new_keys[t] = keys[s]
            if len(new_runs):
                new_runs[t] = runs[s]
            new_counts[t] = counts[s]
    return new_keys, new_runs, new_counts


@njit(**NOFAST)
def phrase_table(k1s, k2s, values, size, use_runs):
    """A lookup table of ``size`` slots: key (k1s[j], k2s[j]) -> values[j]."""
    keys = np.full(size, EMPTY, dtype=np.int64)
    runs = np.zeros(size if use_runs else 0, dtype=np.int64)
    found = np.full(size, -1, dtype=np.int32)
    for j in range(len(k1s)):
        t = _find(keys, runs, k1s[j], k2s[j] if use_runs else 0)
        keys[t] = k1s[j]
        if use_runs:
            runs[t] = k2s[j]
        found[t] = values[j]
    return keys, runs, found


@njit(**NOFAST)
def _flush(ids, start, stop, out, n_out):
    for j in range(start, stop):
        out[n_out] = ids[j]
        n_out += 1
    return n_out


@njit(**NOFAST)
def join_pairs(ids, connector, base, keys, runs, found, out):
    """Replace the pairs of the table in whole lines of ``ids`` by their phrase ids, greedily from
    the left as gensim's ``Phrases.analyze_sentence`` does: a pair joined does not start another;
    a pair not joined gives back its first word and the connectors after it. Returns the number of
    ids written to ``out`` (at most ``len(ids)``)."""
    n_out = 0
    start = -1  # position of the word that may begin a phrase
    code = 0
    use_runs = len(runs) == len(keys)
    for i in range(len(ids)):
        w = ids[i]
        if w < 0:
            if start >= 0:
                n_out = _flush(ids, start, i, out, n_out)
            start, code = -1, 0
            out[n_out] = w
            n_out += 1
            continue
        c = connector[w]
        if c > 0:
            if start >= 0:
                code = code * base + c
            else:
                out[n_out] = w
                n_out += 1
            continue
        if start >= 0:
            k1 = (np.int64(ids[start]) << 32) | w
            slot = _find(keys, runs, k1, code if use_runs else 0)
            if keys[slot] != EMPTY:
                out[n_out] = found[slot]
                n_out += 1
                start, code = -1, 0
                continue
            n_out = _flush(ids, start, i, out, n_out)
        start, code = i, 0
    if start >= 0:
        n_out = _flush(ids, start, len(ids), out, n_out)
    return n_out

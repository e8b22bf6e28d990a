"""All Numba kernels: tokenising, random numbers, sampling tables, the training step and scoring.

Kernels release the GIL (``nogil``) so several threads can run them at once on shared weights
(Hogwild). Loops over batches, the learning-rate schedule, progress and cancellation stay in
Python (``trainer.py``).
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

_JIT = dict(nogil=True, fastmath=True, cache=True)
_NOFAST = dict(nogil=True, cache=True)

# ---------------------------------------------------------------------------------------------
# Tokenising UTF-8 bytes


@njit(**_NOFAST)
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


@njit(**_NOFAST)
def _is_joiner(cp):
    return cp == 0x27 or cp == 0x2D or cp == 0x2019  # ' - ’


@njit(**_NOFAST)
def _fold(b, lower):
    if lower and 0x41 <= b <= 0x5A:
        return b + 32
    return b


@njit(**_NOFAST)
def tokenize_block(buf, lower, alnum, table, arena, spans, hashes, n_known, arena_used):
    """Split valid UTF-8 into words (letters/digits joined by inner ' ’ -) and line ends.

    Words are ids into a table of distinct byte strings kept across calls: ``table`` is an
    open-addressing index (-1 = empty, size a power of two), string k's bytes (ASCII folded to
    lower case if ``lower``) are ``arena[spans[k, 0]:spans[k, 1]]`` and its hash ``hashes[k]``.
    New strings are appended. The caller guarantees room for ``len(buf)`` more bytes and
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
                    break
            slot = (slot + 1) & mask
        n_ids += 1
    return ids[:n_ids], n_known, arena_used


@njit(**_NOFAST)
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


# ---------------------------------------------------------------------------------------------
# Reading word2vec binary files

BINARY_NEED_MORE, BINARY_NO_WORD, BINARY_MALFORMED = 0, 1, 2


@njit(**_NOFAST)
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


# ---------------------------------------------------------------------------------------------
# Random numbers: xorshift64*. A kernel keeps its thread's state in a local variable (the
# helpers take and return it) and stores it back at the end, so threads share no cache line.

_U32 = np.uint64(32)


@njit(inline="always")
def _rand(x):
    """(next state, 64 random bits)."""
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    return x, x * np.uint64(0x2545F4914F6CDD1D)


@njit(inline="always")
def _below(x, n):
    """(next state, a uniform integer in [0, n))."""
    x, r = _rand(x)
    return x, np.int64(((r >> _U32) * np.uint64(n)) >> _U32)


@njit(inline="always")
def _uniform(x):
    """(next state, a uniform float in [0, 1))."""
    x, r = _rand(x)
    return x, np.float64(r >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(inline="always")
def _draw_negative(x, thresholds, aliases):
    """(next state, a word from the noise distribution): Walker's alias method, one draw."""
    x, r = _rand(x)
    i = np.int64(((r >> _U32) * np.uint64(len(aliases))) >> _U32)
    if (r & np.uint64(0xFFFFFFFF)) < thresholds[i]:
        return x, i
    return x, np.int64(aliases[i])


def seed_states(seed: int, n: int) -> list[np.ndarray]:
    """n independent non-zero xorshift states derived from one seed (splitmix64)."""
    states = []
    x = (int(seed) * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF
    for _ in range(n):
        x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        z ^= z >> 31
        states.append(np.array([z or 1], dtype=np.uint64))
    return states


# ---------------------------------------------------------------------------------------------
# Sampling tables


@njit(**_NOFAST)
def alias_table(weights):
    """Walker/Vose alias table for sampling index i with probability weights[i] / sum.

    Returns (thresholds, aliases): draw i uniformly, keep it if a uniform 32-bit number is
    below thresholds[i], else take aliases[i].
    """
    n = len(weights)
    scaled = weights * (n / weights.sum())
    thresholds = np.full(n, np.uint64(1) << _U32, dtype=np.uint64)
    aliases = np.arange(n).astype(np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    ns = 0
    nl = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[ns] = i
            ns += 1
        else:
            large[nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        g = large[nl - 1]
        thresholds[s] = np.uint64(scaled[s] * 4294967296.0)
        aliases[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    return thresholds, aliases


@njit(**_NOFAST)
def huffman_tree(counts):
    """Huffman codes and inner-node paths for counts sorted in descending order (word2vec.c).

    Returns (codes uint8[V, L], points int32[V, L], lengths int32[V]); inner nodes are
    numbered 0..V-2, the root is V-2.
    """
    v = len(counts)
    lengths = np.zeros(v, dtype=np.int32)
    if v < 2:
        return np.zeros((v, 1), dtype=np.uint8), np.zeros((v, 1), dtype=np.int32), lengths
    count = np.empty(2 * v, dtype=np.float64)
    count[:v] = counts
    count[v:] = 1e300
    binary = np.zeros(2 * v, dtype=np.uint8)
    parent = np.zeros(2 * v, dtype=np.int64)
    pos1 = v - 1
    pos2 = v
    picked = np.empty(2, dtype=np.int64)
    for a in range(v - 1):
        for k in range(2):
            if pos1 >= 0 and count[pos1] < count[pos2]:
                picked[k] = pos1
                pos1 -= 1
            else:
                picked[k] = pos2
                pos2 += 1
        count[v + a] = count[picked[0]] + count[picked[1]]
        parent[picked[0]] = v + a
        parent[picked[1]] = v + a
        binary[picked[1]] = 1
    root = 2 * v - 2
    for a in range(v):
        b = a
        while b != root:
            lengths[a] += 1
            b = parent[b]
    depth = lengths.max()
    codes = np.zeros((v, depth), dtype=np.uint8)
    points = np.zeros((v, depth), dtype=np.int32)
    for a in range(v):
        n = lengths[a]
        b = a
        i = n - 1
        while b != root:  # walk leaf -> root, filling the path from its end
            codes[a, i] = binary[b]
            b = parent[b]
            points[a, i] = b - v
            i -= 1
    return codes, points, lengths


# ---------------------------------------------------------------------------------------------
# Training

_TABLE_MAX = 16.0
_TABLE_STEP = 256.0
_GRID = np.linspace(-_TABLE_MAX, _TABLE_MAX, int(2 * _TABLE_MAX * _TABLE_STEP) + 1)
_SIGMOID = (1.0 / (1.0 + np.exp(-_GRID))).astype(np.float32)
_NEG_LOG_SIGMOID = np.logaddexp(0.0, -_GRID).astype(np.float32)


@njit(inline="always")
def _sigmoid_and_loss(x):
    """(sigmoid(x), -log sigmoid(x)): tables with linear interpolation inside +-16 (both within
    5e-7 of the exact value), exact formulas outside."""
    if x >= _TABLE_MAX or x <= -_TABLE_MAX:
        e = math.exp(-abs(x))
        if x > 0.0:
            return 1.0 / (1.0 + e), math.log1p(e)
        return e / (1.0 + e), math.log1p(e) - x
    t = (x + _TABLE_MAX) * _TABLE_STEP
    i = int(t)
    frac = t - i
    sig = _SIGMOID[i] + frac * (_SIGMOID[i + 1] - _SIGMOID[i])
    nls = _NEG_LOG_SIGMOID[i] + frac * (_NEG_LOG_SIGMOID[i + 1] - _NEG_LOG_SIGMOID[i])
    return sig, nls


@njit(inline="always")
def _logistic(f, positive, alpha):
    """(-log p(label), gradient step) of a logistic unit scored ``f``; the label is 1 if ``positive``."""
    s = np.float64(f)
    sig, nls = _sigmoid_and_loss(s)
    if positive:
        return nls, (1.0 - sig) * alpha
    return nls + s, -sig * alpha  # -log(1 - sigmoid(s)) = s - log sigmoid(s)


@intrinsic
def _prefetch_row(typingctx, array, row):
    """Ask the CPU to fetch every cache line of array[row] (C-contiguous 2-D) for writing.

    Training is bound by cache misses on random rows; fetching the rows of all negative
    samples before using them lets the misses overlap.
    """
    def codegen(context, builder, sig, args):
        arraytype = sig.args[0]
        arr = context.make_array(arraytype)(context, builder, args[0])
        index = context.cast(builder, args[1], sig.args[1], types.intp)
        zero = context.get_constant(types.intp, 0)
        byte_ptr = ir.IntType(8).as_pointer()
        base = builder.bitcast(cgutils.get_item_pointer(context, builder, arraytype, arr, [index, zero]), byte_ptr)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr] + [ir.IntType(32)] * 3), "llvm.prefetch.p0i8")
        itemsize = context.get_abi_sizeof(context.get_data_type(arraytype.dtype))
        nbytes = builder.mul(builder.extract_value(arr.shape, 1), context.get_constant(types.intp, itemsize))
        write, keep, data = (ir.Constant(ir.IntType(32), v) for v in (1, 3, 1))
        for line in range(32):  # rows of up to 2 KiB (512 float32)
            offset = context.get_constant(types.intp, 64 * line)
            with builder.if_then(builder.icmp_signed("<", offset, nbytes)):
                builder.call(fn, [builder.gep(base, [offset]), write, keep, data])
        return context.get_dummy_value()

    return types.void(array, row), codegen



@njit(inline="always")
def _output_step(l1, syn_out, t, label, alpha, work, dim):
    """One logistic output unit: update syn_out[t], add the input's gradient to work.

    Returns -log p(label); no clipping: the gradient is (label - sigmoid) at any score.
    """
    f = np.float32(0.0)
    for d in range(dim):
        f += l1[d] * syn_out[t, d]
    loss, g = _logistic(f, label == 1, alpha)
    g = np.float32(g)
    for d in range(dim):
        work[d] += g * syn_out[t, d]
        syn_out[t, d] += g * l1[d]
    return loss


@njit(inline="always")
def _softmax_step(l1, word, syn_out, alpha, work, scores, dim):
    """The full softmax over every row of syn_out: update them all, add the input's gradient to
    work. Returns the exact -log softmax(syn_out . l1)[word]; about 3 V dim multiply-adds."""
    top = -1e300  # finite: fastmath assumes no infinities
    for t in range(syn_out.shape[0]):
        f = np.float32(0.0)
        for d in range(dim):
            f += l1[d] * syn_out[t, d]
        scores[t] = f
        top = max(top, scores[t])
    target = scores[word] - top
    total = 0.0
    for t in range(syn_out.shape[0]):
        scores[t] = math.exp(scores[t] - top)
        total += scores[t]
    loss = math.log(total) - target
    for t in range(syn_out.shape[0]):
        g = np.float32(((1.0 if t == word else 0.0) - scores[t] / total) * alpha)
        for d in range(dim):
            work[d] += g * syn_out[t, d]
            syn_out[t, d] += g * l1[d]
    return loss


@njit(inline="always")
def _predict(l1, word, syn1neg, syn1, syn1soft, thresholds, aliases, codes, points, lengths,
             hs, negative, alpha, x, work, negs, scores, dim, together=False):
    """Train the output layer to predict ``word`` from ``l1``; returns (rng state, loss).

    Negative samples are all drawn (and their rows prefetched) before the first update. With
    ``together`` (CBOW) every negative-sampling score comes from the rows before this prediction's
    update (`_scores_first`); otherwise each output row is scored and updated in turn, as in
    word2vec.c. A model with a full-softmax matrix (``syn1soft`` with rows) trains that alone.
    """
    if len(syn1soft):
        return x, _softmax_step(l1, word, syn1soft, alpha, work, scores, dim)
    loss = 0.0
    if hs:
        n = lengths[word]
        for k in range(n):
            _prefetch_row(syn1, points[word, k])
        for k in range(n):
            loss += _output_step(l1, syn1, points[word, k], 1 - codes[word, k], alpha, work, dim)
    if negative > 0:
        outs = negs
        outs[0] = word
        m = 1
        for k in range(negative):
            x, t = _draw_negative(x, thresholds, aliases)
            if t != word:  # a negative equal to the word predicted is left out
                outs[m] = t
                m += 1
                _prefetch_row(syn1neg, t)
        if together:
            loss += _scores_first(l1, syn1neg, outs, m, alpha, work, scores, dim)
        else:
            for k in range(m):
                loss += _output_step(l1, syn1neg, outs[k], 1 if k == 0 else 0, alpha, work, dim)
    return x, loss


@njit(inline="always")
def _scores_first(l1, syn_out, outs, m, alpha, work, grads, dim):
    """Logistic units ``outs[:m]`` (the first the positive one), all scored before any is updated:
    independent dot products, which the processor overlaps, instead of a chain of score-update
    steps. Returns the sum of -log p(label); adds the input's gradient to work."""
    loss = 0.0
    for k in range(m):
        t = outs[k]
        f = np.float32(0.0)
        for d in range(dim):
            f += l1[d] * syn_out[t, d]
        step, grads[k] = _logistic(f, k == 0, alpha)
        loss += step
    for k in range(m):  # the input's gradient, from the rows before the update
        g, t = np.float32(grads[k]), outs[k]
        for d in range(dim):
            work[d] += g * syn_out[t, d]
    for k in range(m):
        g, t = np.float32(grads[k]), outs[k]
        for d in range(dim):
            syn_out[t, d] += g * l1[d]
    return loss


@njit(inline="always")
def _shared_window(ctx, count, word, syn0, syn1neg, thresholds, aliases, negative, alpha, x, outs, grads,
                   deltas, acc, dim):
    """Skip-gram on one window with negatives shared by its contexts (HogBatch, Ji et al. 2016).

    One draw of ``negative`` words for the centre ``word`` (one equal to it is left out); the
    scores of the contexts' input rows ``ctx[:count]`` against the output rows [word, negatives]
    come from the weights before the window's update, and every row is written once. Returns
    (rng state, loss): the sum of -log p(label) over the (context, output) pairs trained.
    """
    outs[0] = word
    m = 1
    for k in range(negative):
        x, t = _draw_negative(x, thresholds, aliases)
        if t != word:
            outs[m] = t
            m += 1
            _prefetch_row(syn1neg, t)
    loss = 0.0
    for b in range(count):
        c = ctx[b]
        for k in range(m):
            t = outs[k]
            f = np.float32(0.0)
            for d in range(dim):
                f += syn0[c, d] * syn1neg[t, d]
            step, g = _logistic(f, k == 0, alpha)
            loss += step
            grads[b, k] = np.float32(g)
    for b in range(count):  # the inputs' gradients, from the output rows before the update
        for d in range(dim):
            deltas[b, d] = 0.0
        for k in range(m):
            g, t = grads[b, k], outs[k]
            for d in range(dim):
                deltas[b, d] += g * syn1neg[t, d]
    for k in range(m):
        for d in range(dim):
            acc[d] = 0.0
        for b in range(count):
            g, c = grads[b, k], ctx[b]
            for d in range(dim):
                acc[d] += g * syn0[c, d]
        t = outs[k]
        for d in range(dim):
            syn1neg[t, d] += acc[d]
    for b in range(count):
        c = ctx[b]
        for d in range(dim):
            syn0[c, d] += deltas[b, d]
    return x, loss


@njit(**_JIT)
def train_sentences(tokens, offsets, first, last, syn0, syn1neg, syn1, syn1soft, keep, thresholds, aliases,
                    codes, points, lengths, sg, cbow_mean, hs, negative, window, shrink_window,
                    alpha, rng, stats, shared=False):
    """Train on sentences first..last-1; add (loss, predictions, words kept) to stats.

    Skip-gram predicts each centre word from each context word's input vector; with ``shared``
    (and negative sampling alone) the window's contexts share one draw of negatives and are
    updated together (`_shared_window`). CBOW predicts it from the mean (or sum) of the context
    vectors. Frequent words are dropped with probability 1 - keep[w] before windows are formed,
    as in word2vec.c. The output layer is
    the full softmax when ``syn1soft`` has rows, else hierarchical softmax and/or negative sampling.
    """
    dim = syn0.shape[1]
    longest = 1
    for s in range(first, last):
        longest = max(longest, offsets[s + 1] - offsets[s])
    sentence = np.empty(longest, dtype=np.int32)
    work = np.empty(dim, dtype=np.float32)
    neu1 = np.empty(dim, dtype=np.float32)
    negs = np.empty(negative + 1, dtype=np.int64)
    scores = np.empty(max(len(syn1soft), negative + 1), dtype=np.float64)
    together = bool(shared) and bool(sg) and negative > 0 and not hs and len(syn1soft) == 0
    ctx = np.empty(2 * window, dtype=np.int64)
    grads = np.empty((2 * window if together else 0, negative + 1), dtype=np.float32)
    deltas = np.empty((2 * window if together else 0, dim), dtype=np.float32)
    x = rng[0]
    loss = 0.0
    predictions = 0
    kept = 0
    for s in range(first, last):
        n = 0
        for p in range(offsets[s], offsets[s + 1]):
            w = tokens[p]
            if keep[w] < 1.0:
                x, u = _uniform(x)
                if keep[w] < u:
                    continue
            sentence[n] = w
            n += 1
        kept += n
        for i in range(n):
            b = 0
            if shrink_window:
                x, b = _below(x, window)
            lo = max(0, i - window + b)
            hi = min(n, i + window + 1 - b)
            word = sentence[i]
            if i + 1 < n:  # the next centre's output row and the context word entering its window
                if negative > 0:
                    _prefetch_row(syn1neg, sentence[i + 1])
                if i + window + 1 < n:
                    _prefetch_row(syn0, sentence[i + window + 1])
            if together:
                count = 0
                for j in range(lo, hi):
                    if j != i:
                        ctx[count] = sentence[j]
                        count += 1
                if count:
                    x, step = _shared_window(ctx, count, word, syn0, syn1neg, thresholds, aliases, negative,
                                             alpha, x, negs, grads, deltas, neu1, dim)
                    loss += step
                    predictions += count
                continue
            if sg:
                for j in range(lo, hi):
                    if j == i:
                        continue
                    l1 = syn0[sentence[j]]
                    work[:] = 0.0
                    x, step = _predict(l1, word, syn1neg, syn1, syn1soft, thresholds, aliases, codes,
                                       points, lengths, hs, negative, alpha, x, work, negs, scores, dim)
                    loss += step
                    for d in range(dim):
                        l1[d] += work[d]
                    predictions += 1
                continue
            count = hi - lo - 1
            if count <= 0:
                continue
            neu1[:] = 0.0
            for j in range(lo, hi):
                if j != i:
                    c = sentence[j]
                    for d in range(dim):
                        neu1[d] += syn0[c, d]
            if cbow_mean:
                inv = np.float32(1.0 / count)
                for d in range(dim):
                    neu1[d] *= inv
            work[:] = 0.0
            x, step = _predict(neu1, word, syn1neg, syn1, syn1soft, thresholds, aliases, codes, points,
                               lengths, hs, negative, alpha, x, work, negs, scores, dim, True)
            loss += step
            if not cbow_mean:  # gensim's rule for summed context: spread the error
                inv = np.float32(1.0 / count)
                for d in range(dim):
                    work[d] *= inv
            for j in range(lo, hi):
                if j != i:
                    c = sentence[j]
                    for d in range(dim):
                        syn0[c, d] += work[d]
            predictions += 1
    rng[0] = x
    stats[0] += loss
    stats[1] += predictions
    stats[2] += kept


# ---------------------------------------------------------------------------------------------
# Scoring trained vectors

@njit(**_JIT)
def scaled_dots(x, inv_norms, queries, out):  # pragma: no cover - compiled
    """out[k, i] = (x[i] . queries[k]) * inv_norms[i], reading x once."""
    for i in range(x.shape[0]):
        for k in range(queries.shape[0]):
            s = np.float32(0.0)
            for j in range(x.shape[1]):
                s += x[i, j] * queries[k, j]
            out[k, i] = s * inv_norms[i]


@njit(**_NOFAST)
def analogy_scores(sims, where, inputs, first, out):
    """3CosAdd scores of questions first..first+len(out)-1: out[k] = sims[where[q, 1]] -
    sims[where[q, 0]] + sims[where[q, 2]] for q = first + k, summed in that order in float32 as
    numpy would, with the question's input columns inputs[q] at -inf. One pass over three rows,
    no gathered copies; numpy's (vectorised) argmax then picks each answer."""
    for k in range(out.shape[0]):
        q = first + k
        a, b, c = sims[where[q, 0]], sims[where[q, 1]], sims[where[q, 2]]
        row = out[k]
        for j in range(sims.shape[1]):
            row[j] = b[j] - a[j] + c[j]
        for m in range(3):
            row[inputs[q, m]] = -np.inf


# ---------------------------------------------------------------------------------------------
# Corpus statistics

@njit(**_NOFAST)
def cooccurrences(tokens, offsets, limit, window, out):  # pragma: no cover - compiled
    """out[x, y] += 1 for each two positions of a sentence at most `window` apart holding words
    x, then y, both below `limit` (`out` is limit x limit int64)."""
    for s in range(len(offsets) - 1):
        end = offsets[s + 1]
        for i in range(offsets[s], end):
            x = tokens[i]
            if x >= limit:
                continue
            for j in range(i + 1, min(i + window + 1, end)):
                y = tokens[j]
                if y < limit:
                    out[x, y] += 1


# ---------------------------------------------------------------------------------------------
# fastText subwords

@njit(**_NOFAST)
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
            while j < b and n <= maxn:
                j += 1
                while j < b and data[j] & 0xC0 == 0x80:
                    j += 1
                if n >= minn and not (n == 1 and (i == a or j == b)):
                    if out.size:
                        h = np.int64(2166136261)
                        for t in range(i, j):
                            byte = np.int64(data[t])
                            h = ((h ^ (byte | 0xFFFFFF00 if byte >= 128 else byte)) * 16777619) & 0xFFFFFFFF
                        out[pos] = h % bucket
                    pos += 1
                    found += 1
                n += 1
        counts[k] = found


@njit(**_NOFAST)
def fasttext_word_vectors(words, ngrams, indptr, ids, first, out):  # pragma: no cover - compiled
    """out[k] = mean of words[first + k] and the rows ngrams[ids[indptr[k]:indptr[k + 1]]], summed
    in that order in float32 (as fastText and gensim)."""
    for k in range(out.shape[0]):
        row = out[k]
        row[:] = words[first + k]
        for m in range(indptr[k], indptr[k + 1]):
            row += ngrams[ids[m]]
        row /= np.float32(indptr[k + 1] - indptr[k] + 1)


@njit(**_NOFAST)
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


# ---------------------------------------------------------------------------------------------
# Map labels

@njit(**_NOFAST)
def place_boxes(low, high, taken, placed):  # pragma: no cover - compiled
    """Greedy placement of boxes in order: box k covers the cells low[k]..high[k] (inclusive, x
    then y) of the occupancy grid `taken`; a box whose cells are all free is placed (its index
    into `placed`, its cells taken). Stops when `placed` is full; returns how many were placed."""
    found = 0
    for k in range(low.shape[0]):
        if found == placed.shape[0]:
            break
        free = True
        for x in range(low[k, 0], high[k, 0] + 1):
            for y in range(low[k, 1], high[k, 1] + 1):
                if taken[x, y]:
                    free = False
                    break
            if not free:
                break
        if free:
            for x in range(low[k, 0], high[k, 0] + 1):
                for y in range(low[k, 1], high[k, 1] + 1):
                    taken[x, y] = True
            placed[found] = k
            found += 1
    return found

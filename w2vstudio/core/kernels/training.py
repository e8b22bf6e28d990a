"""The training step (skip-gram and CBOW; negative sampling, hierarchical softmax or the full
softmax) and the Huffman tree.

Kernels release the GIL (``nogil``) so several threads can run them at once on shared weights
(Hogwild). Loops over batches, the learning-rate schedule, progress and cancellation stay in
Python (``train/trainer.py``)."""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from w2vstudio.core.kernels.jit import JIT, NOFAST
from w2vstudio.core.kernels.random import below, draw_negative, uniform

# ---------------------------------------------------------------------------------------------
# Huffman tree

@njit(**NOFAST)
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
def sigmoid_and_loss(x):
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
    sig, nls = sigmoid_and_loss(s)
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
            x, t = draw_negative(x, thresholds, aliases)
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
        x, t = draw_negative(x, thresholds, aliases)
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


@njit(**JIT)
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
                x, u = uniform(x)
                if keep[w] < u:
                    continue
            sentence[n] = w
            n += 1
        kept += n
        for i in range(n):
            b = 0
            if shrink_window:
                x, b = below(x, window)
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

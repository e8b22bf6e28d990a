"""The Numba kernels against the plain-numpy reference (tests/core/naive.py) and exact maths."""

import heapq

import numpy as np
import pytest

from tests.core import naive
from w2vstudio.core.kernels.random import alias_table
from w2vstudio.core.kernels.scoring import analogy_scores
from w2vstudio.core.kernels.training import huffman_tree, sigmoid_and_loss, train_sentences
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.sampling import SamplingTables
from w2vstudio.core.vocab import Vocabulary

WORDS = "the cat sat on mat a dog ran in park big red".split()


def _tiny(seed=0, n_sent=12):
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, len(WORDS) + 1)
    sentences = [rng.choice(len(WORDS), size=rng.integers(1, 9), p=p / p.sum()) for _ in range(n_sent)]
    counts = np.bincount(np.concatenate(sentences), minlength=len(WORDS))
    order = np.argsort(-counts, kind="stable")
    remap = np.empty_like(order)
    remap[order] = np.arange(len(order))
    sentences = [remap[s].astype(np.int32) for s in sentences]
    vocab = Vocabulary([WORDS[i] for i in order], counts[order] + 1)
    return vocab, sentences


CASES = [
    dict(sg=True, hs=False, negative=3, cbow_mean=True),
    dict(sg=True, hs=False, negative=3, cbow_mean=True, shared_negatives=False),
    dict(sg=True, hs=False, negative=1, cbow_mean=True),
    dict(sg=True, hs=True, negative=2, cbow_mean=True),  # shared negatives need negative sampling alone
    dict(sg=False, hs=False, negative=3, cbow_mean=True),
    dict(sg=False, hs=False, negative=3, cbow_mean=False),
    dict(sg=True, hs=True, negative=0, cbow_mean=True),
    dict(sg=False, hs=True, negative=2, cbow_mean=True),
]


def _case_id(c):
    return (f"sg{int(c['sg'])}-hs{int(c['hs'])}-neg{c['negative']}-mean{int(c['cbow_mean'])}"
            f"-shared{int(c.get('shared_negatives', True))}")


@pytest.mark.parametrize("case", CASES, ids=_case_id)
@pytest.mark.parametrize("shrink", [True, False])
def test_kernel_matches_numpy_reference(case, shrink):
    vocab, sentences = _tiny()
    params = TrainParams(dim=8, window=2, shrink_window=shrink, sample=0.05, **case)
    model = Model.create(vocab, params)
    model.syn1neg[:] = np.random.default_rng(1).normal(0, 0.1, model.syn1neg.shape)
    model.syn1[:] = np.random.default_rng(2).normal(0, 0.1, model.syn1.shape)
    tables = SamplingTables(model)
    assert (tables.keep < 1).any()  # subsampling is exercised
    ref_w = {"syn0": model.vectors.copy(), "syn1neg": model.syn1neg.copy(), "syn1": model.syn1.copy()}
    ref_t = {k: getattr(tables, k) for k in ("keep", "thresholds", "aliases", "codes", "points", "lengths")}
    p = dict(vars(params))
    alpha = 0.05
    ref_loss, ref_pred, ref_kept = naive.train_sentences(sentences, ref_w, ref_t, p, alpha, naive.Rng(12345))

    tokens = np.concatenate(sentences).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in sentences])]).astype(np.int64)
    rng = np.array([12345], np.uint64)
    stats = np.zeros(3)
    train_sentences(tokens, offsets, 0, len(sentences), model.vectors, model.syn1neg, model.syn1,
                            model.syn1soft,
                            tables.keep, tables.thresholds, tables.aliases, tables.codes, tables.points,
                            tables.lengths, params.sg, params.cbow_mean, params.hs, params.negative,
                            params.window, params.shrink_window, alpha, rng, stats, params.shared_negatives)
    assert stats[1] == ref_pred > 0
    assert stats[2] == ref_kept
    assert stats[0] == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(model.vectors, ref_w["syn0"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.syn1neg, ref_w["syn1neg"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.syn1, ref_w["syn1"], rtol=1e-4, atol=1e-6)
    assert int(rng[0]) != 12345  # the thread's random state moves on


def test_sigmoid_and_loss_tables_are_exact_to_5e7():
    x = np.linspace(-30, 30, 200_001)
    got = np.array([sigmoid_and_loss.py_func(v) for v in x[::50]])
    exact_sig = 1 / (1 + np.exp(-x[::50]))
    exact_nls = np.logaddexp(0, -x[::50])
    assert np.abs(got[:, 0] - exact_sig).max() < 5e-7
    assert np.abs(got[:, 1] - exact_nls).max() < 5e-7


def test_alias_table_samples_the_noise_distribution():
    weights = np.array([100.0, 40, 10, 5, 1, 1, 0.5]) ** 0.75
    thresholds, aliases = alias_table(weights)
    # exact probability of each outcome implied by the table
    n = len(weights)
    prob = np.zeros(n)
    for i in range(n):
        keep = min(int(thresholds[i]), 1 << 32) / 2**32
        prob[i] += keep / n
        prob[aliases[i]] += (1 - keep) / n
    np.testing.assert_allclose(prob, weights / weights.sum(), atol=1e-9)
    rng = naive.Rng(99)
    draws = np.bincount([rng.negative(thresholds, aliases) for _ in range(20000)], minlength=n) / 20000
    np.testing.assert_allclose(draws, weights / weights.sum(), atol=0.015)




def test_huffman_codes_are_prefix_free_and_optimal():
    counts = np.array([900, 500, 400, 120, 100, 60, 30, 20, 9, 5, 3, 1], dtype=np.float64)
    codes, points, lengths = huffman_tree(counts)
    words = ["".join(str(b) for b in codes[i, : lengths[i]]) for i in range(len(counts))]
    for a in words:
        for b in words:
            assert a == b or not b.startswith(a)
    # optimal: same total cost as a heap-built Huffman code
    heap = list(counts)
    heapq.heapify(heap)
    cost = 0.0
    while len(heap) > 1:
        merged = heapq.heappop(heap) + heapq.heappop(heap)
        cost += merged
        heapq.heappush(heap, merged)
    assert (counts * lengths).sum() == cost
    assert (points[:, 0] == len(counts) - 2).all()  # every path starts at the root
    assert points.max() <= len(counts) - 2


def test_tokenizer_kernel_agrees_with_regex_rule():
    from w2vstudio.core.corpus import files as corpus

    rng = np.random.default_rng(3)
    alphabet = list("abcXYZ019 '’-_.,\n\téÉßİ漢字–—\u0301") + ["don't", "x-ray", "--", "''"]
    text = "".join(rng.choice(alphabet, size=5000))
    lines = text.split("\n")
    for lower in (True, False):
        tokenizer = corpus.Tokenizer(lower)
        ids = np.concatenate([tokenizer((line + "\n").encode("utf-8")) for line in lines])  # many calls
        got = [tokenizer.words[i] for i in ids if i >= 0]
        want = [w for line in lines for w in corpus.words(line, lower)]
        assert got == want
        assert (ids == -1).sum() == len(lines)
        assert len(set(tokenizer.words)) == len(tokenizer.words)  # one id per distinct word


@pytest.mark.parametrize("width", [3, 5, 17, 2000])
def test_analogy_scores_equal_numpy(width):
    rng = np.random.default_rng(width)
    sims = rng.uniform(-1, 1, size=(7, width)).astype(np.float32)
    where = rng.integers(0, 7, size=(50, 3))
    inputs = rng.integers(0, width, size=(50, 3))
    out = np.full((20, width), np.nan, dtype=np.float32)
    analogy_scores(sims, where, inputs, 30, out)  # questions 30..49
    expected = sims[where[30:, 1]] - sims[where[30:, 0]] + sims[where[30:, 2]]  # numpy's order
    expected[np.arange(20)[:, None], inputs[30:]] = -np.inf
    assert np.array_equal(out, expected)  # bit for bit: the answers are numpy's argmax of these


def _softplus(x):
    return float(np.logaddexp(0.0, x))


@pytest.mark.parametrize("mean", [True, False])
def test_heldout_row_losses_match_numpy(mean):
    from w2vstudio.core.kernels.scoring import hs_row_losses, ns_row_losses

    rng = np.random.default_rng(5)
    syn0, syn1 = (rng.standard_normal((30, 7)).astype(np.float32) for _ in range(2))
    inputs = rng.integers(-1, 30, (40, 4))
    inputs[0] = -1  # a row without context: v = 0
    outputs = rng.integers(0, 30, 40)
    negatives = rng.integers(0, 30, (40, 3))
    negatives[1, 0] = outputs[1]  # skipped, as the training kernel skips it
    codes = rng.integers(0, 2, (30, 5)).astype(np.uint8)
    points = rng.integers(0, 29, (30, 5))
    lengths = rng.integers(1, 6, 30)
    ns, hs = np.empty(40), np.empty(40)
    ns_row_losses(syn0, syn1, inputs, outputs, negatives, mean, ns)
    hs_row_losses(syn0, syn1, inputs, outputs, codes, points, lengths, mean, hs)
    for r in range(40):
        ids = inputs[r][inputs[r] >= 0]
        v = syn0[ids].astype(np.float64).sum(0) if len(ids) else np.zeros(7)
        if mean and len(ids):
            v /= len(ids)
        o = outputs[r]
        ref = _softplus(-(syn1[o] @ v)) + sum(_softplus(syn1[k] @ v) for k in negatives[r] if k != o)
        assert ns[r] == pytest.approx(ref, rel=1e-9)
        ref = sum(_softplus(-(1 - 2 * int(codes[o, j])) * (syn1[points[o, j]] @ v)) for j in range(lengths[o]))
        assert hs[r] == pytest.approx(ref, rel=1e-9)


def test_pack_spans_matches_numpy():
    from w2vstudio.core.kernels.text import pack_spans

    rng = np.random.default_rng(5)
    arena = rng.integers(0, 255, 500, dtype=np.uint8)
    starts = np.sort(rng.choice(480, 30, replace=False))
    spans = np.stack([starts, starts + rng.integers(0, 20, 30)], axis=1).astype(np.int64)
    spans[:, 1] = np.minimum(spans[:, 1], np.append(starts[1:], 500))  # strings do not overlap
    out = np.zeros(600, np.uint8)
    pack_spans(arena, spans, out)
    expected = np.concatenate([arena[a:b] for a, b in spans])
    np.testing.assert_array_equal(out[:len(expected)], expected)
    assert not out[len(expected):].any()


def test_word_counts_matches_bincount():
    from w2vstudio.core.kernels.text import word_counts

    rng = np.random.default_rng(6)
    word_of = rng.integers(0, 40, 500).astype(np.int32)
    counts = rng.integers(1, 1000, 500).astype(np.int64)
    expected = np.bincount(word_of, weights=counts, minlength=50).astype(np.int64)
    np.testing.assert_array_equal(word_counts(word_of, counts, 50), expected)
    assert word_counts(word_of[:0], counts[:0], 3).tolist() == [0, 0, 0]


def test_ids_within_equals_numpy_min_and_max():
    from w2vstudio.core.kernels.text import ids_within

    rng = np.random.default_rng(4)
    for _ in range(50):
        ids = rng.integers(-2, 30, rng.integers(0, 40)).astype(np.int32)
        limit = int(rng.integers(1, 32))
        expected = not len(ids) or (ids.min() >= 0 and ids.max() < limit)
        assert ids_within(ids, limit) == expected

"""p(output | input) for each objective against the plain formulas."""

import numpy as np
import pytest

from w2vstudio.core.kernels.training import huffman_tree
from w2vstudio.core.inside import likelihood
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.trainer import Trainer


def trained_model(corpus, **kw):
    """A small model of `corpus` trained on one thread (`kw` overrides the parameters)."""
    params = dict(dim=12, window=3, epochs=2, min_count=2, threads=1, seed=3, batch_words=500, sample=0.0)
    params.update(kw)
    model = Model.create(corpus.vocab, TrainParams(**params))
    Trainer(model, corpus).train()
    return model


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def _hs_probs(model, v):
    codes, points, lengths = huffman_tree(model.vocab.counts.astype(np.float64))
    probs = np.ones(len(model.vocab))
    for w in range(len(model.vocab)):
        for k in range(lengths[w]):
            s = float(model.syn1[points[w, k]].astype(np.float64) @ v)
            probs[w] *= 1 / (1 + np.exp(-s)) if codes[w, k] == 0 else 1 / (1 + np.exp(s))
    return probs


def _check(result, probs, o, words):
    assert result.p == pytest.approx(probs[o], rel=1e-6)
    assert result.neg_log_p == pytest.approx(-np.log(probs[o]), rel=1e-6)
    assert result.rank == 1 + int(np.sum(probs > probs[o] * (1 + 1e-9)))
    order = np.argsort(-probs, kind="stable")[:5]
    assert [w for w, _ in result.top] == [words[i] for i in order]
    assert [p for _, p in result.top] == pytest.approx(probs[order], rel=1e-6)


def test_negative_sampling_adds_the_log_noise(topic_corpus):
    model = trained_model(topic_corpus)
    i, o = model.vocab.index["sea1"], model.vocab.index["sea2"]
    v = model.vectors[i].astype(np.float64)
    pn = model.vocab.counts ** 0.75 / (model.vocab.counts ** 0.75).sum()
    probs = _softmax(model.syn1neg.astype(np.float64) @ v + np.log(pn))
    result = likelihood(model, i, o, topn=5)
    assert result.objective == "negative"
    _check(result, probs, o, model.vocab.words)
    assert result.sigmoid == pytest.approx(1 / (1 + np.exp(-model.syn1neg[o].astype(np.float64) @ v)), rel=1e-6)


def test_hierarchical_softmax_multiplies_the_path(topic_corpus):
    model = trained_model(topic_corpus, hs=True, negative=0)
    i, o = model.vocab.index["sky3"], model.vocab.index["sky4"]
    probs = _hs_probs(model, model.vectors[i].astype(np.float64))
    assert probs.sum() == pytest.approx(1.0, rel=1e-5)
    result = likelihood(model, i, o, topn=5)
    assert result.objective == "hs" and result.sigmoid is None
    _check(result, probs, o, model.vocab.words)


def test_both_objectives_take_p_from_hs_and_sigmoid_from_ns(topic_corpus):
    model = trained_model(topic_corpus, hs=True, negative=3)
    i, o = 4, 5
    result = likelihood(model, i, o, topn=5)
    assert result.objective == "hs"
    _check(result, _hs_probs(model, model.vectors[i].astype(np.float64)), o, model.vocab.words)
    assert result.sigmoid is not None


@pytest.mark.parametrize("cbow_mean", [True, False])
def test_several_inputs_use_the_mean_or_sum(topic_corpus, cbow_mean):
    model = trained_model(topic_corpus, sg=False, cbow_mean=cbow_mean)
    ids = [model.vocab.index[w] for w in ("sea1", "sea2", "sea3")]
    rows = model.vectors[ids].astype(np.float64)
    v = rows.mean(axis=0) if cbow_mean else rows.sum(axis=0)
    pn = model.vocab.counts ** 0.75 / (model.vocab.counts ** 0.75).sum()
    probs = _softmax(model.syn1neg.astype(np.float64) @ v + np.log(pn))
    o = model.vocab.index["sea4"]
    _check(likelihood(model, ids, o, topn=5), probs, o, model.vocab.words)

"""One learning step against the numpy formulas; Apply never writes the model."""

import numpy as np
import pytest

from tests.core.inside.test_likelihood import trained_model
from w2vstudio.core.kernels.training import huffman_tree
from w2vstudio.core.inside import likelihood
from w2vstudio.core.inside.step import Step
from w2vstudio.core.train.model import Model


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _reference_step(v, rows, alpha):
    """Sequential logistic units on float64 copies: (input gradient, new rows, loss)."""
    work = np.zeros_like(v)
    new, loss = {}, 0.0
    for key, u, label in rows:
        u = new.get(key, u.astype(np.float64)).copy()
        f = u @ v
        loss += -np.log(_sig(f)) if label else -np.log(_sig(-f))
        g = (label - _sig(f)) * alpha
        work += g * u
        new[key] = u + g * v
    return work, new, loss


def _snapshot(model):
    return [a.copy() for a in (model.vectors, model.syn1neg, model.syn1)]


def _untouched(model, before):
    return all(np.array_equal(a, b) for a, b in zip(_snapshot(model), before))


def test_negative_sampling_step_matches_the_formulas(topic_corpus):
    model = trained_model(topic_corpus, epochs=1)
    before = _snapshot(model)
    i, o = model.vocab.index["sea1"], model.vocab.index["sea5"]
    step = Step(model, i, o, alpha=0.05, seed=4)
    assert len(step.negatives) == 5
    v = model.vectors[i].astype(np.float64)
    units = step.ns_units()
    assert [u.label for u in units] == [1] + [0] * (len(units) - 1)
    assert units[0].row == o and {u.row for u in units[1:]} <= set(step.negatives)
    rows = [(u.row, model.syn1neg[u.row], u.label) for u in units]
    for u in units:
        assert u.sigmoid == pytest.approx(_sig(model.syn1neg[u.row].astype(np.float64) @ v), rel=1e-5)
    work, new, loss = _reference_step(v, rows, 0.05)
    assert step.readout().ns_loss == pytest.approx(loss, rel=1e-5)
    changes, total = step.gradient()
    assert total == 1 + len(new)
    delta = {(c.matrix, c.row): c.delta for c in changes}
    assert delta[("E", i)] == pytest.approx(np.linalg.norm(work), rel=1e-4)
    for r, u in new.items():
        assert delta[("C", r)] == pytest.approx(np.linalg.norm(u - model.syn1neg[r]), rel=1e-4)
    assert step.costs() == {"softmax": len(model.vocab) * 12, "negative": 6 * 12}

    first, after = step.apply()
    assert _untouched(model, before)
    assert first == Step(model, i, o, alpha=0.05, seed=4).readout()
    changed = Model(model.vocab, model.params, model.vectors.copy(), model.syn1neg.copy(), model.syn1.copy())
    changed.vectors[i] = v + work
    for r, u in new.items():
        changed.syn1neg[r] = u
    expected = likelihood(changed, i, o)
    assert after.p == pytest.approx(expected.p, rel=1e-4) and after.rank == expected.rank
    assert after.p > first.p and after.cosine > first.cosine
    assert step.history == [first.p, after.p]


def test_hierarchical_softmax_path_and_step(topic_corpus):
    model = trained_model(topic_corpus, epochs=1, hs=True, negative=0)
    before = _snapshot(model)
    i, o = model.vocab.index["sky2"], model.vocab.index["sky6"]
    step = Step(model, i, o, alpha=0.05)
    path = step.hs_units()
    codes, points, lengths = huffman_tree(model.vocab.counts.astype(np.float64))
    assert [u.row for u in path] == list(points[o, :lengths[o]])
    assert np.prod([u.sigmoid if u.label else 1 - u.sigmoid for u in path]) == pytest.approx(step.readout().p,
                                                                                             rel=1e-5)
    assert step.ns_units() == [] and step.readout().ns_loss is None
    v = model.vectors[i].astype(np.float64)
    work, new, _ = _reference_step(v, [(u.row, model.syn1[u.row], u.label) for u in path], 0.05)
    _, after = step.apply()
    assert _untouched(model, before)
    changed = Model(model.vocab, model.params, model.vectors.copy(), model.syn1neg.copy(), model.syn1.copy())
    changed.vectors[i] = v + work
    for r, u in new.items():
        changed.syn1[r] = u
    assert after.p == pytest.approx(likelihood(changed, i, o).p, rel=1e-4)


@pytest.mark.parametrize("cbow_mean", [True, False])
def test_cbow_moves_every_context_row(topic_corpus, cbow_mean):
    model = trained_model(topic_corpus, epochs=1, sg=False, cbow_mean=cbow_mean)
    ids = [model.vocab.index[w] for w in ("sea1", "sea2", "sea3")]
    o = model.vocab.index["sea4"]
    step = Step(model, ids, o, alpha=0.05, seed=2)
    rows = model.vectors[ids].astype(np.float64)
    v = rows.mean(axis=0) if cbow_mean else rows.sum(axis=0)
    work, _, _ = _reference_step(v, [(u.row, model.syn1neg[u.row], u.label) for u in step.ns_units()], 0.05)
    if not cbow_mean:
        work /= 3
    changes, _ = step.gradient(limit=100)
    e = {c.row: c.delta for c in changes if c.matrix == "E"}
    assert set(e) == set(ids)
    assert all(d == pytest.approx(np.linalg.norm(work), rel=1e-4) for d in e.values())


def test_rounds_raise_the_true_words_probability(topic_corpus):
    model = trained_model(topic_corpus, epochs=1)
    before = _snapshot(model)
    step = Step(model, model.vocab.index["the"], model.vocab.index["sky7"], alpha=0.1)
    ps = step.rounds(30)
    assert len(step.history) == 31 and step.history[1:] == ps
    assert ps[-1] > 2 * step.history[0]
    assert _untouched(model, before)


def test_scores_are_c_times_v_on_the_copies(topic_corpus):
    model = trained_model(topic_corpus, epochs=1)
    i, o = model.vocab.index["sea1"], model.vocab.index["sea5"]
    step = Step(model, i, o, alpha=0.05)
    np.testing.assert_allclose(step.scores(), model.syn1neg @ model.vectors[i], rtol=1e-5, atol=1e-7)
    step.apply()
    assert step.scores()[o] == pytest.approx(float(step.ns_units()[0].score), rel=1e-5)


def test_the_hierarchical_softmax_factors_multiply_to_p(topic_corpus):
    model = trained_model(topic_corpus, epochs=1, hs=True, negative=0)
    step = Step(model, model.vocab.index["sky2"], model.vocab.index["sky6"])
    path = step.hs_units()
    assert {u.label for u in path} == {0, 1}  # both kinds of factor occur on the path
    for u in path:
        assert u.factor == pytest.approx(u.sigmoid if u.label else 1 - u.sigmoid)
    assert np.prod([u.factor for u in path]) == pytest.approx(step.readout().p, rel=1e-5)


def test_a_full_softmax_step_has_no_negative_sampling(topic_corpus):
    model = trained_model(topic_corpus, epochs=1, softmax=True)
    step = Step(model, model.vocab.index["sky2"], model.vocab.index["sky6"])
    assert step.ns_units() == [] and step.negatives == []
    readout = step.readout()
    assert readout.ns_loss is None and readout.cosine is not None
    assert step.likelihood().sigmoid is None

"""The tiny model: one sample at a time, by the reference formulas of each objective."""

import numpy as np
import pytest

from w2vstudio.core.inside.tiny import MAX_WORDS, TinyModel


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def _sig(x):
    return 1 / (1 + np.exp(-x))


def test_full_softmax_sample_follows_the_formula():
    tiny = TinyModel(objective="softmax", alpha=0.2, seed=3)
    e0, c0 = tiny.vectors.astype(np.float64), tiny.syn1soft.astype(np.float64)
    (i,), o = tiny.ids(tiny.samples[0])
    p = _softmax(c0 @ e0[i])
    (trained,) = tiny.next()
    assert trained.index == 0 and trained.loss == pytest.approx(-np.log(p[o]), rel=1e-6)
    err = -p
    err[o] += 1
    assert tiny.vectors[i] == pytest.approx(e0[i] + 0.2 * err @ c0, abs=1e-6)
    assert tiny.syn1soft == pytest.approx(c0 + 0.2 * np.outer(err, e0[i]), abs=1e-6)
    others = np.arange(len(e0)) != i
    assert np.array_equal(tiny.vectors[others], e0[others].astype(np.float32))
    assert tiny.samples[0].inputs == ("the",) and tiny.samples[0].output == "nurse"


def test_negative_sampling_sample_follows_the_formula():
    tiny = TinyModel(objective="negative", negative=3, alpha=0.2)
    e0, c0 = tiny.vectors.astype(np.float64), tiny.syn1neg.astype(np.float64)
    units = tiny.step_for(0).ns_units()
    (i,), o = tiny.ids(tiny.samples[0])
    v = e0[i]
    loss = -np.log(_sig(c0[o] @ v)) - sum(np.log(_sig(-c0[u.row] @ v)) for u in units[1:])
    assert tiny.next()[0].loss == pytest.approx(loss, rel=1e-6)
    assert tiny.syn1neg[o] == pytest.approx(c0[o] + 0.2 * (1 - _sig(c0[o] @ v)) * v, abs=1e-6)


def test_hierarchical_softmax_sample_is_the_path_product():
    tiny = TinyModel(objective="hs")
    path = tiny.step_for(0).hs_units()
    (i,), _ = tiny.ids(tiny.samples[0])
    v = tiny.vectors[i].astype(np.float64)
    p = np.prod([_sig(tiny.syn1[u.row] @ v) if u.label else _sig(-tiny.syn1[u.row] @ v) for u in path])
    assert tiny.next()[0].loss == pytest.approx(-np.log(p), rel=1e-6)


@pytest.mark.parametrize("objective", ["softmax", "negative", "hs"])
def test_the_loss_falls_and_reset_starts_again(objective):
    tiny = TinyModel(objective=objective, alpha=0.1)
    first = tiny.vectors.copy()
    n = len(tiny.samples)
    tiny.next(8 * n)
    losses = np.array(tiny.losses).reshape(8, n).mean(axis=1)
    assert losses[-1] < losses[0]
    assert tiny.running_mean(n) == pytest.approx(losses[-1])
    tiny.reset()
    assert np.array_equal(tiny.vectors, first) and tiny.losses == [] and tiny.position == 0


def test_cbow_and_limits():
    tiny = TinyModel("a b c d\ne f", objective="softmax", sg=False)
    assert tiny.samples[0].inputs == ("b", "c") and tiny.samples[0].output == "a"
    tiny.next(3)
    with pytest.raises(ValueError, match="up to"):
        TinyModel(" ".join(["w"] * (MAX_WORDS + 1)))
    with pytest.raises(ValueError, match="no training samples"):
        TinyModel("alone")

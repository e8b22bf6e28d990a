"""Stand-ins against plain numpy: the candidates, the training window's weights, each objective's
score of a candidate for an occurrence (through `inside.likelihood`, the studio's one definition of
p(output | input)), and the Jensen–Shannon divergence (against scipy's)."""

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

from w2vstudio.core.inside.likelihood import log_probs, output_scores
from w2vstudio.core.lenses import stand_ins
from w2vstudio.core.train.model import Model
from w2vstudio.core.params import TrainParams
from w2vstudio.core.vocab import Vocabulary

V, DIM = 40, 8


def _model(sg: bool, objective: str, cbow_mean: bool = True, window: int = 3, shrink: bool = True) -> Model:
    vocab = Vocabulary([f"w{i}" for i in range(V)], list(range(2 * V, V, -1)))
    kind = {"negative": dict(negative=5), "hs": dict(hs=True, negative=0), "softmax": dict(softmax=True, negative=0)}
    params = TrainParams(dim=DIM, window=window, shrink_window=shrink, sg=sg, cbow_mean=cbow_mean,
                         **kind[objective])
    model = Model.create(vocab, params)
    rng = np.random.default_rng(3)
    model.vectors[:] = rng.normal(0, 0.5, model.vectors.shape)
    for name in ("syn1neg", "syn1", "syn1soft"):
        rows = getattr(model, name)
        rows[:] = rng.normal(0, 0.5, rows.shape)
    return model


def _occurrences(n=12, wide=5, seed=0):
    rng = np.random.default_rng(seed)
    contexts = rng.integers(0, V, (n, 2 * wide))
    contexts[rng.random(contexts.shape) < 0.2] = -1
    weights = np.where(contexts >= 0, rng.uniform(0.1, 1.0, contexts.shape), 0.0)
    return contexts, weights


def test_candidates_are_the_nearest_by_cosine_among_the_frequent_words():
    model = _model(True, "negative")
    unit = model.vectors / np.linalg.norm(model.vectors, axis=1, keepdims=True)
    cos = unit[:25] @ unit[7]
    cos[7] = -np.inf
    kv = model.keyed_vectors()
    assert stand_ins.candidates(kv, 7, 25, n=6).tolist() == np.argsort(-cos, kind="stable")[:6].tolist()
    assert sorted(stand_ins.candidates(kv, 30, 25, n=40).tolist()) == list(range(25))  # a rare word: the whole pool
    assert sorted(stand_ins.candidates(kv, 7, 25, n=40).tolist()) == [r for r in range(25) if r != 7]


@pytest.mark.parametrize("shrink", [True, False])
def test_the_training_context_is_the_model_s_window_weighted_by_its_reach(shrink):
    model = _model(True, "negative", window=3, shrink=shrink)
    contexts, weights = _occurrences(wide=5)
    near, reach = stand_ins.training_context(model, contexts, weights)
    offsets = [-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]
    keep = [i for i, o in enumerate(offsets) if abs(o) <= 3]
    expected = np.array([(3 - abs(offsets[i]) + 1) / 3 if shrink else 1.0 for i in keep])
    assert np.array_equal(near, contexts[:, keep])
    assert np.allclose(reach, weights[:, keep] * expected)


def _reference_scores(model: Model, cands, contexts, weights) -> np.ndarray:
    """Each occurrence's log-likelihood under each candidate, one at a time, in float64."""
    e, out = model.vectors.astype(np.float64), []
    c = model.syn1neg.astype(np.float64)
    for ctx, w in zip(contexts, weights):
        row = []
        for v in cands:
            if model.params.sg:
                if model.params.negative:
                    lp = -np.logaddexp(0, -(c @ e[v]))
                else:
                    lp = log_probs(model, output_scores(model, e[v]))
                row.append(sum(wj * lp[cj] for cj, wj in zip(ctx, w) if cj >= 0))
            else:
                h = sum(wj * e[cj] for cj, wj in zip(ctx, w) if cj >= 0)
                if model.params.cbow_mean:
                    h = h / sum(wj for cj, wj in zip(ctx, w) if cj >= 0)
                lp = -np.logaddexp(0, -(c @ h)) if model.params.negative else log_probs(model, output_scores(model, h))
                row.append(lp[v])
        out.append(row)
    return np.array(out)


@pytest.mark.parametrize("sg", [True, False])
@pytest.mark.parametrize("objective", ["negative", "hs", "softmax"])
def test_each_objective_scores_a_candidate_by_the_model_s_likelihood(sg, objective):
    model = _model(sg, objective)
    contexts, weights = _occurrences()
    contexts[:, :2] = np.maximum(contexts[:, :2], 0)  # every occurrence with a context
    weights = np.where(contexts >= 0, np.maximum(weights, 0.1), 0.0)
    cands = np.array([3, 11, 0, 25, 39])
    got = stand_ins.log_fit(model, cands, contexts, weights)
    expected = _reference_scores(model, cands, contexts, weights)
    if sg or objective != "softmax":
        assert np.allclose(got, expected, rtol=1e-9, atol=1e-9)
    # CBOW's full softmax leaves out the normaliser, the same for every candidate: the distributions agree
    reference = np.exp(expected - expected.max(axis=1, keepdims=True))
    assert np.allclose(stand_ins.distributions(got), reference / reference.sum(axis=1, keepdims=True))


def test_cbow_summed_contexts():
    model = _model(False, "negative", cbow_mean=False)
    contexts, weights = _occurrences(seed=4)
    contexts[:, 0] = np.maximum(contexts[:, 0], 0)
    weights = np.where(contexts >= 0, np.maximum(weights, 0.1), 0.0)
    cands = np.array([1, 2, 30])
    assert np.allclose(stand_ins.log_fit(model, cands, contexts, weights),
                       _reference_scores(model, cands, contexts, weights))


def test_divergence_is_scipy_s_jensen_shannon_squared():
    rng = np.random.default_rng(1)
    p = rng.dirichlet(np.ones(7), 50)
    labels = rng.integers(0, 2, 50)
    a, b = p[labels == 0].mean(axis=0), p[labels == 1].mean(axis=0)
    assert stand_ins.divergence(p, labels) == pytest.approx(jensenshannon(a, b) ** 2)
    same = np.tile(p[:1], (10, 1))
    assert stand_ins.divergence(same, np.arange(10) % 2) == pytest.approx(0, abs=1e-15)

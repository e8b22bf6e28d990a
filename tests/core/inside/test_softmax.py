"""The full softmax as a training objective: the kernel against a numpy reference (loss and
update), the model file, the trainer, and the look inside (likelihood, one step)."""

import numpy as np
import pytest

from w2vstudio.core.kernels.training import train_sentences
from w2vstudio.core.inside import likelihood
from w2vstudio.core.inside.step import Step
from w2vstudio.core.train.model import Model
from w2vstudio.core.params import ParamError, TrainParams
from w2vstudio.core.train.sampling import SamplingTables
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.vocab import Vocabulary

SENTENCES = [[0, 1, 2, 3, 0, 4], [5, 0, 6], [1, 7, 2, 0, 3, 3, 5]]


def _model(**kw):
    vocab = Vocabulary([f"w{i}" for i in range(8)], [9, 7, 6, 5, 4, 3, 2, 1])
    params = TrainParams(dim=6, window=2, shrink_window=False, sample=0.0, softmax=True, **kw)
    model = Model.create(vocab, params)
    model.syn1soft[:] = np.random.default_rng(5).normal(0, 0.3, model.syn1soft.shape)
    return model


def _reference(model, alpha):
    """Plain numpy, float64, in the kernel's order: (loss, E, C)."""
    e, c = model.vectors.astype(np.float64), model.syn1soft.astype(np.float64)
    p, loss = model.params, 0.0
    for s in SENTENCES:
        for i, word in enumerate(s):
            ctx = [s[j] for j in range(max(0, i - p.window), min(len(s), i + p.window + 1)) if j != i]
            inputs = [[k] for k in ctx] if p.sg else ([ctx] if ctx else [])
            for rows in inputs:
                v = e[rows].mean(axis=0) if p.cbow_mean or len(rows) == 1 else e[rows].sum(axis=0)
                scores = c @ v
                prob = np.exp(scores - scores.max())
                prob /= prob.sum()
                loss -= np.log(prob[word])
                g = -prob * alpha
                g[word] += alpha
                work = g @ c
                c += np.outer(g, v)
                if not p.sg and not p.cbow_mean:
                    work /= len(rows)
                for k in rows:
                    e[k] += work
    return loss, e, c


@pytest.mark.parametrize("kw", [dict(sg=True), dict(sg=False), dict(sg=False, cbow_mean=False)])
def test_kernel_matches_the_numpy_reference(kw):
    model = _model(**kw)
    alpha = 0.1
    ref_loss, ref_e, ref_c = _reference(model, alpha)
    t = SamplingTables(model)
    tokens = np.concatenate(SENTENCES).astype(np.int32)
    offsets = np.concatenate([[0], np.cumsum([len(s) for s in SENTENCES])]).astype(np.int64)
    stats = np.zeros(3)
    train_sentences(tokens, offsets, 0, len(SENTENCES), model.vectors, model.syn1neg, model.syn1,
                            model.syn1soft, t.keep, t.thresholds, t.aliases, t.codes, t.points, t.lengths,
                            model.params.sg, model.params.cbow_mean, False, 0, 2, False, alpha,
                            np.array([1], np.uint64), stats)
    assert stats[0] == pytest.approx(ref_loss, rel=1e-5)
    np.testing.assert_allclose(model.vectors, ref_e, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.syn1soft, ref_c, rtol=1e-4, atol=1e-6)


def test_softmax_params_imply_no_negatives_and_refuse_hs():
    assert TrainParams(softmax=True).negative == 0
    with pytest.raises(ParamError, match="--softmax"):
        TrainParams(softmax=True, hs=True)


def test_trained_softmax_model_saves_and_reads_back(topic_corpus, tmp_path):
    params = TrainParams(dim=10, window=3, epochs=3, min_count=2, threads=1, sample=0.0, softmax=True, alpha=0.05)
    model = Model.create(topic_corpus.vocab, params)
    result = Trainer(model, topic_corpus).train()
    assert result.epoch_losses[-1] < result.epoch_losses[0]
    assert model.syn1neg.shape[0] == 0 and model.syn1soft.shape == model.vectors.shape
    model.save(tmp_path / "m.npz")
    back = Model.load(tmp_path / "m.npz")
    assert back.params.softmax and np.array_equal(back.syn1soft, model.syn1soft)

    i, o = model.vocab.index["sea1"], model.vocab.index["sea2"]
    scores = model.syn1soft.astype(np.float64) @ model.vectors[i].astype(np.float64)
    probs = np.exp(scores - scores.max())
    probs /= probs.sum()
    lk = likelihood(back, i, o)
    assert lk.objective == "softmax" and lk.sigmoid is None
    assert lk.p == pytest.approx(probs[o], rel=1e-6) and lk.rank == 1 + int(np.sum(probs > probs[o]))


def test_one_softmax_step_moves_every_c_row_on_a_copy():
    model = _model()
    e0, c0 = model.vectors.copy(), model.syn1soft.copy()
    step = Step(model, 2, 3, alpha=0.2)
    v = e0[2].astype(np.float64)
    scores = c0.astype(np.float64) @ v
    prob = np.exp(scores - scores.max())
    prob /= prob.sum()
    g = -prob * 0.2
    g[3] += 0.2
    changes, total = step.gradient(limit=100)
    assert total == 1 + len(model.vocab)
    c_delta = {c.row: c.delta for c in changes if c.matrix == "C"}
    assert c_delta[3] == pytest.approx(abs(g[3]) * np.linalg.norm(v), rel=1e-4)
    before, after = step.apply()
    assert np.array_equal(model.vectors, e0) and np.array_equal(model.syn1soft, c0)
    e1, c1 = v + g @ c0, c0 + np.outer(g, v)
    s1 = c1 @ e1
    assert after.p == pytest.approx(np.exp(s1[3] - np.logaddexp.reduce(s1)), rel=1e-4)
    assert after.p > before.p and after.ns_loss is None  # a full softmax draws no negatives
    assert step.costs()["softmax"] == 8 * 6


def test_train_refuses_a_softmax_run_above_the_budget_unless_forced(topic_file, tmp_path, capsys, monkeypatch):
    from w2vstudio.cli import main
    from w2vstudio.core.inside import cost

    argv = ["train", str(topic_file), "-o", str(tmp_path / "m.npz"), "--softmax", "--dim", "8", "--epochs", "1",
            "--min-count", "2", "--threads", "1", "--quiet"]
    monkeypatch.setattr(cost, "BUDGET_SECONDS", 1e-9)
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "full softmax would train for about" in err and "--force" in err
    assert not (tmp_path / "m.npz").exists()
    assert main(argv + ["--force"]) == 0
    assert Model.load(tmp_path / "m.npz").params.softmax


def test_the_estimate_grows_with_v_predictions_and_epochs():
    from w2vstudio.core.inside.cost import predictions_per_epoch, softmax_seconds

    counts = np.arange(2000, 0, -1)
    p = TrainParams(softmax=True, sample=0.0, window=5, sg=False, epochs=2, threads=1)
    assert predictions_per_epoch(p, counts) == counts.sum()
    assert predictions_per_epoch(TrainParams(softmax=True, sample=0.0, window=5), counts) == 6 * counts.sum()
    one = softmax_seconds(p, counts)
    assert softmax_seconds(TrainParams(softmax=True, sample=0.0, window=5, sg=False, epochs=4, threads=1),
                           counts) == pytest.approx(2 * one)
    assert softmax_seconds(p, np.concatenate([counts, counts])) == pytest.approx(4 * one, rel=1e-6)


def test_info_names_the_full_softmax(topic_file, tmp_path, capsys):
    from w2vstudio.cli import main

    out = tmp_path / "m.npz"
    assert main(["train", str(topic_file), "-o", str(out), "--softmax", "--dim", "8", "--epochs", "1",
                 "--min-count", "2", "--threads", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    rows = {line[:16].strip(): line[16:] for line in capsys.readouterr().out.splitlines()}
    assert rows["architecture"].startswith("skip-gram, full softmax, window")


def test_a_training_run_refuses_too_long_a_softmax_run_unless_forced(topic_file, monkeypatch):
    from w2vstudio.core.errors import W2VError
    from w2vstudio.core.inside import cost
    from w2vstudio.core.run import TrainingRun

    monkeypatch.setattr(cost, "BUDGET_SECONDS", 1e-9)
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=1, softmax=True)
    with pytest.raises(W2VError, match="full softmax would train for about"):
        TrainingRun([topic_file], params).prepare()
    assert TrainingRun([topic_file], params, force=True).prepare().syn1soft.shape[0] > 0
    TrainingRun([topic_file], TrainParams(dim=8, epochs=1, min_count=2, threads=1)).prepare()  # not softmax

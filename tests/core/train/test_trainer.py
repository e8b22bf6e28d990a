"""The trainer: determinism, loss bookkeeping, schedule, cancel, pause, continued training."""

import dataclasses
import threading

import numpy as np
import pytest

from w2vstudio.core.train.model import Model, TrainParams
from tests.core.train.test_callbacks import Reports
from w2vstudio.core.train.trainer import Diverged, Trainer


def _params(**kw):
    base = dict(dim=16, window=3, epochs=2, min_count=2, threads=1, seed=7, batch_words=500, sample=0.0)
    base.update(kw)
    return TrainParams(**base)


def _train(corpus, reports=None, **kw):
    model = Model.create(corpus.vocab, _params(**kw))
    result = Trainer(model, corpus, [reports] if reports else []).train()
    return model, result


def _cos(model, a, b):
    va, vb = (model.vectors[model.vocab.index[w]] for w in (a, b))
    return float(va @ vb / np.linalg.norm(va) / np.linalg.norm(vb))


@pytest.mark.parametrize("sg", [True, False])
def test_single_thread_runs_are_bit_identical(topic_corpus, sg):
    a, _ = _train(topic_corpus, sg=sg)
    b, _ = _train(topic_corpus, sg=sg)
    assert np.array_equal(a.vectors, b.vectors)
    assert a.epoch_losses == b.epoch_losses
    c, _ = _train(topic_corpus, sg=sg, seed=8)
    assert not np.array_equal(a.vectors, c.vectors)


@pytest.mark.parametrize("kw", [dict(sg=True), dict(sg=False), dict(sg=True, hs=True, negative=0)])
def test_learns_topics(topic_corpus, kw):
    model, result = _train(topic_corpus, epochs=5, **kw)
    assert result.epochs == 5 and not result.cancelled
    within = np.mean([_cos(model, f"sea{i}", f"sea{i + 1}") for i in range(7)])
    across = np.mean([_cos(model, f"sea{i}", f"sky{i}") for i in range(8)])
    assert within > across + 0.3
    assert model.epoch_losses[-1] < model.epoch_losses[0]


@pytest.mark.parametrize("threads", [1, 2])
def test_epoch_loss_is_the_mean_over_all_predictions(topic_corpus, threads):
    reports = Reports()
    model, result = _train(topic_corpus, reports, threads=threads)
    batches, epochs = reports.batches, reports.epochs
    assert [e.epoch for e in epochs] == [1, 2]
    for e in epochs:
        mine = [b for b in batches if b.epoch == e.epoch]
        total = sum(b.loss * b.predictions for b in mine)
        assert e.loss == pytest.approx(total / sum(b.predictions for b in mine), rel=1e-12)
    assert result.epoch_losses == [e.loss for e in epochs] == model.epoch_losses
    assert batches[-1].words_done == batches[-1].total_words == 2 * topic_corpus.n_tokens


def test_thread_count_does_not_change_the_loss_scale(topic_corpus):
    one, _ = _train(topic_corpus, threads=1)
    two, _ = _train(topic_corpus, threads=2)
    np.testing.assert_allclose(one.epoch_losses, two.epoch_losses, rtol=0.03)


def test_learning_rate_decays_linearly_to_min_alpha(topic_corpus):
    reports = Reports()
    _train(topic_corpus, reports, alpha=0.05, min_alpha=0.001)
    alphas = [r.alpha for r in reports.batches]
    assert alphas[0] == pytest.approx(0.05)
    assert all(a > b for a, b in zip(alphas, alphas[1:]))
    step = (0.05 - 0.001) * 500 / (2 * topic_corpus.n_tokens)
    assert alphas[-1] == pytest.approx(0.001, abs=2 * step)


def test_cancel_leaves_a_consistent_model(topic_corpus):
    box = {}

    def callback(report):
        if report.words_done >= 1000:
            box["trainer"].cancel()

    model = Model.create(topic_corpus.vocab, _params(epochs=5))
    box["trainer"] = Trainer(model, topic_corpus, [Reports(callback)])
    result = box["trainer"].train()
    assert result.cancelled and result.epochs == 0
    assert result.words_done < 5 * topic_corpus.n_tokens
    assert np.isfinite(model.vectors).all()
    assert model.keyed_vectors().most_similar("sea1", topn=3)


def test_pause_and_resume(topic_corpus):
    model = Model.create(topic_corpus.vocab, _params())
    trainer = Trainer(model, topic_corpus)
    paused = threading.Event()

    def callback(report):
        if not paused.is_set():
            trainer.pause()
            paused.set()
            threading.Timer(0.5, trainer.resume).start()

    trainer.callbacks = [Reports(callback)]
    result = trainer.train()
    assert paused.is_set() and not trainer.paused
    assert result.epochs == 2 and not result.cancelled
    assert result.seconds < 0.5 + 5  # paused time is not counted as training time
    assert result.words_done == 2 * topic_corpus.n_tokens


def test_continue_training_with_new_words(topic_corpus, tmp_path):
    from w2vstudio.core.corpus.scan import scan_corpus

    model, _ = _train(topic_corpus)
    before = model.vectors.copy()
    (tmp_path / "more.txt").write_text("sea1 sea2 whale whale whale krill krill\n" * 20)
    more = scan_corpus([tmp_path / "more.txt"]).encode(min_count=2, base_vocab=model.vocab)
    model.grow(more.vocab)
    assert model.vocab.words[: len(before)] == topic_corpus.vocab.words
    assert {"whale", "krill"} <= set(model.vocab.words)
    assert np.array_equal(model.vectors[: len(before)], before)
    result = Trainer(model, more).train(epochs=1)
    assert result.epochs == 1 and model.epochs_trained == 3
    assert len(model.epoch_losses) == 3
    assert not np.array_equal(model.vectors[model.vocab.index["sea1"]], before[model.vocab.index["sea1"]])


def test_a_loss_turning_nan_stops_the_run_with_a_clear_error(topic_corpus):
    model = Model.create(topic_corpus.vocab, _params())
    model.params.alpha = 1e30  # past validation, as a damaged file or a bug would
    with pytest.raises(Diverged, match="training diverged: the loss became nan.*smaller learning rate"):
        Trainer(model, topic_corpus).train()


@pytest.mark.parametrize("damage,says", [
    (lambda m, c: setattr(m, "syn1neg", m.syn1neg[:, :4].copy()), "syn1neg"),
    (lambda m, c: setattr(m, "vectors", m.vectors.astype(np.float64)), "vectors"),
    (lambda m, c: c.tokens.__setitem__(0, len(m.vocab)), "outside the vocabulary"),
    (lambda m, c: setattr(c, "offsets", c.offsets[:-1]), "offsets"),
])
def test_inputs_the_kernel_would_misread_are_refused(topic_corpus, damage, says):
    model = Model.create(topic_corpus.vocab, _params())
    corpus = dataclasses.replace(topic_corpus, tokens=topic_corpus.tokens.copy())
    damage(model, corpus)
    with pytest.raises(ValueError, match=says):
        Trainer(model, corpus)

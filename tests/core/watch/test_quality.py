"""Per-epoch quality: the background evaluation equals evaluating the same vectors directly."""

import os
import sys
import threading

import numpy as np
import pytest

from w2vstudio.core.errors import FormatError
from w2vstudio.core.explore.evaluate import evaluate_analogies, evaluate_pairs
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.watch import quality as quality_module
from w2vstudio.core.watch.quality import NICE, EpochQuality, evaluate_quality
from w2vstudio.core.train.callbacks import EpochReport, TrainingCallback
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.vectors import KeyedVectors


@pytest.fixture
def sets(tmp_path):
    """An analogy file and a word-pair file on the topic corpus's words."""
    analogies = tmp_path / "analogies.txt"
    analogies.write_text(": topics\n" + "".join(f"sea{i} sea{i + 1} sky{i} sky{i + 1}\n" for i in range(6))
                         + ": mixed\nsea0 sky0 sea2 sky2\nsea1 whale sky1 sky2\n")
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("# word1\tword2\tscore\n" + "".join(f"sea{i}\t{w}{i + 1}\t{s}\n" for i in range(6)
                                                         for w, s in (("sea", 8 - i / 2), ("sky", 1 + i / 3))))
    return analogies, pairs


def _model(corpus, epochs=2):
    return Model.create(corpus.vocab, TrainParams(dim=8, epochs=epochs, min_count=2, threads=1, batch_words=200))


def test_per_epoch_quality_equals_evaluate_on_the_same_vectors(topic_corpus, sets):
    model = _model(topic_corpus)
    copies, where = [], []

    class Keep(TrainingCallback):
        def on_epoch(self, report):
            copies.append(model.vectors.copy())

    def ready(entry):
        where.append((threading.current_thread().name, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
                      if sys.platform.startswith("linux") else NICE))

    quality = EpochQuality(model, *sets, on_result=ready)
    Trainer(model, topic_corpus, [Keep(), quality]).train()
    results = quality.wait()
    expected = []
    for epoch, vectors in enumerate(copies, 1):
        kv = KeyedVectors(model.vocab.words, vectors)
        analogy, pairs = evaluate_analogies(kv, sets[0], 30_000), evaluate_pairs(kv, sets[1])
        assert analogy.total == 7 and pairs.used == 12
        expected.append({"epoch": epoch, "analogy": analogy.accuracy, "ws353": pairs.spearman})
    assert results == expected and len(results) == 2
    # in the background at a lower priority, or, those not started when training ends, in wait()
    assert len(where) == 2 and {name for name, _ in where} <= {"w2v-quality_0", "MainThread"}
    assert all(nice == NICE for name, nice in where if name != "MainThread")
    assert not any(t.name.startswith("w2v-quality") for t in threading.enumerate())  # wait() ends it


def test_epochs_continue_the_models_numbering_and_are_stored(topic_corpus, sets):
    model = _model(topic_corpus, epochs=1)
    model.epochs_trained = 3
    model.info["epoch_quality"] = [{"epoch": 3, "analogy": 0.5, "ws353": 0.1}]
    quality = EpochQuality(model, *sets)
    Trainer(model, topic_corpus, [quality]).train()
    quality.save_into()
    assert [q["epoch"] for q in model.info["epoch_quality"]] == [3, 4]
    assert quality.results() == model.info["epoch_quality"]


def test_nothing_usable_is_none(topic_corpus):
    kv = KeyedVectors(topic_corpus.vocab.words, _model(topic_corpus).vectors)
    assert evaluate_quality(kv) == {"analogy": None, "ws353": None}  # no topic word in the bundled sets


def test_an_evaluation_error_is_raised_by_wait(topic_corpus, tmp_path):
    model = _model(topic_corpus, epochs=1)
    quality = EpochQuality(model, tmp_path / "missing.txt")
    Trainer(model, topic_corpus, [quality]).train()
    with pytest.raises(FormatError, match="does not exist"):
        quality.wait()
    assert quality.wait() == []


def test_wait_runs_the_queued_evaluations_beside_the_thread(topic_corpus, sets, monkeypatch):
    model = _model(topic_corpus)
    model.vectors[:] = 0.1 * np.random.default_rng(0).standard_normal(model.vectors.shape)
    gate, started, where, nice, sent, marks = threading.Event(), threading.Event(), {}, {}, [], {}
    evaluate = quality_module.evaluate_quality

    def slow_in_background(kv, *files):
        entry = evaluate(kv, *files)
        epoch = marks[float(kv.vectors[0, 0])]
        where[epoch] = threading.current_thread().name
        nice[epoch] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        if threading.current_thread() is threading.main_thread():
            if len(where) == 3:
                gate.set()  # the background thread may finish epoch 1 once wait() did the others
        else:
            started.set()
            assert gate.wait(10)
        return entry

    monkeypatch.setattr(quality_module, "evaluate_quality", slow_in_background)
    quality = EpochQuality(model, *sets, on_result=lambda e: sent.append(e["epoch"]))
    for epoch in (1, 2, 3):
        model.vectors[0, 0] = epoch  # tells the evaluations apart
        marks[float(epoch)] = epoch
        quality.on_epoch(EpochReport(epoch, 1.0, 0.1))
        assert started.wait(10)  # the background thread holds epoch 1: 2 and 3 wait in its queue
    results = quality.wait()
    assert [e["epoch"] for e in results] == [1, 2, 3]
    assert sent == [1, 2, 3]  # in epoch order, though epoch 1 was ready last
    assert where == {1: "w2v-quality_0", 2: "MainThread", 3: "MainThread"}
    assert nice[1] == NICE or not sys.platform.startswith("linux")  # background: lower priority
    expected = evaluate_quality(KeyedVectors(model.vocab.words, model.vectors), *sets)
    assert {k: results[2][k] for k in expected} == expected

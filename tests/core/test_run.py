"""The training-run recipe shared by `w2vstudio train` and the studio."""

import threading

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core import run as run_module
from w2vstudio.core.errors import UnknownWordError, W2VError
from w2vstudio.core.train.model import Model
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import CORPUS, NO_WATCH, TrainingRun, WatchOptions
from w2vstudio.core.train.model import EPOCH_WORDS
from w2vstudio.core.train.model import epoch_words
from w2vstudio.core.corpus.scan import scan_corpus
from tests.core.train.test_callbacks import Reports
from w2vstudio.core.train.trainer import Diverged

PARAMS = TrainParams(dim=8, epochs=2, min_count=2, threads=1, batch_words=500)


def test_a_run_from_paths_records_epoch_words_and_the_corpus(topic_file):
    reports = Reports()
    result = TrainingRun([topic_file], PARAMS, callbacks=[reports]).train()
    model = result.model
    assert result.train.epochs == 2 and not result.train.cancelled and model.epochs_trained == 2
    assert model.info[EPOCH_WORDS] == result.corpus_words and epoch_words(model) == result.corpus_words
    assert model.info[CORPUS] == [str(topic_file.absolute())]
    assert result.raw_words == len(topic_file.read_text().split())
    assert [r.epoch for r in reports.epochs] == [1, 2]
    assert reports.batches[0].total_words == 2 * result.corpus_words
    assert reports.of("end") == [result.train]


def test_the_train_command_writes_the_same_keys_as_a_studio_run(topic_file, tmp_path, capsys):
    assert main(["train", str(topic_file), "-o", str(tmp_path / "m.npz"), "--dim", "8", "--epochs", "2",
                 "--min-count", "2", "--threads", "1", "--batch-words", "500", "--quiet"]) == 0
    from_cli = Model.load(tmp_path / "m.npz")
    studio = TrainingRun(scan_corpus([topic_file]), PARAMS).train().model
    assert from_cli.info == studio.info and set(from_cli.info) == {EPOCH_WORDS, CORPUS}
    assert from_cli.params == studio.params


def test_a_scan_given_to_a_run_serves_another_one(topic_file):
    scanned = scan_corpus([topic_file], lowercase=False)
    first = TrainingRun(scanned, PARAMS).train()
    second = TrainingRun(scanned, TrainParams(dim=8, epochs=1, min_count=3, threads=1)).train()
    assert first.corpus_words > 0 and second.model.epochs_trained == 1
    assert first.model.params.lowercase is False  # how the text was read, whatever the parameters said


def test_cancel_before_training_gives_an_untrained_usable_model(topic_file):
    run = TrainingRun([topic_file], PARAMS)
    run.cancel()
    with pytest.raises(W2VError, match="cancelled"):  # a scan already cancelled stops at once
        run.prepare()
    scanned = TrainingRun(scan_corpus([topic_file]), PARAMS)
    scanned.cancel()
    result = scanned.train()
    assert result.train.cancelled and result.train.epochs == 0 and result.model.epochs_trained == 0
    assert np.isfinite(result.model.vectors).all()


def test_pause_before_training_holds_it_until_resumed(topic_file):
    seen = Reports()
    run = TrainingRun(scan_corpus([topic_file]), PARAMS, callbacks=[seen])
    run.pause()
    assert run.paused
    done = []
    worker = threading.Thread(target=lambda: done.append(run.train()))
    worker.start()
    run.resume()
    worker.join()
    assert not run.paused and done[0].train.epochs == 2 and seen.batches


def test_cancel_from_the_callback_keeps_the_partial_model(topic_file):
    def stop_after_first_batch(report):
        run.cancel()

    run = TrainingRun(scan_corpus([topic_file]), PARAMS, callbacks=[Reports(stop_after_first_batch)])
    result = run.train()
    assert result.train.cancelled and result.train.epochs < 2 and len(result.model.loss_history) >= 1


def test_watch_records_snapshots_and_quality_and_continues_them(topic_file):
    entries = []
    watch = WatchOptions(per_epoch=2, tracked=4, quality=True, pinned=("sea5", "absent"))
    run = TrainingRun(scan_corpus([topic_file]), PARAMS, watch, on_quality=entries.append)
    model = run.prepare()
    assert run.model is model and run.recorder is not None and run.quality is not None
    assert run.recorder.words == model.vocab.words[:4] + ["sea5"]  # an absent pinned word is left out
    result = run.train()
    assert [e["epoch"] for e in entries] == [1, 2] == [e["epoch"] for e in model.info["epoch_quality"]]
    assert len(result.recorder) == 5
    more = TrainingRun([topic_file], PARAMS, watch, continue_from=model).train()
    assert more.model is model and model.epochs_trained == 4 and len(more.recorder) == 9
    assert model.info[CORPUS] == [str(topic_file.absolute())]  # the same file, listed once


def test_strict_pins_refuse_a_word_outside_the_vocabulary(topic_file):
    watch = WatchOptions(per_epoch=2, quality=False, pinned=("absent",), strict_pins=True)
    with pytest.raises(UnknownWordError, match='"absent" is not in the vocabulary'):
        TrainingRun([topic_file], PARAMS, watch).prepare()


def test_continue_from_a_file_keeps_the_architecture(topic_file, tmp_path):
    base = TrainingRun([topic_file], PARAMS).train().model
    base.save(tmp_path / "m.npz")
    more = tmp_path / "more.txt"
    more.write_text("whale whale sea1 sea2\n" * 5)
    params = TrainParams(dim=50, epochs=1, alpha=0.01, min_count=2, threads=1)
    result = TrainingRun([more], params, NO_WATCH, continue_from=tmp_path / "m.npz").train()
    model = result.model
    assert model.dim == 8 and model.params.alpha == 0.01 and model.epochs_trained == 3 and "whale" in model.vocab
    assert model.info[CORPUS] == [str(topic_file.absolute()), str(more.absolute())]


def test_a_model_too_large_for_the_memory_is_refused_before_it_is_made(topic_file, monkeypatch):
    monkeypatch.setattr(run_module, "available_memory", lambda: 10_000)
    with pytest.raises(W2VError, match=r"^a model of 20 words x 100 dimensions needs 16.0 KB .*10.0 KB is available"):
        TrainingRun([topic_file], TrainParams(min_count=2)).prepare()


def test_epoch_words_falls_back_on_the_loss_history(topic_file):
    model = TrainingRun([topic_file], PARAMS).train().model
    per_epoch = model.info.pop(EPOCH_WORDS)
    assert epoch_words(model) == pytest.approx(per_epoch)
    model.info[EPOCH_WORDS] = True  # not a number
    assert epoch_words(model) == pytest.approx(per_epoch)


def test_a_failed_run_leaves_no_evaluation_thread(topic_file):
    run = TrainingRun(scan_corpus([topic_file]), PARAMS, WatchOptions(per_epoch=2, quality=True))
    model = run.prepare()
    model.params.alpha = 1e30  # past validation: the loss turns NaN
    with pytest.raises(Diverged):
        run.train()
    assert not [t for t in threading.enumerate() if t.name.startswith("w2v-quality")]


def test_an_ensemble_run_shares_one_encoding_seeds_and_bootstrap(topic_file):
    from w2vstudio.core.corpus.scan import scan_corpus
    from w2vstudio.core.run import EnsembleRun

    scanned = scan_corpus([topic_file])
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=2, seed=3)
    for side in (False, True):
        run = EnsembleRun(scanned, params, 3, bootstrap=True, side_by_side=side)
        done = run.train()
        models = [r.model for r in done.results]
        assert done.seeds == [3, 4, 5] and [m.params.seed for m in models] == [3, 4, 5]
        assert all(m.vocab is run.corpus.vocab for m in models) and done.documents == "lines"
        assert all(m.params.threads == (1 if side else 2) for m in models)
        assert not np.array_equal(models[0].vectors, models[1].vectors)
    taken = []
    EnsembleRun(scanned, params, 2, on_run=lambda k, result: taken.append(k)).train()
    assert sorted(taken) == [0, 1]


def test_an_ensemble_run_gives_each_run_its_hooks_and_obeys_its_task(topic_file):
    from w2vstudio.core.errors import Cancelled
    from w2vstudio.core.run import EnsembleRun
    from w2vstudio.core.support.task import Task
    from w2vstudio.core.train.callbacks import TrainingCallback

    class Heard(TrainingCallback):
        def __init__(self, k):
            self.k, self.batches, self.epochs, self.ended = k, 0, 0, False

        def on_batch(self, report):
            self.batches += 1

        def on_epoch(self, report):
            self.epochs += 1

        def on_end(self, result):
            self.ended = True

    heard, progress = {}, []
    params = TrainParams(dim=8, epochs=2, min_count=2, threads=1, seed=3)
    run = EnsembleRun([topic_file], params, 2, callbacks=lambda k: [heard.setdefault(k, Heard(k))],
                      task=Task(lambda fraction, text: progress.append(fraction)))
    done = run.train()
    assert sorted(heard) == [0, 1] and all(h.batches and h.epochs == 2 and h.ended for h in heard.values())
    assert progress and progress[-1] == 1.0  # the scan's progress
    assert [r.model.params.seed for r in done.results] == [3, 4]

    task = Task()
    task.cancel()
    with pytest.raises(Cancelled):  # cancelled before the scan
        EnsembleRun([topic_file], params, 2, task=task).train()
    scanned_run = EnsembleRun(scan_corpus([topic_file]), params, 3)
    scanned_run.cancel()
    assert scanned_run.train().results == [None, None, None]  # no run started

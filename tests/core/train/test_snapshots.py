"""Snapshot recorder: when it copies, what it copies, reads during training, storage in the model."""

import threading

import numpy as np
import pytest

from w2vstudio.core.errors import FormatError, UnknownWordError
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.snapshots import TIMES, SnapshotRecorder, stored_snapshots, tracked_ids
from tests.core.train.test_callbacks import Reports
from w2vstudio.core.train.callbacks import BatchReport
from w2vstudio.core.train.trainer import Trainer

PER_EPOCH, EPOCHS = 3, 2


def _model(corpus, threads=1):
    # batches of ~50 words: many per snapshot interval (the corpus has ~5,600 words); no subsampling,
    # which could leave a batch without predictions (its loss NaN)
    return Model.create(corpus.vocab, TrainParams(dim=8, epochs=EPOCHS, min_count=2, threads=threads,
                                                  batch_words=50, sample=0.0))


def _record(model, corpus, reports=None, tracked=None):
    recorder = SnapshotRecorder(model, tracked_ids(model.vocab, 6) if tracked is None else tracked, PER_EPOCH)
    recorder.start()
    Trainer(model, corpus, [recorder] + ([reports] if reports else [])).train()
    return recorder


def test_tracked_ids_are_the_most_frequent_then_pinned_without_repeats(topic_corpus):
    vocab = topic_corpus.vocab
    pinned = [vocab.words[9], vocab.words[1], vocab.words[12], vocab.words[9]]
    assert tracked_ids(vocab, 3, pinned).tolist() == [0, 1, 2, 9, 12]
    assert tracked_ids(vocab, 1000).tolist() == list(range(len(vocab)))
    with pytest.raises(UnknownWordError, match="whale"):
        tracked_ids(vocab, 3, ["whale"])


def test_per_epoch_times_epochs_plus_one_snapshots_at_the_planned_words(topic_corpus):
    model = _model(topic_corpus)
    reports = Reports()
    recorder = _record(model, topic_corpus, reports)
    batches = [r.words_done for r in reports.batches]
    total = topic_corpus.n_tokens * EPOCHS
    times = recorder.times()
    assert len(recorder) == len(times) == PER_EPOCH * EPOCHS + 1
    planned = total * np.arange(1, PER_EPOCH * EPOCHS + 1) // (PER_EPOCH * EPOCHS)
    # each snapshot is taken at the first batch end that reaches its point
    first_reaching = [min(w for w in batches if w >= p) for p in planned]
    assert times["words"].tolist() == [0, *first_reaching]
    assert times["words"][-1] == total
    assert times["epoch"].tolist() == [0, 1, 1, 1, 2, 2, 2]
    assert times["alpha"][0] == model.params.alpha and np.all(np.diff(times["alpha"]) < 0)
    assert np.isnan(times["loss"][0]) and np.isfinite(times["loss"][1:]).all()


def test_snapshots_are_copies_of_the_tracked_rows(topic_corpus):
    model = _model(topic_corpus)
    start = model.vectors.copy()
    tracked = np.array([5, 0, 3])
    recorder = _record(model, topic_corpus, tracked=tracked)
    first, last = recorder.snapshot(0), recorder.snapshot(-1)
    np.testing.assert_array_equal(first, start[tracked])
    np.testing.assert_array_equal(last, model.vectors[tracked])  # one thread: nothing ran after the last batch
    assert first.dtype == np.float32 and not np.shares_memory(last, model.vectors)
    assert not last.flags.writeable
    model.vectors[tracked] = 0
    assert np.abs(recorder.snapshot(-1)).sum() > 0
    stack = recorder.stacked()
    assert stack.shape == (len(recorder), 3, model.dim) and np.array_equal(stack[0], first)
    assert recorder.words == [model.vocab.words[i] for i in tracked]


def test_reading_while_two_threads_train(topic_corpus):
    model = _model(topic_corpus, threads=2)
    stop = threading.Event()
    seen, errors = [], []

    def read():
        try:
            while not stop.is_set():
                n = len(recorder)
                times = recorder.times()
                assert len(times) >= n and len(recorder.stacked(0, n)) == n
                assert np.all(np.diff(times["words"]) > 0)
                seen.append(n)
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)

    recorder = SnapshotRecorder(model, tracked_ids(model.vocab, 6), PER_EPOCH)
    recorder.start()
    reader = threading.Thread(target=read)
    reader.start()
    try:
        Trainer(model, topic_corpus, [recorder]).train()
    finally:
        stop.set()
        reader.join()
    assert not errors and seen
    assert len(recorder) == PER_EPOCH * EPOCHS + 1
    assert recorder.times()["words"][-1] == topic_corpus.n_tokens * EPOCHS


def test_cancelled_run_ends_with_a_snapshot_where_it_stopped(topic_corpus):
    model = _model(topic_corpus)
    recorder = SnapshotRecorder(model, tracked_ids(model.vocab, 4), PER_EPOCH)
    trainer = Trainer(model, topic_corpus)
    stopped = []

    def cancel_early(report):
        if report.words_done > topic_corpus.n_tokens // 2 and not stopped:
            stopped.append(report.words_done)
            trainer.cancel()

    trainer.callbacks = [recorder, Reports(cancel_early)]
    recorder.start()
    trainer.train()  # its end snapshots where it stopped
    recorder.finish()  # nothing more to take
    times = recorder.times()
    assert times["words"][-1] == stopped[0] and len(times) == 3  # start, first point, where it stopped
    np.testing.assert_array_equal(recorder.snapshot(-1), model.vectors[recorder.tracked_ids])


def test_calling_before_start_is_an_error(topic_corpus):
    recorder = SnapshotRecorder(_model(topic_corpus), [0], PER_EPOCH)
    with pytest.raises(RuntimeError, match="start"):
        recorder.on_batch(BatchReport(1, 10, 100, 0.02, 1.0, 1.0, 0.1))


def test_round_trip_through_the_model_file_then_continued_training(topic_corpus, tmp_path):
    model = _model(topic_corpus)
    assert SnapshotRecorder.load_from(model) is None
    assert stored_snapshots(model)["count"] == 0
    recorder = _record(model, topic_corpus)
    recorder.save_into(model)
    model.save(tmp_path / "m.npz")
    loaded = Model.load(tmp_path / "m.npz")
    assert stored_snapshots(loaded) == {"count": 7, "tracked": 6, "per_epoch": PER_EPOCH}
    back = SnapshotRecorder.load_from(loaded)
    assert back.per_epoch == PER_EPOCH and back.words == recorder.words
    for field in TIMES.names:  # NaN (the start's loss) equals NaN field by field only
        np.testing.assert_array_equal(back.times()[field], recorder.times()[field])
    np.testing.assert_array_equal(back.stacked(), recorder.stacked().astype(np.float16))
    assert back.snapshot(0).dtype == np.float32 and not back.snapshot(0).flags.writeable

    back.start()  # continued training: no second start snapshot, the timeline goes on
    Trainer(loaded, topic_corpus, [back]).train()
    times = back.times()
    assert len(times) == 7 + PER_EPOCH * EPOCHS
    assert times["epoch"].tolist()[7:] == [3, 3, 3, 4, 4, 4]
    assert times["words"][-1] == loaded.loss_history[-1, 0] == 2 * EPOCHS * topic_corpus.n_tokens


def test_damaged_snapshots_are_a_format_error(topic_corpus):
    model = _model(topic_corpus)
    _record(model, topic_corpus).save_into(model)
    model.extras["snapshot_vectors"] = model.extras["snapshot_vectors"][:-1]
    with pytest.raises(FormatError, match="snapshots are damaged"):
        SnapshotRecorder.load_from(model)


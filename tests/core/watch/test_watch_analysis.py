"""What the studio computes while a model trains, without Qt: the snapshots on one basis (the live
map's frames), the stability they show, and the live probes of pinned words and one analogy."""

import numpy as np
import pytest

from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.watch.pinned import AnalogyProbe, LiveVectors, run_probes
from w2vstudio.core.train.model import EPOCH_WORDS
from w2vstudio.core.train.model import epoch_words
from w2vstudio.core.train.snapshots import SnapshotRecorder, tracked_ids
from w2vstudio.core.watch.stability import StabilityTracker, stabilise
from w2vstudio.core.explore.neighbourhoods import neighbour_ids
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.watch.trajectories import project_snapshots, snapshot_coordinates

PER_EPOCH, EPOCHS = 3, 2


@pytest.fixture
def recorded(topic_corpus):
    model = Model.create(topic_corpus.vocab, TrainParams(dim=8, epochs=EPOCHS, min_count=2, threads=1,
                                                         batch_words=50))
    recorder = SnapshotRecorder(model, tracked_ids(model.vocab, 10), PER_EPOCH)
    recorder.start()
    model.info[EPOCH_WORDS] = topic_corpus.n_tokens
    Trainer(model, topic_corpus, [recorder]).train()
    recorder.finish()
    return recorder


def test_frames_put_every_snapshot_on_the_loss_axis(recorded):
    frames = project_snapshots(recorded, "previous")
    assert len(frames) == len(recorded) == PER_EPOCH * EPOCHS + 1 and frames.words == recorded.words
    np.testing.assert_allclose(frames.coords, snapshot_coordinates(recorded.stacked(), "previous"))
    np.testing.assert_allclose(frames.x, recorded.times()["words"] / epoch_words(recorded.model))
    assert frames.x[0] == 0 and frames.x[-1] == pytest.approx(EPOCHS, rel=0.05)
    assert frames.nearest(0.0) == 0 and frames.nearest(10.0) == len(frames) - 1
    assert frames.nearest(frames.x[3] + 1e-3) == 3
    snapshot = frames.vectors(2)  # the snapshot as vectors to query, the tracked words only
    assert snapshot.words == frames.words and np.array_equal(snapshot.vectors, recorded.snapshot(2))
    assert frames.positions[frames.words[4]] == 4


def test_the_stability_is_brought_up_to_date_a_few_snapshots_at_a_time(recorded):
    tracker = StabilityTracker()
    first = stabilise(recorded, tracker, most=2, moving=5)
    assert len(tracker) == 2 and len(first.x) == len(first.mean) == 1 and len(first.still_moving) == 5
    while len(tracker) < len(recorded):
        last = stabilise(recorded, tracker, most=2, moving=5)
    assert len(last.x) == len(recorded) - 1 and np.all((0 <= last.mean) & (last.mean <= 1))
    overlaps = [overlap for _, overlap, _ in last.still_moving]
    assert overlaps == sorted(overlaps)
    word, _, count = last.still_moving[0]
    assert count == recorded.model.vocab.counts[recorded.model.vocab.index[word]]


def test_a_recorder_tracking_no_word_gives_empty_frames_and_a_flat_stability(recorded):
    empty = SnapshotRecorder(recorded.model, np.zeros(0, np.int64), PER_EPOCH)
    empty.start()
    empty.finish()
    assert project_snapshots(empty).coords.shape == (len(empty), 0, 2)
    tracker = StabilityTracker()
    stability = stabilise(empty, tracker)
    assert stability.still_moving == [] and np.all(stability.mean == 1)
    assert neighbour_ids(np.zeros((0, 8), np.float32)).shape == (0, 0)


def same(found, expected) -> bool:
    """The same neighbours with the same scores (float32 sums in another order)."""
    return [w for w, _ in found] == [w for w, _ in expected] and \
        np.allclose([s for _, s in found], [s for _, s in expected], atol=1e-5)


def test_probes_in_vectors_and_in_a_model_as_it_trains(recorded):
    model = recorded.model
    kv = model.keyed_vectors()
    word = kv.words[3]
    results = run_probes(kv, [word, "zzzz"], AnalogyProbe(kv.words[0], kv.words[1], kv.words[2], kv.words[4]))
    assert same(results.neighbours[word], kv.most_similar(word, topn=5)) and results.neighbours["zzzz"] is None
    answer = kv.analogy(kv.words[0], kv.words[1], kv.words[2], topn=1, expected=kv.words[4])
    assert results.answer == answer.results[0] and results.expected_rank == answer.expected_rank
    assert run_probes(kv, [], AnalogyProbe("x1", "x2", "the", "zzzz")).missing == ("x1", "x2", "zzzz")
    live = LiveVectors(model)
    before = run_probes(live, [word], None).neighbours[word]
    model.vectors[:] = model.vectors[::-1].copy()  # the model moves on: the next probe sees it
    after = run_probes(live, [word], None).neighbours[word]
    assert same(after, model.keyed_vectors().most_similar(word, topn=5)) and after != before

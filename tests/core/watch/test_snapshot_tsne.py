"""The live map by t-SNE: the latest snapshot mapped by openTSNE, every other one placed into that
map (`TSNEEmbedding.transform`), and snapshots taken later placed into the same map."""


import numpy as np
import pytest

from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.model import EPOCH_WORDS
from w2vstudio.core.watch.snapshot_tsne import fit_map, tsne_coordinates
from w2vstudio.core.train.snapshots import SnapshotRecorder, tracked_ids
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.watch.trajectories import aligned_snapshots, project_snapshots, snapshot_coordinates
from w2vstudio.core.support.task import Task

FIT, PLACE = 300, 100  # few iterations: small tests
LABELS = np.arange(60) % 3


@pytest.fixture
def snapshots():
    """Three snapshots of 60 words (dim 10) in three clusters; the first is the last again."""
    rng = np.random.default_rng(0)
    last = rng.standard_normal((3, 10))[LABELS] * 4 + rng.standard_normal((60, 10))
    return [last.copy(), last + rng.standard_normal(last.shape) * 0.3, last]


def spread(xy):
    return float(np.ptp(xy, axis=0).max())


def test_the_latest_snapshot_is_the_map_and_the_others_are_placed_into_it(snapshots):
    frames = aligned_snapshots(snapshots)
    snapshot_map, xy = tsne_coordinates(frames, n_iter=FIT, place_iter=PLACE)
    assert xy.shape == (3, 60, 2) and np.isfinite(xy).all()
    np.testing.assert_array_equal(xy[-1], snapshot_map.embedding)
    np.testing.assert_allclose(xy[-1], fit_map(frames[-1], FIT).embedding)  # reproducible
    # the first snapshot is the latest again: each word lands near its own place in the map
    assert np.linalg.norm(xy[0] - xy[-1], axis=1).mean() < 0.05 * spread(xy[-1])
    # a snapshot a little apart: each word lands among its cluster's words
    nearest = np.linalg.norm(xy[1][:, None] - xy[-1][None], axis=2).argmin(axis=1)
    assert (LABELS[nearest] == LABELS).mean() > 0.9


def test_later_snapshots_are_placed_into_the_same_map(snapshots):
    frames = aligned_snapshots(snapshots)
    snapshot_map, first = tsne_coordinates(frames[:2], n_iter=FIT, place_iter=PLACE)
    reference = np.array(snapshot_map.embedding)
    same, later = tsne_coordinates(frames[2:], snapshot_map, place_iter=PLACE)
    assert same is snapshot_map and later.shape == (1, 60, 2)
    np.testing.assert_array_equal(snapshot_map.embedding, reference)  # placing leaves the map as it is
    np.testing.assert_allclose(later[0], first[0], atol=1e-9)  # the same vectors land in the same places


def test_snapshot_coordinates_by_tsne(snapshots):
    assert snapshot_coordinates(snapshots, "latest", "tsne").shape == (3, 60, 2)
    with pytest.raises(W2VError, match='unknown live map method "umap"'):
        snapshot_coordinates(snapshots, method="umap")


def test_progress_reaches_one_and_cancel_stops_between_snapshots(snapshots):
    seen = []
    tsne_coordinates(snapshots, task=Task(lambda fraction, _: seen.append(fraction)), n_iter=FIT, place_iter=PLACE)
    assert seen[0] == 0 and seen[-1] == 1 and seen == sorted(seen)

    def progress(fraction, _):  # the fit is 300 of 500 iterations: 0.8 is the second placement's start
        if fraction >= 0.8:
            task.cancel()

    task = Task(progress)
    with pytest.raises(Cancelled):
        tsne_coordinates(snapshots, task=task, n_iter=FIT, place_iter=PLACE)


def test_cancel_stops_the_fit(snapshots):
    task = Task(lambda fraction, _: fraction > 0.2 and task.cancel())
    with pytest.raises(Cancelled):
        tsne_coordinates(snapshots, task=task, n_iter=FIT)


def test_too_few_words(snapshots):
    with pytest.raises(W2VError, match="t-SNE needs at least 5 words, not 4"):
        tsne_coordinates([s[:4] for s in snapshots], n_iter=FIT)


class Recording:
    """The first `taken` snapshots of a recorder: a recorder seen while it records."""

    def __init__(self, recorder: SnapshotRecorder, taken: int):
        self._recorder, self.taken = recorder, taken
        self.model, self.words, self.tracked_ids = recorder.model, recorder.words, recorder.tracked_ids

    def __len__(self):
        return self.taken

    def times(self):
        return self._recorder.times()[: self.taken]

    def snapshot(self, i):
        return self._recorder.stacked(0, self.taken)[i]

    def stacked(self, start=0, stop=None):
        return self._recorder.stacked(start, self.taken if stop is None else min(stop, self.taken))


@pytest.fixture
def recorded(topic_corpus):
    model = Model.create(topic_corpus.vocab, TrainParams(dim=8, epochs=2, min_count=2, threads=1, batch_words=50))
    recorder = SnapshotRecorder(model, tracked_ids(model.vocab, 12), 3)
    recorder.start()
    model.info[EPOCH_WORDS] = topic_corpus.n_tokens
    Trainer(model, topic_corpus, [recorder]).train()
    recorder.finish()
    return recorder


@pytest.mark.parametrize("align", ["none", "latest", "previous"])
def test_frames_of_a_recording_grow_on_one_map(recorded, align):
    recording = Recording(recorded, 4)
    first = project_snapshots(recording, align, "tsne")
    assert first.method == "tsne" and first.coords.shape == (4, 12, 2) and first.basis is first.tsne.map
    np.testing.assert_array_equal(first.coords[-1], first.tsne.map.embedding)
    recording.taken = 7
    grown = project_snapshots(recording, align, "tsne", previous=first)
    assert grown.tsne.map is first.tsne.map and grown.basis is first.basis and len(grown) == 7
    np.testing.assert_array_equal(grown.coords[:4], first.coords)
    snaps = recorded.stacked(0, 7)
    if align == "latest":  # onto the map's snapshot, the latest when it was fitted
        new = aligned_snapshots(snaps[4:], align, onto=aligned_snapshots(snaps[:4], align)[-1])
    else:
        new = aligned_snapshots(snaps, align)[4:]
    np.testing.assert_allclose(grown.coords[4:], tsne_coordinates(new, first.tsne.map)[1], atol=1e-9)

    early = Recording(recorded, 3)
    fitted_early = project_snapshots(early, align, "tsne")
    early.taken = 6  # twice the snapshots its map was fitted to: a new map of the latest
    doubled = project_snapshots(early, align, "tsne", previous=fitted_early)
    assert doubled.tsne.map is not fitted_early.tsne.map and doubled.tsne.fitted == 6
    np.testing.assert_array_equal(doubled.coords[-1], doubled.tsne.map.embedding)

    refitted = project_snapshots(recording, align, "tsne")  # without previous frames: a map of the latest
    assert refitted.tsne.map is not first.tsne.map
    np.testing.assert_array_equal(refitted.coords[-1], refitted.tsne.map.embedding)
    assert project_snapshots(recording, "none" if align != "none" else "latest", "tsne", previous=first).tsne.map \
        is not first.tsne.map  # another alignment: another map
    assert project_snapshots(recording, align, "pca", previous=first).tsne is None


def test_unknown_method_and_too_few_words_on_frames(recorded):
    with pytest.raises(W2VError, match="unknown live map method"):
        project_snapshots(recorded, method="mds")
    few = SnapshotRecorder(recorded.model, recorded.tracked_ids[:3], 3)
    few.start()
    with pytest.raises(W2VError, match="t-SNE needs at least 5 words, not 3"):
        project_snapshots(few, method="tsne")

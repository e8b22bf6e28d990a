"""Neighbourhood stability: neighbour sets, Jaccard overlaps, the incremental tracker."""

import numpy as np
import pytest

from w2vstudio.core.explore import neighbourhoods
from w2vstudio.core.watch.stability import StabilityTracker
from w2vstudio.core.explore.neighbourhoods import jaccard, neighbour_ids


def _angles(degrees):
    """Unit 2D vectors at the given angles (cosine order = angular distance order)."""
    t = np.radians(degrees)
    return np.c_[np.cos(t), np.sin(t)].astype(np.float32)


def test_neighbours_by_cosine_excluding_the_word_itself():
    vectors = _angles([0, 10, 25, 90, 100]) * np.array([[1], [5], [0.1], [2], [1]], np.float32)  # norms ignored
    assert neighbour_ids(vectors, 2).tolist() == [[1, 2], [0, 2], [1, 0], [4, 2], [3, 2]]
    assert neighbour_ids(vectors, 10).shape == (5, 4)
    assert neighbour_ids(vectors[:1], 3).shape == (1, 0)


def test_neighbours_in_row_blocks_equal_one_block(monkeypatch):
    vectors = np.random.default_rng(0).standard_normal((50, 8))
    whole = neighbour_ids(vectors, 5)
    monkeypatch.setattr(neighbourhoods, "_SCORE_BUDGET", 120)  # blocks of 2 rows
    np.testing.assert_array_equal(neighbour_ids(vectors, 5), whole)


def test_jaccard_on_hand_built_sets():
    a = np.array([[1, 2, 3], [1, 2, 3], [1, 2, 3], [7, 8, 9]])
    b = np.array([[3, 2, 1], [3, 4, 5], [4, 5, 6], [9, 8, 0]])
    np.testing.assert_allclose(jaccard(a, b), [1.0, 1 / 5, 0.0, 2 / 4])
    np.testing.assert_allclose(jaccard(a[:, :2], b), [2 / 3, 0.0, 0.0, 1 / 4])  # lists of different lengths


def test_tracker_finds_the_word_that_moved():
    base = _angles(np.arange(0, 180, 10))  # 18 words on a half circle
    moved = base.copy()
    moved[4] = _angles([150])[0]  # word 4 jumps next to word 15
    tracker = StabilityTracker(k=2)
    for snap in (base, base, moved):
        tracker.add(snap)
    overlaps = tracker.overlaps()
    assert overlaps.shape == (2, 18)
    assert (overlaps[0] == 1).all()
    assert overlaps[1, 4] == 0.0  # 3 and 5 before, 14 and 15 (or 16) after
    assert overlaps[1, 3] < 1 and overlaps[1, 10] == 1
    assert tracker.still_moving(1) == [(4, 0.0)]
    assert [i for i, _ in tracker.still_moving(18)][:1] == [4] and len(tracker.still_moving(50)) == 18
    np.testing.assert_allclose(tracker.mean_curve(), overlaps.mean(axis=1))
    assert tracker.neighbours(2)[4].tolist() in ([15, 14], [15, 16])


class _Recorder:
    """What the tracker reads of a SnapshotRecorder."""

    def __init__(self, snaps):
        self.snaps = snaps

    def __len__(self):
        return len(self.snaps)

    def snapshot(self, i):
        return self.snaps[i]


def test_update_adds_only_new_snapshots():
    rng = np.random.default_rng(1)
    recorder = _Recorder([rng.standard_normal((12, 4)) for _ in range(2)])
    tracker = StabilityTracker()
    assert tracker.overlaps().shape == (0, 0) and tracker.still_moving() == []
    assert tracker.update(recorder) == 2 and tracker.overlaps().shape == (1, 12)
    recorder.snaps.append(recorder.snaps[-1])
    assert tracker.update(recorder) == 1 and tracker.update(recorder) == 0
    assert len(tracker) == 3 and (tracker.overlaps()[-1] == 1).all()


@pytest.mark.parametrize("k", [1, 10])
def test_a_snapshot_compared_with_itself_is_fully_stable(k):
    snap = np.random.default_rng(2).standard_normal((30, 5))
    assert (jaccard(neighbour_ids(snap, k), neighbour_ids(snap.copy(), k)) == 1).all()

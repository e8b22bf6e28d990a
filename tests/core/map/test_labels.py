"""Words on the map: the spatial index (visible rectangle, lasso), labels placed
without overlap from the most frequent, regions named by their most frequent words."""

import numpy as np
import pytest

from w2vstudio.core.map.spatial_index import GridIndex, inside_polygon
from w2vstudio.core.map.labels import name_regions, place_labels


@pytest.fixture(scope="module")
def xy():
    return np.random.default_rng(0).uniform(-10, 10, (20_000, 2))


def test_rectangle_queries_equal_a_scan(xy):
    index = GridIndex(xy)
    for x0, y0, x1, y1 in [(-1, -1, 1, 1), (5, -10, 10, 0), (3, 3, -3, -3), (-20, -20, 20, 20), (11, 11, 12, 12)]:
        lo, hi = np.minimum((x0, y0), (x1, y1)), np.maximum((x0, y0), (x1, y1))
        expected = np.flatnonzero(((xy >= lo) & (xy <= hi)).all(axis=1))
        np.testing.assert_array_equal(index.in_rect(x0, y0, x1, y1), expected)


def test_a_lasso_selects_the_points_inside(xy):
    index = GridIndex(xy)
    triangle = np.array([[0, 0], [8, 0], [0, 8]])
    found = index.in_polygon(triangle)
    expected = np.flatnonzero((xy[:, 0] > 0) & (xy[:, 1] > 0) & (xy.sum(axis=1) < 8))
    np.testing.assert_array_equal(found, expected)
    assert not len(index.in_polygon(triangle[:2]))
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]])
    assert inside_polygon(np.array([[0.5, 0.5], [1.5, 0.5]]), square).tolist() == [True, False]


def test_the_nearest_point_equals_a_scan(xy):
    index = GridIndex(xy)
    for x, y in np.random.default_rng(2).uniform(-11, 11, (200, 2)):
        d = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
        best = int(d.argmin())
        assert index.nearest(x, y, 0.2) == (best if d[best] <= 0.2 else None)
    assert GridIndex(np.zeros((0, 2))).nearest(0, 0, 1) is None


def test_degenerate_layouts():
    assert GridIndex(np.zeros((0, 2))).in_rect(0, 0, 1, 1).tolist() == []
    same = GridIndex(np.ones((5, 2)))
    assert same.in_rect(0, 0, 2, 2).tolist() == [0, 1, 2, 3, 4]
    holes = GridIndex(np.array([[0.0, 0.0], [np.nan, 1.0], [1.0, 1.0]]))
    assert holes.in_rect(-5, -5, 5, 5).tolist() == [0, 2]


def boxes(xy, chosen, view, scale, widths, height):
    centre = (xy[chosen] - view[:2]) * scale
    return np.c_[centre - np.c_[widths[chosen] / 2, np.full(len(chosen), height / 2)],
                 centre + np.c_[widths[chosen] / 2, np.full(len(chosen), height / 2)]]


def test_labels_never_overlap_and_favour_frequent_words(xy):
    index, widths, height = GridIndex(xy), np.full(len(xy), 40.0), 12.0
    view, scale = np.array([-10, -10, 10, 10.0]), (40.0, 40.0)  # 800 x 800 pixels
    chosen = place_labels(index, tuple(view), scale, widths, height)
    assert 0 < len(chosen) <= 300 and chosen[0] == 0 and (np.diff(chosen) > 0).all()
    b = boxes(xy, chosen, view, np.array(scale), widths, height)
    overlap = ((b[:, None, 0] < b[None, :, 2]) & (b[None, :, 0] < b[:, None, 2])
               & (b[:, None, 1] < b[None, :, 3]) & (b[None, :, 1] < b[:, None, 3]))
    np.fill_diagonal(overlap, False)
    assert not overlap.any()
    zoomed = place_labels(index, (-1, -1, 1, 1), (400.0, 400.0), widths, height)
    assert set(zoomed) - set(chosen)  # zooming in shows more words
    inside = xy[zoomed]
    assert ((inside >= -1) & (inside <= 1)).all()


def test_regions_are_named_by_their_most_frequent_words():
    rng = np.random.default_rng(1)
    centres = np.array([[0, 0], [20, 0], [0, 20]])
    labels_true = np.arange(300) % 3
    xy = centres[labels_true] + rng.standard_normal((300, 2))
    words = [f"w{i}" for i in range(300)]
    labels, regions = name_regions(xy, words, k=3, top=2)
    assert sorted(r.size for r in regions) == [100, 100, 100]
    assert sorted(r.words[0] for r in regions) == ["w0", "w1", "w2"]
    for r in regions:
        assert np.min(np.hypot(*(centres - (r.x, r.y)).T)) < 1
    assert len(set(zip(labels, labels_true))) == 3
    empty_labels, empty_regions = name_regions(np.zeros((0, 2)), [])
    assert empty_labels.tolist() == [] and empty_regions == []
    same_labels, same_regions = name_regions(np.ones((4, 2)), list("abcd"), k=2)  # one place: one region
    assert same_labels.tolist() == [0, 0, 0, 0] and [r.size for r in same_regions] == [4]

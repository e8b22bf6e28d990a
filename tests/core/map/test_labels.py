"""Words on the map: the spatial index (visible rectangle, lasso), labels placed
without overlap from the most frequent, regions named by their distinctive words (class-based TF-IDF)."""

import numpy as np
import pytest

from w2vstudio.core.map.spatial_index import GridIndex, inside_polygon
from w2vstudio.core.map.labels import (class_tfidf, labels_apart, labels_beside, name_regions, place_labels, region_terms,
                                      room_for_labels)


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


def test_regions_are_named_by_their_distinctive_words_not_the_most_frequent():
    rng = np.random.default_rng(1)
    centres = np.array([[0, 0], [20, 0], [0, 20]])
    labels_true = np.arange(300) % 3
    xy = centres[labels_true] + rng.standard_normal((300, 2))
    xy[:6] = [7, 7] + rng.standard_normal((6, 2)) * 0.1  # the six most frequent words between the regions
    words = [f"w{i}" for i in range(300)]
    labels, regions = name_regions(xy, words, k=3, top=2)
    assert sum(r.size for r in regions) == 300 and min(r.size for r in regions) >= 98
    named = {w for r in regions for w in r.words}
    assert not named & set(words[:6]), named  # the frequent words in between name no region
    for c, r in enumerate(regions):
        assert all(labels[words.index(w)] == c for w in r.words)  # a region is named by its own words
        assert np.min(np.hypot(*(centres - (r.x, r.y)).T)) < 3
    assert len(set(zip(labels[6:], labels_true[6:]))) == 3
    empty_labels, empty_regions = name_regions(np.zeros((0, 2)), [])
    assert empty_labels.tolist() == [] and empty_regions == []
    same_labels, same_regions = name_regions(np.ones((4, 2)), list("abcd"), k=2)  # one place: one region
    assert same_labels.tolist() == [0, 0, 0, 0] and [r.size for r in same_regions] == [4]


def test_class_tfidf_matches_its_formula():
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 5, (4, 9)).astype(float)
    counts[:, 2] = 0  # a term no class has
    weights = class_tfidf(counts)
    mean_total = counts.sum() / 4
    for c in range(4):
        for t in range(9):
            across = counts[:, t].sum()
            expected = 0.0 if across == 0 else counts[c, t] / counts[c].sum() * np.log(1 + mean_total / across)
            assert weights[c, t] == pytest.approx(expected)
    assert class_tfidf(np.zeros((0, 0))).shape == (0, 0)


def test_region_terms_count_each_region_s_neighbourhoods():
    xy = np.array([[0, 0], [0, 1], [10, 0], [10, 1], [5.5, 0.4]], dtype=float)
    labels = np.array([0, 0, 1, 1, 1])
    counts = region_terms(xy, labels, 2, neighbours=2)
    expected = np.zeros((2, 5))
    for i in range(5):
        near = np.argsort(np.hypot(*(xy - xy[i]).T), kind="stable")[:2]
        expected[labels[i], near] += 1
    assert np.array_equal(counts, expected)


def test_labels_keep_clear_of_reserved_boxes():
    xy = np.array([[0.0, 0.0], [5.0, 0.0], [10.0, 0.0]])
    index = GridIndex(xy)
    widths = np.full(3, 20.0)
    free = place_labels(index, (-1, -1, 11, 1), (10.0, 10.0), widths, 10.0)
    assert sorted(free.tolist()) == [0, 1, 2]
    kept = place_labels(index, (-1, -1, 11, 1), (10.0, 10.0), widths, 10.0, reserved=np.array([[5.0, 0.0, 30.0, 12.0]]))
    assert sorted(kept.tolist()) == [0, 2]


@pytest.mark.parametrize("seed", range(5))
def test_room_for_labels_is_the_narrowest_range_that_holds_them(seed):
    rng = np.random.default_rng(seed)
    values = rng.normal(0, 3, 30)
    before, after = rng.uniform(0, 10, 30), rng.uniform(0, 120, 30)
    low, high = room_for_labels(values, before, after, 400.0)
    per_pixel = (high - low) / 400.0
    assert (values - before * per_pixel >= low - 1e-9).all() and (values + after * per_pixel <= high + 1e-9).all()
    tighter = per_pixel * 0.99  # at any smaller scale the labels need more than the view
    assert (values + after * tighter).max() - (values - before * tighter).min() > 400.0 * tighter
    assert room_for_labels(np.ones(3), np.zeros(3), np.full(3, 50.0), 100.0)[1] > 1.0  # equal values: a range


def test_labels_beside_their_points_stay_inside_and_apart():
    rng = np.random.default_rng(2)
    xy = rng.normal(0, 1, (40, 2))
    sizes = np.c_[rng.uniform(20, 70, 40), np.full(40, 16.0)]
    (x0, y0, x1, y1), shown, on_left, lifts = labels_beside(xy, sizes, (400.0, 300.0), dot=7.0, gap=5.0)
    assert (np.diff(shown) > 0).all() and 10 <= len(shown) < 40 and on_left.any()  # crowded ones left out
    scale = np.array([400.0 / (x1 - x0), 300.0 / (y1 - y0)])
    pixel = (xy - (x0, y0)) * scale  # from the view's bottom-left corner
    assert ((pixel >= 3.5 - 1e-6) & (pixel <= np.array([400.0, 300.0]) - 3.5 + 1e-6)).all()  # every point whole
    w, h = sizes[shown, 0], sizes[shown, 1]
    left = np.where(on_left, pixel[shown, 0] - 5.0 - w, pixel[shown, 0] + 5.0)
    bottom = pixel[shown, 1] + lifts * h - h / 2
    right, top = left + w, bottom + h
    assert (left >= 0).all() and (right <= 400.0 + 1e-6).all() and (bottom >= -1e-6).all() and (top <= 300.0 + 1e-6).all()
    overlap = ((left[:, None] < right[None, :]) & (left[None, :] < right[:, None])
               & (bottom[:, None] < top[None, :]) & (bottom[None, :] < top[:, None]))
    np.fill_diagonal(overlap, False)
    assert not overlap.any()
    covered = ((left[:, None] <= pixel[None, :, 0]) & (pixel[None, :, 0] <= right[:, None])
               & (bottom[:, None] <= pixel[None, :, 1]) & (pixel[None, :, 1] <= top[:, None]))
    assert not covered.any()  # no label over a point's centre
    apart = labels_beside(np.array([[0.0, 0.0], [0.0, 1.0], [0.0, 2.0]]), np.full((3, 2), 20.0), (400.0, 300.0),
                          7.0, 5.0)
    assert apart[1].tolist() == [0, 1, 2] and not apart[2].any() and not apart[3].any()  # each on its point's right
    unnamed = labels_beside(np.array([[0.0, 0.0], [5.0, 1.0]]), np.array([[20.0, 16.0], [0.0, 0.0]]), (400.0, 300.0),
                            7.0, 5.0)
    assert unnamed[1].tolist() == [0] and unnamed[0][2] > 5.0  # a point without a label is in the view all the same


def apart_by_loops(at, sizes, wish):
    """labels_apart's rule, one position at a time: each label, in order, at the nearest free spot of
    its grid (half its width across, its height up and down), ties to the one farther from its point."""
    centres = [(x + dx, y + dy) for (x, y), (dx, dy) in zip(at, wish)]
    for i, (w, h) in enumerate(sizes):
        rows = len(at) + sum(int(np.ceil(sizes[k][1] / h)) for k in range(i)) + i + 1
        best = None
        for a in range(-2, 3):
            for b in range(-rows, rows + 1):
                x, y = centres[i][0] + a * w / 2, centres[i][1] + b * h
                if any(abs(x - centres[k][0]) < (w + sizes[k][0]) / 2 and abs(y - centres[k][1]) < (h + sizes[k][1]) / 2
                       for k in range(i)):
                    continue
                if any(abs(x - px) < w / 2 and abs(y - py) < h / 2 for px, py in at):
                    continue
                key = (round(float(np.hypot(a * w / 2, b * h)), 9), -float(np.hypot(x - at[i][0], y - at[i][1])))
                if best is None or key < best[0]:
                    best = (key, (x, y))
        centres[i] = best[1]
    return np.array(centres)


@pytest.mark.parametrize("seed", range(6))
def test_labels_apart_equal_their_rule_by_loops_and_never_overlap(seed):
    rng = np.random.default_rng(seed)
    n = 8
    at = rng.normal(200, 4 + 30 * (seed % 3), (n, 2))  # crowded ends, as when trails meet
    sizes = np.c_[rng.uniform(20, 70, n), np.full(n, 16.0)]
    wish = np.c_[np.zeros(n), -0.8 * sizes[:, 1]]  # above each end, as the live map wants them
    centres = labels_apart(at, sizes, wish)
    np.testing.assert_allclose(centres, apart_by_loops(at.tolist(), sizes.tolist(), wish.tolist()))
    half = sizes / 2
    overlap = ((np.abs(centres[:, None, 0] - centres[None, :, 0]) < half[:, None, 0] + half[None, :, 0])
               & (np.abs(centres[:, None, 1] - centres[None, :, 1]) < half[:, None, 1] + half[None, :, 1]))
    np.fill_diagonal(overlap, False)
    assert not overlap.any()
    covered = ((np.abs(centres[:, None, 0] - at[None, :, 0]) < half[:, None, 0])
               & (np.abs(centres[:, None, 1] - at[None, :, 1]) < half[:, None, 1]))
    assert not covered.any()


def test_labels_apart_stay_where_wished_when_they_fit():
    at = np.array([[0.0, 0.0], [500.0, 0.0]])
    sizes = np.array([[40.0, 16.0], [60.0, 16.0]])
    wish = np.array([[0.0, -12.8], [0.0, -12.8]])
    np.testing.assert_allclose(labels_apart(at, sizes, wish), at + wish)
    same = labels_apart(np.zeros((2, 2)), sizes, wish)  # two ends at one point: the second above the first
    np.testing.assert_allclose(same, [[0.0, -12.8], [0.0, -28.8]])
    assert labels_apart(np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2))).shape == (0, 2)


def test_a_crowded_points_label_goes_a_line_above_rather_than_missing():
    xy = np.array([[10.0, 0.0], [1.0, 0.0], [0.0, 0.0]])  # the last, leftmost, has no room left of it, and its
    sizes = np.full((3, 2), [100.0, 16.0])  # label on its right would cover the second point
    (x0, y0, x1, y1), shown, on_left, lifts = labels_beside(xy, sizes, (800.0, 300.0), dot=7.0, gap=5.0)
    assert shown.tolist() == [0, 1, 2] and not on_left.any() and lifts.tolist() == [0, 0, 1]
    scale = np.array([800.0 / (x1 - x0), 300.0 / (y1 - y0)])
    _, second, last = (xy - (x0, y0)) * scale
    assert last[0] + 5.0 < second[0] < last[0] + 5.0 + 100.0  # beside it, the second point would be covered

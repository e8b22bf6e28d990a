"""Words drawn on a map: which labels fit without overlapping at the current zoom (the most
frequent first; more appear as one zooms in), placed from the map's spatial index and only for
the visible region, clear of the region names; and names for regions: the 2D layout clustered, each
cluster named by its most distinctive words (class-based TF-IDF, as BERTopic names its topics)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vstudio.core.kernels.layout import place_boxes
from w2vstudio.core.map.spatial_index import GridIndex

LABELS = 300  # the most labels drawn at once
CANDIDATES = 5_000  # visible points looked at for a place, most frequent first
_EDGE = 1e-6  # pixels a label placed at the view's edge may pass it by in rounding
NEIGHBOURS = 10  # a point's layout neighbours, the "document" a region's names are counted over


def place_labels(index: GridIndex, view: tuple[float, float, float, float], scale: tuple[float, float],
                 widths: np.ndarray, height: float, limit: int = LABELS,
                 candidates: int = CANDIDATES, reserved: np.ndarray | None = None) -> np.ndarray:
    """Indices of the points whose labels, centred on them, fit without overlapping, most
    frequent (lowest index) first. `view` is (x0, y0, x1, y1) in map units, `scale` pixels per unit
    along x and y, `widths[i]` point i's label width in pixels, `height` a label's height;
    `reserved` rows (x, y, width, height): boxes centred at map points, sized in pixels (the region
    names), that no label may cover."""
    x0, y0, x1, y1 = view
    visible = index.in_rect(x0, y0, x1, y1, limit=candidates)
    if not len(visible) or limit <= 0:
        return np.zeros(0, np.int64)
    centre = (index.xy[visible] - (min(x0, x1), min(y0, y1))) * np.abs(np.asarray(scale, dtype=np.float64))
    half_w = np.asarray(widths, dtype=np.float64)[visible] / 2
    cell = max(float(height) / 2, 1.0)  # the occupancy grid's cell, in pixels
    low = np.floor((centre - np.c_[half_w, np.full(len(visible), height / 2)]) / cell).astype(np.int64)
    high = np.floor((centre + np.c_[half_w, np.full(len(visible), height / 2)]) / cell).astype(np.int64)
    origin = low.min(axis=0)
    low, high = low - origin, high - origin
    taken = np.zeros((int(high[:, 0].max()) + 1, int(high[:, 1].max()) + 1), dtype=np.bool_)
    if reserved is not None and len(reserved):
        boxes = np.asarray(reserved, dtype=np.float64).reshape(-1, 4)
        middle = (boxes[:, :2] - (min(x0, x1), min(y0, y1))) * np.abs(np.asarray(scale, dtype=np.float64))
        for lo, hi in zip(np.floor((middle - boxes[:, 2:] / 2) / cell).astype(np.int64) - origin,
                          np.floor((middle + boxes[:, 2:] / 2) / cell).astype(np.int64) - origin):
            lo, hi = np.maximum(lo, 0), np.minimum(hi, np.array(taken.shape) - 1)
            if (lo <= hi).all():
                taken[lo[0]:hi[0] + 1, lo[1]:hi[1] + 1] = True
    placed = np.empty(min(limit, len(visible)), dtype=np.int64)
    found = place_boxes(low, high, taken, placed)
    return visible[placed[:found]]


def room_for_labels(values: np.ndarray, before: np.ndarray, after: np.ndarray, pixels: float) -> tuple[float, float]:
    """The narrowest range (low, high) along one axis, `pixels` long on screen, that holds each value
    with its label's `before[i]` pixels before it and `after[i]` after it, at the range's own scale
    (for a few dozen labels: every pair of them is looked at). A label wider than 45% of the view is
    counted as that wide: no scale fits it."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if not len(values):
        return 0.0, 1.0
    cap = 0.45 * pixels
    before = np.minimum(np.asarray(before, dtype=np.float64).ravel(), cap)
    after = np.minimum(np.asarray(after, dtype=np.float64).ravel(), cap)
    # label j's end within the range started by label i's start: v_j + after_j s - (v_i - before_i s) <= pixels s
    spread = values[None, :] - values[:, None]
    per_pixel = float(np.max(spread / (pixels - after[None, :] - before[:, None])))
    if per_pixel <= 0:  # all values equal: any scale fits; one unit across the view
        per_pixel = 1.0 / pixels
    low = float(np.min(values - before * per_pixel))
    high = float(np.max(values + after * per_pixel))
    slack = pixels * per_pixel - (high - low)  # >= 0: shared on both sides
    return low - slack / 2, high + slack / 2


def labels_beside(xy: np.ndarray, sizes: np.ndarray, pixels: tuple[float, float], dot: float,
                  gap: float) -> tuple[tuple[float, float, float, float], np.ndarray, np.ndarray, np.ndarray]:
    """A small map (a few dozen points) whose labels sit beside their points, centred on their
    height: the view (x0, y0, x1, y1) that holds every point (`dot` pixels across) with its label on
    its right, `pixels` (width, height) on screen; then, the first (most frequent) first, each label
    placed right of its point, else left of it, else (a crowded point) right or left of it one label
    height above or below, where it stays in the view, overlaps no label placed and covers no point:
    the indices of the labels placed and, for each, whether it went left and how many label heights
    it was lifted (0, 1 above, -1 below).
    `sizes[i]` is label i's (width, height) in pixels (width 0: the point has none), `gap` the pixels between a point and its label.
    Exact boxes, every pair looked at (`place_labels` is the grid for large maps)."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1, 2)
    if not len(xy):
        return (0.0, 0.0, 1.0, 1.0), np.zeros(0, np.int64), np.zeros(0, np.bool_)
    width, height = pixels
    x0, x1 = room_for_labels(xy[:, 0], np.full(len(xy), dot / 2), gap + sizes[:, 0], width)
    half = np.maximum(sizes[:, 1], dot) / 2
    y0, y1 = room_for_labels(xy[:, 1], half, half, height)
    at = (xy - (x0, y0)) * (width / (x1 - x0), height / (y1 - y0))  # pixels from the bottom-left corner
    taken = np.zeros((0, 4))  # (left, bottom, right, top) of the labels placed
    shown, left_side, lifts = [], [], []
    places = ((False, 0), (True, 0), (False, 1), (False, -1), (True, 1), (True, -1))
    for i, ((x, y), (w, h)) in enumerate(zip(at, sizes)):
        for on_left, lift in places if w > 0 else ():
            start = x - gap - w if on_left else x + gap
            middle = y + lift * h
            box = np.array([start, middle - h / 2, start + w, middle + h / 2])
            inside = box[0] >= -_EDGE and box[1] >= -_EDGE and box[2] <= width + _EDGE and box[3] <= height + _EDGE
            clear = not ((taken[:, 0] < box[2]) & (box[0] < taken[:, 2])
                         & (taken[:, 1] < box[3]) & (box[1] < taken[:, 3])).any()
            covers = ((box[0] <= at[:, 0]) & (at[:, 0] <= box[2]) & (box[1] <= at[:, 1]) & (at[:, 1] <= box[3])).any()
            if inside and clear and not covers:
                taken = np.vstack([taken, box])
                shown.append(i)
                left_side.append(on_left)
                lifts.append(lift)
                break
    return (x0, y0, x1, y1), np.array(shown, np.int64), np.array(left_side, np.bool_), np.array(lifts, np.int64)


def labels_apart(at: np.ndarray, sizes: np.ndarray, wish: np.ndarray) -> np.ndarray:
    """A few labels (the pinned words' trail names) that must all be drawn, kept apart: label i
    (`sizes[i]` its (width, height) in pixels) names the point `at[i]` (pixels) and would be centred at
    `at[i] + wish[i]`. In order, each goes to the nearest position to that wish, on a grid of half its
    width across and its height up and down, where it overlaps no label placed before it and covers
    no point of `at` (a tie: the one farther from its point). There is always one: its column holds
    more positions than the others can block. -> the labels' centres (n, 2), in pixels."""
    at = np.asarray(at, dtype=np.float64).reshape(-1, 2)
    sizes = np.asarray(sizes, dtype=np.float64).reshape(-1, 2)
    wish = np.broadcast_to(np.asarray(wish, dtype=np.float64), at.shape)
    centres = at + wish
    for i, ((w, h), want) in enumerate(zip(sizes, centres)):
        w, h = max(w, 1e-9), max(h, 1e-9)
        rows = len(at) + int(np.ceil(sizes[:i, 1] / h).sum()) + i + 1  # blocked positions in a column: fewer
        across, up = np.meshgrid(np.arange(-2, 3), np.arange(-rows, rows + 1))
        spots = want + np.c_[across.ravel() * w / 2, up.ravel() * h]
        placed, size = centres[:i], sizes[:i]
        overlaps = ((np.abs(spots[:, None, 0] - placed[None, :, 0]) < (w + size[None, :, 0]) / 2)
                    & (np.abs(spots[:, None, 1] - placed[None, :, 1]) < (h + size[None, :, 1]) / 2)).any(axis=1)
        covers = ((np.abs(spots[:, None, 0] - at[None, :, 0]) < w / 2)
                  & (np.abs(spots[:, None, 1] - at[None, :, 1]) < h / 2)).any(axis=1)
        free = np.flatnonzero(~overlaps & ~covers)
        if not len(free):  # a point inside every position of the grid: only labels kept apart
            free = np.flatnonzero(~overlaps)
        if not len(free):
            continue
        near = np.round(np.hypot(*(spots[free] - want).T), 9)
        far = np.hypot(*(spots[free] - at[i]).T)
        centres[i] = spots[free[np.lexsort((-far, near))[0]]]
    return centres


def warm_up() -> None:
    """Load (or compile) the placement kernel now, on the caller's thread: a worker's, so that the
    first placement on the GUI thread does not wait a second for it."""
    place_labels(GridIndex(np.zeros((1, 2))), (-1.0, -1.0, 1.0, 1.0), (1.0, 1.0), np.ones(1), 1.0)


@dataclass(frozen=True)
class Region:
    """A cluster of the layout: where its name goes, its name's words and how many points it has."""

    x: float
    y: float
    words: list[str]
    size: int


def class_tfidf(counts: np.ndarray) -> np.ndarray:
    """Class-based TF-IDF (BERTopic's c-TF-IDF) of a (classes, terms) count matrix: a term's weight in
    a class is its frequency in the class (its count over the class's total) times
    log(1 + the mean total per class / the term's count over all classes); 0 where it is absent."""
    counts = np.asarray(counts, dtype=np.float64)
    if not counts.size:
        return counts.copy()
    totals = counts.sum(axis=1, keepdims=True)
    tf = counts / np.where(totals > 0, totals, 1)
    across = counts.sum(axis=0)
    idf = np.log1p(counts.sum() / len(counts) / np.where(across > 0, across, 1))
    return tf * idf


def region_terms(xy: np.ndarray, labels: np.ndarray, k: int, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """(k, points) counts: how many of region c's points have point j among their `neighbours`
    nearest on the layout (themselves included). A word is frequent in a region it lies deep
    inside, and frequent across regions where it sits between them."""
    from scipy.spatial import cKDTree

    n = len(xy)
    near = cKDTree(xy).query(xy, k=min(neighbours, n))[1].reshape(n, -1)
    cells = np.repeat(np.asarray(labels, dtype=np.int64), near.shape[1]) * n + near.ravel()
    return np.bincount(cells, minlength=k * n).reshape(k, n).astype(np.float64)


def name_regions(xy: np.ndarray, words: list[str], k: int = 12, top: int = 3, seed: int = 0) -> tuple[np.ndarray, list[Region]]:
    """The layout's points clustered into `k` regions (at most one per distinct place) by
    scikit-learn's k-means from a k-means++ start (points in map order: most frequent first): each
    point's region, and each region named by its `top` words of highest class-based TF-IDF (over the
    points' layout neighbourhoods, `region_terms`) among its own, at its points' mean. How frequent a
    word is in the corpus does not count: the most frequent words name a region only if they are
    what sets it apart."""
    from sklearn.cluster import KMeans  # imported when needed: it takes seconds

    xy = np.asarray(xy, dtype=np.float64).reshape(len(words), 2)
    if not len(xy):
        return np.zeros(0, np.int64), []
    k = max(1, min(int(k), len(np.unique(xy, axis=0))))
    labels = KMeans(k, n_init=1, random_state=seed).fit_predict(xy)
    weights = class_tfidf(region_terms(xy, labels, k))
    regions = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if len(members):
            x, y = xy[members].mean(axis=0)
            best = members[np.lexsort((members, -weights[c, members]))[:top]]  # ties: the more frequent
            regions.append(Region(float(x), float(y), [words[i] for i in best], len(members)))
    return labels.astype(np.int64), regions

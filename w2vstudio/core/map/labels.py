"""Words drawn on a map: which labels fit without overlapping at the current zoom (the most
frequent first; more appear as one zooms in), placed from the map's spatial index and only for
the visible region; and names for regions: the 2D layout clustered, each cluster labelled by its
most frequent words."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vstudio.core.kernels.layout import place_boxes
from w2vstudio.core.map.spatial_index import GridIndex

LABELS = 300  # the most labels drawn at once
CANDIDATES = 5_000  # visible points looked at for a place, most frequent first


def place_labels(index: GridIndex, view: tuple[float, float, float, float], scale: tuple[float, float],
                 widths: np.ndarray, height: float, limit: int = LABELS,
                 candidates: int = CANDIDATES) -> np.ndarray:
    """Indices of the points whose labels, centred on them, fit without overlapping, most
    frequent (lowest index) first. `view` is (x0, y0, x1, y1) in map units, `scale` pixels per unit
    along x and y, `widths[i]` point i's label width in pixels, `height` a label's height."""
    x0, y0, x1, y1 = view
    visible = index.in_rect(x0, y0, x1, y1, limit=candidates)
    if not len(visible) or limit <= 0:
        return np.zeros(0, np.int64)
    centre = (index.xy[visible] - (min(x0, x1), min(y0, y1))) * np.abs(np.asarray(scale, dtype=np.float64))
    half_w = np.asarray(widths, dtype=np.float64)[visible] / 2
    cell = max(float(height) / 2, 1.0)  # the occupancy grid's cell, in pixels
    low = np.floor((centre - np.c_[half_w, np.full(len(visible), height / 2)]) / cell).astype(np.int64)
    high = np.floor((centre + np.c_[half_w, np.full(len(visible), height / 2)]) / cell).astype(np.int64)
    low, high = low - low.min(axis=0), high - low.min(axis=0)
    taken = np.zeros((int(high[:, 0].max()) + 1, int(high[:, 1].max()) + 1), dtype=np.bool_)
    placed = np.empty(min(limit, len(visible)), dtype=np.int64)
    found = place_boxes(low, high, taken, placed)
    return visible[placed[:found]]


@dataclass(frozen=True)
class Region:
    """A cluster of the layout: where its name goes, its name's words and how many points it has."""

    x: float
    y: float
    words: list[str]
    size: int


def name_regions(xy: np.ndarray, words: list[str], k: int = 12, top: int = 3, seed: int = 0) -> tuple[np.ndarray, list[Region]]:
    """The layout's points clustered into `k` regions (at most one per distinct place) by
    scikit-learn's k-means from a k-means++ start (points in map order: most frequent first): each
    point's region, and each region named by its `top` most frequent words at its points' mean."""
    from sklearn.cluster import KMeans  # imported when needed: it takes seconds

    xy = np.asarray(xy, dtype=np.float64).reshape(len(words), 2)
    if not len(xy):
        return np.zeros(0, np.int64), []
    k = max(1, min(int(k), len(np.unique(xy, axis=0))))
    labels = KMeans(k, n_init=1, random_state=seed).fit_predict(xy)
    regions = []
    for c in range(k):
        members = np.flatnonzero(labels == c)
        if len(members):
            x, y = xy[members].mean(axis=0)
            regions.append(Region(float(x), float(y), [words[i] for i in members[:top]], len(members)))
    return labels.astype(np.int64), regions

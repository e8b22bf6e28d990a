"""A spatial index of a 2D map's points: the point nearest a position, which points lie in a
rectangle (the visible region) or inside a polygon (a lasso), without looking at the others.
Points are bucketed in a uniform grid of about `per_cell` points a cell; a query looks only at the
cells it overlaps. Indices come back ascending: a map's rows are its words by frequency, so the
most frequent come first.

Not scipy's cKDTree: it has no rectangle query, and its square ball query (`p=inf`) returns Python
lists; on 100,000 points the visible-region queries of label placement took it 3 to 5 times as
long as this grid (`benchmarks/bench_map_libraries.py`). Its nearest-point query is faster, but
this grid's takes well under a millisecond too."""

from __future__ import annotations

import numpy as np

_POLYGON_BUDGET = 1 << 20  # point-edge pairs tested at a time


class GridIndex:
    """The points `xy` (n, 2), bucketed in a grid of cells."""

    def __init__(self, xy: np.ndarray, per_cell: int = 16):
        self.xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        n = len(self.xy)
        finite = np.isfinite(self.xy).all(axis=1)
        self.low = self.xy[finite].min(axis=0) if finite.any() else np.zeros(2)
        high = self.xy[finite].max(axis=0) if finite.any() else np.ones(2)
        side = max(1, int(np.sqrt(max(n, 1) / per_cell)))
        self.shape = (side, side)
        self.size = np.where(high > self.low, (high - self.low) / side, 1.0)
        cells = self._cells(self.xy)
        cells[~finite] = -1  # never found
        order = np.argsort(cells, kind="stable")
        self._order = order[cells[order] >= 0]
        self._starts = np.searchsorted(cells[self._order], np.arange(side * side + 1))

    def _cell_xy(self, xy: np.ndarray) -> np.ndarray:
        return np.clip(np.floor((xy - self.low) / self.size), 0, np.array(self.shape) - 1).astype(np.int64)

    def _cells(self, xy: np.ndarray) -> np.ndarray:
        c = self._cell_xy(np.nan_to_num(xy))
        return c[:, 0] * self.shape[1] + c[:, 1]

    def _candidates(self, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        """Indices of the points in the cells the rectangle overlaps (one slice of the grid's
        order per column of cells), unordered."""
        if x1 < self.low[0] or y1 < self.low[1]:
            return np.zeros(0, np.int64)
        top = self.low + self.size * np.array(self.shape)
        if x0 > top[0] or y0 > top[1]:
            return np.zeros(0, np.int64)
        (cx0, cy0), (cx1, cy1) = self._cell_xy(np.array([[x0, y0], [x1, y1]], dtype=np.float64))
        first = np.arange(cx0, cx1 + 1) * self.shape[1]
        parts = [self._order[self._starts[c + cy0] : self._starts[c + cy1 + 1]] for c in first.tolist()]
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def in_rect(self, x0: float, y0: float, x1: float, y1: float, limit: int | None = None) -> np.ndarray:
        """Indices of the points with x0 <= x <= x1 and y0 <= y <= y1, ascending; only the `limit`
        lowest where given."""
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        found = self._candidates(x0, y0, x1, y1)
        p = self.xy[found]
        found = found[(p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)]
        if limit is not None and limit < len(found):
            found = np.partition(found, limit)[:limit]
        return np.sort(found)

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """Index of the point nearest (x, y) within `radius` (the lowest of equals), if any."""
        found = self.in_rect(x - radius, y - radius, x + radius, y + radius)
        if not len(found):
            return None
        d2 = ((self.xy[found] - (x, y)) ** 2).sum(axis=1)
        best = int(d2.argmin())
        return int(found[best]) if d2[best] <= radius * radius else None

    def in_polygon(self, polygon: np.ndarray) -> np.ndarray:
        """Indices of the points inside `polygon` (m, 2 vertices, closed implicitly; even-odd
        rule), ascending."""
        poly = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
        if len(poly) < 3:
            return np.zeros(0, np.int64)
        found = self.in_rect(*poly.min(axis=0), *poly.max(axis=0))
        return found[inside_polygon(self.xy[found], poly)]


def inside_polygon(points: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Whether each point lies inside the polygon (even-odd rule, ray casting), in blocks of
    bounded memory."""
    ax, ay = poly[:, 0][None, :], poly[:, 1][None, :]
    bx, by = np.roll(poly[:, 0], -1)[None, :], np.roll(poly[:, 1], -1)[None, :]
    step = max(1, _POLYGON_BUDGET // len(poly))
    out = np.zeros(len(points), dtype=bool)
    for s in range(0, len(points), step):
        x, y = points[s : s + step, 0][:, None], points[s : s + step, 1][:, None]
        crosses = (ay > y) != (by > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = ax + (y - ay) * (bx - ax) / (by - ay)
        out[s : s + step] = (crosses & (x < at)).sum(axis=1) % 2 == 1
    return out

"""`MapModel`: the words of a 2D map, their places and counts; the point at a position, the points
in a rectangle or a lasso, from one spatial index; and a word's nearest neighbours on the map by
cosine in the full vectors.

State is replaced, never changed in place, and `neighbours` reads it once: it may run in a worker
thread while the points move."""

from __future__ import annotations

import numpy as np

from w2vstudio.core.map.spatial_index import GridIndex
from w2vstudio.core.vectors import KeyedVectors


class MapModel:
    """The points of a map (rows: words, most frequent first) and the vectors their neighbours are
    searched in."""

    def __init__(self) -> None:
        self._words: list[str] = []
        self._rows: dict[str, int] = {}
        self._xy = np.zeros((0, 2))
        self._counts: np.ndarray | None = None
        self._index: GridIndex | None = None  # built on first use
        self._vectors: KeyedVectors | None = None
        self._span: tuple = (None, None, (0, 0))  # (vectors, rows, (rows to search, map words among them))

    @property
    def words(self) -> list[str]:
        """The words, in the order of `xy` (the same list until they change)."""
        return self._words

    @property
    def xy(self) -> np.ndarray:
        """(n, 2) places of `words`."""
        return self._xy

    @property
    def counts(self) -> np.ndarray | None:
        return self._counts

    @property
    def vectors(self) -> KeyedVectors | None:
        """Where neighbours are searched."""
        return self._vectors

    @property
    def index(self) -> GridIndex:
        """The spatial index of the points."""
        if self._index is None:
            self._index = GridIndex(self._xy)
        return self._index

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return word in self._rows

    def rows(self, words: list[str]) -> np.ndarray:
        """The rows of those of `words` on the map, in their order."""
        return np.array([self._rows[w] for w in words if w in self._rows], dtype=np.int64)

    def set_points(self, words: list[str], xy: np.ndarray, counts: np.ndarray | None = None) -> bool:
        """Place `words` at `xy` (n, 2) with optional counts; True if only the places changed."""
        words = list(words)
        xy = np.array(xy, dtype=np.float64).reshape(len(words), 2)
        counts = None if counts is None else np.asarray(counts)
        same_words = words == self._words
        moved = same_words and _same(counts, self._counts)
        if not same_words:
            self._words, self._rows = words, {w: i for i, w in enumerate(words)}
        self._xy, self._counts, self._index = xy, counts, None
        return moved

    def set_vectors(self, kv: KeyedVectors | None) -> None:
        """Search neighbours in `kv` (the model, or a snapshot of it)."""
        self._vectors = kv

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """Row of the point nearest (x, y) within `radius`, if any."""
        return self.index.nearest(x, y, radius) if len(self._words) else None

    def in_rect(self, x0: float, y0: float, x1: float, y1: float, limit: int | None = None) -> np.ndarray:
        """Rows of the points in the rectangle, ascending (only the `limit` lowest where given)."""
        return self.index.in_rect(x0, y0, x1, y1, limit)

    def in_polygon(self, polygon: np.ndarray) -> np.ndarray:
        """Rows of the points inside `polygon` ((m, 2) vertices, even-odd rule), ascending."""
        return self.index.in_polygon(polygon)

    def neighbours(self, word: str, k: int) -> list[tuple[str, float]]:
        """The `k` words on the map nearest to `word` by cosine in `vectors`, with their cosines."""
        kv, rows = self._vectors, self._rows
        if kv is None or word not in kv or k <= 0:
            return []
        limit, on_map = self._search_span(kv, rows)
        found = kv.most_similar(word, topn=k + limit - on_map, restrict_vocab=limit)
        return [(w, s) for w, s in found if w in rows][:k]

    def _search_span(self, kv: KeyedVectors, rows: dict[str, int]) -> tuple[int, int]:
        """The rows of `kv` to search (through its last word on the map) and how many words on the
        map they hold; cached for these vectors and words."""
        cached_kv, cached_rows, span = self._span
        if cached_kv is not kv or cached_rows is not rows:
            found = [kv.index(w) for w in rows if w in kv]
            span = (max(found, default=-1) + 1, len(found))
            self._span = (kv, rows, span)
        return span


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and np.array_equal(a, b))

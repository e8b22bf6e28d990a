"""A map's coordinates as CSV: `word,x,y,count` per point (count empty where unknown), UTF-8,
written atomically (what `w2vstudio map -o` and the studio's map export write)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.support.csvfile import SafeWriter


def write_coordinates(path: str | Path, words: list[str], xy: np.ndarray, counts: np.ndarray | None) -> None:
    """Write `words` at `xy` (n, 2) with their `counts` (or None) to `path`."""
    with atomic_write(path, "w") as f:
        write_rows(f, words, xy, counts)


def write_rows(f, words: list[str], xy: np.ndarray, counts: np.ndarray | None) -> None:
    """The CSV (header row first) to the text file `f` (no cell a spreadsheet would run)."""
    xy = np.asarray(xy, dtype=np.float64).reshape(len(words), 2)
    counts = [""] * len(words) if counts is None else np.asarray(counts).tolist()
    out = SafeWriter(f)
    out.writerow(["word", "x", "y", "count"])
    out.writerows(zip(words, *xy.T.tolist(), counts))

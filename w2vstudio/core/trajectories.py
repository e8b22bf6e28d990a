"""Snapshots on one stable 2D basis, so that points on the live map move only when vectors do.

Each snapshot is scaled to unit rows (cosine geometry, as the map's PCA), optionally aligned by
orthogonal Procrustes in the full space, then projected on the PCA axes of the latest snapshot.
Trails of pinned words are columns of the result: `coordinates[:, position_of_word]`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from w2vstudio.core.errors import W2VError
from w2vstudio.core.projection import pca_apply, pca_fit, procrustes_align, unit_rows

ALIGNMENTS = {
    "none": "one PCA basis (the latest snapshot's) for all",
    "latest": "each snapshot rotated onto the latest, then that basis",
    "previous": "each snapshot rotated onto the one before it (aligned), then the latest's basis",
}


def snapshot_coordinates(snapshots: Sequence[np.ndarray] | np.ndarray, align: str = "none") -> np.ndarray:
    """2D coordinates of every snapshot (S, tracked, dim) on a stable basis: (S, tracked, 2).

    With "previous" a new snapshot leaves the earlier ones' aligned vectors unchanged (only the
    basis follows the latest), which suits a map that updates during training."""
    if align not in ALIGNMENTS:
        raise W2VError(f'unknown alignment "{align}" (use {", ".join(ALIGNMENTS)})')
    frames = [unit_rows(s).astype(np.float64) for s in snapshots]
    if not frames:
        return np.zeros((0, 0, 2))
    if align == "latest":
        frames = [procrustes_align(frames[-1], f) for f in frames]
    elif align == "previous":
        for i in range(1, len(frames)):
            frames[i] = procrustes_align(frames[i - 1], frames[i])
    basis = pca_fit(frames[-1], 2)
    return np.stack([pca_apply(basis, f) for f in frames])

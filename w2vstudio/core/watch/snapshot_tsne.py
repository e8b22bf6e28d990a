"""Snapshots on one t-SNE map: openTSNE maps one snapshot, the reference, and places every other
one into that map with `TSNEEmbedding.transform`. Each placed point starts at the median place of
its nearest reference words and is optimised against the reference, which stays fixed.

Snapshots taken later are placed into the same map, so a map that follows training does not jump.
Only a new map (`tsne_coordinates` without one) makes the last snapshot the reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from w2vstudio.core.map.projection import tsne_fit
from w2vstudio.core.support.task import Task

if TYPE_CHECKING:
    from openTSNE import TSNEEmbedding

FIT_ITERATIONS = 750  # the reference map's iterations, early exaggeration included (the Map tab's)
PLACE_ITERATIONS = 250  # each placed snapshot's (openTSNE's transform default)
_PERPLEXITY = 30.0  # the reference map's (the Map tab's)
_PLACE_PERPLEXITY = 5.0  # neighbours a placed word is optimised against (openTSNE's transform default)
# one thread: the live map mostly maps snapshots while training keeps every core busy, and
# openTSNE's threads meet at every iteration, so each iteration would wait for a core
_THREADS = 1


@dataclass(frozen=True)
class SnapshotMap:
    """A t-SNE map of one snapshot, to place others into."""

    embedding: TSNEEmbedding  # the reference's words' places, centred; read only once published
    vectors: np.ndarray  # (words, dim) the vectors it maps


def fit_map(
    X: np.ndarray,
    n_iter: int = FIT_ITERATIONS,
    task: Task | None = None,
    random_state: int = 0,
) -> SnapshotMap:
    """A t-SNE map of the rows of `X`, with the Map tab's settings (`projection.tsne_fit`).
    `task` hears the progress every few iterations; cancelled, it raises `Cancelled`."""
    embedding = tsne_fit(X, _PERPLEXITY, n_iter, task, random_state, _THREADS)
    xy = np.asarray(embedding)  # the same memory
    xy -= (xy.max(axis=0) + xy.min(axis=0)) / 2  # centred as `transform` centres its reference
    embedding.gradient_descent_params["callbacks"] = None  # placing reports per snapshot, not through this run's
    return SnapshotMap(embedding, np.asarray(X))


def place(snapshot_map: SnapshotMap, X: np.ndarray, n_iter: int = PLACE_ITERATIONS) -> np.ndarray:
    """The rows of `X` (the reference's words in another snapshot) placed into the map: (n, 2)."""
    from openTSNE import TSNEEmbedding

    reference = snapshot_map.embedding
    # `transform` centres its reference in place and keeps its interpolation grid on it: a copy of
    # its own lets placements run on several threads at once (a cancelled one may still be finishing)
    own = TSNEEmbedding(np.array(reference), reference.affinities, random_state=reference.random_state,
                        **{**reference.gradient_descent_params, "n_jobs": _THREADS})
    perplexity = min(_PLACE_PERPLEXITY, (len(reference) - 1) / 3)
    return np.asarray(own.transform(np.asarray(X, dtype=np.float32), perplexity=perplexity, n_iter=n_iter),
                      dtype=np.float64)


def tsne_coordinates(
    snapshots: Sequence[np.ndarray],
    snapshot_map: SnapshotMap | None = None,
    task: Task | None = None,
    n_iter: int = FIT_ITERATIONS,
    place_iter: int = PLACE_ITERATIONS,
    random_state: int = 0,
) -> tuple[SnapshotMap, np.ndarray]:
    """Every snapshot (words, dim) placed into `snapshot_map` -> (the map, (S, words, 2)). Without
    a map (then there must be a snapshot), the last snapshot is mapped first (`fit_map`) and its
    coordinates are the map's own. `task`'s progress counts iterations; it is looked at between
    snapshots too."""
    task = task or Task.none()
    snapshots = list(snapshots)
    fitting = snapshot_map is None
    placed = snapshots[:-1] if fitting else snapshots
    total = (n_iter if fitting else 0) + place_iter * len(placed)
    start = 0
    if fitting:
        share = n_iter / total
        snapshot_map = fit_map(snapshots[-1], n_iter, task.part(0.0, share), random_state)
        start = n_iter
    coords = np.zeros((len(snapshots), len(snapshot_map.embedding), 2))
    for i, X in enumerate(placed):
        task.progress((start + place_iter * i) / total)
        task.check("projection cancelled")
        coords[i] = place(snapshot_map, X, place_iter)
    if fitting:
        coords[-1] = snapshot_map.embedding
    task.progress(1.0)
    return snapshot_map, coords

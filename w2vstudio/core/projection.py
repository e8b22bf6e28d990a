"""2D projections of word vectors: PCA (with a reusable basis), t-SNE and Procrustes alignment.

A PCA basis fitted once can be applied to other snapshots of the same words, and Procrustes
alignment rotates one layout onto another, so that maps of a model in training stay comparable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import numpy as np

from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.vectors import unit_rows

Progress = Callable[[float], None]

METHODS = {"pca": "PCA", "tsne": "t-SNE"}
TSNE_MIN_POINTS = 5
_TSNE_CHUNK = 250  # sklearn's smallest max_iter, and the length of its early-exaggeration phase
_TSNE_EXAGGERATION = 12.0  # sklearn's default
_TSNE_SERIAL_BELOW = 2_000  # fewer points: one thread (OpenMP's per-iteration sync costs more)


@dataclass(frozen=True)
class PCABasis:
    """Mean and principal axes (orthonormal rows, most variance first) of a fitted PCA."""

    mean: np.ndarray  # (dim,)
    components: np.ndarray  # (n_components, dim)
    explained_variance_ratio: np.ndarray  # (n_components,)


def pca_fit(X: np.ndarray, n_components: int = 2) -> PCABasis:
    """PCA of the rows of `X`, from the eigenvectors of the centred data's dim x dim scatter
    matrix (sklearn's "covariance_eigh" solver: for many more rows than dimensions, an order of
    magnitude faster than an SVD of the data, and as accurate for the leading axes).

    Each axis is signed so that its largest-magnitude loading is positive, which makes the result
    deterministic. Axes beyond the number of dimensions are zero.
    """
    X = np.asarray(X, dtype=np.float64)
    mean = X.mean(axis=0) if len(X) else np.zeros(X.shape[1])
    centred = X - mean
    scatter = centred.T @ centred
    values, vectors = np.linalg.eigh(scatter)  # ascending
    top = np.argsort(values)[::-1][:n_components]
    components = np.zeros((n_components, X.shape[1]))
    components[: len(top)] = vectors[:, top].T
    peaks = components[np.arange(n_components), np.abs(components).argmax(axis=1)]
    components *= np.where(peaks < 0, -1.0, 1.0)[:, None]
    variance = np.zeros(n_components)
    variance[: len(top)] = np.maximum(values[top], 0.0)
    total = float(np.trace(scatter))
    return PCABasis(mean, components, variance / total if total > 0 else variance)


def pca_apply(basis: PCABasis, X: np.ndarray) -> np.ndarray:
    """Coordinates of the rows of `X` on a fitted basis: (n, n_components) float64."""
    return (np.asarray(X, dtype=np.float64) - basis.mean) @ basis.components.T


def pca_2d(X: np.ndarray) -> np.ndarray:
    """The rows of `X` on their first two principal axes: (n, 2) float64."""
    return pca_apply(pca_fit(X, 2), X)


def procrustes_align(reference: np.ndarray, moving: np.ndarray, scale: bool = False) -> np.ndarray:
    """`moving` (n, d) translated and orthogonally transformed (and scaled if `scale`) to fit
    `reference` (n, d) best in least squares; row i of each is the same point."""
    ref = np.asarray(reference, dtype=np.float64)
    mov = np.asarray(moving, dtype=np.float64)
    if ref.shape != mov.shape:
        raise ValueError(f"shapes differ: {ref.shape} and {mov.shape}")
    ref_mean, mov_mean = ref.mean(axis=0), mov.mean(axis=0)
    centred = mov - mov_mean
    u, s, vt = np.linalg.svd(centred.T @ (ref - ref_mean))
    norm = float(np.sum(centred**2))
    factor = s.sum() / norm if scale and norm > 0 else 1.0
    return factor * centred @ (u @ vt) + ref_mean


def tsne_2d(
    X: np.ndarray,
    perplexity: float = 30.0,
    n_iter: int = 1000,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    random_state: int = 0,
) -> np.ndarray:
    """t-SNE map of the rows of `X`: (n, 2) float64, by scikit-learn's Barnes-Hut TSNE.

    sklearn has no per-iteration callback, so the optimisation runs in chunks of 250 iterations
    or more (sklearn's minimum), each starting from the last layout: the first with early
    exaggeration, the rest without. The neighbour graph is computed once; the start is sklearn's
    PCA initialisation. Small inputs run on one thread. `progress(fraction)` is called before the
    first chunk and after each; `cancel` is checked between chunks and raises `Cancelled`.
    """
    from sklearn.manifold import TSNE
    from sklearn.neighbors import NearestNeighbors
    from threadpoolctl import threadpool_limits

    X = np.asarray(X, dtype=np.float32)
    n, n_iter = len(X), max(int(n_iter), _TSNE_CHUNK)
    if n < TSNE_MIN_POINTS:
        raise W2VError(f"t-SNE needs at least {TSNE_MIN_POINTS} words, not {n}")
    perplexity = min(float(perplexity), (n - 1) / 3)
    _step(progress, cancel, 0.0)
    n_neighbors = min(n - 1, int(3 * perplexity + 1))  # as sklearn; +1 below for the point itself
    knn = NearestNeighbors(n_neighbors=n_neighbors + 1).fit(X)
    graph = knn.kneighbors_graph(X, mode="distance")
    layout = pca_2d(X)
    layout = (layout / (layout[:, 0].std() or 1.0) * 1e-4).astype(np.float32)
    rate = max(n / _TSNE_EXAGGERATION / 4, 50.0)  # sklearn's learning_rate="auto", for all chunks
    done = 0
    for end in [*range(_TSNE_CHUNK, n_iter - _TSNE_CHUNK + 1, _TSNE_CHUNK), n_iter]:
        tsne = TSNE(
            perplexity=perplexity,
            early_exaggeration=_TSNE_EXAGGERATION if done == 0 else 1.0,
            learning_rate=rate,
            max_iter=end - done,
            metric="precomputed",
            init=layout,
            random_state=random_state,
        )
        with threadpool_limits(1 if n < _TSNE_SERIAL_BELOW else None, user_api="openmp"):
            layout = tsne.fit_transform(graph)
        done = end
        _step(progress, cancel, done / n_iter)
    return layout.astype(np.float64)


def project_2d(
    X: np.ndarray,
    method: str,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> np.ndarray:
    """The rows of `X`, scaled to unit length (cosine geometry), mapped to 2D by `method`
    ("pca" or "tsne", default settings)."""
    X = unit_rows(X)
    if method == "pca":
        _step(progress, cancel, 0.0)
        xy = pca_2d(X)
        _step(progress, None, 1.0)
        return xy
    if method == "tsne":
        return tsne_2d(X, progress=progress, cancel=cancel)
    raise W2VError(f'unknown projection method "{method}" (use "pca" or "tsne")')


def _step(progress: Progress | None, cancel: threading.Event | None, fraction: float) -> None:
    """Report `fraction` done, then raise `Cancelled` if asked to stop (unless finished)."""
    if progress is not None:
        progress(fraction)
    if fraction < 1 and cancel is not None and cancel.is_set():
        raise Cancelled("projection cancelled")

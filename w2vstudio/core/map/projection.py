"""2D projections of word vectors: PCA (scikit-learn's, with a reusable basis), t-SNE (openTSNE),
UMAP (umap-learn) and Procrustes alignment (scipy's).

A PCA basis fitted once can be applied to other snapshots of the same words, and Procrustes
alignment rotates one layout onto another, so that maps of a model in training stay comparable.
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.support.task import Task
from w2vstudio.core.vectors import unit_rows


METHODS = {"pca": "PCA", "tsne": "t-SNE", "umap": "UMAP"}
MAX_POINTS = 100_000  # the most words a map shows, for every method
MIN_POINTS = 5  # the fewest t-SNE and UMAP map
_TSNE_EXAGGERATED = 250  # openTSNE's early-exaggeration iterations
_TSNE_LOOKS = 500_000  # words x iterations between two progress reports and looks at the task
_UMAP_POLL = 0.1  # seconds between two looks at UMAP's progress and the task
_TSNE_EXACT = 50_000  # up to this many words, exact neighbours (one matrix product) beat annoy's index
_TSNE_CELL = 2.0  # side of openTSNE's interpolation grid cells, in map units (its default: 1)


@dataclass(frozen=True)
class PCABasis:
    """Mean and principal axes (orthonormal rows, most variance first) of a fitted PCA."""

    mean: np.ndarray  # (dim,)
    components: np.ndarray  # (n_components, dim)
    explained_variance_ratio: np.ndarray  # (n_components,)


def pca_fit(X: np.ndarray, n_components: int = 2) -> PCABasis:
    """PCA of the rows of `X` by scikit-learn, from the eigenvectors of the centred data's dim x dim
    covariance ("covariance_eigh": for many more rows than dimensions, an order of magnitude faster
    than an SVD of the data, and as accurate for the leading axes).

    Each axis is signed so that its largest-magnitude loading is positive, which makes the result
    deterministic. Axes beyond the number of dimensions (or of rows) are zero.
    """
    from sklearn.decomposition import PCA  # imported when needed: it takes seconds

    X = np.asarray(X, dtype=np.float64)
    components = np.zeros((n_components, X.shape[1]))
    ratio = np.zeros(n_components)
    if len(X) < 2:  # no variance to fit
        return PCABasis(X.mean(axis=0) if len(X) else np.zeros(X.shape[1]), components, ratio)
    fitted = min(n_components, *X.shape)
    with np.errstate(invalid="ignore"):  # no variance at all: a ratio of 0 / 0
        pca = PCA(fitted, svd_solver="covariance_eigh").fit(X)
    components[:fitted], ratio[:fitted] = pca.components_, np.nan_to_num(pca.explained_variance_ratio_)
    peaks = components[np.arange(n_components), np.abs(components).argmax(axis=1)]
    components *= np.where(peaks < 0, -1.0, 1.0)[:, None]
    return PCABasis(pca.mean_, components, ratio)


def pca_apply(basis: PCABasis, X: np.ndarray) -> np.ndarray:
    """Coordinates of the rows of `X` on a fitted basis: (n, n_components) float64."""
    return (np.asarray(X, dtype=np.float64) - basis.mean) @ basis.components.T


def pca_2d(X: np.ndarray) -> np.ndarray:
    """The rows of `X` on their first two principal axes: (n, 2) float64."""
    return pca_apply(pca_fit(X, 2), X)


def procrustes_align(reference: np.ndarray, moving: np.ndarray, scale: bool = False) -> np.ndarray:
    """`moving` (n, d) translated and orthogonally transformed (by scipy's orthogonal Procrustes;
    and scaled if `scale`) to fit `reference` (n, d) best in least squares; row i of each is the
    same point."""
    from scipy.linalg import orthogonal_procrustes

    ref = np.asarray(reference, dtype=np.float64)
    mov = np.asarray(moving, dtype=np.float64)
    if ref.shape != mov.shape:
        raise ValueError(f"shapes differ: {ref.shape} and {mov.shape}")
    ref_mean, mov_mean = ref.mean(axis=0), mov.mean(axis=0)
    centred = mov - mov_mean
    rotation, singular_sum = orthogonal_procrustes(centred, ref - ref_mean)
    norm = float(np.sum(centred**2))
    factor = singular_sum / norm if scale and norm > 0 else 1.0
    return factor * centred @ rotation + ref_mean


def tsne_2d(X: np.ndarray, *args, **kwargs) -> np.ndarray:
    """t-SNE map of the rows of `X`: (n, 2) float64, the places of `tsne_fit(X, ...)`."""
    return np.asarray(tsne_fit(X, *args, **kwargs), dtype=np.float64)


def tsne_fit(
    X: np.ndarray,
    perplexity: float = 30.0,
    n_iter: int = 750,
    task: Task | None = None,
    random_state: int = 0,
    threads: int = -1,
):
    """t-SNE map of the rows of `X` by openTSNE (FFT-accelerated interpolation for many points,
    Barnes-Hut for few; on every core), as its `TSNEEmbedding`: `transform` places new points.

    `n_iter` counts all iterations: the first 250 with early exaggeration, the rest without; the
    start is openTSNE's PCA initialisation. Neighbours are exact up to `_TSNE_EXACT` words, annoy's
    beyond. The interpolation grid is coarser than openTSNE's default, where it costs the most
    (its FFTs are numpy's, on one thread): two points per cell while the map is exaggerated (and
    small), cells `_TSNE_CELL` units wide once it spreads; benchmarks/bench_map.py measures what
    this keeps of each word's neighbours. `task` hears the progress before the neighbour search and
    every few iterations, and is looked at then: cancelled, it raises `Cancelled`. `threads`:
    openTSNE's (-1: every core).
    """
    from openTSNE import TSNE, OptimizationInterrupt

    X = np.asarray(X, dtype=np.float32)
    n = len(X)
    every = min(max(_TSNE_LOOKS // max(n, 1), 5), 50)  # each report costs openTSNE an evaluation of the KL
    n_iter = max(int(n_iter), _TSNE_EXAGGERATED + every)
    _enough(n, "t-SNE")
    task = task or Task.none()
    task.progress(0.0)
    task.check("projection cancelled")
    done = [0]

    def callback(iteration: int, error: float, embedding) -> bool:
        done[0] += every
        task.progress(min(done[0] / n_iter, 0.99))
        return task.cancelled

    tsne = TSNE(
        perplexity=min(float(perplexity), (n - 1) / 3),
        neighbors="exact" if n <= _TSNE_EXACT else "auto",
        n_jobs=threads,
        callbacks=callback,
        callbacks_every_iters=every,
        random_state=random_state,
    )
    embedding = tsne.prepare_initial(X)
    phases = ((_TSNE_EXAGGERATED, tsne.early_exaggeration, {"n_interpolation_points": 2}),
              (n_iter - _TSNE_EXAGGERATED, None, {"ints_in_interval": _TSNE_CELL}))
    try:
        for iterations, exaggeration, grid in phases:
            embedding.optimize(n_iter=iterations, exaggeration=exaggeration, momentum=0.8, inplace=True,
                               propagate_exception=True, **grid)
    except OptimizationInterrupt:  # a callback asked to stop: the task is cancelled
        raise Cancelled("projection cancelled") from None
    task.progress(1.0)
    return embedding


def umap_2d(
    X: np.ndarray,
    n_neighbors: int = 15,
    task: Task | None = None,
) -> np.ndarray:
    """UMAP map of the rows of `X`: (n, 2) float64, by umap-learn on every core (so not
    reproducible run to run). umap-learn reports only through tqdm, whose epochs give the
    progress; it has no way to stop, so it runs in a thread of its own: a cancel raises
    `Cancelled` at once and that thread finishes in the background, its result dropped."""
    X = np.asarray(X, dtype=np.float32)
    _enough(len(X), "UMAP")
    task = task or Task.none()
    task.progress(0.0)
    task.check("projection cancelled")
    with warnings.catch_warnings():  # umap-learn warns that its optional TensorFlow part is missing
        warnings.simplefilter("ignore", ImportWarning)
        import umap
    sink = _TqdmSink()
    result: dict = {}

    def run() -> None:
        try:
            reducer = umap.UMAP(n_neighbors=min(n_neighbors, len(X) - 1), n_jobs=-1,
                                tqdm_kwds={"disable": False, "file": sink, "bar_format": "{n}/{total}",
                                           "mininterval": 0.2})
            result["xy"] = reducer.fit_transform(X)
        except BaseException as exc:  # handed to the waiting thread
            result["error"] = exc

    worker = threading.Thread(target=run, name="umap", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(_UMAP_POLL)
        task.progress(sink.fraction)
        task.check("projection cancelled")
    if "error" in result:
        raise result["error"]
    task.progress(1.0)
    return np.asarray(result["xy"], dtype=np.float64)


class _TqdmSink:
    """A file for tqdm with bar_format "{n}/{total}": keeps the share of epochs done."""

    fraction = 0.0

    def write(self, text: str) -> None:
        if m := re.search(r"(\d+)/(\d+)", text):
            self.fraction = min(int(m[1]) / max(int(m[2]), 1), 0.99)

    def flush(self) -> None:
        pass


def _enough(n: int, name: str) -> None:
    if n < MIN_POINTS:
        raise W2VError(f"{name} needs at least {MIN_POINTS} words, not {n}")


def project_2d(
    X: np.ndarray,
    method: str,
    task: Task | None = None,
) -> np.ndarray:
    """The rows of `X`, scaled to unit length (cosine geometry), mapped to 2D by `method`
    (one of METHODS, default settings)."""
    X = unit_rows(X)
    if method == "pca":
        task = task or Task.none()
        task.progress(0.0)
        task.check("projection cancelled")
        xy = pca_2d(X)
        task.progress(1.0)
        return xy
    if method == "tsne":
        return tsne_2d(X, task=task)
    if method == "umap":
        return umap_2d(X, task=task)
    raise W2VError(f'unknown projection method "{method}" (use {", ".join(METHODS)})')


def axes_of_pca(ratio: np.ndarray) -> tuple[str, str]:
    """The names of a PCA map's axes: each principal axis with its share of the variance."""
    return tuple(f"PC{i + 1} ({100 * float(r):.1f}% of the variance)" for i, r in enumerate(ratio[:2]))


def project_2d_named(X: np.ndarray, method: str, task: Task | None = None) -> tuple[np.ndarray, tuple[str, str] | None]:
    """`project_2d` with its axes' names where they mean something (PCA: `axes_of_pca`); None for
    t-SNE and UMAP, whose axes have no meaning of their own."""
    if method != "pca":
        return project_2d(X, method, task), None
    task = task or Task.none()
    X = unit_rows(X)
    task.progress(0.0)
    task.check("projection cancelled")
    basis = pca_fit(X, 2)
    xy = pca_apply(basis, X)
    task.progress(1.0)
    return xy, axes_of_pca(basis.explained_variance_ratio)

"""2D projections: PCA against scikit-learn, Procrustes, t-SNE (openTSNE) and UMAP with progress and cancel."""


import numpy as np
import pytest
from sklearn.decomposition import PCA

from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.support.task import Task
from w2vstudio.core.map.projection import (
    pca_2d,
    pca_apply,
    pca_fit,
    procrustes_align,
    project_2d,
    tsne_2d,
    umap_2d,
    unit_rows,
)


def clusters(n=60, dim=10, k=3, seed=0):
    """`n` points around `k` well separated centres, and the centre of each point."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % k
    centres = rng.standard_normal((k, dim)) * 6
    return (centres[labels] + rng.standard_normal((n, dim))).astype(np.float32), labels


@pytest.fixture
def X():
    rng = np.random.default_rng(1)
    return rng.standard_normal((80, 6)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5, 0.1])


def test_pca_matches_sklearn_up_to_sign(X):
    ours = pca_2d(X)
    theirs = PCA(n_components=2).fit_transform(X)
    for j in range(2):
        sign = np.sign(ours[:, j] @ theirs[:, j])
        np.testing.assert_allclose(ours[:, j], sign * theirs[:, j], atol=1e-8)


def test_pca_matches_an_svd_up_to_sign():
    X = np.random.default_rng(3).standard_normal((2_000, 100)) @ np.diag(np.linspace(3, 0.1, 100))
    _, singular, vt = np.linalg.svd(X - X.mean(axis=0), full_matrices=False)
    basis = pca_fit(X, n_components=3)
    signs = np.sign(np.sum(basis.components * vt[:3], axis=1))
    np.testing.assert_allclose(basis.components, signs[:, None] * vt[:3], atol=1e-8)
    np.testing.assert_allclose(basis.explained_variance_ratio, singular[:3] ** 2 / np.sum(singular**2))


def test_pca_basis_is_ordered_orthonormal_and_signed(X):
    basis = pca_fit(X, n_components=4)
    ratio = basis.explained_variance_ratio
    assert np.all(np.diff(ratio) <= 0) and 0 < ratio.sum() <= 1
    np.testing.assert_allclose(ratio, PCA(n_components=4).fit(X).explained_variance_ratio_)
    np.testing.assert_allclose(basis.components @ basis.components.T, np.eye(4), atol=1e-12)
    peaks = basis.components[np.arange(4), np.abs(basis.components).argmax(axis=1)]
    assert np.all(peaks > 0)
    # the sign rule makes the result independent of the order of the rows
    order = np.random.default_rng(0).permutation(len(X))
    np.testing.assert_allclose(pca_2d(X[order]), pca_2d(X)[order], atol=1e-10)


def test_pca_basis_applies_to_other_points(X):
    basis = pca_fit(X)
    np.testing.assert_allclose(pca_apply(basis, X[:5]), pca_2d(X)[:5])
    assert pca_apply(basis, X[:5] + 1.0).shape == (5, 2)


def test_pca_of_degenerate_data_is_finite():
    assert pca_2d(np.ones((1, 4))).tolist() == [[0.0, 0.0]]
    xy = pca_2d(np.arange(3.0)[:, None])  # one dimension: the second axis is zero
    assert np.all(xy[:, 1] == 0) and np.all(np.isfinite(xy))


@pytest.mark.parametrize("scale", [1.0, 2.5])
@pytest.mark.parametrize("reflect", [False, True])
def test_procrustes_recovers_a_known_transform(X, scale, reflect):
    reference = X[:, :2]
    angle = 0.7
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    if reflect:
        rotation = rotation @ np.diag([1.0, -1.0])
    moving = scale * reference @ rotation.T + np.array([3.0, -4.0])
    aligned = procrustes_align(reference, moving, scale=scale != 1.0)
    np.testing.assert_allclose(aligned, reference, atol=1e-9)


def test_procrustes_rejects_different_shapes(X):
    with pytest.raises(ValueError):
        procrustes_align(X[:, :2], X[:10, :2])


def test_tsne_separates_clusters_and_reports_progress():
    points, labels = clusters()
    reports = []
    xy = tsne_2d(points, perplexity=10, n_iter=500, task=Task(lambda fraction, _: reports.append(fraction)))
    assert xy.shape == (len(points), 2) and np.all(np.isfinite(xy))
    assert reports[0] == 0.0 and reports[-1] == 1.0 and reports == sorted(reports)
    d = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    assert np.mean(labels[d.argmin(axis=1)] == labels) > 0.95


def test_tsne_is_deterministic():
    points, _ = clusters(n=30)
    np.testing.assert_array_equal(tsne_2d(points, n_iter=250), tsne_2d(points, n_iter=250))


def test_tsne_cancel_stops_it():
    points, _ = clusters()
    reports = []

    def progress(fraction, _):
        reports.append(fraction)
        if fraction >= 0.25:
            task.cancel()

    task = Task(progress)
    with pytest.raises(Cancelled):
        tsne_2d(points, n_iter=1000, task=task)
    assert reports[0] == 0.0 and reports == sorted(reports) and 0.25 <= reports[-1] < 0.3


def test_tsne_needs_a_few_points():
    with pytest.raises(W2VError, match="at least"):
        tsne_2d(np.eye(3))


def test_project_2d_maps_unit_rows():
    points, _ = clusters(n=20)
    scaled = points * np.linspace(0.5, 3, len(points))[:, None]
    np.testing.assert_allclose(project_2d(scaled, "pca"), pca_2d(unit_rows(points)), atol=1e-6)
    task = Task()
    task.cancel()
    with pytest.raises(Cancelled):
        project_2d(points, "pca", task)
    with pytest.raises(W2VError, match="unknown projection method"):
        project_2d(points, "mds")


def test_umap_separates_clusters_and_reports_progress():
    points, labels = clusters()
    reports = []
    xy = project_2d(points, "umap", Task(lambda fraction, _: reports.append(fraction)))
    assert xy.shape == (len(points), 2) and np.all(np.isfinite(xy))
    assert reports[0] == 0.0 and reports[-1] == 1.0 and reports == sorted(reports)
    d = np.linalg.norm(xy[:, None] - xy[None], axis=-1)
    np.fill_diagonal(d, np.inf)
    assert np.mean(labels[d.argmin(axis=1)] == labels) > 0.95


def test_umap_cancel_drops_the_result():
    points, _ = clusters()
    task = Task()
    task.cancel()
    with pytest.raises(Cancelled):
        umap_2d(points, task=task)
    with pytest.raises(W2VError, match="at least 5"):
        umap_2d(np.eye(4))


def test_a_pca_map_names_its_axes_by_their_explained_variance():
    from w2vstudio.core.map.projection import project_2d_named

    X = np.random.default_rng(0).standard_normal((60, 6)) * np.arange(1, 7)
    xy, axes = project_2d_named(X, "pca")
    ratio = PCA(2).fit(unit_rows(X)).explained_variance_ratio_
    assert axes == (f"PC1 ({100 * ratio[0]:.1f}% of the variance)", f"PC2 ({100 * ratio[1]:.1f}% of the variance)")
    np.testing.assert_allclose(xy, project_2d(X, "pca"))

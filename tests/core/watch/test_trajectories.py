"""Live-map coordinates: one PCA basis for all snapshots, Procrustes alignment undoing rotations."""

import numpy as np
import pytest

from w2vstudio.core.errors import W2VError
from w2vstudio.core.map.projection import pca_apply, pca_fit, unit_rows
from w2vstudio.core.watch.trajectories import snapshot_coordinates


@pytest.fixture
def base():
    rng = np.random.default_rng(0)
    return rng.standard_normal((40, 6)) * np.array([4.0, 2.0, 1.0, 0.5, 0.3, 0.2]) + 1.0


def test_one_pca_basis_from_the_latest_snapshot(base):
    rng = np.random.default_rng(1)
    snaps = [base + rng.standard_normal(base.shape) * s for s in (1.0, 0.3, 0.0)]
    xy = snapshot_coordinates(snaps)
    assert xy.shape == (3, 40, 2)
    basis = pca_fit(unit_rows(snaps[-1]), 2)
    for s, frame in zip(snaps, xy):
        np.testing.assert_allclose(frame, pca_apply(basis, unit_rows(s)), atol=1e-6)
    # the basis depends on the latest snapshot only: earlier ones keep their coordinates
    np.testing.assert_allclose(snapshot_coordinates(snaps[1:]), xy[1:], atol=1e-12)
    # unchanged vectors stay where they are; a scaled copy too (cosine geometry)
    np.testing.assert_allclose(snapshot_coordinates([snaps[-1] * 3, snaps[-1]])[0], xy[-1], atol=1e-6)


@pytest.mark.parametrize("align", ["latest", "previous"])
def test_procrustes_recovers_rotated_snapshots(base, align):
    rng = np.random.default_rng(2)
    rotations = [np.linalg.qr(rng.standard_normal((6, 6)))[0] for _ in range(4)]
    snaps = [unit_rows(base) @ q for q in rotations] + [unit_rows(base)]
    xy = snapshot_coordinates(snaps, align)
    for frame in xy:
        np.testing.assert_allclose(frame, xy[-1], atol=1e-6)
    assert np.abs(snapshot_coordinates(snaps) - xy[-1]).max() > 0.1  # without alignment they differ


def test_unknown_alignment_and_no_snapshots():
    with pytest.raises(W2VError, match="unknown alignment"):
        snapshot_coordinates([np.ones((3, 2))], "sideways")
    assert snapshot_coordinates([]).shape == (0, 0, 2)

"""The map's model against numpy: picking the nearest point, the points in a rectangle or a lasso,
and the neighbours of a word among those on the map."""

import subprocess
import sys

import numpy as np
import pytest

from w2vstudio.core.map.model import MapModel
from w2vstudio.core.vectors import KeyedVectors


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(0)
    n, dim = 500, 12
    words = [f"w{i}" for i in range(n)]
    return KeyedVectors(words, rng.standard_normal((n, dim)).astype(np.float32), np.arange(n, 0, -1))


@pytest.fixture
def model(kv):
    model = MapModel()
    model.set_points(kv.words, np.random.default_rng(1).uniform(-5, 5, (len(kv), 2)), kv.counts)
    model.set_vectors(kv)
    return model


def test_picking_equals_a_brute_force_nearest(model):
    xy = model.xy
    for x, y in np.random.default_rng(2).uniform(-6, 6, (300, 2)):
        d = np.hypot(*(xy - (x, y)).T)
        best = int(d.argmin())
        assert model.nearest(x, y, 0.3) == (best if d[best] <= 0.3 else None)
    assert MapModel().nearest(0, 0, 1) is None


def test_rectangle_selection_equals_a_numpy_mask(model):
    xy = model.xy
    for x0, y0, x1, y1 in [(-1, -2, 3, 1), (4, 4, -4, -4), (-9, -9, 9, 9), (7, 7, 8, 8)]:
        lo, hi = np.minimum((x0, y0), (x1, y1)), np.maximum((x0, y0), (x1, y1))
        expected = np.flatnonzero(((xy >= lo) & (xy <= hi)).all(axis=1))
        np.testing.assert_array_equal(model.in_rect(x0, y0, x1, y1), expected)
        np.testing.assert_array_equal(model.in_rect(x0, y0, x1, y1, limit=10), expected[:10])


def test_lasso_selection_equals_a_numpy_mask(model):
    xy = model.xy
    triangle = np.array([[0, 0], [4, 0], [0, 4]])
    expected = np.flatnonzero((xy[:, 0] > 0) & (xy[:, 1] > 0) & (xy.sum(axis=1) < 4))
    np.testing.assert_array_equal(model.in_polygon(triangle), expected)


def test_neighbours_are_the_nearest_by_cosine_among_the_words_on_the_map(model, kv):
    shown = kv.words[3::2]
    model.set_points(shown, np.zeros((len(shown), 2)))
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    rows = [kv.index(w) for w in shown if w != "w5"]
    cosines = unit[rows] @ unit[5]
    best = np.argsort(-cosines)[:6]
    found = model.neighbours("w5", 6)
    assert [w for w, _ in found] == [kv.words[rows[i]] for i in best]
    np.testing.assert_allclose([s for _, s in found], cosines[best], rtol=1e-5)
    assert model.neighbours("w5", 0) == [] and model.neighbours("nope", 3) == []


def test_neighbours_follow_the_vectors_set(model, kv):
    frame = KeyedVectors(kv.words, kv.vectors[::-1].copy(), kv.counts)  # another snapshot of the same words
    model.set_vectors(frame)
    assert model.neighbours("w7", 5) == frame.most_similar("w7", topn=5)
    model.set_vectors(None)
    assert model.neighbours("w7", 5) == []


def test_points_moved_or_changed(model, kv):
    words = model.words
    assert model.set_points(kv.words, model.xy + 1, kv.counts)  # the same words: only moved
    assert model.words is words
    assert not model.set_points(kv.words, model.xy, None)  # counts changed
    assert not model.set_points(kv.words[:10], np.zeros((10, 2)))
    assert len(model) == 10 and "w9" in model and "w10" not in model
    np.testing.assert_array_equal(model.rows(["w3", "w99", "w1"]), [3, 1])


def test_the_model_imports_no_qt():
    code = "import sys, w2vstudio.core.map.model; sys.exit(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0

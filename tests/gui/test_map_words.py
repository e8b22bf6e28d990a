"""Words on the map (issue #14): labels that fit without overlapping, most frequent first, more
as one zooms in, only in the visible region; region names by their most frequent words."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

import numpy as np
import pyqtgraph as pg
import pytest

from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.map.map_panel import MapPanel

TIMEOUT = 60_000


@pytest.fixture
def panel(qtbot):
    p = MapPanel()
    qtbot.addWidget(p)
    p.resize(900, 700)
    p.show()
    qtbot.waitExposed(p)
    return p


@pytest.fixture
def mapped(qtbot, panel):
    rng = np.random.default_rng(0)
    n, dim = 2_000, 16
    centres = rng.standard_normal((6, dim)) * 3
    vectors = (centres[np.arange(n) % 6] + rng.standard_normal((n, dim))).astype(np.float32)
    kv = KeyedVectors([f"w{i}" for i in range(n)], vectors, np.arange(n, 0, -1))
    panel.configure(method="pca", n=n)
    with qtbot.waitSignal(panel.projected, timeout=TIMEOUT):
        panel.set_vectors(kv)
    return panel


def test_words_are_drawn_most_frequent_first_and_more_when_zoomed(mapped):
    labels = mapped.word_labels
    labels.place_now()
    shown = labels.shown_words
    assert shown and shown[0] == "w0" and len(shown) < 2_000
    ranks = [int(w[1:]) for w in shown]
    assert ranks == sorted(ranks)
    x, y = mapped.coordinates[int(shown[-1][1:])]
    view = mapped.findChild(pg.PlotWidget).getViewBox()
    view.setRange(xRange=(x - 0.05, x + 0.05), yRange=(y - 0.05, y + 0.05), padding=0)
    labels.place_now()
    zoomed = labels.shown_words
    assert set(zoomed) - set(shown)
    xy = mapped.coordinates[[int(w[1:]) for w in zoomed]]
    (x0, x1), (y0, y1) = view.viewRange()
    assert ((xy[:, 0] >= x0) & (xy[:, 0] <= x1) & (xy[:, 1] >= y0) & (xy[:, 1] <= y1)).all()
    labels.show_words(False)
    labels.place_now()
    assert labels.shown_words == []


def test_regions_are_named(qtbot, mapped):
    with qtbot.waitSignal(mapped.word_labels.regions_named, timeout=TIMEOUT):
        mapped.word_labels.show_regions(True)
    names = mapped.word_labels.region_names
    assert 1 < len(names) <= 12
    assert all(word in mapped.words for name in names for word in name.split())
    mapped.word_labels.show_regions(False)
    assert mapped.word_labels.region_names == []

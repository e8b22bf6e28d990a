"""The Map map_panel: PCA and t-SNE projections in a job, selection with neighbours, search, export."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

import csv

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QLineEdit, QToolTip

from w2vstudio.core.map.projection import project_2d
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import workers

TIMEOUT = 60_000


def make_kv(n=200, dim=16, counts=True, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((8, dim)) * 3
    vectors = (centres[np.arange(n) % 8] + rng.standard_normal((n, dim))).astype(np.float32)
    words = [f"w{i}" for i in range(n)]
    return KeyedVectors(words, vectors, np.arange(n, 0, -1) * 10 if counts else None)


@pytest.fixture
def kv():
    return make_kv()


def project(qtbot, map_panel, kv, **options):
    map_panel.configure(**options)
    with qtbot.waitSignal(map_panel.projected, timeout=TIMEOUT):
        map_panel.set_vectors(kv)


def select(qtbot, map_panel, word):
    """Select `word` and wait for its neighbours, searched in a worker."""
    with qtbot.waitSignal(map_panel.neighbours_shown, timeout=TIMEOUT):
        assert map_panel.select_word(word)


def view_of(map_panel):
    return map_panel.findChild(pg.PlotWidget).getViewBox()


def visible_labels(map_panel):
    items = view_of(map_panel).addedItems
    return [i.textItem.toPlainText() for i in items if isinstance(i, pg.TextItem) and i.isVisible()]


def scene_pos(map_panel, word):
    return view_of(map_panel).mapViewToScene(QPointF(*map_panel.coordinates[map_panel.words.index(word)]))


def test_pca_map_shows_the_n_most_frequent_words(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv, method="pca", n=120)
    assert map_panel.words == kv.words[:120]
    np.testing.assert_allclose(map_panel.coordinates, project_2d(kv.vectors[:120], "pca"))
    assert len(map_panel.drawn()[0]) == 120
    assert not map_panel.is_busy()
    qtbot.waitUntil(lambda: not workers.running())


def test_select_word_highlights_its_k_nearest_neighbours(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv, n=len(kv), k=5)
    with qtbot.waitSignal(map_panel.neighbours_shown, timeout=TIMEOUT):
        assert map_panel.select_word("w7")
        assert map_panel.neighbours == []  # searched in a worker, heard through the event loop
    assert map_panel.selected_word == "w7"
    assert map_panel.neighbours == kv.most_similar("w7", topn=5)
    shown = visible_labels(map_panel)  # the neighbours' labels that overlap none nearer are shown
    assert "w7" in shown and set(shown) <= {"w7", *(w for w, _ in map_panel.neighbours)}
    with qtbot.waitSignal(map_panel.neighbours_shown, timeout=TIMEOUT):
        map_panel.configure(k=3)  # changing k updates the selection
    assert [w for w, _ in map_panel.neighbours] == [w for w, _ in kv.most_similar("w7", topn=3)]
    map_panel.clear_selection()
    assert visible_labels(map_panel) == []


def test_neighbours_are_those_on_the_map(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv, n=50, k=4)
    select(qtbot, map_panel, "w3")
    assert map_panel.neighbours == kv.most_similar("w3", topn=4, restrict_vocab=50)
    # any set of words: nearest by cosine among them, in the full space
    shown = kv.words[1::3]
    map_panel.set_coordinates(shown, np.zeros((len(shown), 2)))
    select(qtbot, map_panel, "w4")
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    rows = [kv.index(w) for w in shown if w != "w4"]
    best = np.array(rows)[np.argsort(-(unit[rows] @ unit[4]))[:4]]
    assert [w for w, _ in map_panel.neighbours] == [kv.words[i] for i in best]


def test_unknown_words_are_not_selected(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv, n=50)
    assert not map_panel.select_word("w100")  # a word of the vectors, off the map
    assert "not among the 50 words" in map_panel.status
    assert not map_panel.select_word("w1x")
    assert "did you mean" in map_panel.status
    assert map_panel.selected_word is None


def test_search_flies_to_the_word(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv)
    search = map_panel.findChild(QLineEdit)
    qtbot.keyClicks(search, "w42")
    with qtbot.waitSignal(map_panel.word_activated, timeout=TIMEOUT) as activated:
        qtbot.keyClick(search, Qt.Key.Key_Return)
    assert activated.args == ["w42"] and map_panel.selected_word == "w42"
    qtbot.waitUntil(lambda: bool(map_panel.neighbours), timeout=TIMEOUT)  # then the view fits them
    (x0, x1), (y0, y1) = view_of(map_panel).viewRange()
    x, y = map_panel.coordinates[42]
    assert x0 < x < x1 and y0 < y < y1
    assert x1 - x0 < np.ptp(map_panel.coordinates[:, 0]) / 2  # zoomed in
    map_panel.reset_view()
    (x0, x1), _ = view_of(map_panel).viewRange()
    assert x0 <= map_panel.coordinates[:, 0].min() and map_panel.coordinates[:, 0].max() <= x1


def test_click_selects_and_hover_shows_the_nearest_word(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv)
    with qtbot.waitSignal(map_panel.neighbours_shown, timeout=TIMEOUT):
        map_panel.fly_to("w5")  # zoomed in: the word is alone under the cursor
    plot = map_panel.findChild(pg.PlotWidget)
    pos = plot.mapFromScene(scene_pos(map_panel, "w5"))
    qtbot.mouseMove(plot.viewport(), pos)
    qtbot.waitUntil(lambda: QToolTip.text() == "w5\ncount 1,950")
    map_panel.clear_selection()
    with qtbot.waitSignal(map_panel.word_activated, timeout=TIMEOUT) as activated:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert activated.args == ["w5"] and map_panel.selected_word == "w5"
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)


def test_set_coordinates_reuses_the_plot_items(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv, k=3)
    select(qtbot, map_panel, "w1")
    items = list(view_of(map_panel).addedItems)
    moved = map_panel.coordinates + 1.0
    colours = map_panel.drawn()[1]
    map_panel.set_coordinates(map_panel.words, moved, kv.counts[: len(map_panel.words)])  # same words: points move
    assert view_of(map_panel).addedItems == items
    points, again, highlighted = map_panel.drawn()
    np.testing.assert_allclose(points, moved)
    assert again == colours
    assert map_panel.selected_word == "w1" and len(map_panel.neighbours) == 3
    np.testing.assert_allclose(highlighted[-1], moved[1])


def test_colour_by_frequency_needs_counts(qtbot, map_panel):
    project(qtbot, map_panel, make_kv(counts=False))
    assert not map_panel.findChild(QCheckBox).isEnabled()
    project(qtbot, map_panel, make_kv())
    assert map_panel.findChild(QCheckBox).isEnabled()
    assert len(set(map_panel.drawn()[1])) > 10


def test_exports(qtbot, map_panel, kv, tmp_path):
    project(qtbot, map_panel, kv, n=30)
    map_panel.export_csv(tmp_path / "map.csv")
    with open(tmp_path / "map.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["word", "x", "y", "count"] and len(rows) == 31
    assert rows[3][0] == "w2" and int(rows[3][3]) == kv.counts[2]
    np.testing.assert_allclose([[float(r[1]), float(r[2])] for r in rows[1:]], map_panel.coordinates)
    map_panel.export_png(tmp_path / "map.png")
    image = QImage(str(tmp_path / "map.png"))
    assert not image.isNull() and image.width() > 100


def test_tsne_runs_in_a_job_and_leaves_no_thread(qtbot, map_panel, kv):
    reports = []
    map_panel.progressed.connect(reports.append)
    project(qtbot, map_panel, kv, method="tsne", n=40)
    xy = map_panel.coordinates
    assert xy.shape == (40, 2) and np.all(np.isfinite(xy))
    assert reports[-1] == 1.0 and reports == sorted(reports)
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)


def test_cancel_stops_tsne(qtbot, map_panel, kv):
    map_panel.configure(method="tsne", n=60)
    with qtbot.waitSignal(map_panel.progressed, timeout=TIMEOUT):
        map_panel.set_vectors(kv)
    assert map_panel.is_busy()
    with qtbot.assertNotEmitted(map_panel.projected, wait=100):
        map_panel.cancel()
    assert not map_panel.is_busy() and map_panel.words == []
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)
    # a cancelled run leaves the map_panel ready for the next one
    project(qtbot, map_panel, kv, method="pca")
    assert len(map_panel.words) == 60


def test_unselecting_a_word_takes_its_neighbours_from_the_status_line(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv, method="pca", n=100)
    shown = map_panel.status
    select(qtbot, map_panel, "w3")
    assert map_panel.status.startswith("w3: ")
    map_panel.clear_selection()
    assert map_panel.status == shown and "w3" not in map_panel.status


def test_a_pca_map_names_its_axes_with_their_share_of_the_variance(qtbot, map_panel, kv):
    project(qtbot, map_panel, kv, method="pca", n=100)
    x, y = map_panel.axis_label("bottom"), map_panel.axis_label("left")
    assert x.startswith("PC1 (") and x.endswith("% of the variance)") and y.startswith("PC2 (")
    assert float(x[5:].split("%")[0]) >= float(y[5:].split("%")[0]) > 0

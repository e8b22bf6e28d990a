"""Words on the map: labels that fit without overlapping, most frequent first, more
as one zooms in, only in the visible region; region names by their most frequent words."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

import csv
import io

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QPushButton

from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.map.legend import FrequencyLegend, RegionLegend

TIMEOUT = 60_000


@pytest.fixture
def mapped(qtbot, map_panel):
    rng = np.random.default_rng(0)
    n, dim = 2_000, 16
    centres = rng.standard_normal((6, dim)) * 3
    vectors = (centres[np.arange(n) % 6] + rng.standard_normal((n, dim))).astype(np.float32)
    kv = KeyedVectors([f"w{i}" for i in range(n)], vectors, np.arange(n, 0, -1))
    map_panel.configure(method="pca", n=n)
    with qtbot.waitSignal(map_panel.projected, timeout=TIMEOUT):
        map_panel.set_vectors(kv)
    return map_panel


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


def test_regions_are_named_and_coloured_with_their_legend(qtbot, mapped):
    by_frequency = mapped.drawn()[1]
    regions = next(c for c in mapped.findChildren(QCheckBox) if c.text() == "Regions")
    with qtbot.waitSignal(mapped.word_labels.regions_named, timeout=TIMEOUT):
        regions.setChecked(True)
    names = mapped.word_labels.region_names
    assert 1 < len(names) <= 12
    assert all(word in mapped.words for name in names for word in name.split())
    legend = mapped.findChild(RegionLegend)
    assert legend.isVisible() and legend.names == names
    assert len(set(mapped.drawn()[1])) == len(names) and not mapped.findChild(FrequencyLegend).isVisible()
    regions.setChecked(False)
    assert mapped.word_labels.region_names == [] and not legend.isVisible()
    assert mapped.drawn()[1] == by_frequency


def test_a_lasso_selects_words_to_list_pin_and_export(qtbot, mapped, tmp_path):
    xy = mapped.coordinates
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    square = np.array([[x0 - 1, y0 - 1], [mx, y0 - 1], [mx, my], [x0 - 1, my]])
    chosen = mapped.select_in_polygon(square)
    inside = np.flatnonzero((xy[:, 0] < mx) & (xy[:, 1] < my))
    assert chosen == [mapped.words[i] for i in inside] and chosen and mapped.selection.isVisible()
    np.testing.assert_array_equal(mapped.lasso.marked, xy[inside])  # ringed on the map
    with qtbot.waitSignal(mapped.selection.pin_requested) as pinned:
        next(b for b in mapped.selection.findChildren(QPushButton) if b.text() == "Pin").click()
    assert pinned.args == [chosen]
    out = tmp_path / "selection.csv"
    mapped.selection.export_csv(str(out))
    table = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert table[0] == ["word", "x", "y", "count"] and [r[0] for r in table[1:]] == chosen
    assert mapped.select_in_polygon(np.array([[1e6, 1e6], [2e6, 1e6], [2e6, 2e6]])) == []
    assert not mapped.selection.isVisible() and not len(mapped.lasso.marked)


def test_the_lasso_draws_with_the_mouse(qtbot, mapped):
    checkbox = next(c for c in mapped.findChildren(QCheckBox) if c.text() == "Lasso")
    checkbox.setChecked(True)
    widget = mapped.findChild(pg.PlotWidget)
    view = widget.getViewBox()
    rect = widget.viewport().rect()
    corners = [rect.center() + QPoint(dx, dy) for dx, dy in ((-150, -150), (150, -150), (150, 150), (-150, 150))]
    a, b = (view.mapSceneToView(widget.mapToScene(corners[i])) for i in (0, 2))
    drag(widget.viewport(), corners)
    xy = mapped.coordinates
    inside = ((xy[:, 0] > min(a.x(), b.x())) & (xy[:, 0] < max(a.x(), b.x()))
              & (xy[:, 1] > min(a.y(), b.y())) & (xy[:, 1] < max(a.y(), b.y())))
    assert mapped.selection.words == [w for w, keep in zip(mapped.words, inside) if keep]
    assert mapped.selection.words  # drawn around, not panned


def drag(viewport, points):
    """A left-button drag through `points` (viewport coordinates)."""
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    events = [(QEvent.Type.MouseButtonPress, points[0], left, left)]
    events += [(QEvent.Type.MouseMove, p, none, left) for p in points[1:] + points[:1]]
    events += [(QEvent.Type.MouseButtonRelease, points[0], left, none)]
    for kind, point, button, buttons in events:
        pos = QPointF(point)
        event = QMouseEvent(kind, pos, viewport.mapToGlobal(pos), button, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, event)
        QTest.qWait(40)  # pyqtgraph merges mouse moves closer together than this


def test_the_colour_scale_is_shown_with_its_counts(mapped):
    legend = mapped.findChild(FrequencyLegend)
    assert legend.isVisible() and legend.scale == ("1", "2,000")
    next(c for c in mapped.findChildren(QCheckBox) if c.text() == "Colour by frequency").setChecked(False)
    assert not legend.isVisible()


def test_words_selected_on_the_map_are_pinned(window):
    map_panel = window.live_map.map_panel
    window.session.set_pins(["w1"])
    map_panel.selection.set_selection(["w1", "w2", "w3"], np.zeros((3, 2)), None)
    pin = next(b for b in map_panel.selection.findChildren(QPushButton) if b.text() == "Pin")
    pin.click()
    assert window.session.pins == ["w1", "w2", "w3"]


def test_word_labels_keep_off_the_selections_labels(qtbot, mapped):
    from PySide6.QtWidgets import QGraphicsSimpleTextItem

    with qtbot.waitSignal(mapped.neighbours_shown, timeout=TIMEOUT):
        mapped.select_word("w3")
    plot = mapped.findChild(pg.PlotWidget)
    plot.getPlotItem().getViewBox().scaleBy((1 / 20, 1 / 20), center=tuple(mapped.coordinates[3]))  # room for all
    mapped.word_labels.place_now()
    qtbot.wait(50)  # painted: each label's transform undoes the new scale
    items = plot.getPlotItem().items
    selection = [i for i in items if isinstance(i, pg.TextItem) and i.isVisible()]
    words = [i for i in items if isinstance(i, QGraphicsSimpleTextItem) and i.isVisible()]
    assert len(selection) == 11 and words
    named = {label.toPlainText() for label in selection}
    assert not named & set(mapped.word_labels.shown_words)  # each word named once

    def on_screen(item):
        return item.deviceTransform(plot.viewportTransform()).mapRect(item.boundingRect())

    for word in words:  # (a scene rectangle is wrong for an item that ignores the view's scale)
        box = on_screen(word)
        under = [label.toPlainText() for label in selection if box.intersects(on_screen(label))]
        assert not under, (word.text(), under)


def test_the_selections_labels_do_not_overlap_when_zoomed_out(qtbot, mapped):
    with qtbot.waitSignal(mapped.neighbours_shown, timeout=TIMEOUT):
        mapped.select_word("w3")
    plot = mapped.findChild(pg.PlotWidget)
    view = plot.getPlotItem().getViewBox()

    def labels():
        return [i for i in plot.getPlotItem().items if isinstance(i, pg.TextItem) and i.isVisible()]

    def on_screen(item):
        return item.deviceTransform(plot.viewportTransform()).mapRect(item.boundingRect())

    view.scaleBy((20, 20))  # zoomed far out: the neighbours' points all but meet
    qtbot.wait(50)  # painted: each label's transform undoes the new scale
    shown = labels()
    assert "w3" in {label.toPlainText() for label in shown} and 1 <= len(shown) < 11
    boxes = [on_screen(label) for label in shown]
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.intersects(b)]
    view.scaleBy((1 / 400, 1 / 400))  # zoomed in: there is room for every label
    assert len(labels()) == 11


def test_a_pinned_words_trail_names_it_not_the_selection(qtbot, mapped):
    from w2vstudio.gui.map.word_labels import TRAILS

    x, y = mapped.coordinates[3]
    mapped.word_labels.set_named_elsewhere(TRAILS, [("w3", x, y, 30.0, 40.0)])  # as the live map's trail does
    with qtbot.waitSignal(mapped.neighbours_shown, timeout=TIMEOUT):
        mapped.select_word("w3")
    plot = mapped.findChild(pg.PlotWidget)
    plot.getPlotItem().getViewBox().scaleBy((1 / 20, 1 / 20))  # zoomed in: room for every neighbour's label
    named = [i.toPlainText() for i in plot.getPlotItem().items if isinstance(i, pg.TextItem) and i.isVisible()]
    assert len(named) == 10 and "w3" not in named


def test_the_selections_labels_keep_off_the_trails_labels(qtbot, mapped):
    from w2vstudio.gui.map.word_labels import TRAILS

    plot = mapped.findChild(pg.PlotWidget)
    view = plot.getPlotItem().getViewBox()
    view.scaleBy((1 / 20, 1 / 20), center=tuple(mapped.coordinates[3]))  # room for every label
    with qtbot.waitSignal(mapped.neighbours_shown, timeout=TIMEOUT):
        mapped.select_word("w3")
    neighbour = mapped.neighbours[0][0]
    x, y = mapped.coordinates[int(neighbour[1:])]
    mapped.word_labels.set_named_elsewhere(TRAILS, [("w1999", x, y, 400.0, 300.0)])  # a trail's label over it
    view.scaleBy((1.0001, 1.0001))  # any change of the view places the labels again
    qtbot.wait(50)
    at = plot.viewportTransform().map(view.mapViewToScene(pg.QtCore.QPointF(x, y)))
    trail = pg.QtCore.QRectF(at.x() - 200, at.y() - 150, 400, 300)
    shown = [i for i in plot.getPlotItem().items if isinstance(i, pg.TextItem) and i.isVisible()]
    covered = [label.toPlainText() for label in shown
               if label.toPlainText() != "w3"
               and label.deviceTransform(plot.viewportTransform()).mapRect(label.boundingRect()).intersects(trail)]
    assert not covered and neighbour not in {label.toPlainText() for label in shown}

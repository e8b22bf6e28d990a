"""The Change tab: two models aligned, the words that moved, a word's neighbours and aligned map."""

import numpy as np
import pyqtgraph as pg

from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.explore.change_panel import ChangePanel
from w2vstudio.gui.studio_session import Entry, StudioSession


def test_change_panel_ranks_shows_and_exports(qtbot, tmp_path):
    session = StudioSession()
    panel = ChangePanel(session)
    qtbot.addWidget(panel)
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(100)]
    base = rng.normal(size=(100, 8)).astype(np.float32)
    moved = base @ np.linalg.qr(rng.normal(size=(8, 8)))[0].astype(np.float32)
    moved[5] = rng.normal(size=8)
    session.add(Entry("first", KeyedVectors(words, base, np.arange(100, 0, -1))))
    panel.rank()
    assert "two different models" in panel.message.text()
    session.add(Entry("<i>second</i>", KeyedVectors(words, moved, np.arange(100, 0, -1))))
    assert (panel.first.currentText(), panel.second.currentText()) == ("first", "<i>second</i>")
    with qtbot.waitSignal(panel.ranked, timeout=30_000):
        panel.rank()
    assert panel.rows.word(0) == "w5" and panel.rows.rowCount() == 100
    assert panel.neighbours[1].toPlainText().startswith("w5 in <i>second</i>:")
    assert len(panel.plot.getPlotItem().items) == 2 * 22  # a point and a label each: 2 + 2 × 10
    with qtbot.waitSignal(panel.exported, timeout=30_000) as done:
        panel.export_to(str(tmp_path))
    assert [p.name for p in done.args[0]] == ["1-first.aligned.txt", "2-_i_second_i_.aligned.txt"]
    first, second = (load_vectors(p) for p in done.args[0])
    assert np.allclose(first.vectors[:5], second.vectors[:5], atol=0.05)  # one word moved: nearly aligned


def test_the_aligned_maps_labels_never_overlap_and_stay_in_view(qtbot):
    session = StudioSession()
    panel = ChangePanel(session)
    qtbot.addWidget(panel)
    panel.resize(1100, 600)
    panel.show()
    rng = np.random.default_rng(1)
    words = [f"a_rather_long_word_{i}" for i in range(100)]  # long labels on a small map: they would meet
    base = rng.normal(size=(100, 8)).astype(np.float32)
    moved = base.copy()
    moved[5] = rng.normal(size=8)
    session.add(Entry("first", KeyedVectors(words, base, np.arange(100, 0, -1))))
    session.add(Entry("second", KeyedVectors(words, moved, np.arange(100, 0, -1))))
    with qtbot.waitSignal(panel.ranked, timeout=30_000):
        panel.rank()
    qtbot.wait(50)
    view = panel.plot.getViewBox()
    labels = [item for item in view.allChildren() if isinstance(item, pg.TextItem) and item.isVisible()]
    assert len(labels) >= 8
    boxes = [label.mapRectToScene(label.boundingRect()) for label in labels]
    overlapping = [(a.textItem.toPlainText(), b.textItem.toPlainText())
                   for i, (a, box) in enumerate(zip(labels, boxes)) for b, other in zip(labels[i + 1:], boxes[i + 1:])
                   if box.intersected(other).width() > 1 and box.intersected(other).height() > 1]
    assert overlapping == []
    frame = view.sceneBoundingRect().adjusted(-1, -1, 1, 1)
    assert all(frame.contains(box) for box in boxes)  # no label cut by the plot's edge

"""The Inside tab at 1280 x 800: the step of a row shows whole, without scrolling, its plots' titles
within their plots; the tiny model's PCA labels stay inside the view and clear of each other."""

from itertools import pairwise

from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

from w2vstudio.gui.inside.inside_panel import InsidePanel
from w2vstudio.gui.studio_session import StudioSession


def _step_of_a_rare_output(window, qapp):
    """The Inside tab's first page at 1280 x 800, the step of a row whose output is not in the top 10
    (the longest bar chart title) applied 10 rounds."""
    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.inside_panel)
    window.inside_panel.setCurrentIndex(0)
    samples, step = window.inside_panel.samples_view, window.inside_panel.step_view
    samples.show_all()
    for row in range(samples.table.rowCount()):
        samples.table.selectRow(row)
        if step.step is not None and step.step.likelihood(topn=10).rank > 10:
            break
    assert step.step is not None and step.step.likelihood(topn=10).rank > 10
    step.apply(10)
    qapp.processEvents()
    return step


def test_the_step_shows_whole_at_1280x800(window, add_watched, qapp):
    add_watched(window, 0)
    step = _step_of_a_rare_output(window, qapp)
    assert step.units.isVisible() and step.rounds.isVisible()
    shown = step.visibleRegion().boundingRect()
    assert shown == step.rect(), f"{step.size().toTuple()} shown as {shown.size().toTuple()}: the step scrolls"


def test_the_step_tables_show_their_columns_whole_at_1280x800(window, add_watched, qapp):
    """The units' and the gradient's tables need no sideways scrolling (the sample list beside them took
    the room: "|Δ row|" was cut)."""
    add_watched(window, 0)
    step = _step_of_a_rare_output(window, qapp)
    for table in (step.units, step.gradient):
        header = table.horizontalHeader()
        need = header.length()
        assert need <= table.viewport().width(), (
            f"{[table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]}: "
            f"{need} px of columns in {table.viewport().width()}")


def test_the_step_plots_titles_fit_their_plots(window, add_watched, qapp):
    add_watched(window, 0)
    step = _step_of_a_rare_output(window, qapp)
    for plot in (step.bars, step.histogram, step.rounds):
        item = plot.getPlotItem()
        title = item.titleLabel.item.boundingRect().width()
        room = plot.viewport().width() if isinstance(plot, QAbstractScrollArea) else plot.width()
        assert title <= room, f"{item.titleLabel.text!r}: {title:.0f} px in a plot {room} px wide"
        assert item.sceneBoundingRect().width() <= room + 1, (
            f"{item.titleLabel.text!r}: the plot is laid out {item.sceneBoundingRect().width():.0f} px wide, shown in {room}")


def test_the_tiny_models_pca_labels_stay_inside_the_view_and_apart(qtbot, qapp):
    panel = InsidePanel(StudioSession())
    qtbot.addWidget(panel)
    panel.setCurrentIndex(1)
    panel.resize(1270, 690)  # the tab's room in a 1280 x 800 window
    panel.show()
    qtbot.waitExposed(panel)
    tiny = panel.tiny_view
    tiny.objective.setCurrentIndex(tiny.objective.findData("softmax"))
    tiny.reset()
    for _ in range(12):  # as the README's picture: 1,200 samples
        tiny.train(100)
    qapp.processEvents()
    view = tiny.map.getPlotItem().getViewBox().sceneBoundingRect()
    shown = [label for label in tiny.map_labels.labels if label.isVisible()]
    assert shown[0].toPlainText() == tiny.tiny.vocab.words[0] and len(shown) >= len(tiny.map_labels.labels) // 2
    for i, label in enumerate(shown):
        box = label.sceneBoundingRect()
        assert view.contains(box), f"{label.toPlainText()!r} {box} leaves the view {view}"
        for other in shown[i + 1:]:
            assert not box.intersects(other.sceneBoundingRect()), (label.toPlainText(), other.toPlainText())


def test_the_tiny_models_row_names_do_not_overlap(qtbot, qapp):
    panel = InsidePanel(StudioSession())
    qtbot.addWidget(panel)
    panel.setCurrentIndex(1)
    panel.resize(1270, 690)
    panel.show()
    qtbot.waitExposed(panel)
    tiny = panel.tiny_view
    tiny.train(1)
    qapp.processEvents()
    axis = tiny.e_plot.getAxis("left")
    named = [y for y, _ in axis._tickLevels[0]]
    per_row = tiny.e_plot.getViewBox().height() / len(tiny.tiny.vocab)
    tallest = QFontMetricsF(axis.style["tickFont"] or QApplication.font()).height()
    assert len(named) > 1 and min(b - a for a, b in pairwise(named)) * per_row >= tallest
    updated = tiny.status.text().split("updated: ")[1].split(", ")
    marked = [tiny.tiny.vocab.words[int(p.pos().y())] for p in tiny.e_updated.points()]
    assert sorted(marked) == sorted(updated)  # every updated row marked, named or not


def test_the_empty_steps_histogram_draws_no_true_word_and_keeps_its_top(window, qapp):
    """Before a row is picked the score histogram has no red line for a true word (there is none) and
    a title above it, so that its top tick is not cut."""
    window.resize(1280, 800)
    window.tabs.setCurrentWidget(window.inside_panel)
    window.inside_panel.setCurrentIndex(0)
    qapp.processEvents()
    step = window.inside_panel.step_view
    assert step.step is None
    lines = [item for item in step.histogram.getPlotItem().items if type(item).__name__ == "InfiniteLine"]
    assert lines and not any(line.isVisible() for line in lines)
    assert step.histogram.getPlotItem().titleLabel.text

"""The Inside tab at 1280 x 800: the step of a row shows whole, without scrolling, its plots' titles
within their plots; the tiny model's PCA labels stay inside the view and clear of each other."""

from PySide6.QtWidgets import QAbstractScrollArea


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

"""The training plots say what they show: axes labelled with units, no negative speed or loss when empty."""

from w2vstudio.core.train.trainer import BatchReport, EpochReport
from w2vstudio.gui.train.plots import TrainingPlots
from w2vstudio.gui.train.train_panel import epochs_text


def _y_range(plot):
    return plot.getPlotItem().getViewBox().viewRange()[1]


def _label(plot, side):
    return plot.getPlotItem().getAxis(side).labelText


def test_empty_plots_start_at_zero_and_every_axis_is_labelled(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.show()
    for plot in (plots.speed_plot, plots.rate_plot, plots.loss_plot):
        assert _y_range(plot) == [0.0, 1.0]
    for plot in (plots.loss_plot, plots.quality_plot, plots.speed_plot):
        assert _label(plot, "bottom") == "epochs"
    assert "nats" in _label(plots.loss_plot, "left")
    plots.clear(epochs=1)
    plots.add_reports([BatchReport(epoch=1, words_done=10, total_words=10, alpha=0.02, words_per_sec=5_000.0, loss=3.0,
                                   elapsed=1.0)], [EpochReport(1, 3.0, 1.0)])
    plots.set_quality([{"epoch": 1, "analogy": 0.2, "ws353": 0.1}])
    plots.redraw(everything=True)
    assert _y_range(plots.speed_plot)[0] == 0.0 and _y_range(plots.loss_plot)[0] >= 0.0
    low, high = plots.quality_plot.getPlotItem().getViewBox().viewRange()[0]
    assert low < 0 and high > 1  # the point at epoch 1 drawn whole


def test_epochs_are_counted_in_words():
    assert epochs_text(1) == "1 epoch" and epochs_text(2) == "2 epochs" and epochs_text(0) == "0 epochs"

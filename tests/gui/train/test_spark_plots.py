"""A model MLlib trained (`train --engine spark`) keeps no loss: the loss plot says so instead of
staying empty, and the next model's history brings the usual title back."""

from w2vstudio.core.train.model import Model
from w2vstudio.core.params import TrainParams
from w2vstudio.core.vocab import Vocabulary
from w2vstudio.gui.train.plots import LOSS_TITLE, NO_LOSS_TITLE, TrainingPlots


def title(plots) -> str:
    return plots.loss_plot.getPlotItem().titleLabel.text


def test_the_loss_plot_says_spark_reports_no_loss(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    model = Model.create(Vocabulary(["a", "b", "c"], [3, 2, 1]), TrainParams(dim=4, hs=True, negative=0))
    model.info["engine"] = {"name": "spark", "master": "local[1]", "partitions": 1, "spark_version": "4.3.0",
                            "seconds": 1.0}
    plots.show_history(model)
    assert title(plots) == NO_LOSS_TITLE and plots.batch_count == 0
    model.info.pop("engine")
    plots.show_history(model)
    assert title(plots) == LOSS_TITLE

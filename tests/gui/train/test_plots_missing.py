"""Per-epoch scores that are all missing (a corpus without the evaluation words) draw nothing and
never reach pyqtgraph as NaN symbols (whose bounds warn inside Qt's paint: a segfault under pytest)."""

import math

import numpy as np

from w2vstudio.gui.train.plots import TrainingPlots


def test_missing_scores_are_left_out_and_break_the_line(qtbot):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.show()
    plots.clear(3)
    plots.set_quality([{"epoch": 1, "analogy": None, "ws353": None}, {"epoch": 2, "analogy": None, "ws353": math.nan}])
    plots.set_heldout(np.array([1.0, 2.0]), np.array([math.nan, math.nan]))
    plots.redraw(everything=True)
    plots.grab()
    assert [len(x) for x, _ in (plots.drawn()["analogy"], plots.drawn()["ws353"])] == [0, 0]
    plots.set_quality([{"epoch": 1, "analogy": 0.1, "ws353": None}, {"epoch": 2, "analogy": None, "ws353": 0.3},
                       {"epoch": 3, "analogy": 0.2, "ws353": 0.4}])
    plots.redraw(everything=True)
    plots.grab()
    x, y = plots.drawn()["analogy"]
    assert x.tolist() == [1.0, 3.0] and y.tolist() == [0.1, 0.2]
    assert plots._quality_curves["analogy"].opts["connect"].tolist() == [0, 0]  # no line across epoch 2
    assert plots._quality_curves["ws353"].opts["connect"].tolist() == [1, 0]

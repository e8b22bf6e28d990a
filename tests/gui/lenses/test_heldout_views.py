"""The held-out curve beside the online loss, the Watch form's held-out switch, and the Likelihood
view's sightings axis and running mean."""

import numpy as np
import pytest

from tests.core.lenses.test_senses import planted_text
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.gui.lenses.lenses_panel import LensesPanel
from w2vstudio.gui.lenses.likelihood_view import SWING_NOTE, running_mean
from w2vstudio.gui.studio_session import StudioSession, model_entry
from w2vstudio.gui.train.plots import TrainingPlots
from w2vstudio.gui.train.watch_form import WatchForm


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    path = tmp_path_factory.mktemp("heldout") / "planted.txt"
    path.write_text(planted_text(n_lines=1500))
    params = TrainParams(dim=16, epochs=2, min_count=1, threads=1, batch_words=2_000, hs=True, negative=0)
    watch = WatchOptions(per_epoch=2, quality=False, probe_pairs=(("t0w1", "t0w2"),), heldout=0.05)
    return TrainingRun([path], params, watch).train()


def test_plots_show_the_heldout_curve_beside_the_loss(qtbot, trained):
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    plots.show_history(trained.model)
    x, y = plots.heldout
    assert len(x) == 5 and x[0] == 0 and x[-1] == pytest.approx(2.0)
    assert y.tolist() == [r["neg_log_p"] for r in trained.heldout.records()]
    assert not plots.heldout_note.isHidden() and "online loss" in plots.heldout_note.text()


def test_watch_form_keeps_back_a_slice_by_default(qtbot):
    form = WatchForm()
    qtbot.addWidget(form)
    assert form.options().heldout == 0.01
    form.heldout.setChecked(False)
    assert form.options().heldout == 0.0


def test_likelihood_against_sightings_and_running_mean(qtbot, trained):
    session = StudioSession()
    panel = LensesPanel(session)
    qtbot.addWidget(panel)
    session.add(model_entry("m", trained.model, saved=True))
    view = panel.likelihood_view
    assert view.swing.text() == SWING_NOTE
    view.axis.setCurrentIndex(1)
    curve = view.p_plot.getPlotItem().listDataItems()[0]
    seen = curve.getData()[0]
    assert seen[0] == 0 and np.all(np.diff(seen) >= 0) and seen[-1] > 0
    view.running.setChecked(True)
    assert running_mean(np.array([1.0, 3.0, np.nan, 5.0]), 2).tolist() == [1.0, 2.0, 3.0, 5.0]


def test_compare_overlays_two_runs_heldout_curves(qtbot, trained, tmp_path):
    from w2vstudio.gui.explore.compare_panel import ComparePanel

    path = tmp_path / "planted.txt"
    path.write_text(planted_text(n_lines=1500))
    params = TrainParams(dim=8, epochs=2, min_count=1, threads=1, batch_words=2_000, softmax=True, negative=0)
    other = TrainingRun([path], params, WatchOptions(per_epoch=2, quality=False, heldout=0.05)).train()
    session = StudioSession()
    panel = ComparePanel(session)
    qtbot.addWidget(panel)
    session.add(model_entry("hs", trained.model))
    assert panel.heldout_plot.getPlotItem().listDataItems() == []
    session.add(model_entry("softmax", other.model))
    items = panel.heldout_plot.getPlotItem().listDataItems()
    assert [i.name() for i in items] == ["hs", "softmax"]
    for item, result in zip(items, (trained, other)):
        x, y = item.getData()
        records = result.heldout.records()
        assert x.tolist() == [r["progress"] for r in records] and y.tolist() == [r["neg_log_p"] for r in records]
    assert panel.heldout_key.names == ["hs", "softmax"]  # the key, above the plot
    session.add(model_entry("no held-out", TrainingRun([path], params, WatchOptions(per_epoch=1, quality=False))
                            .train().model))
    panel.choose("softmax", "no held-out")
    assert [i.name() for i in panel.heldout_plot.getPlotItem().listDataItems()] == ["softmax"]
    assert "no held-out has no held-out curve" in panel.heldout_label.text()

"""A model's history on the Train tab's plots: a model opened from its file shows its batch losses,
learning rates, epoch means and per-epoch quality, the loss plot leads to its snapshots on the map,
and the plots follow the model explored."""

from dataclasses import replace

import numpy as np
import pytest

from w2vstudio.gui import workers
from w2vstudio.gui.train.plots import TrainingPlots
from w2vstudio.gui.studio_session import Entry

from tests.gui.watch.test_evolution import click_plot, wait_for_frames

TIMEOUT = 120_000


def plotted(plots) -> dict:
    """What the plots draw: each curve's (x, y) and the per-epoch evaluations."""
    return plots.drawn() | {"quality": plots.quality}


def assert_shows_history(plots, model):
    """The plots draw `model`'s stored history, on the live run's axis (epochs)."""
    drawn = plotted(plots)
    history = model.loss_history
    x = history[:, 0] / model.info["epoch_words"]
    assert len(history) > 4 and plots.batch_count == len(history)
    np.testing.assert_allclose(drawn["batch"][0], x)
    np.testing.assert_allclose(drawn["batch"][1], history[:, 2])
    np.testing.assert_allclose(drawn["rate"][0], x)
    np.testing.assert_allclose(drawn["rate"][1], history[:, 1])
    epochs = len(model.epoch_losses)
    np.testing.assert_allclose(drawn["mean"][0], np.repeat(np.arange(epochs + 1), 2)[1:-1])
    np.testing.assert_allclose(drawn["mean"][1], np.repeat(model.epoch_losses, 2))
    assert len(drawn["speed"][0]) == 0  # not stored
    assert drawn["quality"] == model.info["epoch_quality"] and len(drawn["quality"]) == epochs
    analogy = drawn["analogy"]
    np.testing.assert_allclose(analogy[0], [e["epoch"] for e in model.info["epoch_quality"]])


def test_an_opened_model_shows_its_history_and_leads_to_its_snapshots(qtbot, window, watched, tmp_path):
    w = window
    model, watch = watched[0]
    path = tmp_path / "skip-gram.npz"
    model.save(path)
    with qtbot.waitSignal(w.session.current_changed, timeout=TIMEOUT):
        w.open_paths([str(path)])
    plots = w.train_panel.plots
    assert_shows_history(plots, w.session.current.model)
    assert w.train_panel.stats.text().startswith("Plotted: the model explored, 2 epochs trained, last epoch loss")

    # a click on the loss plot shows that moment of training on the map, from the stored snapshots
    wait_for_frames(qtbot, w, len(watch.recorder))
    frames = w.evolution.frames
    w.tabs.setCurrentWidget(w.train_panel)
    click_plot(qtbot, plots.loss_plot, 1.3)
    shown = frames.nearest(1.3)
    assert w.tabs.currentWidget() is w.live_map and w.live_map.timeline.frame == shown > 0
    assert plots.marker == pytest.approx(frames.x[shown])
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_the_plots_follow_the_model_explored(qtbot, window, add_watched, watched):
    w = window
    skip_gram = add_watched(w, 0)
    plots = w.train_panel.plots
    assert_shows_history(plots, skip_gram.model)
    w.session.add(Entry("vectors only", skip_gram.kv))
    assert plots.batch_count == 0 and plots.quality == [] and plots.marker is None
    assert w.train_panel.stats.text().strip() == ""
    add_watched(w, 1)
    assert_shows_history(plots, watched[1][0])
    w.session.choose(skip_gram)
    assert_shows_history(plots, skip_gram.model)
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_a_live_run_keeps_its_plots_on_the_same_axis_as_its_history(qtbot, window, tiny_corpus, train):
    w = window
    w.open_corpus([tiny_corpus])
    outcome = train(w, epochs=3)
    qtbot.waitUntil(lambda: not w.train_panel.plots.stale)  # the last reports drawn
    live = plotted(w.train_panel.plots)
    assert len(live["speed"][0]) == len(live["batch"][0]) > 0  # the run's own plots, speeds with them
    trained = w.session.current
    w.session.add(Entry("vectors only", trained.kv))
    assert w.train_panel.plots.batch_count == 0
    w.session.choose(trained)
    again = plotted(w.train_panel.plots)
    for name in ("batch", "mean", "rate"):
        for a, b in zip(live[name], again[name]):
            np.testing.assert_allclose(a, b)
    assert again["quality"] == live["quality"] == outcome.model.info["epoch_quality"]
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_damaged_quality_entries_are_left_out(qtbot, watched):
    model = watched[0][0]
    plots = TrainingPlots()
    qtbot.addWidget(plots)
    good = {"epoch": 1, "analogy": 0.25, "ws353": None}
    plots.show_history(replace(model, info={"epoch_quality": [good, {"epoch": "2"}, 3, {"epoch": 3, "ws353": "high"}]}))
    assert plots.quality == [good] and plots.batch_count == len(model.loss_history)
    plots.show_history(replace(model, info={"epoch_quality": "none"}))
    assert plots.quality == []

"""The Lenses tab: probes over training, the frequency scatter and deciles, axes, senses."""

from types import SimpleNamespace

import numpy as np
import pytest

from tests.core.lenses.test_senses import planted_text
from w2vstudio.core.files.ensemble import Ensemble
from w2vstudio.core.lenses.frequency import deciles
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.core.train.model import Model
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.lenses.lenses_panel import LensesPanel
from w2vstudio.gui.studio_session import Entry, StudioSession, model_entry

PAIRS = (("t0w1", "t0w2"), ("t1w3", "the"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A model of the planted corpus, trained with snapshots and two probed pairs."""
    path = tmp_path_factory.mktemp("lenses") / "planted.txt"
    path.write_text(planted_text(n_lines=1500))
    params = TrainParams(dim=16, epochs=3, min_count=1, threads=1, batch_words=2_000)
    result = TrainingRun([path], params, WatchOptions(per_epoch=2, quality=False, probe_pairs=PAIRS)).train()
    return result


def _panel(qtbot, model=None, name="m"):
    session = StudioSession()
    panel = LensesPanel(session)
    qtbot.addWidget(panel)
    if model is not None:
        session.add(model_entry(name, model, saved=True))
    return session, panel


def test_likelihood_of_the_probed_pairs_over_training(qtbot, trained):
    session, panel = _panel(qtbot, trained.model)
    view = panel.likelihood_view
    assert view.pairs == list(PAIRS) and len(view.words) == len(trained.recorder) == 7
    assert view.readout.text().startswith("round 6 (") and "p(t0w2 | t0w1) = " in view.readout.text()
    assert "\u2212log p " in view.readout.text() and "\u03c3(v\u00b7u) " in view.readout.text()
    view.slider.setValue(0)
    assert view.readout.text().startswith("round 0 (0 words seen)")
    assert view.progress[-1] == pytest.approx(3.0)
    session.set_moment(view.progress[2] + 0.01)
    assert view.slider.value() == 2 and view.readout.text().startswith("round 2 (")
    session.start_run(SimpleNamespace(probes=trained.probes))
    session.advance_run()  # the view follows the run's probes
    assert view.pairs == list(PAIRS) and len(view.words) == 7
    session.finish_run(None)
    session.add(Entry("v", KeyedVectors(["a", "b"], np.ones((2, 3), np.float32))))
    assert view.pairs == [] and "Probes are recorded" in view.headline.text()


def test_frequency_scatter_deciles_and_hover(qtbot, trained):
    session, panel = _panel(qtbot, trained.model)
    view = panel.frequency_view
    assert not view.busy and view.table.rowCount() == 0  # nothing computed for a view not shown
    panel.show()
    panel.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not view.busy and view.table.rowCount() == 10, timeout=20_000)
    vocab = trained.model.vocab
    assert len(view.rows) == len(vocab) and len(view.scatter.points()) == len(vocab)
    assert view.hover_text(0).startswith(f"{vocab.words[0]}: count {vocab.counts[0]:,}")
    view.scatter.sigHovered.emit(view.scatter, [view.scatter.points()[3]], None)
    assert view.hover.text() == view.hover_text(3)
    view.measure.setCurrentIndex(1)  # stability over the last snapshots
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert len(view.rows) == len(trained.recorder.tracked_ids) and np.all((view.values >= 0) & (view.values <= 1))
    view.measure.setCurrentIndex(2)  # agreement: no other model yet
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert len(view.rows) == 0 and "another model" in view.note.text()
    session.add(model_entry("copy", trained.model))
    session.choose(session.entries[0])
    view.measure.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not view.busy and len(view.rows) > 0, timeout=20_000)
    assert np.all(view.values == 1.0)  # the same model twice agrees everywhere
    qtbot.waitUntil(lambda: not view.busy and view.compare_table.rowCount() == 10, timeout=20_000)
    assert view.compare_table.isVisibleTo(view) and view.compare_note.text()  # the measured verdict
    assert view.compare_table.item(0, 0).text() == "1"
    view.pin_decile_sample()
    pinned = session.pins
    rows = [trained.model.vocab.index[w] for w in pinned]
    assert len(set(pinned)) == 30 and min(rows) < len(rows) and max(rows) >= 0.9 * len(trained.model.vocab)
    session.add(Entry("plain", KeyedVectors(["a", "b"], np.ones((2, 3), np.float32))))
    assert "needs word counts" in view.note.text() and len(view.rows) == 0
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)


def test_frequency_axis_names_fit_beside_the_plot(qtbot, trained):
    session, panel = _panel(qtbot, trained.model)
    session.add(model_entry("copy", trained.model))
    session.choose(session.entries[0])
    view = panel.frequency_view
    panel.resize(1266, 680)  # the Lenses tab in a 1280 × 800 window
    panel.show()
    panel.setCurrentWidget(view)
    for measure in range(view.measure.count()):
        view.measure.setCurrentIndex(measure)
        qtbot.waitUntil(lambda: not view.busy and len(view.rows) > 0, timeout=20_000)
        if measure == 2:  # the agreement: the two models side by side take room from the plot
            qtbot.waitUntil(lambda: view.compare_table.rowCount() == 10, timeout=20_000)
        qtbot.wait(50)
        axis = view.plot.getAxis("left")
        assert axis.label.boundingRect().width() <= axis.boundingRect().height(), view.measure.currentText()
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)


def test_axes_scatter_ranked_list_and_training(qtbot, trained):
    session, panel = _panel(qtbot, trained.model)
    view = panel.axes_view
    assert view.message.text() == ""  # nothing computed for a view not shown
    panel.show()
    panel.setCurrentWidget(view)
    assert view.busy  # scored on a worker
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert view.message.text().startswith("axis x: ") and "not in the vocabulary" in view.message.text()
    for (source, target), (a, b) in zip(view.ends, (("t0w0", "t1w0"), ("t2w0", "t3w0"))):
        source.setText(a)
        target.setText(b)
    view.words.setPlainText("t0w5 t1w5 t2w5 zzz")
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert "t0w0 → t1w0" in view.message.text() and "(1 words not in the vocabulary)" in view.message.text()
    assert len(view.scatter.points()) == 3
    x = [p.pos().x() for p in view.scatter.points()]
    assert x[0] < 0 < x[1]  # t0w5 toward t0w0, t1w5 toward t1w0
    assert view.ranked.rowCount() == 15 and view.ranked.item(0, 3).text().startswith("t1")
    kv = trained.model.keyed_vectors()
    from w2vstudio.core.lenses.axes import baseline, make_axis
    base = baseline(kv, make_axis(kv, ["t0w0"], ["t1w0"]))
    assert f"x {base.mean:+.3f} ± {base.sd:.3f}" in view.message.text()
    np.testing.assert_allclose(view.percentiles[0], base.percentiles(x))
    lines = [i for i in view.scatter_plot.items() if type(i).__name__ == "InfiniteLine"]
    assert sorted(round(line.value(), 6) for line in lines)[0] in {round(base.mean, 6), round(lines[0].value(), 6)}
    assert any(abs(line.value() - base.mean) < 1e-9 for line in lines)
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    curves = view.training_plot.listDataItems()
    assert len(curves) == 3 and curves[0].xData[-1] == pytest.approx(3.0)  # epochs
    heights = sorted(label.pos().y() for label in view.training_labels)
    assert len(heights) == 3 and all(b - a > 0 for a, b in zip(heights, heights[1:]))
    view.training_words.setText("t2w5 t0w5")  # the words the user picks
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy and len(view.training_labels) == 2, timeout=20_000)
    assert [label.toPlainText() for label in view.training_labels] == ["t2w5", "t0w5"]
    view.centre.setChecked(True)  # the scores taken in the centred space
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    from w2vstudio.core.explore.isotropy import centred
    flat = centred(kv, 1)
    base = baseline(flat, make_axis(flat, ["t0w0"], ["t1w0"]))
    assert f"x {base.mean:+.3f} ± {base.sd:.3f}" in view.message.text()


def test_axes_are_scored_off_the_gui_thread_each_baseline_once(qtbot, trained, monkeypatch):
    """Every word's score on an axis (its baseline) is O(vocabulary): at millions of words, seconds
    the window must not freeze for."""
    import threading

    from w2vstudio.gui.lenses import axes_view

    on_gui_thread = []

    def watched(kv, axis):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return real(kv, axis)

    real = axes_view.baseline
    monkeypatch.setattr(axes_view, "baseline", watched)
    session, panel = _panel(qtbot, trained.model)
    view = panel.axes_view
    for (source, target), (a, b) in zip(view.ends, (("t0w0", "t1w0"), ("t2w0", "t3w0"))):
        source.setText(a)
        target.setText(b)
    view.words.setPlainText("t0w5 t1w5")
    panel.show()
    panel.setCurrentWidget(view)
    assert view.message.text() == "Scoring the words on the axes…" and len(view.scatter.points()) == 0
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert on_gui_thread == [False, False]  # x and y, on a worker, each once
    assert len(view.scatter.points()) == 2 and "t0w0 → t1w0" in view.message.text()
    view.centre.setChecked(True)  # the centred space is made on the worker too
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert on_gui_thread == [False] * 4 and len(view.scatter.points()) == 2


def _axes_shown(qtbot, model):
    """(panel, its Axes view) on screen at the tab's room in a 1280 x 800 window, axes t0w0 -> t1w0 and
    t2w0 -> t3w0 (the caller holds the panel, which owns the view)."""
    _, panel = _panel(qtbot, model)
    view = panel.axes_view
    panel.resize(1270, 690)  # the tab's room in a 1280 x 800 window
    panel.show()
    panel.setCurrentWidget(view)
    qtbot.waitExposed(panel)
    for (source, target), (a, b) in zip(view.ends, (("t0w0", "t1w0"), ("t2w0", "t3w0"))):
        source.setText(a)
        target.setText(b)
    return panel, view


def test_axes_labels_stay_inside_their_plots_and_apart(qtbot, qapp, trained):
    import pyqtgraph as pg

    panel, view = _axes_shown(qtbot, trained.model)  # noqa: F841 (the panel owns the view)
    view.words.setPlainText(" ".join(f"t{t}w{i}" for t in range(4) for i in range(3, 8)))
    view.training_words.setText("t0w5 t1w5 t2w5")
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy and len(view.training_labels) == 3, timeout=20_000)
    qapp.processEvents()
    for plot in (view.scatter_plot, view.training_plot):
        area = plot.getPlotItem().getViewBox().sceneBoundingRect().adjusted(-0.5, -0.5, 0.5, 0.5)  # rounding
        shown = [item for item in plot.items() if isinstance(item, pg.TextItem) and item.isVisible()]
        assert shown
        for label in shown:
            assert area.contains(label.sceneBoundingRect()), f"{label.toPlainText()!r} leaves the plot"
    names = [item for item in view.scatter_plot.items() if isinstance(item, pg.TextItem) and item.isVisible()]
    for i, label in enumerate(names):
        for other in names[i + 1:]:
            assert not label.sceneBoundingRect().intersects(other.sceneBoundingRect()), (
                label.toPlainText(), other.toPlainText())


def test_axes_show_the_mean_words_lines_with_words_all_to_one_side(qtbot, trained):
    import pyqtgraph as pg

    panel, view = _axes_shown(qtbot, trained.model)  # noqa: F841 (the panel owns the view)
    view.words.setPlainText("t1w3 t1w4 t1w5")  # toward t1w0 on x, beyond the mean word
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    (x0, x1), (y0, y1) = view.scatter_plot.getViewBox().viewRange()
    lines = [i for i in view.scatter_plot.items() if isinstance(i, pg.InfiniteLine)]
    assert len(lines) == 2
    for line in lines:
        low, high = (x0, x1) if line.angle == 90 else (y0, y1)
        assert low <= line.value() <= high, (line.angle, line.value(), low, high)


def test_senses_split_in_the_background(qtbot, trained):
    session, panel = _panel(qtbot, trained.model)
    view = panel.senses_view
    view.word.setText("zorp")
    view.occurrences.setValue(100)
    view.split()
    qtbot.waitUntil(lambda: view.result is not None, timeout=60_000)
    assert not view.busy and view.tree.topLevelItemCount() == len(view.result.senses) == 2
    assert "several senses" in view.headline.text() and "z = +" in view.headline.text()
    assert view.tree.topLevelItem(0).child(0).text(0).startswith("stand-ins: ")
    assert view.tree.topLevelItem(0).child(1).text(0).startswith("nearest: ")
    assert [label.toPlainText() for label in view.sense_labels] == [", ".join(s.stand_ins[:3]) for s in view.result.senses]
    assert len(view.scatter.points()) == 100 and len(view.own.points()) == 1
    colours = {p.brush().color().name() for p in view.scatter.points()}
    assert len(colours) == 2
    view.scatter.sigHovered.emit(view.scatter, [view.scatter.points()[7]], None)
    assert view.hover.text() == view.hover_text(7) and "zorp" in view.hover.text().lower()
    session.add(Entry("v", KeyedVectors(["zorp", "b"], np.ones((2, 3), np.float32))))
    view.split()
    assert "does not name its corpus" in view.headline.text() and not view.busy and view.sense_labels == []


def test_axes_corpus_evidence(qtbot, trained):
    session, panel = _panel(qtbot, trained.model)
    view = panel.axes_view
    panel.show()
    panel.setCurrentWidget(view)
    view.ends[0][0].setText("t0w0")
    view.ends[0][1].setText("t1w0")
    view.refresh()  # axis y (poor → rich) is not in the vocabulary: no scatter, but the list
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert view.message.text().startswith("axis y: ") and len(view.scatter.points()) == 0
    view.ranked.cellClicked.emit(0, 1)
    word = view.ranked.item(0, 0).text()
    assert view.evidence_word.text() == word
    view.find_evidence()
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    text = view.evidence_text.toPlainText()
    assert text.startswith(f"“{word}” occurs ") and "near t0w0:" in text and "near t1w0:" in text
    session.add(Entry("v", KeyedVectors(["t0w0", "t1w0", "x"], np.eye(3, dtype=np.float32))))
    view.evidence_word.setText("x")
    view.find_evidence()
    assert "remembers its corpus" in view.evidence_text.toPlainText()


def test_a_studio_run_probes_five_pairs_of_its_corpus(qtbot, window, tiny_corpus, train):
    """The Train tab's run records the likelihood of the corpus's five highest-PMI pairs, which the
    Lenses tab follows while it trains and shows for the new model after."""
    followed = []
    window.session.run_progressed.connect(lambda run: followed.append(run.probes))
    with qtbot.waitSignal(window.corpus_panel.scan_finished, timeout=60_000):
        window.open_paths([str(tiny_corpus)])
    outcome = train(window)
    assert outcome.probes is not None and len(outcome.probes.pairs) == 5
    assert followed and followed[-1] is outcome.probes
    view = window.lenses_panel.likelihood_view
    assert view.pairs == []  # hidden while it trained: nothing drawn for it
    window.tabs.setCurrentWidget(window.lenses_panel)
    window.lenses_panel.setCurrentWidget(view)
    assert view.pairs == outcome.probes.pairs and len(view.words) == len(outcome.recorder)
    assert window.errors == []


def test_mirror_draws_the_two_rankings_in_the_background(qtbot, trained):
    session, panel = _panel(qtbot, trained.model)
    view = panel.mirror_view
    view.word.setText("zorp")
    view.top.setValue(8)
    view.look()
    qtbot.waitUntil(lambda: view.result is not None, timeout=60_000)
    found = view.result
    assert not view.busy and len(found.contexts) == 8 and set(view.lines) == {c.word for c in found.contexts}
    assert "Spearman's ρ" in view.headline.text() and view.leapfrogs.count() == len(found.leapfrogs)
    line = view.lines[found.contexts[0].word]
    assert list(line.xData) == [0, 1] and line.yData[0] == 0  # the corpus's first context at the top left
    if found.leapfrogs:
        view.leapfrogs.setCurrentRow(0)
        assert view.lines[found.leapfrogs[0].model_first].opts["pen"].width() == 5
    session.add(Entry("v", KeyedVectors(["zorp", "b"], np.ones((2, 3), np.float32))))
    assert view.result is None and not view.lines
    view.look()
    assert "does not name its corpus" in view.headline.text() and not view.busy


def test_axes_of_an_ensemble_show_mean_and_sd(qtbot, trained):
    from w2vstudio.core.files.ensemble import Ensemble

    kv = trained.model.keyed_vectors()
    noisy = kv.with_vectors(kv.vectors + np.random.default_rng(0).normal(0, 0.05, kv.vectors.shape).astype(np.float32))
    session, panel = _panel(qtbot, trained.model)
    session.add(Entry("ensemble", Ensemble([kv, noisy])))
    view = panel.axes_view
    panel.show()
    panel.setCurrentWidget(view)
    for (source, target), (a, b) in zip(view.ends, (("t0w0", "t1w0"), ("t2w0", "t3w0"))):
        source.setText(a)
        target.setText(b)
    view.words.setPlainText("t0w5 t1w5 t2w5")
    view.refresh()
    qtbot.waitUntil(lambda: not view.busy, timeout=20_000)
    assert "mean ± sd over 2 runs" in view.message.text() and len(view.scatter.points()) == 3
    assert " ± " in view.ranked.item(0, 1).text() and " ± " in view.ranked.item(0, 4).text()


def test_the_neighbours_tab_names_a_leaning_space_measured_off_the_gui_thread(qtbot, monkeypatch):
    import threading

    from w2vstudio.gui.explore import neighbours_panel
    from w2vstudio.gui.explore.neighbours_panel import NeighboursPanel

    on_gui_thread = []

    def watched(kv):
        on_gui_thread.append(threading.current_thread() is threading.main_thread())
        return real(kv)

    real = neighbours_panel.leaning
    monkeypatch.setattr(neighbours_panel, "leaning", watched)
    session = StudioSession()
    panel = NeighboursPanel(session)
    qtbot.addWidget(panel)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 8)).astype(np.float32)
    words = [f"w{i}" for i in range(50)]
    session.add(Entry("leaning", KeyedVectors(words, vectors + 4)))
    qtbot.waitUntil(lambda: "mean cosine of" in panel.leaning.text(), timeout=10_000)
    assert "Train longer, or centre" in panel.leaning.text() and on_gui_thread == [False]
    session.add(Entry("flat", KeyedVectors(words, vectors)))
    qtbot.waitUntil(lambda: panel.leaning.text() == "", timeout=10_000)
    assert panel.leaning.isHidden() and on_gui_thread == [False, False]


@pytest.fixture(scope="module")
def ensemble_runs(trained, tmp_path_factory):
    """The trained model and two more runs: its weights with seeded noise and its probes' values
    scaled, so every run's scores differ."""
    folder = tmp_path_factory.mktemp("lens-runs")
    rng = np.random.default_rng(9)
    runs = [trained.model]
    for i, scale in ((2, 0.5), (3, 1.5)):
        trained.model.save(folder / f"run-{i}.npz")
        run = Model.load(folder / f"run-{i}.npz")
        for weights in (run.vectors, run.syn1neg):
            weights += rng.normal(scale=0.4 * float(weights.std()), size=weights.shape).astype(weights.dtype)
        run.extras["probe_p"] = run.extras["probe_p"] * scale
        runs.append(run)
    return runs


def _ensemble_panel(qtbot, runs):
    session, panel = _panel(qtbot)
    session.add(Entry("ens", Ensemble([m.keyed_vectors() for m in runs]), run_models=tuple(runs)))
    return session, panel


def test_frequency_deciles_of_an_ensemble_show_mean_and_sd(qtbot, ensemble_runs):
    session, panel = _ensemble_panel(qtbot, ensemble_runs)
    view = panel.frequency_view
    panel.show()
    panel.setCurrentWidget(view)
    qtbot.waitUntil(lambda: not view.busy and view.table.rowCount() == 10, timeout=20_000)
    found = deciles(session.current.kv, ensemble_runs[0].params.sample)
    for r, d in enumerate(found):
        assert view.table.item(r, 2).text() == f"{d.norm_mean:.3f} ± {d.norm_mean_sd:.3f}"
    assert any(d.norm_mean_sd > 0 for d in found) and "3 runs" in view.table.toolTip()


def test_senses_of_an_ensemble_give_the_verdict_over_its_runs(qtbot, ensemble_runs):
    _, panel = _ensemble_panel(qtbot, ensemble_runs)
    view = panel.senses_view
    view.word.setText("zorp")
    view.occurrences.setValue(100)
    view.split()
    qtbot.waitUntil(lambda: view.result is not None, timeout=60_000)
    assert len(view.result.runs) == 3 and view.result.z_sd > 0
    assert f"z = {view.result.z:+.1f} ± {view.result.z_sd:.1f}" in view.headline.text()
    assert "the senses shown: the first run's" in view.headline.text()


def test_likelihood_of_an_ensemble_gives_p_after_training_over_its_runs(qtbot, ensemble_runs):
    _, panel = _ensemble_panel(qtbot, ensemble_runs)
    view = panel.likelihood_view
    panel.show()
    panel.setCurrentWidget(view)
    assert view.pairs == list(PAIRS)  # the first run's curves
    last = [m.extras["probe_p"][-1, 0] for m in ensemble_runs]
    text = view.headline.text()
    assert "the curves are its first run's" in text
    assert f"p({PAIRS[0][1]} | {PAIRS[0][0]}) = {np.mean(last):.3g} ± {np.std(last, ddof=1):.2g}" in text

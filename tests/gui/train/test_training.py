"""A user's session: open a small corpus, train to the end, explore the model; stop a run half-way
and explore the partial model. (How long the event loop stalls while training: benchmarks/bench_gui_stall.py.)"""

from PySide6.QtCore import Qt
from threadpoolctl import ThreadpoolController


def _blas_threads() -> list[int]:
    return [lib.get_num_threads() for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas"]


def test_train_to_the_end_and_explore(qtbot, window, tiny_corpus, train, tmp_path):
    w = window
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=60_000):
        w.open_paths([str(tiny_corpus)])
    item = w.corpus_panel.tree.topLevelItem(0)
    assert item.text(0) == "tiny.txt"
    assert int(item.text(2).replace(",", "")) > 20_000

    # snapshots and per-epoch quality on: the live map, its analysis, the stability and 40 evaluations
    # follow; the work beside training runs on one BLAS thread, the threads are back after it
    w.train_panel.watch_form.quality.setChecked(True)
    blas_before, blas_during = _blas_threads(), []
    w.session.run_started.connect(lambda _run: blas_during.append(_blas_threads()))
    outcome = train(w, epochs=40)  # about half a second: several redraws of every plot
    assert blas_during == [[1] * len(blas_before)] and _blas_threads() == blas_before
    assert not outcome.train.cancelled and outcome.train.epochs == 40
    assert len(outcome.recorder) > 10, len(outcome.recorder)
    assert [e["epoch"] for e in outcome.model.info["epoch_quality"]] == list(range(1, 41))
    assert len(w.session.entries) == 1
    assert w.train_panel.plots.batch_count > 0
    assert w.train_panel.progress.format().startswith("Done")
    assert w.session.current.model is outcome.model and len(w.session.current.kv) == len(outcome.model.vocab)
    assert not w.session.current.saved and w.isWindowModified()
    assert w.model_status.dim_label.text() == "16 dimensions"
    assert w.errors == []

    # neighbours: completion, a search, a double-click on a result, a misspelt word
    panel = w.neighbours_panel
    w.tabs.setCurrentWidget(panel)
    qtbot.keyClicks(panel.search_box, "isr")
    assert panel.completer.model().stringList()[0] == "israel"
    with qtbot.waitSignal(panel.results_shown) as shown:
        w.show_neighbours("israel")
    rows = shown.args[0]
    assert len(rows) == panel.topn.value()
    assert all(word != "israel" and -1 <= score <= 1 and count >= 2 for word, score, count in rows)
    view = panel.results.table
    rect = view.visualRect(view.model().index(2, 0))
    with qtbot.waitSignal(panel.results_shown):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.query == rows[2][0]
    with qtbot.waitSignal(panel.results_shown) as shown:
        panel.search("israell")
    assert shown.args[0] == [] and "Did you mean" in panel.results.message.text()

    # analogy and doesn't match
    analogy = w.analogy_panel
    with qtbot.waitSignal(analogy.analogy_solved) as solved:
        analogy.solve("the", "of", "and", expected="in")
    answer = solved.args[0]
    assert len(answer.rows) == analogy.topn.value() and answer.expected_rank >= 1
    assert {"the", "of", "and"}.isdisjoint(word for word, _, _ in answer.rows)
    assert "rank" in analogy.rank.text()
    with qtbot.waitSignal(analogy.odd_one_found) as odd:
        analogy.find_odd_one("the of and israel")
    assert odd.args[0] in {"the", "of", "and", "israel"}

    # the map: PCA of the most frequent words
    w.tabs.setCurrentWidget(w.live_map)
    w.live_map.map_panel.configure(method="pca", n=300)
    with qtbot.waitSignal(w.live_map.map_panel.projected, timeout=60_000):
        w.live_map.map_panel.project()
    assert w.live_map.map_panel.words == w.session.current.kv.words[:300]

    # evaluation on the bundled sets
    with qtbot.waitSignal(w.evaluate_panel.evaluated, timeout=60_000):
        w.evaluate_panel.run()
    assert w.evaluate_panel.tree.topLevelItemCount() == 2

    # saving clears the unsaved mark; the saved model opens again
    saved = tmp_path / "tiny-model.npz"
    with qtbot.waitSignal(w.files.saved):
        w.files.save_model(saved)
    assert not not w.session.current.saved and not w.isWindowModified()
    with qtbot.waitSignal(w.files.saved):
        w.files.export_vectors(tmp_path / "tiny.tsv", "tsv")
    assert (tmp_path / "tiny.tsv").stat().st_size > 0
    with qtbot.waitSignal(w.session.current_changed, timeout=30_000) as opened:
        w.open_paths([str(saved)])
    assert len(opened.args[0].kv) == len(outcome.model.vocab)
    assert w.questions == [] and w.errors == []


def test_stop_half_way_and_explore_the_partial_model(qtbot, window, tiny_corpus, train):
    w, panel = window, window.train_panel
    w.open_corpus([tiny_corpus])  # Train while the scan runs: training waits for it
    panel.form.set_values({"dim": 16, "epochs": 500, "min_count": 2, "threads": 1})
    with qtbot.waitSignal(w.session.run_started, timeout=60_000):
        panel.start_action.trigger()
    qtbot.waitUntil(lambda: panel.progress_fraction() > 0.01, timeout=120_000)

    panel.pause_action.trigger()
    assert panel.is_paused and panel.pause_action.text() == "&Resume"
    panel.pause_action.trigger()
    assert not panel.is_paused

    with qtbot.waitSignal(w.session.run_finished, timeout=60_000) as finished:
        panel.stop_action.trigger()
    result = finished.args[0].train
    assert result.cancelled and 0 < panel.progress_fraction() < 0.5
    assert panel.progress.format().startswith("Stopped")
    assert "stopped" in w.session.current.name and w.session.current.kv is not None and not w.session.current.saved
    assert panel.start_action.isEnabled() and not panel.stop_action.isEnabled()
    with qtbot.waitSignal(w.neighbours_panel.results_shown) as shown:
        w.show_neighbours("the")
    assert len(shown.args[0]) > 0

    # a new run joins the session: the partial model stays in it, unsaved
    train(w)
    assert w.questions == [] and [e.saved for e in w.session.entries] == [False, False]


def test_closing_with_an_unsaved_model_asks(qtbot, window, tiny_corpus, train, monkeypatch):
    w = window
    w.open_corpus([tiny_corpus])
    train(w)
    monkeypatch.setattr(w, "ask_discard", lambda text: False)
    assert not w.close() and w.isVisible()
    monkeypatch.setattr(w, "ask_discard", lambda text: True)
    assert w.close()


def test_closing_during_training_stops_it(qtbot, window, tiny_corpus):
    w = window
    w.open_corpus([tiny_corpus])
    w.train_panel.form.set_values({"dim": 16, "epochs": 1000, "min_count": 2, "threads": 1})
    with qtbot.waitSignal(w.session.run_started, timeout=60_000):
        w.train_panel.start_action.trigger()
    w.train_panel.pause_action.trigger()
    assert w.close()  # asks, stops the paused run and waits for it (no_dangling_jobs checks)
    assert "Training is running" in w.questions[0]


def test_the_trained_vectors_are_indexed_off_the_gui_thread(qtbot, window, tiny_corpus, train, monkeypatch):
    """Indexing a vocabulary of millions of words takes a second: the worker does it, not the GUI thread."""
    import threading

    from w2vstudio.core.files.ensemble import Ensemble
    from w2vstudio.core.train.model import Model

    threads = []
    original = Model.keyed_vectors
    monkeypatch.setattr(Model, "keyed_vectors", lambda self: threads.append(threading.current_thread()) or original(self))
    with qtbot.waitSignal(window.corpus_panel.scan_finished, timeout=60_000):
        window.open_paths([str(tiny_corpus)])
    train(window, epochs=1)
    panel = window.train_panel
    panel.runs_form.runs.setValue(2)  # an ensemble (not followed by the session as a run)
    panel.start_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_busy, timeout=120_000)
    panel.runs_form.runs.setValue(1)
    assert len(window.session.entries) == 2 and isinstance(window.session.current.kv, Ensemble)
    assert threads and threading.main_thread() not in threads

"""Pairs the user picks for the next run: typed with completion in the Likelihood view, shared with the
Watch form through the session, probed by the run, their curve drawn."""


def test_pick_a_pair_train_and_its_curve_is_there(qtbot, window, tiny_corpus, train):
    w = window
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=60_000):
        w.open_paths([str(tiny_corpus)])
    first = train(w, epochs=1)
    words = w.session.current.kv.words
    a, b = words[20], words[30]
    view = w.lenses_panel.likelihood_view
    editor = view.next_pairs
    qtbot.keyClicks(editor.input_edit, a[:2])
    assert a[:2] and all(x.startswith(a[:2]) for x in editor.completers[0].model().stringList())
    assert a in words and editor.completers[0].model().stringList()
    editor.input_edit.setText(a)
    editor.output_edit.setText(b)
    editor.add_button.click()
    assert w.session.probe_pairs == [(a, b)]
    assert w.train_panel.watch_form.pairs.pairs() == [(a, b)]  # the Watch form follows the session
    assert w.train_panel.watch_form.options().probe_pairs == ((a, b),)
    assert first.probes is not None and (a, b) not in first.probes.pairs  # the PMI pairs by default

    outcome = train(w, epochs=2)
    assert outcome.probes.pairs == [(a, b)]
    w.tabs.setCurrentWidget(w.lenses_panel)
    w.lenses_panel.setCurrentWidget(view)  # drawn when shown
    assert view.pairs == [(a, b)]
    names = [item.name() for item in view.p_plot.getPlotItem().listDataItems()]
    assert names == [f"{a} → {b}"]
    x, y = view.p_plot.getPlotItem().listDataItems()[0].getData()
    p = 10.0 ** y  # the plot's log axis
    assert len(x) == len(outcome.recorder) and ((p > 0) & (p <= 1)).all()

    # removed in the Watch form: back to the PMI pairs for the next run, in both places
    form = w.train_panel.watch_form
    form.pairs.list.setCurrentRow(0)
    form.pairs.remove_button.click()
    assert w.session.probe_pairs == [] and editor.pairs() == [] and form.options().probe_pairs == ()
    assert w.errors == []


def test_a_typed_phrase_is_the_phrase_token(qtbot):
    import numpy as np

    from w2vstudio.core.vectors import KeyedVectors
    from w2vstudio.gui.studio_session import Entry, StudioSession
    from w2vstudio.gui.widgets.pairs_editor import PairsEditor

    session = StudioSession()
    editor = PairsEditor(session)
    qtbot.addWidget(editor)
    session.add(Entry("m", KeyedVectors(["peanut_butter", "jelly", "new"], np.eye(3, dtype=np.float32)), None, None))
    editor.input_edit.setText("peanut  butter")
    editor.output_edit.setText("jelly")
    editor.add_typed()
    editor.input_edit.setText("new york")  # not in this vocabulary: the token a run with phrases makes
    editor.output_edit.setText("city")
    editor.add_typed()
    assert session.probe_pairs == [("peanut_butter", "jelly"), ("new_york", "city")]

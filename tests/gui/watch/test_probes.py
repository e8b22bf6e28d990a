"""Live probes: pinned words (from the Probes tab and the word panel) and their neighbours as the
model learns, the analogy probe, neighbourhood stability, and the corpus link."""

import pytest
from PySide6.QtCore import Qt

from w2vstudio.gui import settings, workers
from w2vstudio.core.watch.pinned import AnalogyProbe

TIMEOUT = 120_000


def probe(qtbot, panel, action):
    with qtbot.waitSignal(panel.probed, timeout=TIMEOUT) as probed:
        action()
    return probed.args[0]


def test_pinned_words_show_their_neighbours_and_an_analogy_its_answer(qtbot, window, add_watched):
    w = window
    add_watched(w)
    panel = w.probes_panel
    w.tabs.setCurrentWidget(panel)
    qtbot.keyClicks(panel.pin_edit, "israel")
    results = probe(qtbot, panel, lambda: qtbot.keyClick(panel.pin_edit, Qt.Key.Key_Return))
    assert w.session.pins == ["israel"] == settings.get("watch/pins")
    expected = w.session.current.kv.most_similar("israel", topn=5)
    assert [word for word, _ in results.neighbours["israel"]] == [word for word, _ in expected]
    row = panel.tree.topLevelItem(0)
    assert row.text(0) == "israel" and row.text(1).startswith(f"{expected[0][0]} {expected[0][1]:.2f} · ")

    probe(qtbot, panel, lambda: w.session.set_pins(["israel", "qwertyuiop"]))
    assert panel.tree.topLevelItem(1).text(1) == "not in the vocabulary"
    panel.pins_list.item(1).setSelected(True)
    panel.unpin_button.click()
    assert w.session.pins == ["israel"] and panel.pins_list.count() == 1

    for edit, word in zip(panel.analogy_edits, ("the", "of", "and", "in")):
        edit.setText(word)
    results = probe(qtbot, panel, panel.analogy_edits[3].returnPressed.emit)
    assert w.session.probe == AnalogyProbe("the", "of", "and", "in") == panel.analogy
    answer = w.session.current.kv.analogy("the", "of", "and", topn=1, expected="in")
    assert results.answer[0] == answer.results[0][0] and results.expected_rank == answer.expected_rank
    assert panel.analogy_label.text().startswith(f"the : of :: and : in: now “{answer.results[0][0]}”")
    probe(qtbot, panel, lambda: w.session.set_probe(AnalogyProbe("the", "of", "and", "zzzz")))
    assert panel.analogy_label.text().endswith("zzzz not in the vocabulary.")
    panel.analogy_edits[0].clear()
    panel.analogy_edits[0].returnPressed.emit()
    assert panel.analogy_label.text().startswith("Fill in")
    qtbot.waitUntil(lambda: panel.idle and not workers.running(), timeout=TIMEOUT)


def test_probes_read_a_model_in_training(qtbot, window, watched):
    w = window
    model, run = watched[0]
    panel = w.probes_panel
    w.tabs.setCurrentWidget(panel)
    w.session.set_pins(["war"])
    w.session.start_run(run)
    results = probe(qtbot, panel, w.session.advance_run)
    assert panel.source == "training" and panel.source_label.text() == "Probing the model in training."
    expected = model.keyed_vectors().most_similar("war", topn=5)
    assert [word for word, _ in results.neighbours["war"]] == [word for word, _ in expected]
    assert [score for _, score in results.neighbours["war"]] == pytest.approx([score for _, score in expected], abs=1e-5)
    qtbot.waitUntil(lambda: panel.idle and not workers.running(), timeout=TIMEOUT)


def test_stability_curve_and_still_moving_words(qtbot, window, add_watched, watched):
    w = window
    recorder = watched[0][1].recorder
    add_watched(w)  # the stability catches up a few snapshots at a time
    qtbot.waitUntil(lambda: w.evolution.stability is not None and len(w.evolution.stability.x) == len(recorder) - 1,
                    timeout=TIMEOUT)
    stability = w.evolution.stability
    view = w.probes_panel.stability
    x, y = view.curve()
    assert len(x) == len(recorder) - 1 and all(0 <= v <= 1 for v in y)
    rows = view.moving.rowCount()
    overlaps = [view.moving.data(view.moving.index(i, 1)) for i in range(rows)]
    assert rows == 30 and overlaps == sorted(overlaps, key=float)
    word = stability.still_moving[0][0]
    assert view.moving.data(view.moving.index(0, 0)) == word
    with qtbot.waitSignal(w.neighbours_panel.results_shown, timeout=TIMEOUT):
        view.table.doubleClicked.emit(view.moving.index(0, 0))
    assert w.tabs.currentWidget() is w.neighbours_panel and w.neighbours_panel.query == word
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_the_word_panel_shows_the_corpus_and_pins(qtbot, window, add_watched, tiny_corpus):
    w = window
    w.corpus_panel.set_paths([tiny_corpus], scan=False)
    add_watched(w)
    info = w.word_info
    with qtbot.waitSignal(info.lines_found, timeout=TIMEOUT) as found:
        w.show_neighbours("israel")  # a word looked up is shown in the corpus
    lines = found.args[0]
    assert w.word_dock.isVisible() and info.word == "israel"
    assert len(lines) == 6 and all(c.word.lower() == "israel" and c.path == tiny_corpus for c in lines)
    assert f"count {w.session.current.kv.count('israel'):,} · rank {w.session.current.kv.index('israel') + 1}" in info.title.text()
    assert all(c.left[-20:] in info.lines.toPlainText() for c in lines)

    info.pin_button.click()
    assert w.session.pins == ["israel"] and info.pin_button.text() == "Unpin"
    w.actions.pin.trigger()  # Ctrl+D
    assert w.session.pins == [] and info.pin_button.text() == "Pin"
    with qtbot.waitSignal(info.lines_found, timeout=TIMEOUT) as found:
        w.live_map.map_panel.word_activated.emit("zzzz")  # a word clicked on the map
    assert found.args[0] == [] and "not in the vocabulary" in info.title.text()
    assert "does not occur" in info.lines.toPlainText()

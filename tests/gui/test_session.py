"""Sessions: every model (with its snapshots) and the pins saved in one folder and restored."""

import json

import numpy as np

from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.watch.pinned import AnalogyProbe
from w2vstudio.core.files.sessionfile import SESSION_FILE
from w2vstudio.core.train.snapshots import TIMES
from w2vstudio.gui import workers
from w2vstudio.gui.files import write_session
from w2vstudio.gui.main_window import MainWindow
from w2vstudio.gui.studio_session import unique_name

from tests.gui.train.test_history import assert_shows_history

TIMEOUT = 120_000
ANALOGY = AnalogyProbe("the", "of", "and", "in")


def test_a_session_comes_back_whole(qtbot, window, add_watched, watched, tmp_path, monkeypatch):
    w = window
    vectors = tmp_path / "opened.txt"
    save_vectors(watched[1][0].keyed_vectors(), vectors, "txt")
    with qtbot.waitSignal(w.session.current_changed, timeout=TIMEOUT):
        w.open_paths([str(vectors)])
    opened = w.session.current
    assert opened.name == "opened.txt" and opened.model is None and opened.saved
    trained = add_watched(w, 0)
    trained.saved = False
    w.session.set_pins(["israel", "war"])
    for edit, word in zip(w.probes_panel.analogy_edits, ANALOGY.words):
        edit.setText(word)
    w.probes_panel.analogy_edits[3].returnPressed.emit()  # Watch
    assert w.session.probe == ANALOGY
    folder = tmp_path / "study.w2vsession"
    with qtbot.waitSignal(w.files.saved, timeout=TIMEOUT):
        w.files.save_session(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["model-1.npz", "model-2.npz", SESSION_FILE]
    index = json.loads((folder / SESSION_FILE).read_text(encoding="utf-8"))
    assert index["pins"] == ["israel", "war"] and index["current"] == 1 and index["analogy"] == list(ANALOGY.words)
    assert [(m["name"], m["kind"]) for m in index["models"]] == [("opened.txt", "vectors"), (trained.name, "model")]
    assert trained.saved and not w.isWindowModified()

    again = MainWindow()
    qtbot.addWidget(again)
    monkeypatch.setattr(again, "show_error", w.errors.append)
    again.tabs.setCurrentWidget(again.live_map)
    with qtbot.waitSignal(again.session.current_changed, timeout=TIMEOUT):
        again.open_paths([str(folder)])  # a session folder is opened as a session, not as a corpus
    assert [e.name for e in again.session.entries] == ["opened.txt", trained.name]
    assert again.session.pins == ["israel", "war"] == again.probes_panel.pins
    assert again.session.probe == ANALOGY == again.probes_panel.analogy
    assert [e.text() for e in again.probes_panel.analogy_edits] == list(ANALOGY.words)
    answer = again.session.current.kv.analogy("the", "of", "and", topn=1, expected="in")
    qtbot.waitUntil(lambda: again.probes_panel.analogy_label.text().startswith(
        f"the : of :: and : in: now “{answer.results[0][0]}”"), timeout=TIMEOUT)  # evaluated in the restored model
    assert again.session.current is again.session.entries[1] and again.session.current.name == trained.name
    assert_shows_history(again.train_panel.plots, again.session.current.model)
    restored = again.session.current.recorder
    assert restored.words == trained.recorder.words
    np.testing.assert_allclose(restored.stacked(), trained.recorder.stacked(), atol=2e-3)  # kept as float16
    for field in TIMES.names:
        np.testing.assert_array_equal(restored.times()[field], trained.recorder.times()[field])
    qtbot.waitUntil(lambda: again.live_map.timeline.count == len(trained.recorder), timeout=TIMEOUT)
    np.testing.assert_allclose(again.evolution.frames.x, w.evolution.frames.x)
    np.testing.assert_allclose(again.session.entries[0].kv.vectors, opened.kv.vectors, atol=1e-6)

    # saving again into the same folder replaces it: fewer models, fewer files
    again.remove_model()
    with qtbot.waitSignal(again.files.saved, timeout=TIMEOUT):
        again.files.save_session(folder)
    assert sorted(p.name for p in folder.iterdir()) == ["model-1.npz", SESSION_FILE]
    assert w.errors == []
    qtbot.waitUntil(lambda: again.evolution.idle and w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_unsaved_models_are_asked_about(qtbot, window, add_watched, tmp_path, monkeypatch):
    w = window
    for i in (0, 1):
        add_watched(w, i).saved = False
    folder = tmp_path / "empty.w2vsession"
    write_session(folder, [], [], None, None)
    monkeypatch.setattr(w, "ask_discard", lambda text: w.questions.append(text) and False)
    w.open_session(folder)
    assert w.questions == ["2 models are not saved (tiny skip-gram, tiny CBOW). Open the other session anyway?"]
    assert not w.close() and w.questions[-1].endswith("Quit anyway?")
    assert len(w.session.entries) == 2
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)
    w.session.mark_saved(w.session.entries)  # nothing left to ask about when the test closes the window


def test_names_are_made_unique():
    assert unique_name("run", []) == "run" and unique_name("run", ["run", "run #2"]) == "run #3"

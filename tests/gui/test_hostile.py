"""Hostile and broken input in the studio: names from files are plain text, nothing is read on the GUI
thread (a pipe dropped on the window is refused, not waited for), every failed open is one sentence
naming the file, and a map of a model that tracked no word draws nothing instead of failing."""

import gzip
import json
import os

import numpy as np
from PySide6.QtCore import Qt

from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import workers
from w2vstudio.core.files.sessionfile import SESSION_FILE
from w2vstudio.gui.files import write_session
from w2vstudio.gui.studio_session import Entry

from tests.gui.test_files import drop

TIMEOUT = 60_000
HTML = "<b>bold</b><img src='x'>"


def one_sentence_naming(errors, name):
    return len(errors) == 1 and name in errors[0] and errors[0].count(". ") == 0 and "\n" not in errors[0]


def test_names_from_files_are_plain_text(qtbot, window, watched):
    w = window
    model = watched[0][0]
    w.session.add(Entry(HTML, model.keyed_vectors(), model, saved=False))
    assert w.model_status.model_label.textFormat() == Qt.TextFormat.PlainText and HTML in w.model_status.model_label.text()
    assert HTML in w.windowTitle()
    w.word_info.show_word(HTML)
    assert w.word_info.title.textFormat() == Qt.TextFormat.PlainText and HTML in w.word_info.title.text()
    w.session.mark_saved(w.session.entries)
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)


def test_a_crafted_session_is_one_line_and_later_runs_still_join(qtbot, window, watched, tmp_path, train,
                                                                 tiny_corpus):
    w = window
    folder = tmp_path / "crafted.w2vsession"
    write_session(folder, [Entry("fine", watched[0][0].keyed_vectors())], [], None, None)
    index = json.loads((folder / SESSION_FILE).read_text(encoding="utf-8"))
    index["models"][0]["name"] = {"a": 1}
    (folder / SESSION_FILE).write_text(json.dumps(index), encoding="utf-8")
    w.open_paths([folder])
    qtbot.waitUntil(lambda: bool(w.errors), timeout=TIMEOUT)
    assert one_sentence_naming(w.errors, SESSION_FILE) and w.session.entries == []
    w.open_corpus([tiny_corpus])
    train(w)
    assert len(w.session.entries) == 1 and w.session.current.model is not None
    w.session.mark_saved(w.session.entries)


def test_a_pipe_dropped_on_the_window_is_refused_at_once(qtbot, window, tmp_path):
    pipe = tmp_path / "words.vec"
    os.mkfifo(pipe)  # opening it for reading would wait for a writer for ever
    assert drop(window, [pipe]).isAccepted()
    qtbot.waitUntil(lambda: bool(window.errors), timeout=TIMEOUT)
    assert one_sentence_naming(window.errors, "words.vec") and "not a regular file" in window.errors[0]
    assert window.session.entries == [] and not workers.running()


def test_every_failed_open_names_the_file(qtbot, window, tmp_path):
    rng = np.random.default_rng(0)
    kv = KeyedVectors([f"w{i}" for i in range(300)], rng.standard_normal((300, 8)).astype(np.float32))
    good = tmp_path / "good.vec"
    save_vectors(kv, good, "txt")
    truncated = tmp_path / "truncated.vec.gz"
    truncated.write_bytes(gzip.compress(good.read_bytes())[:400])
    crafted = tmp_path / "crafted.npz"
    np.savez(crafted, meta=np.frombuffer(b'{"format": "w2vstudio-model", "version": 1}', np.uint8),
             words=np.frombuffer(b"a\nb", np.uint8), vectors=np.zeros((5, 3), np.float32))
    for path in (truncated, crafted):
        window.errors.clear()
        window.open_paths([path])
        qtbot.waitUntil(lambda: bool(window.errors), timeout=TIMEOUT)
        assert one_sentence_naming(window.errors, path.name), window.errors
    assert window.session.entries == []
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)


def test_a_model_that_tracked_no_word_maps_without_errors(qtbot, window, watched):
    w = window
    model = watched[0][0]
    recorder = SnapshotRecorder(model, np.zeros(0, np.int64), 2)
    recorder.start()
    recorder.finish()
    w.tabs.setCurrentWidget(w.live_map)
    w.session.add(Entry("no words", model.keyed_vectors(), model, recorder))
    qtbot.waitUntil(lambda: w.evolution.frames is not None and w.evolution.stability is not None, timeout=TIMEOUT)
    for i in range(w.tabs.count()):  # every tab shown from code
        w.tabs.setCurrentIndex(i)
        qtbot.wait(20)
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)
    assert w.errors == [] and w.live_map.map_panel.words == []


def test_tooltips_and_labels_show_names_literally(qtbot, tmp_path):
    """A corpus file named `<b>x</b>.txt` and a word `<i>w</i>` show as typed, never as rich text."""
    from PySide6.QtGui import QColor, QTextDocument

    from w2vstudio.gui.map.legend import RegionLegend
    from w2vstudio.gui.studio_session import StudioSession
    from w2vstudio.gui.train.corpus_panel import CorpusPanel

    def shown(tip: str) -> str:  # what a tooltip displays
        doc = QTextDocument()
        doc.setHtml(tip) if Qt.mightBeRichText(tip) else doc.setPlainText(tip)
        return doc.toPlainText()

    name = tmp_path / "<b>x<" / "b>.txt"  # a "/" cannot be in a file name: the path ends <b>x</b>.txt
    name.parent.mkdir()
    name.write_text("a b c\n")
    panel = CorpusPanel(StudioSession(), [])
    qtbot.addWidget(panel)
    panel.set_paths([name], scan=False)
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() == 1, timeout=TIMEOUT)
    assert shown(panel.tree.topLevelItem(0).toolTip(0)) == str(name)
    assert panel.summary.textFormat() == Qt.TextFormat.PlainText

    legend = RegionLegend()
    qtbot.addWidget(legend)
    legend.set_regions(["<i>w</i>"], [QColor("red")])
    assert shown(legend.item(0).toolTip()) == "<i>w</i>"

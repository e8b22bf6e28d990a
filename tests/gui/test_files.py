"""Files reach the studio as a user sends them: a real drop event, open_paths (what the drop
handler calls), and bad input that must end in one clear sentence, never a crash."""

import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from w2vstudio.core.errors import Cancelled
from w2vstudio.core.files.vectorfiles import load_vectors, save_vectors
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import files, settings, workers


@pytest.fixture
def vectors_file(tmp_path):
    """A small word2vec text file: 50 words of 8 dimensions."""
    rng = np.random.default_rng(3)
    kv = KeyedVectors([f"w{i}" for i in range(50)], rng.standard_normal((50, 8)).astype(np.float32))
    path = tmp_path / "small.vec"
    save_vectors(kv, path, "txt")
    return path


def drop(widget, paths):
    """Send a drag-enter and a drop of these local paths to `widget`; returns the enter event."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()  # QDragEnterEvent takes a QPoint, QDropEvent a QPointF
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if enter.isAccepted():
        QApplication.sendEvent(widget, QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime,
                                                  Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    return enter


def test_dropping_a_folder_makes_it_the_corpus(qtbot, window, tiny_corpus):
    with qtbot.waitSignal(window.corpus_panel.scan_finished, timeout=60_000) as scanned:
        assert drop(window, [tiny_corpus.parent]).isAccepted()
    assert [f.path for f in scanned.args[0].files] == [tiny_corpus]
    assert "distinct" in window.corpus_panel.summary.text()
    assert window.tabs.currentWidget() is window.train_panel


def test_dropping_a_vectors_file_opens_it_to_explore(qtbot, window, vectors_file):
    with qtbot.waitSignal(window.session.current_changed, timeout=30_000) as changed:
        drop(window, [vectors_file])
    kv = changed.args[0].kv
    assert len(kv) == 50 and window.session.current.model is None and not not window.session.current.saved
    assert window.model_status.vocab_label.text() == "50 words" and window.model_status.dim_label.text() == "8 dimensions"
    assert "small.vec" in window.windowTitle()
    with qtbot.waitSignal(window.neighbours_panel.results_shown) as shown:
        window.neighbours_panel.search("w1 - w2")
    assert {w for w, _, _ in shown.args[0]}.isdisjoint({"w1", "w2"})
    assert settings.get("files/recent") == [str(vectors_file.resolve())]


def test_bad_input_gives_one_sentence(qtbot, window, tmp_path):
    broken = tmp_path / "broken.bin"
    broken.write_bytes(b"\x00\x01garbage" * 10)
    window.open_paths([broken])
    window.open_paths([tmp_path / "missing.txt"])
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with qtbot.waitSignal(window.corpus_panel.scan_failed, timeout=30_000):
        window.open_paths([empty])
    qtbot.waitUntil(lambda: len(window.errors) == 3)
    assert all(e.count(". ") == 0 and len(e) < 200 for e in window.errors), window.errors
    assert sum("does not exist" in e for e in window.errors) == 1
    assert window.isVisible() and window.session.current is None


def test_cancel_a_scan(qtbot, window):
    panel = window.corpus_panel
    panel.scan()  # the bundled sample: long enough to cancel
    assert panel.is_scanning and panel.cancel_button.isVisible()
    assert window.session.corpus.scanning
    with qtbot.waitSignal(window.session.corpus_changed):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert not panel.is_scanning and not window.session.corpus.scanning and window.session.corpus.scanned is None
    assert "cancelled" in panel.summary.text()


def test_cancel_opening_vectors(qtbot, window, vectors_file, monkeypatch):
    """Cancel stops the real loader part-way: the first load waits until Cancel is clicked."""
    cancelled = []

    def load_after_cancel(path, task):
        deadline = time.monotonic() + 30
        while not task.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        try:
            return load_vectors(path, task=task)
        except Cancelled:
            cancelled.append(path)
            raise

    monkeypatch.setattr(files, "load_vectors", load_after_cancel)
    heard = []
    window.session.current_changed.connect(heard.append)
    window.open_paths([vectors_file])  # sorted in the background, then opened
    qtbot.waitUntil(lambda: window.busy.busy and window.busy.cancellable)
    qtbot.mouseClick(window.busy.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.busy.busy and not window.busy.cancellable
    assert window.statusBar().currentMessage() == "Opening cancelled."
    qtbot.waitUntil(lambda: not workers.running(), timeout=30_000)
    assert cancelled == [vectors_file] and heard == [] and window.session.entries == [] and window.errors == []

    monkeypatch.setattr(files, "load_vectors", load_vectors)
    with qtbot.waitSignal(window.session.current_changed, timeout=30_000):
        window.open_paths([vectors_file])  # a new load is whole
    assert len(window.session.current.kv) == 50 and not window.busy.cancellable


def test_what_the_user_should_know_about_a_file_is_said_after_it_opens(qtbot, window, tmp_path):
    path = tmp_path / "latin1.vec"
    path.write_bytes(b"2 3\ncaf\xe9 1 2 3\nbar 4 5 6\n")
    with qtbot.waitSignal(window.files.noted, timeout=30_000) as noted:
        window.files.open_vectors(path)
    assert noted.args[0] == f"{path}: 1 word is not valid UTF-8: their bad bytes were replaced by \ufffd"
    assert window.session.current.kv.words[0] == "caf\ufffd"
    assert "not valid UTF-8" in window.statusBar().currentMessage()

"""File ▸ Get a corpus…: the catalogue listed with size and licence, a download in the
background with progress and cancel, the corpus opened as a drop would, records left out noted,
failures one sentence. The download itself (checks, cache, unpacking, conversion) is tested in
tests/core/test_download.py."""

import socket
import threading
import time
import urllib.error

import pytest
from PySide6.QtWidgets import QListWidget

from w2vstudio.core.corpus import download
from w2vstudio.core.errors import W2VError
from w2vstudio.gui.corpus_download import GetCorpusDialog
from w2vstudio.gui.messages import sentence

TIMEOUT = 30_000


@pytest.fixture
def dialog(window, qtbot):
    window.actions.get_corpus.trigger()
    found = window.findChild(GetCorpusDialog)
    assert found is not None and found.isVisible()
    return found


def test_the_catalogue_is_listed_with_size_and_licence(dialog):
    listed = dialog.findChild(QListWidget)
    assert listed.count() == len(download.CATALOGUE) and listed.item(0).text().startswith("text8")
    for row, corpus in enumerate(download.CATALOGUE):
        text = listed.item(row).text()
        assert text.startswith(corpus.title) and corpus.words in text and f"Licence: {corpus.licence}" in text
        assert "Licence" in listed.item(row).toolTip()
    assert "33.2 MB" in listed.item(0).text() and "6.5 GB" in listed.item(len(download.CATALOGUE) - 1).text()


def test_a_downloaded_corpus_is_opened(window, dialog, qtbot, monkeypatch, tmp_path):
    corpus = tmp_path / "text8.gz"
    corpus.write_bytes(b"")
    opened = []

    def fetch(chosen, task, note):
        task.progress(0.5)
        return corpus

    monkeypatch.setattr(download, "fetch", fetch)
    monkeypatch.setattr(window.files, "open_paths", opened.append)
    with qtbot.waitSignal(dialog.corpus_ready, timeout=TIMEOUT):
        dialog.start()
    assert opened == [[str(corpus)]] and not dialog.isVisible()


def test_a_failure_is_one_sentence(window, dialog, qtbot, monkeypatch):
    def fetch(chosen, task, note):
        raise W2VError(f"{chosen.url}: the download is damaged")

    monkeypatch.setattr(download, "fetch", fetch)
    with qtbot.waitSignal(dialog.failed, timeout=TIMEOUT):
        dialog.start()
    assert dialog.status.endswith("the download is damaged") and window.errors == []  # said once, in the dialog
    assert not dialog.busy and dialog.isVisible()


def test_a_network_failure_is_said_once_in_words(window, dialog, qtbot, monkeypatch, tmp_path):
    def urlopen(url, timeout):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    monkeypatch.setattr(download.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(download, "cache_folder", lambda: tmp_path)
    with qtbot.waitSignal(dialog.failed, timeout=TIMEOUT):
        dialog.start()
    assert "Errno" not in dialog.status and "could not be looked up" in dialog.status
    assert dialog.status.startswith("https://") and window.errors == []
    assert sentence(dialog.status).startswith("https://")


def test_cancel_stops_the_download(window, dialog, qtbot, monkeypatch):
    started, stopped = threading.Event(), threading.Event()

    def fetch(chosen, task, note):
        started.set()
        deadline = time.monotonic() + TIMEOUT / 1000
        while not task.cancelled and time.monotonic() < deadline:
            time.sleep(0.01)
        stopped.set()
        task.check("the download was cancelled; nothing was kept")

    monkeypatch.setattr(download, "fetch", fetch)
    dialog.start()
    assert dialog.busy and started.wait(TIMEOUT / 1000)
    dialog.cancel()
    assert stopped.wait(TIMEOUT / 1000) and not dialog.busy
    assert dialog.status == "Download cancelled; nothing was kept." and window.errors == []


def test_records_left_out_are_noted(window, dialog, qtbot, monkeypatch, tmp_path):
    corpus = tmp_path / "fake-news.txt.gz"
    said = "Fake news: 2 of 12,999 records were left out (a field of title, text missing or not text)."

    def fetch(chosen, task, note):
        note(said)
        return corpus

    monkeypatch.setattr(download, "fetch", fetch)
    monkeypatch.setattr(window.files, "open_paths", lambda paths: None)
    dialog.choose("fake-news")
    with qtbot.waitSignal(dialog.corpus_ready, timeout=TIMEOUT):
        dialog.start()
    assert window.statusBar().currentMessage() == said and window.errors == []

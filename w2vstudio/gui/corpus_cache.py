"""File ▸ Encoded corpus cache…: the encoded corpora kept by training runs (`core.corpus.cache`),
listed with their files, size and last use, and a Clear button; listing and clearing run on a
worker (a cache of big entries on a slow disk must not freeze the window)."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from w2vstudio.core.corpus.cache import CorpusCache
from w2vstudio.core.support.memory import size_text
from w2vstudio.gui.workers import Call


class CorpusCacheDialog(QDialog):
    """The entries of the cache in `folder` (default: the user's), with Clear."""

    def __init__(self, parent: QWidget | None = None, folder: str | Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Encoded corpus cache")
        self._cache = CorpusCache(folder)
        self._list = QListWidget()
        self._status = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self._buttons = QDialogButtonBox()
        self._clear = self._buttons.addButton("Clear", QDialogButtonBox.ButtonRole.DestructiveRole)
        self._clear.setToolTip("Remove every cached corpus: the next run on them scans them again.")
        self._buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self._clear.clicked.connect(self.clear)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Encoded corpora kept in {self._cache.folder}, so that training again on the same "
                                "files with the same vocabulary settings does not scan them again.",
                                wordWrap=True, textFormat=Qt.TextFormat.PlainText))
        for widget in (self._list, self._status, self._buttons):
            layout.addWidget(widget)
        self._job = Call(self)
        self._job.succeeded.connect(self._on_job_succeeded)
        self._job.failed.connect(self._on_job_failed)
        self.refresh()

    @property
    def busy(self) -> bool:
        return self._job.busy

    @property
    def status(self) -> str:
        return self._status.text()

    def entries(self) -> list[str]:
        return [self._list.item(i).text() for i in range(self._list.count())]

    def refresh(self) -> None:
        """List the entries (on a worker)."""
        self._status.setText("Reading the cache…")
        self._clear.setEnabled(False)
        self._job.start(_listing, self._cache)

    def clear(self) -> None:
        """Remove every entry (on a worker), then list again."""
        self._status.setText("Clearing the cache…")
        self._clear.setEnabled(False)
        self._job.start(_clearing, self._cache)

    @Slot(object)
    def _on_job_succeeded(self, result) -> None:
        entries, note = result
        self._list.clear()
        for e in entries:
            used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.last_used))
            self._list.addItem(f"{e.files_text()}\n{e.words:,} words, {size_text(e.size)}, last used {used}")
        total = size_text(sum(e.size for e in entries))
        self._status.setText(note or f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, {total}.")
        self._clear.setEnabled(bool(entries))

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._status.setText(message)
        self._clear.setEnabled(True)

    def reject(self) -> None:
        self._job.stop()
        super().reject()


def _listing(cache: CorpusCache) -> tuple[list, str]:
    return cache.entries(), ""


def _clearing(cache: CorpusCache) -> tuple[list, str]:
    removed, freed = cache.clear()
    return cache.entries(), f"Removed {removed} entr{'y' if removed == 1 else 'ies'} ({size_text(freed)})."


def show_corpus_cache(parent: QWidget) -> CorpusCacheDialog:
    """Open the dialog over `parent`."""
    dialog = CorpusCacheDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

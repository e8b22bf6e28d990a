"""File ▸ Get a corpus…: the catalogue of free corpora (size, licence, source), one downloaded in
the background with progress and cancel (`core.download.fetch`: checked, cached, unpacked or
converted to text safely), then handed on to be opened as a drop would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from w2vstudio.core.corpus import download
from w2vstudio.core.support.printable import verbatim_html
from w2vstudio.gui.workers import Call
from w2vstudio.core.support.task import Task


class GetCorpusDialog(QDialog):
    """Choose a corpus of `download.CATALOGUE` and download it; `corpus_ready(path)` once it is in
    the cache (at once if it already is), after `noted(sentence)` for records left out of it."""

    corpus_ready = Signal(str)
    noted = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, catalogue=None):
        super().__init__(parent)
        self.setWindowTitle("Get a corpus")
        self._catalogue = download.CATALOGUE if catalogue is None else tuple(catalogue)
        self._list = QListWidget()
        for corpus in self._catalogue:
            cached = download.cached(corpus)
            item = QListWidgetItem(f"{corpus.title}: {corpus.words}, {_size(corpus.size)}"
                                   f"{' (downloaded)' if cached else ''}\nLicence: {corpus.licence}")
            item.setToolTip(verbatim_html(f"{corpus.description}\nLicence: {corpus.licence}\nSource: {corpus.source}"))
            self._list.addItem(item)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frame = 2 * self._list.frameWidth()
        self._list.setMinimumWidth(self._list.sizeHintForColumn(0) + frame + 8)  # every entry whole, unscrolled
        self._list.setMinimumHeight(sum(self._list.sizeHintForRow(i) for i in range(self._list.count())) + frame)
        self._list.setCurrentRow(0)
        self._list.currentRowChanged.connect(self._on_list_current_row_changed)
        self._about = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self._progress = QProgressBar(maximum=1000, visible=False)
        self._status = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self._buttons = QDialogButtonBox()
        self._get = self._buttons.addButton("Download", QDialogButtonBox.ButtonRole.AcceptRole)
        self._close = self._buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self._get.clicked.connect(self.start)
        self._close.clicked.connect(self._on_close_clicked)
        layout = QVBoxLayout(self)
        for widget in (self._list, self._about, self._progress, self._status, self._buttons):
            layout.addWidget(widget)
        self._job = Call(self)
        self._job.progressed.connect(self._on_job_progressed)
        self._job.succeeded.connect(self._on_job_succeeded)
        self._job.failed.connect(self._on_job_failed)
        self._job.cancelled.connect(self._on_job_cancelled)
        self._on_list_current_row_changed(0)

    @property
    def busy(self) -> bool:
        """A download runs."""
        return self._job.busy

    @property
    def status(self) -> str:
        return self._status.text()

    def choose(self, name: str) -> None:
        """Select the catalogue's corpus called `name`."""
        self._list.setCurrentRow(next(i for i, c in enumerate(self._catalogue) if c.name == name))

    def start(self) -> None:
        """Download the chosen corpus (or take it from the cache) in the background."""
        corpus = self._catalogue[self._list.currentRow()]
        self._progress.setValue(0)
        self._progress.setVisible(True)
        self._status.setText(f"Downloading {corpus.title} from {corpus.url}…")
        self._get.setEnabled(False)
        self._close.setText("Cancel")
        self._job.start(_fetch, corpus, with_task=True)

    def cancel(self) -> None:
        """Stop the download: nothing is kept."""
        if self._job.busy:
            self._job.stop()
            self._on_job_cancelled()

    @Slot(int)
    def _on_list_current_row_changed(self, row: int) -> None:
        corpus = self._catalogue[row]
        self._about.setText(f"{corpus.description}\nLicence: {corpus.licence}\nSource: {corpus.source}")

    @Slot()
    def _on_close_clicked(self) -> None:
        if self._job.busy:
            self.cancel()
        else:
            self.reject()

    @Slot(float, object)
    def _on_job_progressed(self, fraction: float, _text) -> None:
        self._progress.setValue(round(fraction * 1000))

    @Slot(object)
    def _on_job_succeeded(self, result) -> None:
        path, notes = result
        self._idle(f"Ready: {path}")
        for sentence in notes:
            self.noted.emit(sentence)
        self.corpus_ready.emit(str(path))
        self.accept()

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._idle(message)
        self.failed.emit(message)

    @Slot()
    def _on_job_cancelled(self) -> None:
        self._idle("Download cancelled; nothing was kept.")

    def _idle(self, message: str) -> None:
        self._status.setText(message)
        self._progress.setVisible(False)
        self._get.setEnabled(True)
        self._close.setText("Close")

    def reject(self) -> None:
        self.cancel()
        super().reject()


def get_corpus(parent: QWidget, open_paths: Callable[[list[str]], None], note: Callable[[str], None],
               show_error: Callable[[str], None]) -> None:
    """Offer the catalogue over `parent`; a corpus downloaded is opened by `open_paths`, what the
    user should know about it told by `note`, a failure in the dialog's own line (by `show_error` once
    the dialog is closed)."""
    dialog = GetCorpusDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.corpus_ready.connect(lambda path: open_paths([path]))
    dialog.noted.connect(note)
    dialog.failed.connect(lambda message: None if dialog.isVisible() else show_error(message))  # said once
    dialog.open()


def _fetch(corpus: download.Corpus, task: Task) -> tuple[Path, list[str]]:
    """`download.fetch` on a worker: the corpus's path and the notes about its conversion."""
    notes: list[str] = []
    path = download.fetch(corpus, task=task, note=notes.append)
    return path, notes


def _size(size: int) -> str:
    """A download's size, in MB or GB."""
    return f"{size / 1e9:,.1f} GB" if size >= 1e9 else f"{size / 1e6:,.1f} MB"

"""The corpus link: the selected word's count and rank, and a few lines of the corpus where it occurs
(keyword in context, searched in the background), with a button to pin it."""

from __future__ import annotations

import threading
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from w2vstudio.core.errors import UnknownWordError
from w2vstudio.core.kwic import ContextLine, keyword_in_context, word_frequency
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.workers import Job, JobSlot

KWIC_LINES = 6
KWIC_WIDTH = 60


class KwicJob(Job):
    """Finds the first lines of the corpus holding a word; `stop()` cancels the search."""

    def __init__(self, paths: list, word: str, lowercase: bool):
        super().__init__()
        self._args = (list(paths), word, lowercase)
        self._cancel = threading.Event()

    def work(self) -> tuple[str, list[ContextLine]]:
        paths, word, lowercase = self._args
        return word, keyword_in_context(paths, word, KWIC_LINES, KWIC_WIDTH, lowercase, self._cancel)

    def stop(self):
        self._cancel.set()


class WordInfoPanel(QWidget):
    """Shows one word in the vectors and in the corpus. `pin_toggled(word, pinned)`: the user
    pressed Pin or Unpin; `lines_found(lines)`: the corpus lines are shown."""

    pin_toggled = Signal(str, bool)
    lines_found = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._kv: KeyedVectors | None = None
        self._paths: list = []
        self._lowercase = True
        self._word: str | None = None
        self._search = JobSlot(self)
        self._search.succeeded.connect(self._on_search_succeeded)
        self._search.failed.connect(self._on_search_failed)
        self.title = QLabel("Select a word (Neighbours, Map) to see it in the corpus.")
        self.pin_button = QPushButton("Pin")
        self.pin_button.setCheckable(True)
        self.pin_button.setEnabled(False)
        self.pin_button.setToolTip("Pinned words are probed as the model learns and drawn with trails on the map.")
        self.pin_button.clicked.connect(self._on_pin_clicked)
        self.lines = QTextBrowser()
        self.lines.setOpenLinks(False)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.pin_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(row)
        layout.addWidget(self.lines, 1)

    @property
    def word(self) -> str | None:
        return self._word

    def set_vectors(self, kv: KeyedVectors | None):
        self._kv = kv
        if self._word is not None:
            self._show_title()

    def set_corpus(self, paths: list, lowercase: bool):
        """Search these corpus files from now on."""
        self._paths, self._lowercase = list(paths), lowercase

    def set_pinned(self, pins: list[str]):
        self.pin_button.setChecked(self._word in pins)
        self.pin_button.setText("Unpin" if self.pin_button.isChecked() else "Pin")

    def show_word(self, word: str, pins: list[str]):
        """Show `word`: count and rank at once, corpus lines when found."""
        self._word = word
        self.pin_button.setEnabled(True)
        self.set_pinned(pins)
        self._show_title()
        self.lines.setPlainText("Searching the corpus…")
        if self._paths:
            self._search.start(KwicJob(self._paths, word, self._lowercase))
        else:
            self.lines.setPlainText("No corpus to search.")

    def _show_title(self):
        word = escape(self._word)
        if self._kv is None:
            self.title.setText(f"<b>{word}</b>")
            return
        try:
            count, rank = word_frequency(self._kv, self._word)
        except UnknownWordError:
            self.title.setText(f"<b>{word}</b> · not in the vocabulary")
            return
        counted = "" if count is None else f"count {count:,} · "
        self.title.setText(f"<b>{word}</b> · {counted}rank {rank:,} of {len(self._kv):,}")

    def _on_search_succeeded(self, found: tuple[str, list[ContextLine]]):
        word, lines = found
        if not lines:
            self.lines.setPlainText(f"“{word}” does not occur in the corpus.")
        else:
            rows = "".join(f'<tr><td align="right">{escape(c.left)}</td><td><b>{escape(c.word)}</b></td>'
                           f'<td>{escape(c.right)}</td><td style="color:#888">{escape(c.path.name)}:{c.line}</td></tr>'
                           for c in lines)
            self.lines.setHtml(f'<table cellspacing="0" cellpadding="1">{rows}</table>')
        self.lines_found.emit(lines)

    def _on_search_failed(self, message: str):
        self.lines.setPlainText(f"The corpus could not be searched: {message}")

    def _on_pin_clicked(self, checked: bool):
        self.pin_toggled.emit(self._word, checked)

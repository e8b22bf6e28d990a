"""The corpus link: the selected word's count and rank, and a few lines of the corpus where it occurs
(keyword in context, searched in the background), with a button to pin it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from w2vstudio.core.errors import UnknownWordError
from w2vstudio.core.corpus.kwic import ContextLine, word_frequency
from w2vstudio.core.explore.lookups import find_lines
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.workers import Call

class WordInfoPanel(QWidget):
    """Shows one word in the vectors explored and in the session's corpus, with a button to pin it.
    `lines_found(lines)`: the corpus lines are shown (they are the session's corpus lines)."""

    lines_found = Signal(list)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self._session = session
        self._kv: KeyedVectors | None = None
        self._word: str | None = None
        self._search = Call(self)
        self._search.succeeded.connect(self._on_search_succeeded)
        self._search.failed.connect(self._on_search_failed)
        self.title = QLabel("Select a word (Neighbours, Map) to see it in the corpus.")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
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
        session.current_changed.connect(self._on_current_changed)
        session.pins_changed.connect(self._on_pins_changed)
        self._on_current_changed(session.current)

    @property
    def word(self) -> str | None:
        return self._word

    def toggle_pin(self):
        """Pin the word shown, or unpin it."""
        if self._word is not None:
            self._session.toggle_pin(self._word)

    def _on_current_changed(self, entry):
        self._kv = None if entry is None else entry.kv
        if self._word is not None:
            self._show_title()

    def _on_pins_changed(self, pins: list[str]):
        self.pin_button.setChecked(self._word in pins)
        self.pin_button.setText("Unpin" if self.pin_button.isChecked() else "Pin")

    def show_word(self, word: str):
        """Show `word`: count and rank at once, corpus lines when found."""
        self._word = word
        self.pin_button.setEnabled(True)
        self._on_pins_changed(self._session.pins)
        self._show_title()
        self.lines.setPlainText("Searching the corpus…")
        corpus = self._session.corpus
        if corpus.paths:
            self._search.start(find_lines, list(corpus.paths), word, corpus.lowercase, with_task=True)
        else:
            self.lines.setPlainText("No corpus to search.")

    def _show_title(self):
        word = self._word
        if self._kv is None:
            self.title.setText(word)
            return
        try:
            count, rank = word_frequency(self._kv, self._word)
        except UnknownWordError:
            self.title.setText(f"{word} · not in the vocabulary")
            return
        counted = "" if count is None else f"count {count:,} · "
        self.title.setText(f"{word} · {counted}rank {rank:,} of {len(self._kv):,}")

    def _on_search_succeeded(self, found: tuple[str, list[ContextLine]]):
        word, lines = found
        if not lines:
            self.lines.setPlainText(f"“{word}” does not occur in the corpus.")
        else:
            rows = "".join(f'<tr><td align="right">{escape(c.left)}</td><td><b>{escape(c.word)}</b></td>'
                           f'<td>{escape(c.right)}</td><td style="color:#888">{escape(c.path.name)}:{c.line}</td></tr>'
                           for c in lines)
            self.lines.setHtml(f'<table cellspacing="0" cellpadding="1">{rows}</table>')
        self._session.set_word_lines(lines)
        self.lines_found.emit(lines)

    def _on_search_failed(self, message: str):
        self.lines.setPlainText(f"The corpus could not be searched: {message}")

    def _on_pin_clicked(self, _checked: bool):
        self.toggle_pin()

"""A table of scored words with a message line above it, shared by the explore panels."""

from __future__ import annotations

from html import escape
from urllib.parse import quote, unquote

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from w2vstudio.gui.widgets.qt_models import ScoredWordsModel, scored_words_view
from w2vstudio.core.explore.lookups import Row, Unknown


class ResultsView(QWidget):
    """Shows result rows, or unknown words with clickable suggestions.

    `word_activated(word)`: a row was double-clicked. `suggestion_chosen(wrong, suggestion)`: a
    suggestion link was clicked.
    """

    word_activated = Signal(str)
    suggestion_chosen = Signal(str, str)

    def __init__(self, score_name: str = "cosine", parent=None):
        super().__init__(parent)
        self.model = ScoredWordsModel(score_name, 1.0, self)
        self.table = scored_words_view(self.model)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.setToolTip("Double-click a word to look up its neighbours.")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.linkActivated.connect(self._on_link_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)

    def show_rows(self, rows: list[Row], message: str = ""):
        self.model.set_rows(rows)
        self.message.setText(escape(message))

    def show_message(self, message: str):
        """Clear the rows and show a plain message."""
        self.show_rows([], message)

    def show_unknown(self, unknown: Unknown):
        """Clear the rows and say which words are unknown, with links to the suggestions."""
        parts = []
        for word, suggestions in unknown.suggestions.items():
            text = f"“{escape(word)}” is not in the vocabulary."
            if suggestions:
                links = ", ".join(f'<a href="{quote(word)} {quote(s)}">{escape(s)}</a>' for s in suggestions)
                text += f" Did you mean: {links}?"
            parts.append(text)
        self.model.set_rows([])
        self.message.setText("<br>".join(parts))

    def _on_double_clicked(self, index):
        self.word_activated.emit(self.model.word(index.row()))

    def _on_link_activated(self, link: str):
        wrong, _, suggestion = link.partition(" ")
        self.suggestion_chosen.emit(unquote(wrong), unquote(suggestion))

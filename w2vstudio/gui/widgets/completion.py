"""Word completion from the vocabulary for line edits, most frequent words first."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from w2vstudio.core.explore.prefix import PrefixIndex

INDEXED_WORDS = 300_000  # completion offers the most frequent words only
_OPERATORS = "+-"


class WordCompleter(QCompleter):
    """Completes the last word typed in a line edit (words may be separated by spaces)."""

    def __init__(self, line_edit: QLineEdit):
        super().__init__(line_edit)
        self._shown = QStringListModel(self)
        self.setModel(self._shown)
        self._edit = line_edit
        self._index: PrefixIndex | None = None
        self.setWidget(line_edit)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.activated[str].connect(self._on_activated)
        line_edit.textEdited.connect(self._on_text_edited)

    def set_words(self, words: list[str] | None):
        """Complete from these words (most frequent first), or from none."""
        self._index = PrefixIndex(words[:INDEXED_WORDS]) if words else None

    def _head_and_prefix(self) -> tuple[str, str]:
        text = self._edit.text()
        cut = len(text) - len(text.split(" ")[-1])
        head, last = text[:cut], text[cut:]
        sign = last[:1] if last[:1] in _OPERATORS and len(last) > 1 else ""
        return head + sign, last[len(sign):]

    def _on_text_edited(self, _text: str):
        _, prefix = self._head_and_prefix()
        words = self._index.matches(prefix) if self._index else []
        self._shown.setStringList(words)
        if words and words != [prefix]:
            self.complete()
        else:
            self.popup().hide()

    def _on_activated(self, word: str):
        head, _ = self._head_and_prefix()
        self._edit.setText(head + word)

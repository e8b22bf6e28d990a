"""Word completion from the vocabulary for line edits, most frequent words first."""

from __future__ import annotations

import threading

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLineEdit

from w2vstudio.core.explore.prefix import PrefixIndex
from w2vstudio.gui import workers

INDEXED_WORDS = 300_000  # completion offers the most frequent words only
ON_THE_SPOT = 20_000  # vocabularies indexed at once (a few ms); larger ones on a worker
_OPERATORS = "+-"
_built: list = [None, None]  # the last vocabulary indexed and its index: the completers of a model share it
_building = threading.Lock()


def shared_index(words: list[str]) -> PrefixIndex:
    """The prefix index of `words` (a model's word list), built once for every completer (any thread)."""
    with _building:
        if _built[0] is not words:
            _built[:] = [words, PrefixIndex(words[:INDEXED_WORDS])]
        return _built[1]


class WordCompleter(QCompleter):
    """Completes the last word typed in a line edit (words may be separated by spaces)."""

    def __init__(self, line_edit: QLineEdit):
        super().__init__(line_edit)
        self._shown = QStringListModel(self)
        self.setModel(self._shown)
        self._edit = line_edit
        self._index: PrefixIndex | None = None
        self._words: list[str] | None = None  # indexed on a worker; on the spot if typed in before
        self._indexing = workers.Call(self)
        self._indexing.succeeded.connect(self._on_indexing_succeeded)
        self.setWidget(line_edit)
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        self.activated[str].connect(self._on_activated)
        line_edit.textEdited.connect(self._on_text_edited)

    def set_words(self, words: list[str] | None):
        """Complete from these words (most frequent first), or from none; the index of a large
        vocabulary is built on a worker."""
        self._index, self._words = None, (words or None)
        self._indexing.stop()
        if self._words and len(self._words) <= ON_THE_SPOT:
            self._index = shared_index(self._words)
        elif self._words:
            self._indexing.start(shared_index, self._words)

    @property
    def index(self) -> PrefixIndex | None:
        """The index, built now if its worker has not delivered it yet (a word typed at once)."""
        if self._index is None and self._words:
            self._indexing.stop()
            self._index = shared_index(self._words)
        return self._index

    def _on_indexing_succeeded(self, index: PrefixIndex):
        self._index = index

    def _head_and_prefix(self) -> tuple[str, str]:
        text = self._edit.text()
        cut = len(text) - len(text.split(" ")[-1])
        head, last = text[:cut], text[cut:]
        sign = last[:1] if last[:1] in _OPERATORS and len(last) > 1 else ""
        return head + sign, last[len(sign):]

    def _on_text_edited(self, _text: str):
        _, prefix = self._head_and_prefix()
        index = self.index
        words = index.matches(prefix) if index else []
        self._shown.setStringList(words)
        if words and words != [prefix]:
            self.complete()
        else:
            self.popup().hide()

    def _on_activated(self, word: str):
        head, _ = self._head_and_prefix()
        self._edit.setText(head + word)

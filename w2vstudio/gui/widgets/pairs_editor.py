"""A small list editor of word pairs "input → output", each word completed from a vocabulary; bound to
the session's pairs for the next run."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QListWidget, QPushButton, QWidget

from w2vstudio.core.vectors import PHRASE_DELIMITER
from w2vstudio.gui.widgets.completion import WordCompleter

ARROW = " \u2192 "


class PairsEditor(QWidget):
    """Pairs typed as input and output (Add, or Return in the output), removed with Remove.
    With a session, it shows and sets the session's `probe_pairs` and completes from the vocabulary
    of the model explored. `pairs_edited(pairs)` after the user changes the list."""

    pairs_edited = Signal(list)

    def __init__(self, session=None, parent=None):
        super().__init__(parent)
        self._pairs: list[tuple[str, str]] = []
        self._kv = None  # the explored model's vectors: typed phrases resolve against them
        self.input_edit = QLineEdit(placeholderText="input word", clearButtonEnabled=True)
        self.output_edit = QLineEdit(placeholderText="output word", clearButtonEnabled=True)
        self.completers = [WordCompleter(self.input_edit), WordCompleter(self.output_edit)]
        self.output_edit.returnPressed.connect(self.add_typed)
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add_typed)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.list = QListWidget()
        self.list.setMaximumHeight(90)
        self.list.setToolTip("p(output | input) of these pairs is recorded at every snapshot of the next run; "
                             "with none, the pairs of highest PMI in the corpus.")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input_edit, 0, 0)
        layout.addWidget(QLabel(ARROW.strip()), 0, 1, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.output_edit, 0, 2)
        layout.addWidget(self.add_button, 0, 3)
        layout.addWidget(self.list, 1, 0, 1, 3)
        layout.addWidget(self.remove_button, 1, 3, Qt.AlignmentFlag.AlignTop)
        self._session = session
        if session is not None:
            self.set_pairs(session.probe_pairs)
            self.pairs_edited.connect(session.set_probe_pairs)
            session.probe_pairs_changed.connect(self.set_pairs)
            session.current_changed.connect(self._on_current_changed)
            self._on_current_changed(session.current)

    def pairs(self) -> list[tuple[str, str]]:
        return list(self._pairs)

    def set_pairs(self, pairs):
        """Show these pairs (no `pairs_edited`)."""
        pairs = [(str(a), str(b)) for a, b in pairs]
        if pairs == self._pairs:
            return
        self._pairs = pairs
        self.list.clear()
        self.list.addItems([a + ARROW + b for a, b in pairs])

    def set_words(self, words: list[str] | None):
        """Complete both words from these (most frequent first), or from none."""
        for completer in self.completers:
            completer.set_words(words)

    def add_typed(self):
        """Add the pair typed (a word or a phrase each side: "peanut butter" is the phrase token
        peanut_butter, as training joins it; a pair already listed is not added twice)."""
        a, b = (self._token(edit.text()) for edit in (self.input_edit, self.output_edit))
        if not a or not b:
            return
        if (a, b) not in self._pairs:
            self._edit(self._pairs + [(a, b)])
        self.input_edit.clear()
        self.output_edit.clear()
        self.input_edit.setFocus()

    def _token(self, text: str) -> str:
        """The token of a typed word or phrase: the explored model's (`key_of`), else its words
        joined by "_" (the phrase token a run with phrases makes)."""
        words = text.split()
        if len(words) <= 1:
            return text.strip()
        found = self._kv.key_of(" ".join(words)) if self._kv is not None else None
        return found if found is not None and " " not in found else PHRASE_DELIMITER.join(words)

    def _on_remove_clicked(self):
        rows = {i.row() for i in self.list.selectedIndexes()} or {self.list.currentRow()}
        self._edit([p for k, p in enumerate(self._pairs) if k not in rows])

    def _edit(self, pairs: list[tuple[str, str]]):
        self.set_pairs(pairs)
        self.pairs_edited.emit(self.pairs())

    def _on_current_changed(self, entry):
        kv = self._kv = entry.kv if entry is not None else None
        self.set_words(None if kv is None else kv.words)

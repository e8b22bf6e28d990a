"""The Neighbours tab: nearest words by cosine, with completion and spelling suggestions."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.core.explore import lookups
from w2vstudio.core.explore.query import ngram_note
from w2vstudio.core.explore.isotropy import leaning
from w2vstudio.gui.widgets.completion import WordCompleter
from w2vstudio.gui.widgets.results_view import ResultsView
from w2vstudio.gui.widgets.when_shown import WhenShown
from w2vstudio.gui.workers import Call


def topn_box(key: str = "explore/topn") -> QSpinBox:
    """A spin box for how many results to show, remembered under `key`."""
    box = QSpinBox()
    box.setRange(1, 1000)
    box.setValue(settings.get(key))
    box.setPrefix("top ")
    box.setToolTip("How many results to show.")
    box.valueChanged.connect(lambda n: settings.put(key, n))
    return box


class NeighboursPanel(QWidget):
    """Type a word (or `king - man + woman`), see its nearest neighbours in the model explored.

    `results_shown(rows)` follows each search; `word_shown(word)` when it was one known word."""

    results_shown = Signal(list)
    word_shown = Signal(str)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self._kv: KeyedVectors | None = None
        self._query = Call(self)
        self._query.succeeded.connect(self._on_query_succeeded)
        self._query.failed.connect(self._on_query_failed)

        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("a word, or words to add and subtract: king - man + woman")
        self.search_box.setToolTip("Nearest neighbours by cosine similarity. Put - before a word to subtract "
                                   "it. Completion offers the most frequent matching words.")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.returnPressed.connect(self._on_search_triggered)
        self.completer = WordCompleter(self.search_box)
        self.topn = topn_box()
        self.search_button = QPushButton("Search")
        self.search_button.clicked.connect(self._on_search_triggered)
        self.results = ResultsView("cosine")
        self.results.word_activated.connect(self.search)
        self.results.suggestion_chosen.connect(self._on_suggestion_chosen)

        self.leaning = QLabel()  # the space leaning one way, named
        self.leaning.setTextFormat(Qt.TextFormat.PlainText)
        self.leaning.setWordWrap(True)
        self.leaning.hide()
        row = QHBoxLayout()
        row.addWidget(QLabel("Word"))
        row.addWidget(self.search_box, 1)
        row.addWidget(self.topn)
        row.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.leaning)
        layout.addWidget(self.results, 1)
        self._leaning = Call(self)
        self._leaning.succeeded.connect(self._on_leaning_measured)
        self._leaning_check = WhenShown(self, self._show_leaning)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    @property
    def query(self) -> str:
        """The text searched (or being typed)."""
        return self.search_box.text().strip()

    def focus_search(self):
        """Put the cursor in the search box, its text selected."""
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _on_current_changed(self, entry):
        kv = None if entry is None else entry.kv
        self._kv = kv
        self._query.stop()
        self.completer.set_words(kv.words if kv is not None else None)
        self._leaning_check.request()
        for widget in (self.search_box, self.topn, self.search_button):
            widget.setEnabled(kv is not None)
        self.results.show_message("" if kv is not None else
                                  "Train a model or open a vectors file to explore it here.")

    def _show_leaning(self):
        """Measure whether the space shown leans one way (when shown, on a worker: 20,000 rows read)."""
        self._leaning.stop()
        if self._kv is None:
            self._on_leaning_measured(None)
        else:
            self._leaning.start(leaning, self._kv)

    def _on_leaning_measured(self, warning: str | None):
        self.leaning.setText(f"Warning: {warning}" if warning else "")
        self.leaning.setVisible(bool(warning))

    def search(self, text: str):
        """Look up the neighbours of `text`; `results_shown` follows."""
        if self._kv is None:
            return
        self.search_box.setText(text)
        self._query.start(lookups.neighbours, self._kv, text, self.topn.value())

    def _on_search_triggered(self):
        self.search(self.search_box.text().strip())

    def _on_query_succeeded(self, result):
        if isinstance(result, lookups.Unknown):
            self.results.show_unknown(result)
            self.results_shown.emit([])
            return
        self.results.show_rows(result, ngram_note(self._kv, self.query))
        self.results_shown.emit(result)
        if result and self._kv is not None and self.query in self._kv:
            self.word_shown.emit(self.query)

    def _on_query_failed(self, message: str):
        self.results.show_message(message)

    def _on_suggestion_chosen(self, wrong: str, suggestion: str):
        self.search(lookups.replace_word(self.search_box.text(), wrong, suggestion))

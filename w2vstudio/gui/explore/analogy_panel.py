"""The Analogy tab: a : b :: c : ? by 3CosAdd or 3CosMul, and "doesn't match" for a list of words."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings
from w2vstudio.core.explore import lookups
from w2vstudio.gui.widgets.completion import WordCompleter
from w2vstudio.gui.explore.neighbours_panel import topn_box
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.widgets.results_view import ResultsView
from w2vstudio.gui.workers import Call

METHODS = (("3CosAdd", "add"), ("3CosMul", "mul"))


class AnalogyPanel(QWidget):
    """Solves analogies and finds the odd one out; `word_activated` when a result is double-clicked."""

    analogy_solved = Signal(object)  # lookups.AnalogyAnswer
    odd_one_found = Signal(str)
    word_activated = Signal(str)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self._kv: KeyedVectors | None = None
        self._solve = Call(self)
        self._solve.succeeded.connect(self._on_analogy_succeeded)
        self._solve.failed.connect(self._on_analogy_failed)
        self._odd = Call(self)
        self._odd.succeeded.connect(self._on_odd_succeeded)
        self._odd.failed.connect(self._on_odd_failed)

        self.word_edits = {}
        self.completers = []
        for name, tip in (("a", "a is to b"), ("b", "a is to b"), ("c", "as c is to ?"),
                          ("expected", "Optional: the answer you expect; its rank is shown.")):
            edit = QLineEdit()
            edit.setPlaceholderText(name)
            edit.setToolTip(tip)
            edit.returnPressed.connect(self._on_solve_triggered)
            self.completers.append(WordCompleter(edit))
            self.word_edits[name] = edit
        self.method = QComboBox()
        for text, value in METHODS:
            self.method.addItem(text, value)
        self.method.setCurrentIndex(max(self.method.findData(settings.get("analogy/method")), 0))
        self.method.setToolTip("3CosAdd: the word nearest to b - a + c. 3CosMul (Levy & Goldberg 2014): "
                               "multiplies similarities instead, often a little more accurate.")
        self.method.currentIndexChanged.connect(self._on_method_changed)
        self.include_inputs = QCheckBox("Include a, b, c")
        self.include_inputs.setToolTip("Keep the three question words among the answers; by default they are left "
                                       "out, as gensim's most_similar does (king − man + woman is often nearest "
                                       "to king itself).")
        self.include_inputs.toggled.connect(self._on_include_inputs_toggled)
        self.inputs_note = QLabel()
        self.inputs_note.setTextFormat(Qt.TextFormat.PlainText)
        self.inputs_note.setWordWrap(True)
        self.topn = topn_box()
        self.solve_button = QPushButton("Solve")
        self.solve_button.clicked.connect(self._on_solve_triggered)
        self.rank = QLabel()
        self.rank.setTextFormat(Qt.TextFormat.PlainText)
        self.results = ResultsView("score")
        self.results.word_activated.connect(self.word_activated)
        self.results.suggestion_chosen.connect(self._on_suggestion_chosen)

        self.odd_edit = QLineEdit()
        self.odd_edit.setPlaceholderText("breakfast cereal dinner lunch")
        self.odd_edit.setToolTip("Words separated by spaces; the one farthest from the others is shown.")
        self.odd_edit.returnPressed.connect(self._on_odd_triggered)
        self.odd_button = QPushButton("Find")
        self.odd_button.clicked.connect(self._on_odd_triggered)
        self.odd_result = QLabel()
        self.odd_result.setTextFormat(Qt.TextFormat.PlainText)
        self.odd_result.setWordWrap(True)
        self._layout()
        self._on_method_changed()
        self._on_include_inputs_toggled(False)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    def _layout(self):
        e = self.word_edits
        question = QHBoxLayout()
        for widget in (e["a"], QLabel(":"), e["b"], QLabel("::"), e["c"], QLabel(": ?")):
            question.addWidget(widget)
        options = QHBoxLayout()
        for widget in (QLabel("Expected"), e["expected"], self.method, self.include_inputs, self.topn, self.solve_button):
            options.addWidget(widget)
        box = QGroupBox("Analogy: a is to b as c is to ?")
        column = QVBoxLayout(box)
        column.addLayout(question)
        column.addLayout(options)
        column.addWidget(self.inputs_note)
        column.addWidget(self.rank)
        column.addWidget(self.results, 1)
        odd_box = QGroupBox("Doesn't match")
        odd = QHBoxLayout(odd_box)
        odd.addWidget(self.odd_edit, 1)
        odd.addWidget(self.odd_button)
        odd.addWidget(self.odd_result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(box, 1)
        layout.addWidget(odd_box)

    def _on_current_changed(self, entry):
        kv = None if entry is None else entry.kv
        self._kv = kv
        self._solve.stop()
        self._odd.stop()
        for completer in self.completers:
            completer.set_words(kv.words if kv is not None else None)
        self.setEnabled(kv is not None)
        self.rank.clear()
        self.odd_result.clear()
        self.results.show_message("")

    def solve(self, a: str, b: str, c: str, expected: str = ""):
        """Fill in the question and solve it; `analogy_solved` follows."""
        if self._kv is None:
            return
        for name, word in zip(("a", "b", "c", "expected"), (a, b, c, expected)):
            self.word_edits[name].setText(word)
        self._solve.start(lookups.analogy, self._kv, a, b, c, self.method.currentData(), self.topn.value(),
                         expected or None, not self.include_inputs.isChecked())

    def find_odd_one(self, text: str):
        """The word of `text` that doesn't match the others; `odd_one_found` follows."""
        if self._kv is None:
            return
        self.odd_edit.setText(text)
        self._odd.start(lookups.doesnt_match, self._kv, text)

    def _on_solve_triggered(self):
        self.solve(*(self.word_edits[n].text().strip() for n in ("a", "b", "c", "expected")))

    def _on_odd_triggered(self):
        self.find_odd_one(self.odd_edit.text())

    def _on_include_inputs_toggled(self, include: bool):
        self.inputs_note.setText("a, b and c are kept among the answers." if include else
                                 "a, b and c are left out of the answers, as gensim's most_similar does "
                                 "(tick Include a, b, c to keep them).")

    def _on_method_changed(self, *_):
        method = self.method.currentData()
        settings.put("analogy/method", method)
        self.results.model.set_score_name("cosine" if method == "add" else "3CosMul", 1.0 if method == "add" else None)

    def _on_analogy_succeeded(self, answer):
        if isinstance(answer, lookups.Unknown):
            self.rank.clear()
            self.results.show_unknown(answer)
            return
        self.results.show_rows(answer.rows)
        if answer.expected is None:
            self.rank.clear()
        elif answer.expected_rank is None:
            self.rank.setText(f"Expected “{answer.expected}”: it is one of the inputs, which are excluded.")
        else:
            self.rank.setText(f"Expected “{answer.expected}”: rank {answer.expected_rank:,}.")
        self.analogy_solved.emit(answer)

    def _on_analogy_failed(self, message: str):
        self.rank.clear()
        self.results.show_message(message)

    def _on_odd_succeeded(self, result):
        if isinstance(result, lookups.Unknown):
            self.odd_result.setText(" ".join(f"“{w}” is not in the vocabulary." for w in result.suggestions))
            return
        self.odd_result.setText(f"“{result}” doesn't match.")
        self.odd_one_found.emit(result)

    def _on_odd_failed(self, message: str):
        self.odd_result.setText(message)

    def _on_suggestion_chosen(self, wrong: str, suggestion: str):
        for edit in self.word_edits.values():
            if edit.text().strip() == wrong:
                edit.setText(suggestion)
        self._on_solve_triggered()

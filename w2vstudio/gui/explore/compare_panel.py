"""The Compare tab: two models of the session side by side, a word's neighbours in each with their
overlap, the words whose neighbourhoods differ most, and the two runs' held-out curves overlaid."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from w2vstudio.core.errors import FormatError
from w2vstudio.core.explore.compare import NeighbourComparison, compare_word
from w2vstudio.core.inside.tables import objective
from w2vstudio.core.lenses.heldout import stored_heldout
from w2vstudio.core.explore.lookups import COMPARE_RESTRICT, DIFFER_N, DIFFER_TOP, differences, with_counts
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.widgets.completion import WordCompleter
from w2vstudio.gui.widgets.curve_key import CurveKey
from w2vstudio.gui.widgets.qt_models import ScoredWordsModel, scored_words_view
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.workers import Call

DIFFER = "Find the words that differ most"
_PENS = ("#d1495b", "#3066be")


def heldout_curve(model, key: str) -> tuple[np.ndarray, np.ndarray]:
    """(epochs, values) of a model's held-out records that have `key` (empty without)."""
    rows = [r for r in stored_heldout(model) if r.get(key) is not None] if model is not None else []
    return np.array([r["progress"] for r in rows], np.float64), np.array([r[key] for r in rows], np.float64)


def heldout_key(models) -> str:
    """"ns_loss" when both runs trained with negative sampling (scored at every snapshot), else
    "neg_log_p" (−log p, the one scale every objective shares)."""
    both_ns = all(m is not None and objective(m) == "negative" for m in models)
    return "ns_loss" if both_ns else "neg_log_p"


class SharedWordsModel(ScoredWordsModel):
    """Scored words, those in `shared` in bold."""

    def __init__(self, parent=None):
        super().__init__("cosine", 1.0, parent)
        self.shared: set[str] = set()
        self._bold = QFont()
        self._bold.setBold(True)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.FontRole and index.isValid() and self.word(index.row()) in self.shared:
            return self._bold
        return super().data(index, role)


class ComparePanel(QWidget):
    """Compares two of the session's models. `compared(NeighbourComparison)` and
    `differences_found(rows)` follow `compare` and `find_differences`."""

    compared = Signal(object)
    differences_found = Signal(list)
    comparison_failed = Signal(str)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self._session = session
        self._models: dict[str, KeyedVectors] = {}
        self._trained: dict[str, object] = {}  # name -> the trained Model, or None for a vectors file
        self._compare = Call(self)
        self._compare.succeeded.connect(self._on_compare_succeeded)
        self._compare.failed.connect(self._on_job_failed)
        self._differ = Call(self)
        self._differ.succeeded.connect(self._on_differ_succeeded)
        self._differ.failed.connect(self._on_job_failed)
        self.left, self.right = QComboBox(), QComboBox()
        for combo in (self.left, self.right):
            combo.setMinimumContentsLength(24)
            combo.currentIndexChanged.connect(self._on_models_chosen)
        self.word_edit = QLineEdit(placeholderText="a word both models know", clearButtonEnabled=True)
        self.word_edit.returnPressed.connect(self._on_compare_triggered)
        self.completer = WordCompleter(self.word_edit)
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self._on_compare_triggered)
        self.differ_button = QPushButton(DIFFER)
        self.differ_button.setToolTip(f"Of the {DIFFER_TOP:,} most frequent words both models know, the "
                                      f"{DIFFER_N} that moved most after aligning the models: cosine distance "
                                      f"and change of their top-{DEFAULT_K} neighbourhoods, as z-scores among "
                                      "words of similar frequency.")
        self.differ_button.clicked.connect(self.find_differences)
        self.overlap_label = QLabel()
        self.overlap_label.setTextFormat(Qt.TextFormat.PlainText)
        self.left_rows, self.right_rows = SharedWordsModel(self), SharedWordsModel(self)
        self.differ_rows = ScoredWordsModel("change (z)", None, self)
        self.differ_view = scored_words_view(self.differ_rows)
        self.differ_view.setToolTip("Double-click a word to compare its neighbours.")
        self.differ_view.doubleClicked.connect(self._on_differ_double_clicked)
        self.heldout_plot = pg.PlotWidget(title="Held-out loss of the two runs (words never trained on)")
        self.heldout_plot.setLabel("bottom", "epochs")
        self.heldout_plot.setMinimumHeight(140)
        self.heldout_key = CurveKey()
        self.heldout_label = QLabel()
        self.heldout_label.setWordWrap(True)
        self._layout()
        self._on_models_chosen()
        session.models_changed.connect(self._on_models_changed)
        self._on_models_changed()

    def _layout(self):
        row = QHBoxLayout()
        for widget in (QLabel("Compare"), self.left, QLabel("with"), self.right, QLabel("for"), self.word_edit,
                       self.compare_button):
            row.addWidget(widget, 1 if widget is self.word_edit else 0)
        lists = QHBoxLayout()
        for title, rows in (("first model", self.left_rows), ("second model", self.right_rows)):
            box = QGroupBox(f"Neighbours in the {title}")
            QVBoxLayout(box).addWidget(scored_words_view(rows))
            lists.addWidget(box)
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.overlap_label)
        column.addLayout(lists, 1)
        bottom = QGroupBox("Words that moved most")
        differ = QVBoxLayout(bottom)
        differ.addWidget(self.differ_button, 0, Qt.AlignmentFlag.AlignLeft)
        differ.addWidget(self.differ_view, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        heldout = QGroupBox("Held-out likelihood")
        curves = QVBoxLayout(heldout)
        curves.addWidget(self.heldout_label)
        curves.addWidget(self.heldout_key)
        curves.addWidget(self.heldout_plot, 1)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.addWidget(heldout)
        QVBoxLayout(self).addWidget(splitter)

    # -- models ----------------------------------------------------------------------------------
    def _on_models_changed(self):
        """The session's models by name; two different ones stay chosen where they can, else the
        last two are."""
        models = [(e.name, e.kv) for e in self._session.entries]
        trained = {e.name: e.model for e in self._session.entries}
        if models == list(self._models.items()) and trained == self._trained:
            return
        self._trained = trained
        chosen = [self.left.currentText(), self.right.currentText()]
        self._models = dict(models)
        names = list(self._models)
        if len(set(chosen)) < 2 or not set(chosen) <= set(names):
            chosen = [names[max(len(names) - 2, 0)], names[-1]] if names else ["", ""]
        for combo, name in zip((self.left, self.right), chosen):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentText(name)
            combo.blockSignals(False)
        self._on_models_chosen()

    def chosen(self) -> tuple[KeyedVectors, KeyedVectors] | None:
        """The two models chosen, if there are two."""
        names = self.left.currentText(), self.right.currentText()
        if len(self._models) < 2 or not all(n in self._models for n in names):
            return None
        return self._models[names[0]], self._models[names[1]]

    def choose(self, left: str, right: str):
        self.left.setCurrentText(left)
        self.right.setCurrentText(right)

    # -- comparing -------------------------------------------------------------------------------
    def compare(self, word: str):
        """Compare `word`'s neighbours in the two models; `compared` follows."""
        pair = self.chosen()
        if pair is None or not word:
            return
        self.word_edit.setText(word)
        self.overlap_label.setText(f"Comparing “{word}”…")
        self._compare.start(compare_word, *pair, word, DEFAULT_K, COMPARE_RESTRICT)

    def find_differences(self):
        """List the words whose neighbourhoods differ most; `differences_found` follows."""
        pair = self.chosen()
        if pair is None:
            return
        self.differ_button.setEnabled(False)
        self.differ_button.setText("Looking…")
        self._differ.start(differences, *pair)

    def _on_compare_succeeded(self, c: NeighbourComparison):
        a, b = self.chosen()
        shared = c.shared
        for rows, kv, found in ((self.left_rows, a, c.left), (self.right_rows, b, c.right)):
            rows.shared = shared
            rows.set_rows(with_counts(kv, found))
        self.overlap_label.setText(f"“{c.word}”: {len(shared)} of {DEFAULT_K} neighbours shared (in bold), "
                                   f"Jaccard overlap {c.overlap:.2f}.")
        self.compared.emit(c)

    def _on_differ_succeeded(self, rows: list):
        self._reset_differ_button()
        self.differ_rows.set_rows(rows)
        self.differences_found.emit(rows)

    def _on_job_failed(self, message: str):
        self._reset_differ_button()
        self.overlap_label.setText(message)
        self.comparison_failed.emit(message)

    def _reset_differ_button(self):
        self.differ_button.setText(DIFFER)
        self.differ_button.setEnabled(self.chosen() is not None)

    def _on_models_chosen(self, *_):
        pair = self.chosen()
        self._compare.stop()
        self._differ.stop()
        for rows in (self.left_rows, self.right_rows, self.differ_rows):
            rows.set_rows([])
        self.completer.set_words(None if pair is None else pair[0].words)
        for widget in (self.word_edit, self.compare_button):
            widget.setEnabled(pair is not None)
        self._reset_differ_button()
        self.overlap_label.setText("Train or open two models to compare them here: each training run and "
                                   "each vectors file opened joins the session." if pair is None else "")
        self._show_heldout()

    def _show_heldout(self):
        """Both runs' held-out curves on one axis, with a legend; a line says what is missing."""
        self.heldout_plot.clear()
        shown = []
        names = [self.left.currentText(), self.right.currentText()] if self.chosen() is not None else []
        models = [self._trained.get(n) for n in names]
        key = heldout_key(models)
        self.heldout_plot.setLabel("left", "NS loss" if key == "ns_loss" else "−log p")
        missing = []
        for k, (name, model) in enumerate(zip(names, models)):
            try:
                x, y = heldout_curve(model, key)
            except FormatError as exc:
                missing.append(f"{name}: {exc}")
                continue
            if not len(x):
                missing.append(f"{name} has no held-out curve")
                continue
            self.heldout_plot.plot(x, y, pen=pg.mkPen(_PENS[k], width=2), symbol="o", symbolSize=4,
                                   symbolBrush=_PENS[k], symbolPen=None, name=name)
            shown.append((name, _PENS[k]))
        self.heldout_key.set_curves(shown)
        what = ("the negative-sampling loss" if key == "ns_loss" else
                "−log p(output | input) (for negative sampling: the softmax estimate at each epoch's end)")
        text = (f"Mean {what} on each run's held-out slice (train with Watch ▸ Held-out on)."
                if names else "Two models trained with a held-out slice show their curves here.")
        self.heldout_label.setText(text + ("  " + "; ".join(missing) + "." if missing else ""))

    def _on_compare_triggered(self):
        self.compare(self.word_edit.text().strip())

    def _on_differ_double_clicked(self, index):
        self.compare(self.differ_rows.word(index.row()))

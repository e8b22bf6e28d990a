"""The Change tab: two models of the session (corpora or time slices) aligned by orthogonal Procrustes,
the words that moved most (frequency controlled), and for a word chosen its neighbours in each model
and its place in each on one aligned 2-D map; the aligned vectors can be exported."""

from __future__ import annotations

import re

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)

from w2vstudio.core.explore.change import Change, change, write_aligned
from w2vstudio.gui.widgets.beside_labels import BesideLabels
from w2vstudio.gui.widgets.qt_models import ScoredWordsModel, scored_words_view
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.workers import Call

LISTED = 200
_COLOURS = ("#3066be", "#d1495b")
_WORD_DOT, _NEIGHBOUR_DOT = 12, 6  # pixels across: the word's own points, its neighbours'


def _file_name(name: str) -> str:
    """A model's name made fit for a file name."""
    return re.sub(r"[^\w.-]+", "_", name)[:60]


class ChangePanel(QWidget):
    """`rank()` aligns the chosen pair and lists the words most changed (`ranked` follows);
    `show_word(word)` fills the neighbours and the map."""

    ranked = Signal(object)
    exported = Signal(list)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self._session = session
        self._models: dict = {}
        self.result: Change | None = None
        self.first, self.second = QComboBox(), QComboBox()
        self.anchors = QLineEdit(placeholderText="anchor words (default: every shared word)", clearButtonEnabled=True)
        self.rank_button = QPushButton("Rank the words that moved")
        self.rank_button.clicked.connect(self.rank)
        self.export_button = QPushButton("Export aligned vectors…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.rows = ScoredWordsModel("change (z)", None, self)
        self.view = scored_words_view(self.rows)
        self.view.clicked.connect(lambda index: self.show_word(self.rows.word(index.row())))
        self.neighbours = [QPlainTextEdit(readOnly=True) for _ in range(2)]
        self.plot = pg.PlotWidget(title="the word (large) and its neighbours in each model, aligned (PCA)")
        self.plot.getPlotItem().hideButtons()
        self.map_labels = BesideLabels(self.plot, _WORD_DOT)  # the view fitted to the points and their labels
        self._call = Call(self)
        self._call.succeeded.connect(self._on_ranked)
        self._call.failed.connect(self._on_failed)
        self._export = Call(self)
        self._export.succeeded.connect(self._on_exported)
        self._export.failed.connect(self._on_failed)
        row = QHBoxLayout()
        for w in (QLabel("from"), self.first, QLabel("to"), self.second, self.anchors, self.rank_button,
                  self.export_button):
            row.addWidget(w, 1 if w is self.anchors else 0)
        lists = QSplitter(Qt.Orientation.Vertical)
        for edit in self.neighbours:
            lists.addWidget(edit)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(lists)
        split.addWidget(self.plot)
        split.setSizes([480, 260, 540])  # the ranked list wide enough for its words and bars (shares of the width)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        session.models_changed.connect(self._on_models_changed)
        self._on_models_changed()

    @property
    def busy(self) -> bool:
        return self._call.busy or self._export.busy

    def chosen(self):
        names = self.first.currentText(), self.second.currentText()
        if len(self._models) < 2 or names[0] == names[1] or not all(n in self._models for n in names):
            return None
        return [self._models[n] for n in names]

    def rank(self):
        pair = self.chosen()
        if pair is None:
            self.message.setText("Choose two different models of the session.")
            return
        anchors = self.anchors.text().replace(",", " ").split() or None
        self.message.setText("Aligning and ranking…")
        self.rank_button.setEnabled(False)
        self._call.start(change, pair, anchors=anchors)

    def show_word(self, word: str):
        """`word`'s neighbours in each model and its place in each on the aligned map."""
        if self.result is None or word not in self.result.words:
            return
        names = self.first.currentText(), self.second.currentText()
        for edit, name, found in zip(self.neighbours, names, self.result.neighbours(word)):
            edit.setPlainText(f"{word} in {name}:\n" + "\n".join(f"{w}  {s:.3f}" for w, s in found))
        points, labels = self.result.word_map(word)
        self.plot.clear()  # the labels too: `map_labels` makes new ones
        texts, colours = [], []
        for (label, slice_), (x, y) in zip(labels, points.tolist()):
            colour = _COLOURS[min(slice_, 1)]
            own = label == word
            self.plot.addItem(pg.ScatterPlotItem([x], [y], size=_WORD_DOT if own else _NEIGHBOUR_DOT,
                                                 brush=pg.mkBrush(colour)))
            texts.append(f"{label} ({names[slice_]})" if own else label)
            colours.append(colour)
        self.map_labels.labels = []  # removed by the clear above
        self.map_labels.set_points(points, texts, colours)  # each beside its point where it overlaps none

    def _on_ranked(self, result: Change):
        self.result = result
        self.rank_button.setEnabled(True)
        top = result.ranked(LISTED)
        kv = self.chosen()[0] if self.chosen() else None
        self.rows.set_rows([(r["word"], r["z"], kv.count(r["word"]) if kv else None) for r in top])
        self.message.setText(f"{len(result.words):,} shared words ranked, aligned on {result.anchors:,} anchors; "
                             "click a word to see its neighbours and its place in each model.")
        if top:
            self.show_word(top[0]["word"])
        self.ranked.emit(result)

    def _on_export_clicked(self):
        folder = QFileDialog.getExistingDirectory(self, "Export aligned vectors into")
        if folder:
            self.export_to(folder)

    def export_to(self, folder: str):
        pair = self.chosen()
        if pair is None or self.result is None:
            self.message.setText("Rank the words first: the export uses that alignment.")
            return
        names = [f"{i + 1}-{_file_name(n)}" for i, n in enumerate((self.first.currentText(),
                                                                      self.second.currentText()))]
        self._export.start(write_aligned, pair, self.result, folder, names)

    def _on_exported(self, paths: list):
        self.message.setText("Aligned vectors written: " + ", ".join(str(p) for p in paths))
        self.exported.emit(paths)

    def _on_failed(self, message: str):
        self.rank_button.setEnabled(True)
        self.message.setText(message)

    def _on_models_changed(self):
        models = [(e.name, e.kv) for e in self._session.entries]
        if models == list(self._models.items()):
            return
        self._models = dict(models)
        names = list(self._models)
        for combo, name in zip((self.first, self.second), names[-2:] if len(names) > 1 else ["", ""]):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentText(name)
            combo.blockSignals(False)
        self._call.stop()
        self.result = None
        self.rows.set_rows([])
        self.message.setText("Train or open two models (of two corpora or time slices) to see what moved."
                             if len(names) < 2 else "")

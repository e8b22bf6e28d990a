"""Bias axes: words on two axes as a scatter (word2viz-style), the words most toward each end of
the first axis, the chosen words' scores on it over training (from the snapshots), and the corpus
evidence: how often each end's words occur near a word, with lines (read in the background)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.errors import W2VError
from w2vstudio.core.lenses.axes import Evidence, evidence, make_axis, occupations, poles, scores, scores_over_snapshots
from w2vstudio.core.run import CORPUS
from w2vstudio.core.train.model import epoch_words
from w2vstudio.gui import workers
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.widgets.when_shown import WhenShown

DEFAULT_AXES = (("he", "she"), ("poor", "rich"))
TOP = 15
_COLOURS = ("#d1495b", "#2e7d5b", "#3066be", "#edae49", "#8f5fbf", "#00798c")


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").split() if w]


class AxesView(QWidget):
    """Two axes (each "from" words → "to" words) and a word list (default: occupations); Show draws."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.ends = [(QLineEdit(a), QLineEdit(b)) for a, b in DEFAULT_AXES]
        self.words = QPlainTextEdit(" ".join(occupations()))
        self.words.setMaximumHeight(70)
        self.show_button = QPushButton("Show")
        self.show_button.clicked.connect(self.refresh)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.scatter_plot = pg.PlotWidget(title="words on the two axes")
        self.scatter = pg.ScatterPlotItem(size=6, brush=pg.mkBrush("#3066be"))
        self.scatter_plot.addItem(self.scatter)
        for side in ("left", "bottom"):
            self.scatter_plot.getAxis(side).enableAutoSIPrefix(False)  # scores are cosines
        self._labels: list[pg.TextItem] = []
        self.ranked = QTableWidget(0, 4)
        self.ranked.setHorizontalHeaderLabels(["toward “from”", "score", "toward “to”", "score"])
        self.ranked.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ranked.verticalHeader().hide()
        self.training_plot = pg.PlotWidget(title="scores on the first axis over training")
        self.training_plot.setLabel("bottom", "epochs")
        self._training = workers.Call(self)
        self._training.succeeded.connect(self._on_training_succeeded)
        self._training.failed.connect(self.message.setText)
        self.training_plot.addLegend(offset=(10, 10))
        self.ranked.cellClicked.connect(self._on_ranked_cell_clicked)
        self.evidence_word = QLineEdit()
        self.evidence_word.setPlaceholderText("a word (or click one in the list)")
        self.evidence_word.returnPressed.connect(self.find_evidence)
        self.evidence_button = QPushButton("Corpus evidence on axis x")
        self.evidence_button.clicked.connect(self.find_evidence)
        self.evidence_text = QPlainTextEdit()
        self.evidence_text.setReadOnly(True)
        self._evidence = workers.Call(self)
        self._evidence.succeeded.connect(self._on_evidence_succeeded)
        self._evidence.failed.connect(self.evidence_text.setPlainText)
        form = QGridLayout()
        for row, (source, target) in enumerate(self.ends):
            form.addWidget(QLabel(f"axis {'xy'[row]}: from"), row, 0)
            form.addWidget(source, row, 1)
            form.addWidget(QLabel("to"), row, 2)
            form.addWidget(target, row, 3)
        form.addWidget(QLabel("words"), 2, 0)
        form.addWidget(self.words, 2, 1, 1, 3)
        form.addWidget(self.show_button, 3, 3)
        evidence_row = QHBoxLayout()
        evidence_row.addWidget(self.evidence_word, 1)
        evidence_row.addWidget(self.evidence_button)
        evidence_box = QWidget()
        evidence_layout = QVBoxLayout(evidence_box)
        evidence_layout.setContentsMargins(0, 0, 0, 0)
        evidence_layout.addLayout(evidence_row)
        evidence_layout.addWidget(self.evidence_text)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.ranked)
        right.addWidget(self.training_plot)
        right.addWidget(evidence_box)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.scatter_plot)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._when_shown = WhenShown(self, self.refresh)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    # -- public ----------------------------------------------------------------------------------
    def axis_words(self, i: int) -> tuple[list[str], list[str]]:
        return _words(self.ends[i][0].text()), _words(self.ends[i][1].text())

    @property
    def busy(self) -> bool:
        return self._evidence.busy or self._training.busy

    def find_evidence(self):
        """Count, in the model's corpus, axis x's words within the window of the evidence word."""
        entry, word = self.session.current, self.evidence_word.text().strip()
        if entry is None or not word:
            return
        model = entry.model
        paths = model.info.get(CORPUS) if model is not None else None
        if not paths:
            self.evidence_text.setPlainText("The evidence needs a model trained here: it remembers its corpus.")
            return
        source, target = self.axis_words(0)
        self.evidence_text.setPlainText(f"Reading the corpus for “{word}”…")
        self._evidence.start(evidence, list(paths), word, source, target, model.params.window,
                             lowercase=model.params.lowercase, cancellable=True)

    def refresh(self):
        """Draw the current model's words on the axes as the form says."""
        self.scatter.clear()
        for label in self._labels:
            self.scatter_plot.removeItem(label)
        self._labels = []
        self.ranked.setRowCount(0)
        self.training_plot.clear()
        entry = self.session.current
        if entry is None:
            self.message.setText("Train or open a model to see its axes.")
            return
        kv = entry.kv
        known = [w for w in _words(self.words.toPlainText()) if w in kv]
        missing = len(_words(self.words.toPlainText())) - len(known)
        axes = []
        try:
            for i in range(2):
                ends = self.axis_words(i)
                unknown = next((w for end in ends for w in end if w not in kv), None)
                if unknown is not None:  # said at once: spelling suggestions over the vocabulary take seconds
                    raise W2VError(f"“{unknown}” is not in the vocabulary")
                axes.append(make_axis(kv, *ends))
        except W2VError as exc:
            self.message.setText(f"axis {'xy'[len(axes)]}: {exc}")
        if axes:
            self._ranked(kv, axes[0])
            self._over_training(entry, known)
        if len(axes) < 2:
            return
        self.message.setText(f"x: {axes[0].label}   y: {axes[1].label}"
                             + (f"   ({missing} words not in the vocabulary)" if missing else ""))
        x, y = (scores(kv, a, known) for a in axes)
        self.scatter.setData(x, y)
        for word, px, py in zip(known, x.tolist(), y.tolist()):
            label = pg.TextItem(word, color="#333", anchor=(0, 1))  # plain text
            label.setPos(px, py)
            self.scatter_plot.addItem(label)
            self._labels.append(label)
        self.scatter_plot.setLabel("bottom", axes[0].label)
        self.scatter_plot.setLabel("left", axes[1].label)

    # -- parts -----------------------------------------------------------------------------------
    def _on_current_changed(self, _entry):
        self._evidence.stop()
        self.evidence_text.clear()
        self._when_shown.request()

    def _on_ranked_cell_clicked(self, row: int, column: int):
        item = self.ranked.item(row, column - column % 2)
        if item is not None:
            self.evidence_word.setText(item.text())

    def _on_evidence_succeeded(self, found: Evidence):
        source, target = ("+".join(words) for words in self.axis_words(0))
        lines = [f"“{found.word}” occurs {found.occurrences:,} times; within its window: {source} "
                 f"{found.source_count:,} times, {target} {found.target_count:,} times."]
        for name, shown in ((source, found.source_lines), (target, found.target_lines)):
            lines += ["", f"near {name}:"] + [f"  {line}" for line in shown]
        self.evidence_text.setPlainText("\n".join(lines))

    def _ranked(self, kv, axis):
        low, high = poles(kv, axis, TOP)
        self.ranked.setRowCount(max(len(low), len(high)))
        for r in range(max(len(low), len(high))):
            for c, pairs in ((0, low), (2, high)):
                if r < len(pairs):
                    self.ranked.setItem(r, c, QTableWidgetItem(pairs[r][0]))
                    self.ranked.setItem(r, c + 1, QTableWidgetItem(f"{pairs[r][1]:+.3f}"))

    def _over_training(self, entry, known: list[str]):
        recorder = entry.recorder
        self._training.stop()
        if recorder is None or len(recorder) < 2:
            return
        tracked = set(recorder.words)
        source, target = self.axis_words(0)
        chosen = [w for w in known if w in tracked][: len(_COLOURS)]
        if chosen and set(source + target) <= tracked:
            per_epoch = epoch_words(entry.model) if entry.model is not None else None
            self._training.start(_curves, recorder, source, target, chosen, per_epoch)

    def _on_training_succeeded(self, result):
        progress, chosen, curves = result
        self.training_plot.clear()
        for k, word in enumerate(chosen):
            self.training_plot.plot(progress, curves[:, k], pen=pg.mkPen(_COLOURS[k], width=2), name=word)


def _curves(recorder, source: list[str], target: list[str], chosen: list[str], per_epoch: float | None):
    """(progress in epochs (or corpus words), the chosen words, their scores (S, chosen)) from the
    recorder's snapshots: on a worker thread."""
    snapshots = recorder.stacked()  # first: a run may add snapshots meanwhile
    words = recorder.times()["words"][: len(snapshots)].astype(np.float64)
    curves = scores_over_snapshots(recorder.words, snapshots, source, target, chosen)
    return (words / per_epoch if per_epoch else words), chosen, curves

"""Word senses: a word's occurrences in the model's corpus clustered into senses, in the background,
with its silhouette against words of similar frequency, the clusters listed and drawn as a map (the
occurrences by PCA of their context vectors, coloured by sense, the word's own vector among them,
hover for the line). On an ensemble the verdict is taken in every run (mean ± sd); the senses drawn
are the first run's."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.lenses.senses import DEFAULT_MAX, Senses, senses
from w2vstudio.core.train.model import corpus_paths
from w2vstudio.gui import workers
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.widgets.completion import WordCompleter

COLOURS = ("#3066be", "#d1495b", "#2e7d5b", "#edae49", "#8f5fbf", "#00798c", "#6b4226", "#555555")


class SensesView(QWidget):
    """Type a word and press Split (or `split()`); `result` holds the last `Senses`."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.result: Senses | None = None
        self.word = QLineEdit()
        self.word.setPlaceholderText("a word, e.g. bank")
        self.word.returnPressed.connect(self.split)
        self.k = QSpinBox()
        self.k.setRange(0, 10)
        self.k.setSpecialValueText("k: best of 2–5")
        self.k.setPrefix("k = ")
        self.occurrences = QSpinBox()
        self.occurrences.setRange(20, 5_000)
        self.occurrences.setValue(DEFAULT_MAX)
        self.occurrences.setPrefix("up to ")
        self.occurrences.setSuffix(" occurrences")
        self.split_button = QPushButton("Split")
        self.split_button.clicked.connect(self.split)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.cancel_button.setEnabled(False)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.completer = WordCompleter(self.word)
        self.map = pg.PlotWidget(title="occurrences by their contexts (PCA), coloured by sense")
        self.map.getPlotItem().hideAxis("left")
        self.map.getPlotItem().hideAxis("bottom")
        self.scatter = pg.ScatterPlotItem(size=6, pen=None, hoverable=True)
        self.scatter.sigHovered.connect(self._on_scatter_hovered)
        self.own = pg.ScatterPlotItem(size=16, symbol="star", brush=pg.mkBrush("#000"), pen=pg.mkPen("#fff"))
        self.map.addItem(self.scatter)
        self.map.addItem(self.own)
        self.own_label = pg.TextItem("", color="#000", anchor=(0, 1))
        self.map.addItem(self.own_label)
        self.sense_labels: list[pg.TextItem] = []  # each sense's first stand-ins, at its centroid on the map
        self.hover = QLabel()
        self.hover.setTextFormat(Qt.TextFormat.PlainText)
        self.hover.setWordWrap(True)
        row = QHBoxLayout()
        for widget in (self.word, self.k, self.occurrences, self.split_button, self.cancel_button):
            row.addWidget(widget)
        picture = QWidget()
        picture_layout = QVBoxLayout(picture)
        picture_layout.setContentsMargins(0, 0, 0, 0)
        picture_layout.addWidget(self.map, 1)
        picture_layout.addWidget(self.hover)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tree)
        split.addWidget(picture)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.headline)
        layout.addWidget(split, 1)
        self._call = workers.Call(self)
        self._call.succeeded.connect(self._on_call_succeeded)
        self._call.failed.connect(self._on_call_ended)
        self._call.cancelled.connect(lambda: self._on_call_ended("Cancelled."))
        self._call.progressed.connect(self._on_call_progressed)
        self._reading = ""
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    @property
    def busy(self) -> bool:
        return self._call.busy

    def split(self):
        """Sample the word's occurrences in the corpus the model was trained on and cluster them."""
        entry, word = self.session.current, self.word.text().strip()
        if not word:
            return
        models = entry.models() if entry is not None else []  # an ensemble: every run
        paths = corpus_paths(models[0]) if models else None
        if not paths:
            self.headline.setText("Senses need a model trained here (it remembers its corpus and its "
                                  "subsampling); this one does not name its corpus.")
            return
        self._clear()
        self._reading = f"Reading the corpus for “{word}”"
        self.headline.setText(f"{self._reading}…")
        self.split_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._call.start(senses, models, list(paths), word, self.occurrences.value(), self.k.value() or None,
                         with_task=True)

    # -- reacting ----------------------------------------------------------------------------------
    def _on_current_changed(self, entry):
        self._call.stop()
        self._on_call_ended("")
        self._clear()
        kv = entry.kv if entry is not None else None
        self.completer.set_words(kv.words if kv is not None else None)

    def _clear(self):
        self.result = None
        self.tree.clear()
        self.scatter.clear()
        self.own.clear()
        self.own_label.setText("")
        for label in self.sense_labels:
            self.map.removeItem(label)
        self.sense_labels = []
        self.hover.clear()

    def hover_text(self, i: int) -> str:
        """What hovering the `i`-th occurrence shows: its sense and its line."""
        found = self.result
        return f"sense {int(found.labels[i]) + 1}: {found.all_lines[i]}" if found is not None else ""

    def _on_call_progressed(self, fraction: float, text):
        self.headline.setText(f"{text or self._reading}… {fraction:.0%}")

    def _on_scatter_hovered(self, _item, points, _event):
        if len(points):
            self.hover.setText(self.hover_text(int(points[0].data())))

    def _on_cancel_clicked(self):
        self._call.stop()
        self._on_call_ended("Cancelled.")

    def _on_call_ended(self, message: str):
        self.split_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.headline.setText(message)

    def _on_call_succeeded(self, found: Senses):
        self._on_call_ended("")
        self.result = found
        self.headline.setText(f"“{found.word}”: {found.occurrences} occurrences sampled{found.reading.note()}; "
                              f"{found.verdict()}.")
        for i, sense in enumerate(found.senses, 1):
            top = QTreeWidgetItem([f"sense {i}: {100 * sense.share:.0f}% of occurrences; cosine with the "
                                   f"word's vector {sense.cosine_with_word:.3f}"])
            top.setForeground(0, pg.mkColor(COLOURS[(i - 1) % len(COLOURS)]))
            children = [f"stand-ins: {', '.join(sense.stand_ins)}", f"nearest: {', '.join(sense.nearest)}",
                        f"distinctive context: {', '.join(sense.distinctive)}"]
            children += [f"“{line}”" for line in sense.lines]
            top.addChildren([QTreeWidgetItem([text]) for text in children])
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
        brushes = [pg.mkBrush(pg.mkColor(COLOURS[c % len(COLOURS)])) for c in found.labels.tolist()]
        self.scatter.setData(x=found.points[:, 0], y=found.points[:, 1], brush=brushes,
                             data=np.arange(len(found.points)))
        self.own.setData(x=[found.word_point[0]], y=[found.word_point[1]])
        self.own_label.setText(f"{found.word} (its vector)")  # plain text
        self.own_label.setPos(float(found.word_point[0]), float(found.word_point[1]))
        for c, sense in enumerate(found.senses):
            label = pg.TextItem(", ".join(sense.stand_ins[:3]), color=COLOURS[c % len(COLOURS)], anchor=(0.5, 0.5),
                                fill=pg.mkBrush(255, 255, 255, 235))  # plain text
            centre = found.points[found.labels == c].mean(axis=0)
            label.setPos(float(centre[0]), float(centre[1]))
            label.setZValue(10)  # above the occurrences
            self.map.addItem(label)
            self.sense_labels.append(label)

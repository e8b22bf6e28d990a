"""A tiny model trained one sample at a time: E and C as heatmaps, the loss per sample."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFontMetricsF, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSpinBox,
                               QTextEdit, QVBoxLayout, QWidget)

from w2vstudio.core.inside.tiny import SEED_TEXT, TinyModel
from w2vstudio.core.map.projection import PCABasis, pca_apply, pca_fit
from w2vstudio.gui.widgets.beside_labels import BesideLabels

_OBJECTIVES = [("Full softmax", "softmax"), ("Negative sampling", "negative"), ("Hierarchical softmax", "hs")]
_PLAY_MS = 50
_MEAN_OF = 50
_CENTRE, _CONTEXT = QColor("#f4a259"), QColor("#fde4b0")
_LABELS = 40  # words named on the map (the most frequent), as many as fit
_DOT = 7  # px, a point on the map
_COLUMN_LABELS = 5  # C's columns are named up to this many words (more overlap at 1280 pixels)


def _heatmap(title: str, x_label: str, y_label: str) -> tuple[pg.PlotWidget, pg.ImageItem, pg.ColorBarItem]:
    """A heatmap with its colour scale (the weights' values, symmetric around 0)."""
    plot = pg.PlotWidget(title=title)
    image = pg.ImageItem()
    colours = pg.colormap.get("CET-D1")
    image.setColorMap(colours)
    plot.addItem(image)
    plot.invertY(True)
    plot.setLabel("bottom", x_label)
    plot.setLabel("left", y_label)
    plot.setMinimumHeight(160)
    scale = pg.ColorBarItem(values=(-1, 1), colorMap=colours, interactive=False, width=12, label="weight")
    scale.setImageItem(image, insert_in=plot.getPlotItem())
    return plot, image, scale


class TinyView(QWidget):
    """Text, objective and seed; Next / ×10 / ×100 / Play / Reset. E has a row per word, C a column
    per word (per inner node for hierarchical softmax); the words just updated are listed, and marked
    beside E's rows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.tiny: TinyModel | None = None
        self.text = QPlainTextEdit(SEED_TEXT)
        self.text.setToolTip("Up to a few thousand words; every word is in the vocabulary.")
        self.text.setMaximumHeight(90)
        self.objective = QComboBox()
        for label, key in _OBJECTIVES:
            self.objective.addItem(label, key)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.seed.setPrefix("seed ")
        self.dim = QSpinBox()
        self.dim.setRange(2, 64)
        self.dim.setValue(8)
        self.dim.setPrefix("dimensions ")
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.001, 2.0)
        self.alpha.setDecimals(3)
        self.alpha.setSingleStep(0.05)
        self.alpha.setValue(0.2)
        self.alpha.setPrefix("learning rate ")
        for control in (self.dim, self.alpha):
            control.setToolTip("Used from the next Reset.")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Fresh E and C from the seed, with the text and objective above.")
        self.reset_button.clicked.connect(self.reset)
        self.next_buttons = []
        for n in (1, 10, 100):
            button = QPushButton("Next" if n == 1 else f"×{n}")
            button.clicked.connect(lambda _=False, n=n: self.train(n))
            self.next_buttons.append(button)
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.e_plot, self.e_image, self.e_scale = _heatmap("E: a row per word", "dimension", "word")
        self.c_plot, self.c_image, self.c_scale = _heatmap("C: a column per word", "word", "dimension")
        self.e_updated = pg.ScatterPlotItem(symbol="t2", size=9, brush=pg.mkBrush("#d1495b"), pen=None)
        self.e_plot.addItem(self.e_updated)  # a mark left of each row just updated, its word named or not
        self.e_plot.getViewBox().sigResized.connect(self._on_e_resized)
        self.map = pg.PlotWidget(title="E on a fixed PCA basis (fitted at reset)")
        self.map.setMouseEnabled(False, False)  # the view is fitted to the points and their labels
        self.map.hideButtons()
        self._points = pg.ScatterPlotItem(size=_DOT, brush=pg.mkBrush("#7aa6e0"), hoverable=True,
                                          tip=lambda x, y, data: data)  # every word, labelled or not
        self.map.addItem(self._points)
        self.map_labels = BesideLabels(self.map, _DOT)
        self._basis: PCABasis | None = None
        self.loss = pg.PlotWidget(title="loss per sample, and its running mean")
        self.loss.setLabel("bottom", "sample")
        self._loss_curve = self.loss.plot(pen=pg.mkPen("#7aa6e0", width=1))
        self._mean_curve = self.loss.plot(pen=pg.mkPen("#d1495b", width=3))
        self._timer = QTimer(self)
        self._timer.setInterval(_PLAY_MS)
        self._timer.timeout.connect(self._on_play_tick)

        controls = QHBoxLayout()
        controls.addWidget(self.objective)
        controls.addWidget(self.seed)
        controls.addWidget(self.dim)
        controls.addWidget(self.alpha)
        controls.addWidget(self.reset_button)
        for button in self.next_buttons + [self.play_button]:
            controls.addWidget(button)
        controls.addStretch(1)
        maps = QHBoxLayout()
        maps.addWidget(self.e_plot)
        maps.addWidget(self.c_plot)
        maps.addWidget(self.map)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addLayout(maps, 2)
        layout.addWidget(self.loss, 1)
        self.reset()

    def reset(self):
        self.play_button.setChecked(False)
        try:
            self.tiny = TinyModel(self.text.toPlainText(), self.objective.currentData(), dim=self.dim.value(),
                                  alpha=self.alpha.value(), seed=self.seed.value())
        except ValueError as exc:
            self.tiny = None
            self.status.setText(str(exc))
        for button in self.next_buttons + [self.play_button]:
            button.setEnabled(self.tiny is not None)
        self.text.setExtraSelections([])
        self.map_labels.set_points(np.zeros((0, 2)), [])
        if self.tiny is not None:
            self._basis = pca_fit(self.tiny.vectors.astype(np.float64))
            words = self.tiny.vocab.words
            self.map_labels.set_points(self._map_xy(), [w if i < _LABELS else "" for i, w in enumerate(words)])
            self.status.setText(f"{len(self.tiny.vocab)} words, {len(self.tiny.samples)} samples a round; "
                                f"the first: {self._describe(0)}")
            self._show([])

    def train(self, n: int):
        if self.tiny is None:
            return
        done = self.tiny.next(n)
        last = done[-1]
        self.status.setText(f"sample {self.tiny.position:,} ({self._describe(last.index)}): loss {last.loss:.3f}, "
                            f"mean of the last {_MEAN_OF} {self.tiny.running_mean(_MEAN_OF):.3f}; updated: "
                            + ", ".join(last.words))
        self._show(last.words)
        self._mark(last.index)

    def _mark(self, index: int):
        """Highlight the sample's centre and context words in the text."""
        tiny, text = self.tiny, self.text.toPlainText()
        sample = tiny.samples[index]
        marks = []
        for k, colour in [(j, _CONTEXT) for j in sample.context] + [(sample.centre, _CENTRE)]:
            start, end = tiny.text_tokens[k].span
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(_utf16(text, start))
            cursor.setPosition(_utf16(text, end), QTextCursor.MoveMode.KeepAnchor)
            mark = QTextEdit.ExtraSelection()
            mark.cursor = cursor
            mark.format = QTextCharFormat()
            mark.format.setBackground(colour)
            marks.append(mark)
        self.text.setExtraSelections(marks)
        self.text.setTextCursor(marks[-1].cursor)
        self.text.ensureCursorVisible()

    def _describe(self, index: int) -> str:
        s = self.tiny.samples[index]
        return f"{' + '.join(s.inputs)} → {s.output}"

    def _show(self, updated):
        tiny = self.tiny
        self.e_image.setImage(tiny.vectors.T, autoLevels=False, levels=_levels(tiny.vectors))
        self.e_scale.setLevels(_levels(tiny.vectors))
        c = tiny.context_matrix
        self.c_image.setImage(c, autoLevels=False, levels=_levels(c))
        self.c_scale.setLevels(_levels(c))
        ticks = [(i + 0.5, w) for i, w in enumerate(tiny.vocab.words)]
        self._name_rows()
        rows = [i for i, w in enumerate(tiny.vocab.words) if w in updated]
        self.e_updated.setData(x=np.full(len(rows), -0.35), y=np.array(rows) + 0.5)
        hs = tiny.objective == "hs"
        self.c_plot.setTitle("C: a column per inner node of the Huffman tree" if hs else "C: a column per word")
        self.c_plot.setLabel("bottom", "inner node" if hs else "word")
        every = -(-len(ticks) // _COLUMN_LABELS)  # as many words named as fit: every n-th
        self.c_plot.getAxis("bottom").setTicks([[] if hs else ticks[::every]])
        xy = self._map_xy()
        self._points.setData(pos=xy, data=list(tiny.vocab.words),
                             brush=[pg.mkBrush("#d1495b" if w in updated else "#7aa6e0") for w in tiny.vocab.words])
        self.map_labels.set_points(xy)
        losses = np.asarray(tiny.losses)
        self._loss_curve.setData(np.arange(len(losses)), losses)
        if len(losses):
            means = np.convolve(losses, np.ones(_MEAN_OF), "full")[: len(losses)] / np.minimum(
                np.arange(1, len(losses) + 1), _MEAN_OF)
            self._mean_curve.setData(np.arange(len(losses)), means)
        else:
            self._mean_curve.setData([], [])

    def _name_rows(self):
        """Name E's rows, every n-th where one line of text is taller than a row."""
        axis, words = self.e_plot.getAxis("left"), self.tiny.vocab.words
        per_row = self.e_plot.getViewBox().height() / max(len(words), 1)
        line = QFontMetricsF(axis.style["tickFont"] or self.font()).height()
        every = max(1, int(np.ceil(line / per_row))) if per_row > 0 else len(words)
        axis.setTicks([[(i + 0.5, w) for i, w in enumerate(words)][::every]])

    def _on_e_resized(self, *_):
        if self.tiny is not None:
            self._name_rows()

    def _map_xy(self) -> np.ndarray:
        return pca_apply(self._basis, self.tiny.vectors.astype(np.float64))

    def _on_play_toggled(self, on: bool):
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    def _on_play_tick(self):
        self.train(1)


def _utf16(text: str, index: int) -> int:
    """A position in ``text`` as Qt counts it (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2


def _levels(matrix: np.ndarray) -> tuple[float, float]:
    top = float(np.abs(matrix).max()) or 1.0
    return -top, top

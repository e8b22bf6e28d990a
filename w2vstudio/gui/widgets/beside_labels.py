"""Labels beside a small map's points (a few dozen): the plot's view fitted to the points and their
labels, each label right of its point or else left of it, shown only where it overlaps no other
label and covers no point, a crowded point's label a line above or below (`core.map.labels.labels_beside`);
placed again when the plot is resized."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject

from w2vstudio.core.map.labels import labels_beside

_MARGIN = 8  # pixels across added to a dot when the view is fitted: no dot touches the plot's axes


class BesideLabels(QObject):
    """The labels of `plot`'s points: `set_points(xy, texts, colours)`, texts[i] naming point i ("" for
    none), in colours[i] (default: the one colour given)."""

    def __init__(self, plot: pg.PlotWidget, dot: float, gap: float = 4.0, colour: str = "#333"):
        super().__init__(plot)
        self._plot, self._dot, self._gap, self._colour = plot, dot, gap, colour
        self.labels: list[pg.TextItem] = []  # one per text, in the order given
        self._xy = np.zeros((0, 2))
        self._named: list[int] = []  # the point each label names
        plot.getViewBox().sigResized.connect(self._on_resized)

    def set_points(self, xy: np.ndarray, texts: list[str] | None = None, colours: list | None = None) -> None:
        """Move the labels to `xy` (n, 2); with `texts`, new labels first (plain text, in `colours`)."""
        self._xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        if texts is not None:
            for label in self.labels:
                self._plot.removeItem(label)
            self.labels, self._named = [], []
            for i, text in enumerate(texts):
                if text:
                    label = pg.TextItem(text, color=self._colour if colours is None else colours[i], anchor=(0, 0.5))
                    label.textItem.document().setDocumentMargin(1)  # its box close to its text
                    self._plot.addItem(label, ignoreBounds=True)
                    self.labels.append(label)
                    self._named.append(i)
        self.place()

    def place(self) -> None:
        """Fit the view to the points and their labels, and show the labels that fit apart."""
        box = self._plot.getViewBox()
        if not len(self._xy) or box.width() < 1 or box.height() < 1:
            return
        sizes = np.zeros((len(self._xy), 2))
        for i, label in zip(self._named, self.labels):
            sizes[i] = label.boundingRect().width(), label.boundingRect().height()
        (x0, y0, x1, y1), shown, on_left, lifts = labels_beside(self._xy, sizes, (box.width(), box.height()),
                                                                self._dot + _MARGIN, self._gap)
        box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        gap = self._gap * (x1 - x0) / box.width()
        left_of = dict(zip(shown.tolist(), on_left.tolist()))
        lift_of = dict(zip(shown.tolist(), lifts.tolist()))
        for i, label in zip(self._named, self.labels):
            x, y = self._xy[i]
            left = left_of.get(i, False)
            label.setAnchor((1 if left else 0, 0.5 + lift_of.get(i, 0)))  # lifted a label's height (y down)
            label.setPos(float(x) - gap if left else float(x) + gap, float(y))
            label.setVisible(i in left_of)

    def _on_resized(self, *_):
        self.place()

"""Neighbourhood stability: the mean overlap curve over training and the words still moving."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from w2vstudio.core.watch.stability import Stability
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K
from w2vstudio.gui.widgets.qt_models import ScoredWordsModel, scored_words_view

_PEN = pg.mkPen("#8d5a97", width=2)


class StabilityView(QWidget):
    """Shows a `Stability`; `word_activated(word)` when a moving word is double-clicked."""

    word_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setTitle(f"Mean stability: top-{DEFAULT_K} neighbours kept from one snapshot to the next",
                      size="10pt")
        item.setLabel("left", "Jaccard")
        item.setLabel("bottom", "epochs")
        item.getAxis("bottom").enableAutoSIPrefix(False)  # not "epochs (x0.001)" before epoch 1
        item.setMenuEnabled(False)
        item.hideButtons()
        item.getViewBox().disableAutoRange()
        self.plot.setYRange(0, 1, padding=0.02)
        self.plot.setMinimumHeight(140)
        self._curve = self.plot.plot(pen=_PEN, symbol="o", symbolSize=4, symbolBrush="#8d5a97", symbolPen=None)
        self.moving = ScoredWordsModel("overlap", 1.0, self)
        self.table = scored_words_view(self.moving)
        self.table.setToolTip("The tracked words whose neighbours changed most between the last two snapshots. "
                              "Double-click one to look it up.")
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        side = QVBoxLayout()
        side.addWidget(QLabel("Still moving (latest snapshots)"))
        side.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 3)
        layout.addLayout(side, 2)

    def curve(self) -> tuple[np.ndarray, np.ndarray]:
        """The mean stability drawn: (epochs, overlap)."""
        x, y = self._curve.getData()
        return (np.zeros(0), np.zeros(0)) if x is None else (x, y)

    def set_stability(self, stability: Stability | None):
        """Show this stability (None: nothing to show)."""
        if stability is None or not len(stability.x):
            self._curve.setData([], [])
            self.moving.set_rows([])
            return
        self._curve.setData(stability.x, stability.mean)
        self.plot.setXRange(0, float(np.max(stability.x)), padding=0.02)
        self.moving.set_rows(stability.still_moving)

    def _on_table_double_clicked(self, index):
        self.word_activated.emit(self.moving.word(index.row()))

"""The map's colour legends: the scale of the colour by frequency (the colours from rare to frequent
words with the counts at both ends; the colour follows the log of the count), and the colour of
each region with its name."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QWidget

from w2vstudio.core.support.printable import verbatim_html

_WIDTH, _HEIGHT = 120, 10


class FrequencyLegend(QWidget):
    """`least` [colours] `most`, for the colour table `shades` ((k, 3) RGB, rare to frequent)."""

    def __init__(self, shades: np.ndarray, parent: QWidget | None = None):
        super().__init__(parent)
        self._least, self._most = QLabel(), QLabel()
        bar = QLabel()
        rgb = np.ascontiguousarray(np.repeat(np.asarray(shades, np.uint8)[None, :, :3], _HEIGHT, axis=0))
        image = QImage(rgb.data, rgb.shape[1], _HEIGHT, 3 * rgb.shape[1], QImage.Format.Format_RGB888)
        bar.setPixmap(QPixmap.fromImage(image.scaled(_WIDTH, _HEIGHT)))
        bar.setToolTip("Colour by the log of the count")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self._least, bar, self._most):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    @property
    def scale(self) -> tuple[str, str]:
        """The counts written at both ends."""
        return self._least.text(), self._most.text()

    def set_counts(self, counts: np.ndarray | None) -> None:
        """Show the range of `counts` (hidden where there are none)."""
        if counts is None or not len(counts):
            self.hide()
            return
        self._least.setText(f"{int(np.min(counts)):,}")
        self._most.setText(f"{int(np.max(counts)):,}")
        self.show()


class RegionLegend(QListWidget):
    """Each region's colour and name (plain text), one a row, all in view (a name too long is elided,
    whole in its tooltip); hidden while there are none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMaximumWidth(240)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hide()

    @property
    def names(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def set_regions(self, names: list[str], colours: list[QColor]) -> None:
        self.clear()
        for name, colour in zip(names, colours):
            swatch = QPixmap(12, 12)
            swatch.fill(colour)
            item = QListWidgetItem(QIcon(swatch), name)
            item.setToolTip(verbatim_html(name))
            self.addItem(item)
        self.setFixedHeight(sum(self.sizeHintForRow(i) for i in range(self.count())) + 2 * self.frameWidth())
        self.setVisible(bool(names))

"""Select points on a map by drawing around them: while the lasso is on, a left-button drag over
the plot draws a free-hand polygon (instead of panning) and its vertices are reported when the
button is released; `mark` rings the points selected. Which points lie inside is
the map model's job (`core.map.model`)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem


class Lasso(pg.GraphicsObject):
    """A drawing surface over a ViewBox's whole view, catching drags only while `active`."""

    drawn = Signal(object)  # the polygon's vertices, (m, 2) in view coordinates

    def __init__(self, view: pg.ViewBox):
        super().__init__()
        self._view = view
        self._active = False
        self._points: list[QPointF] = []
        self._outline = QGraphicsPathItem(self)
        pen = QPen(QColor(200, 40, 40), 0)
        pen.setCosmetic(True)
        self._outline.setPen(pen)
        self.setZValue(30)
        view.addItem(self, ignoreBounds=True)
        self._marks = pg.ScatterPlotItem(pxMode=True, size=9, brush=None, pen=pg.mkPen(200, 40, 40, width=1.5))
        self._marks.setZValue(9)
        view.addItem(self._marks, ignoreBounds=True)
        view.sigRangeChanged.connect(self._on_view_range_changed)

    @property
    def active(self) -> bool:
        return self._active

    def set_active(self, active: bool) -> None:
        """Draw (True) or let drags pan the map again (False)."""
        self.prepareGeometryChange()
        self._active = active
        self._points = []
        self._outline.setPath(QPainterPath())

    def _on_view_range_changed(self, *_args) -> None:
        self.prepareGeometryChange()  # the surface covers the view

    @property
    def marked(self) -> np.ndarray:
        """The points ringed, (n, 2)."""
        x, y = self._marks.getData()
        return np.c_[x, y].reshape(-1, 2)

    def mark(self, xy: np.ndarray) -> None:
        """Ring the points at `xy` ((n, 2) view coordinates; none to clear)."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self._marks.setData(x=xy[:, 0], y=xy[:, 1])

    def boundingRect(self) -> QRectF:
        return self._view.viewRect() if self._active else QRectF()

    def paint(self, painter, *args) -> None:
        pass

    def mouseDragEvent(self, event) -> None:  # pyqtgraph's drag protocol
        if not self._active or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()
        if event.isStart():
            self._points = [event.buttonDownPos()]
        self._points.append(event.pos())
        path = QPainterPath(self._points[0])
        for point in self._points[1:]:
            path.lineTo(point)
        self._outline.setPath(path)
        if event.isFinish():
            polygon = np.array([(p.x(), p.y()) for p in self._points], dtype=np.float64)
            self._points = []
            self._outline.setPath(QPainterPath())
            self.drawn.emit(polygon)

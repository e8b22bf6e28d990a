"""Words drawn on the map, not only dots: as many as fit without overlapping at the current zoom
(the most frequent first; more appear as one zooms in), placed from the map model's spatial index
for the visible region only (`core.map_labels`), again as the view or the points move; and region
names: the layout clustered in the background, each cluster named by its most distinctive words
(class-based TF-IDF, `core.map.labels.name_regions`), the word labels kept clear of them.
Labels are plain text from a reused pool of light items that keep their size on screen (not
pyqtgraph TextItems: those stay for the selection's labels)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSimpleTextItem

from w2vstudio.core.map.model import MapModel
from w2vstudio.core.map.labels import Region, name_regions, place_labels
from w2vstudio.gui.workers import Call

REGIONS = 12  # clusters named on the map
TRAILS, SELECTION = "trails", "selection"  # the items that name words on the map besides these labels
_DELAY_MS = 40  # labels are placed again at most this often while the points or the view move
_WORD_COLOUR = (40, 40, 40)
_REGION_COLOUR = (120, 30, 30)


class WordLabels(QObject):
    """The labels of a map model's points in a pyqtgraph plot; call `points_changed` whenever they
    move."""

    placed = Signal()  # the word labels were placed again (after a pan, zoom or move)
    regions_named = Signal(object, list)  # each point's region (n,) and the regions' names, drawn
    named_elsewhere_changed = Signal(str)  # the source whose named words or boxes changed (`set_named_elsewhere`)

    def __init__(self, plot: pg.PlotItem, model: MapModel, parent: QObject | None = None):
        super().__init__(parent)
        self._plot, self._model = plot, model
        self._words: list[str] = []  # the model's words when the widths were measured
        self._widths = np.zeros(0)
        self._show_words, self._show_regions = True, False
        self._pool: list[QGraphicsSimpleTextItem] = []
        self._region_items: list[QGraphicsSimpleTextItem] = []
        self._regions: list[Region] = []
        self._shown: list[str] = []
        self._elsewhere: dict[str, list[tuple]] = {}  # words labelled by other items (trails, the selection)
        self._font, self._region_font = QFont(), QFont()
        self._region_font.setBold(True)
        self._region_font.setPointSizeF(self._font.pointSizeF() * 1.3)
        self._char_px = QFontMetricsF(self._font).averageCharWidth()
        self._height = QFontMetricsF(self._font).height()
        self._timer = QTimer(self, singleShot=True, interval=_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        plot.getViewBox().sigRangeChanged.connect(self._on_range_changed)
        self._clustering = Call(self)
        self._clustering.succeeded.connect(self._on_clustering_succeeded)

    @property
    def shown_words(self) -> list[str]:
        """The words labelled now, most frequent first."""
        return self._shown

    @property
    def region_names(self) -> list[str]:
        """The names drawn on the regions (their most distinctive words)."""
        return [" ".join(r.words) for r in self._regions] if self._show_regions else []

    def points_changed(self) -> None:
        """The model's points moved or changed: label them again."""
        if self._model.words is not self._words:
            self._words = self._model.words
            self._widths = np.fromiter(map(len, self._words), dtype=np.float64, count=len(self._words))
            self._widths = self._widths * self._char_px + 6
        self._schedule()
        if self._show_regions:
            self._name_regions()

    def set_named_elsewhere(self, source: str, named) -> None:
        """Other items name these words (`source`: which, e.g. "trails"; `named`: rows (word, x, y,
        width, height), a box centred at the map point (x, y) and sized in pixels that covers the
        item): the word labels leave those words unlabelled and keep off those boxes."""
        named = [(str(w), float(x), float(y), float(width), float(height)) for w, x, y, width, height in named]
        if named != self._elsewhere.get(source, []):
            self._elsewhere[source] = named
            self._schedule()
            self.named_elsewhere_changed.emit(source)

    def named_by(self, source: str) -> set[str]:
        """The words `source` names (see `set_named_elsewhere`)."""
        return {row[0] for row in self._elsewhere.get(source, [])}

    def boxes_named_by(self, source: str) -> list[tuple[float, float, float, float]]:
        """The boxes `source` covers: (x, y, width, height) as given to `set_named_elsewhere`."""
        return [tuple(row[1:]) for row in self._elsewhere.get(source, [])]

    @property
    def _named_elsewhere(self) -> set[str]:
        return {row[0] for rows in self._elsewhere.values() for row in rows}

    def _boxes_elsewhere(self) -> np.ndarray:
        return np.array([row[1:] for rows in self._elsewhere.values() for row in rows], dtype=np.float64).reshape(-1, 4)

    def show_words(self, shown: bool) -> None:
        self._show_words = shown
        self._schedule()

    def show_regions(self, shown: bool) -> None:
        self._show_regions = shown
        if shown:
            self._name_regions()
        else:
            self._clustering.stop()
            self._regions = []
            self._draw_regions()
            self._schedule()

    def _schedule(self) -> None:
        """Place the labels again soon: at most once per delay, however often asked (they follow
        an animation or a drag as it goes)."""
        if not self._timer.isActive():
            self._timer.start()

    def place_now(self) -> None:
        """Place the word labels at once (they follow pans and zooms by themselves)."""
        self._timer.stop()
        self._place()

    @Slot()
    def _on_range_changed(self, *_args) -> None:
        self._schedule()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self._place()

    def _place(self) -> None:
        chosen: list[int] = []
        view = self._plot.getViewBox()
        words, xy = self._model.words, self._model.xy
        if self._show_words and len(words):
            (x0, x1), (y0, y1) = view.viewRange()
            px, py = view.viewPixelSize()
            scale = (1 / px if px > 0 else 1.0, 1 / py if py > 0 else 1.0)
            elsewhere = self._named_elsewhere
            chosen = place_labels(self._model.index, (x0, y0, x1, y1), scale, self._widths, self._height,
                                  reserved=np.r_[self._region_boxes(), self._boxes_elsewhere()]).tolist()
            if elsewhere:
                chosen = [i for i in chosen if words[i] not in elsewhere]
        _show(self._plot, self._pool, [(words[i], *xy[i]) for i in chosen], self._font, _WORD_COLOUR, 5)
        self._shown = [words[i] for i in chosen]
        self.placed.emit()

    def _region_boxes(self) -> np.ndarray:
        """The region names' boxes (x, y, width and height in pixels): no word label goes under one."""
        metrics = QFontMetricsF(self._region_font)
        return np.array([(r.x, r.y, metrics.horizontalAdvance(" ".join(r.words)) + 4, metrics.height())
                         for r in self._regions], dtype=np.float64).reshape(-1, 4)

    def _name_regions(self) -> None:
        self._clustering.start(name_regions, self._model.xy, self._model.words, REGIONS)

    @Slot(object)
    def _on_clustering_succeeded(self, result) -> None:
        labels, self._regions = result
        self._draw_regions()
        self.place_now()  # the words make room for the names
        self.regions_named.emit(labels, self.region_names)

    def _draw_regions(self) -> None:
        labels = [(" ".join(r.words), r.x, r.y) for r in self._regions]
        _show(self._plot, self._region_items, labels, self._region_font, _REGION_COLOUR, 15)


def _show(plot: pg.PlotItem, pool: list, labels: list[tuple[str, float, float]], font: QFont, colour, z: float) -> None:
    """Show `labels` (text, x, y), each centred on its point, with the items of `pool` (grown as
    needed); hide the items left over."""
    while len(pool) < len(labels):
        item = QGraphicsSimpleTextItem()
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        item.setFont(font)
        item.setBrush(QBrush(QColor(*colour)))
        item.setZValue(z)
        plot.addItem(item, ignoreBounds=True)
        pool.append(item)
    for item, (text, x, y) in zip(pool, labels):
        item.setText(text)
        box = item.boundingRect()
        item.setTransform(QTransform.fromTranslate(-box.width() / 2, -box.height() / 2))
        item.setPos(x, y)
        item.setVisible(True)
    for item in pool[len(labels):]:
        item.setVisible(False)

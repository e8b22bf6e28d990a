"""`MapPanel`: a 2D map of the most frequent words (PCA, t-SNE, UMAP, or two typed axes): hover, select, search,
export; the words drawn as they fit and regions named (`word_labels`); a lasso selection listed,
pinnable and exported (`lasso`, `selection_box`).

The points, the picking and the neighbours are `core.map.model.MapModel`'s; the panel draws them
and forwards what the user does. All points are one pxMode ScatterPlotItem; the selected word and
its neighbours are a second, small one plus a reused pool of labels, so `set_coordinates` (and
`show_frame`, which also moves the neighbourhoods to a snapshot's vectors) can be called for every
frame of an animation. A selected word's neighbours are searched in a worker thread.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 - registers pg.exporters
from PySide6.QtCore import QPointF, QRectF, QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from w2vstudio.core.errors import UnknownWordError, W2VError
from w2vstudio.core.lenses.axes import axes_map
from w2vstudio.core.map.coordinates import write_coordinates
from w2vstudio.core.map.model import MapModel
from w2vstudio.core.map.labels import warm_up
from w2vstudio.core.map.projection import MAX_POINTS, METHODS, project_2d_named
from w2vstudio.core.support.output import check_output
from w2vstudio.core.support.printable import printable
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.map.axes_form import AxesForm
from w2vstudio.gui.map.lasso import Lasso
from w2vstudio.gui.map.legend import FrequencyLegend, RegionLegend
from w2vstudio.gui.map.selection_box import SelectionBox
from w2vstudio.gui.map.word_labels import SELECTION, TRAILS, WordLabels
from w2vstudio.gui.messages import unranked
from w2vstudio.gui.workers import Call, error_message

DEFAULT_N = 3_000
AXES = "axes"  # the method placing words at their scores on two typed axes (`axes_form`)
MAX_N = dict.fromkeys([*METHODS, AXES], MAX_POINTS)
DEFAULT_K = 10
_POINT_PX = 5
_PICK_PX = 8  # the cursor hovers or clicks a point this many pixels away at most
_FLY_SPAN = (0.04, 0.25)  # half the view after flying to a word, as fractions of the map's size
_PLAIN = (70, 130, 180, 170)
_SELECTED = (215, 40, 40)
_NEIGHBOUR = (255, 140, 0)
_SELECTION_ANCHOR = (-0.1, 1.1)  # a selected word's label: right of and above its point
_SHADES = 64


class MapPanel(QWidget):
    """Map of the `n` most frequent words of a `KeyedVectors`; see the module docstring."""

    word_activated = Signal(str)  # the user clicked or searched a word (not `select_word`)
    progressed = Signal(float)  # share of the projection done
    projected = Signal()  # a projection finished and is shown
    pin_requested = Signal(list)  # the user asked to pin the words selected
    neighbours_shown = Signal()  # the selected word's neighbours were found and are shown
    method_changed = Signal(str)  # the user (or `configure`) chose another method

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._kv: KeyedVectors | None = None
        self.model = MapModel()  # the points; neighbours searched in the model's vectors or a frame's
        self._selected: str | None = None
        self._neighbours: list[tuple[str, float]] = []
        self._base_status, self._word_status = ("", False), False  # what the map shows; a word's line shown
        self._flying = False  # the view waits for the selected word's neighbours to fit them
        self._hovered: int | None = None
        self._search_neighbours = Call(self)
        self._search_neighbours.succeeded.connect(self._on_neighbours_found)
        self._search_neighbours.failed.connect(lambda message: self._set_status(message, error=True))
        self._jobs = Call(self)
        self._jobs.progressed.connect(self._on_job_progressed)
        self._jobs.succeeded.connect(self._on_job_succeeded)
        self._jobs.failed.connect(self._on_job_failed)
        self._pending: tuple[list[str], np.ndarray | None, str] | None = None  # the job's words
        shades = pg.colormap.get("viridis").getLookupTable(0.9, 0.0, _SHADES, alpha=False)
        self._shades = np.array([pg.mkBrush(*c, 200) for c in shades], dtype=object)
        self._legend = FrequencyLegend(shades)
        self._build()

    # ---- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self._method = QComboBox()
        for key, name in METHODS.items():
            self._method.addItem(name, key)
        self._method.addItem("Axes", AXES)
        self.axes_form = AxesForm()
        self.axes_form.hide()
        self.axes_form.submitted.connect(self.project)
        self._method.currentIndexChanged.connect(self._on_method_changed)
        self._n = QSpinBox()
        self._n.setRange(2, MAX_N["pca"])
        self._n.setValue(DEFAULT_N)
        self._n.setSingleStep(500)
        self._n.setGroupSeparatorShown(True)
        self._n.setSuffix(" words")
        self._n.setToolTip("How many of the most frequent words to map")
        self._project = _button("Project", self.project)
        self._cancel = _button("Cancel", self.cancel)
        self._progress = QProgressBar(maximum=1000, maximumWidth=200)
        self._search = QLineEdit(placeholderText="Find a word…", clearButtonEnabled=True)
        self._search.setMaximumWidth(260)
        self._words_model = QStringListModel(self)
        completer = QCompleter(self._words_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._search.setCompleter(completer)
        # Enter on a completion both activates it and reaches the line edit: one search for both
        self._search_timer = QTimer(self, singleShot=True, interval=0)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self._search.returnPressed.connect(self._search_timer.start)
        completer.activated.connect(self._search_timer.start)
        self._k = QSpinBox(prefix="k = ")
        self._k.setRange(0, 100)
        self._k.setValue(DEFAULT_K)
        self._k.setToolTip("How many nearest neighbours (in the full space) to highlight")
        self._k.valueChanged.connect(self._on_k_changed)
        self._colour = QCheckBox("Colour by frequency", checked=True)
        self._colour.setToolTip("Colour by log count: light for rare words, dark for frequent ones")
        self._colour.toggled.connect(self._on_colour_toggled)
        self._export_png = _button("Export PNG…", self._on_export_png_clicked)
        self._export_csv = _button("Export CSV…", self._on_export_csv_clicked)
        self._status = QLabel()
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.setTextFormat(Qt.TextFormat.PlainText)  # words and file names
        self._status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self._plot = pg.PlotWidget(background="w")
        item = self._plot.getPlotItem()
        for axis in ("left", "bottom"):
            item.hideAxis(axis)
        item.hideButtons()
        item.setAspectLocked(True)
        self._scatter = pg.ScatterPlotItem(pxMode=True, antialias=False, pen=None, size=_POINT_PX)
        self._highlight = pg.ScatterPlotItem(pxMode=True, pen=pg.mkPen(60, 60, 60, width=1))
        self._highlight.setZValue(10)
        self._labels: list[pg.TextItem] = []
        self._selection_shown: list[str] = []  # the selected word, then its neighbours on the map
        item.getViewBox().sigRangeChanged.connect(self._on_view_range_changed)  # overlaps change with the scale
        item.addItem(self._scatter)
        item.addItem(self._highlight)
        self.word_labels = WordLabels(item, self.model, self)  # words drawn as they fit, and region names
        self._words_shown = QCheckBox("Words", checked=True, toolTip="Draw the words that fit, most frequent first")
        self._words_shown.toggled.connect(self.word_labels.show_words)
        self._regions_shown = QCheckBox("Regions", toolTip="Name regions of the map by their most distinctive words (class-based TF-IDF)")
        self._regions_shown.toggled.connect(self.word_labels.show_regions)
        self._regions_shown.toggled.connect(self._on_regions_toggled)
        self.word_labels.regions_named.connect(self._on_regions_named)
        self.word_labels.named_elsewhere_changed.connect(self._on_named_elsewhere_changed)
        self._region_legend = RegionLegend()
        self.lasso = Lasso(self._plot.getViewBox())  # drawing around words selects them
        self.lasso.drawn.connect(self.select_in_polygon)
        self._lasso_on = QCheckBox("Lasso", toolTip="Drag around words to select them (instead of panning)")
        self._lasso_on.toggled.connect(self.lasso.set_active)
        self.selection = SelectionBox()  # the lasso's words: listed, pinnable, exported
        self.selection.saved.connect(lambda path: self._set_status(f"Saved {path}"))
        self.selection.failed.connect(lambda message: self._set_status(message, error=True))
        self.selection.changed.connect(self._on_selection_changed)
        self.selection.pin_requested.connect(self.pin_requested)
        self._plot.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(_row(QLabel("Method"), self._method, self._n, self._project, self._cancel,
                              self._progress, None, _button("Reset view", self.reset_view),
                              self._export_png, self._export_csv))
        layout.addWidget(self.axes_form)
        layout.addLayout(_row(self._search, self._k, self._colour, self._legend, self._words_shown,
                              self._regions_shown, self._lasso_on, None))
        side = QVBoxLayout()
        side.addWidget(self._region_legend)
        side.addWidget(self.selection, 1)
        plot_row = _row(self._plot)
        plot_row.addLayout(side)
        layout.addLayout(plot_row, 1)
        layout.addWidget(self._status)
        self._update_controls()

    # ---- vectors and projection ----------------------------------------------------------------

    def set_vectors(self, kv: KeyedVectors | None, project: bool = True) -> None:
        """Show `kv` (a KeyedVectors, or None to clear): the map is emptied and, if `project`,
        its most frequent words are projected with the chosen method."""
        self.cancel()
        self._kv = kv
        self.model.set_vectors(kv)
        self.set_coordinates([], np.zeros((0, 2)))
        self._set_status("" if kv is None else f"{len(kv):,} words of {kv.dim} dimensions")
        if kv is not None and project:
            self.project()
        self._update_controls()

    def configure(
        self, method: str | None = None, n: int | None = None, k: int | None = None
    ) -> None:
        """Choose the method (a key of METHODS, or AXES), how many words to map and k; None keeps one."""
        if method is not None:
            if method not in MAX_N:
                raise ValueError(f"unknown projection method {method!r}")
            self._method.setCurrentIndex(self._method.findData(method))
        if n is not None:
            self._n.setValue(n)
        if k is not None:
            self._k.setValue(k)

    def project(self) -> None:
        """Project the top-N words of the vectors with the chosen method, in a worker thread."""
        if self._kv is None or not len(self._kv):
            return
        self.cancel()
        method = self._method.currentData()
        n = min(self._n.value(), len(self._kv))
        if method == AXES:
            self.model.set_vectors(self._kv)
            if self._show_axes(self._kv):
                self.reset_view()
                self.projected.emit()
            return
        counts = None if self._kv.counts is None else self._kv.counts[:n]
        self._pending = (self._kv.words[:n], counts, method)
        self._progress.setValue(0)
        self._set_status(f"Projecting {n:,} words by {METHODS[method]}…")
        self._jobs.start(_projected, self._kv.vectors[:n], method, with_task=True)
        self._update_controls()

    def cancel(self) -> None:
        """Stop the running projection, if any; its result will be ignored."""
        if self.is_busy():
            self._jobs.stop()
            self._progress.setValue(0)
            self._set_status("Projection cancelled")
            self._update_controls()

    def is_busy(self) -> bool:
        """True while a projection runs."""
        return self._jobs.busy

    @Slot(object)
    def _on_job_progressed(self, fraction: float) -> None:
        self._progress.setValue(round(fraction * 1000))
        self.progressed.emit(fraction)

    @Slot(object)
    def _on_job_succeeded(self, result) -> None:
        xy, axes = result
        words, counts, method = self._pending
        self.model.set_vectors(self._kv)
        self.set_coordinates(words, xy, counts)
        self._label_axes(axes)
        self.reset_view()
        shown = f"{len(words):,} most frequent words by {METHODS[method]}"
        self._set_status(shown if self._kv is None or self._kv.ranked else unranked(
            f"the map shows its first {len(words):,} words by {METHODS[method]}, not the most frequent"))
        self.projected.emit()

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        self._set_status(f"Projection failed: {message}", error=True)
        self._update_controls()

    # ---- coordinates ---------------------------------------------------------------------------

    def set_coordinates(
        self, words: list[str], xy: np.ndarray, counts: np.ndarray | None = None
    ) -> None:
        """Show `words` at `xy` (n, 2) with optional counts; cheap enough to animate. The view and
        the selected word are kept (the neighbours' words too: call `select_word` to refresh)."""
        before = self.model.words
        moved = self.model.set_points(words, xy, counts)
        xy, counts = self.model.xy, self.model.counts
        if self.model.words is not before:
            self._words_model.setStringList(self.model.words)
        self._hovered = None
        self.word_labels.points_changed()
        self._on_selection_changed(self.selection.words)  # the rings follow the points
        if moved:
            _move_points(self._scatter, xy)
        else:
            self._scatter.setData(x=xy[:, 0], y=xy[:, 1], brush=self._brushes())
            self._legend.set_counts(counts if self._colour.isChecked() else None)
        if self._selected in self.model:
            self._show_selection()
        else:
            self.clear_selection()
        self._update_controls()

    def show_frame(self, kv: KeyedVectors, xy: np.ndarray) -> None:
        """Show the words of `kv` (a snapshot of the model) at `xy`, with the selected word's
        neighbours searched in `kv`; the view and the selection are kept. `project` maps the
        model's own vectors again."""
        self.model.set_vectors(kv)
        if self.method == AXES:  # the snapshot's scores on the axes taken in its own space
            self._show_axes(kv)
        else:
            self.set_coordinates(kv.words, xy, kv.counts)
            self._label_axes(None)
        if self._selected is not None:
            self.select_word(self._selected)

    def _show_axes(self, kv: KeyedVectors) -> bool:
        """Show the most frequent words of `kv` at their scores on the typed axes, the plot's axes
        named after them; if a word is unknown, say so and show nothing."""
        n = min(self._n.value(), len(kv))
        try:
            xy, x, y = axes_map(kv, n, *self.axes_form.axes())
        except W2VError as exc:
            self.set_coordinates([], np.zeros((0, 2)))
            self._label_axes(None)
            self._set_status(f"No axes map: {exc}.", error=True)
            return False
        self.set_coordinates(kv.words[:n], xy, None if kv.counts is None else kv.counts[:n])
        self._label_axes((x.label, y.label))
        self._set_status(f"{n:,} most frequent words on the axes {x.label} (x) and {y.label} (y)")
        return True

    def _label_axes(self, labels: tuple[str, str] | None) -> None:
        """Show the plot's axes named `labels` (x, y), or hide them (None)."""
        item = self._plot.getPlotItem()
        for side, label in zip(("bottom", "left"), labels or ("", "")):
            item.setLabel(side, html.escape(label))  # shows the axis
            item.showAxis(side, labels is not None)
        item.layout.activate()  # the view's new size at once: what is mapped next maps to where it is drawn

    @property
    def method(self) -> str:
        """The chosen method: a key of METHODS, or AXES."""
        return self._method.currentData()

    def axis_label(self, side: str) -> str | None:
        """The name shown on the plot's "bottom" (x) or "left" (y) axis; None when it is hidden."""
        axis = self._plot.getPlotItem().getAxis(side)
        return axis.labelText if axis.isVisible() else None

    @property
    def plot_item(self) -> pg.PlotItem:
        """The plot the points are drawn in (for overlays)."""
        return self._plot.getPlotItem()

    @property
    def words(self) -> list[str]:
        """The words on the map, in the order of `coordinates`."""
        return self.model.words

    @property
    def coordinates(self) -> np.ndarray:
        """(n, 2) map coordinates of `words`."""
        return self.model.xy

    @property
    def status(self) -> str:
        """The line under the map: what it shows, or what went wrong."""
        return self._status.text()

    def drawn(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        """What is drawn: the points (n, 2), their colours, and the highlighted points (the selected
        word last)."""
        x, y = self._scatter.getData()
        colours = [b.color().name() for b in self._scatter.data["brush"]]
        hx, hy = self._highlight.getData()
        return np.c_[x, y].reshape(-1, 2), colours, np.c_[hx, hy].reshape(-1, 2)

    def _brushes(self):
        """One brush per point by log count (quantised: few symbols to cache), else one brush."""
        counts = self.model.counts
        if not (self._colour.isChecked() and counts is not None and len(counts)):
            return pg.mkBrush(*_PLAIN)
        logs = np.log(np.maximum(counts, 1).astype(np.float64))
        span = np.ptp(logs) or 1.0
        return self._shades[((logs - logs.min()) / span * (_SHADES - 1)).round().astype(int)]

    # ---- selection -----------------------------------------------------------------------------

    @property
    def selected_word(self) -> str | None:
        """The selected word, if any."""
        return self._selected

    @property
    def neighbours(self) -> list[tuple[str, float]]:
        """The highlighted nearest neighbours of the selected word with their cosines."""
        return self._neighbours

    def select_word(self, word: str) -> bool:
        """Select `word`: highlight and label it and, once found in a worker (`neighbours_shown`),
        its k nearest neighbours on the map (by cosine in the full space). Does not emit
        `word_activated`; False if not on the map."""
        if word not in self.model:
            self._set_status(self._why_not_on_map(word), error=True)
            return False
        if word != self._selected:  # the same word (another k or frame) keeps its old ones meanwhile
            self._neighbours = []
            self._set_status(word, word=True)
        self._selected, self._flying = word, False
        self._show_selection()
        self._search_neighbours.start(self.model.neighbours, word, self._k.value())
        return True

    @Slot(object)
    def _on_neighbours_found(self, neighbours: list[tuple[str, float]]) -> None:
        self._neighbours = neighbours
        self._show_selection()
        near = ", ".join(f"{w} ({s:.2f})" for w, s in neighbours)
        self._set_status(f"{self._selected}: {near}" if near else self._selected, word=True)
        if self._flying:
            self._fly()
        self.neighbours_shown.emit()

    def select_in_polygon(self, polygon: np.ndarray) -> list[str]:
        """Select the words inside `polygon` ((m, 2) map coordinates): listed beside the map, most
        frequent first. Returns them."""
        rows = self.model.in_polygon(polygon)
        counts = None if self.model.counts is None else self.model.counts[rows]
        self.selection.set_selection([self.model.words[i] for i in rows], self.model.xy[rows], counts)
        return self.selection.words

    @Slot(list)
    def _on_selection_changed(self, words: list[str]) -> None:
        self.lasso.mark(self.model.xy[self.model.rows(words)])

    def clear_selection(self) -> None:
        """Unselect: no highlighted points, no labels."""
        self._search_neighbours.stop()
        self._selected, self._neighbours, self._flying = None, [], False
        self._show_selection()
        if self._word_status:  # the unselected word's neighbours are not left in the status line
            self._set_status(*self._base_status)

    def fly_to(self, word: str) -> bool:
        """Select `word`, centre the view on it and zoom in as far as its neighbours (within
        limits) allow, once they are found; False if it is not on the map."""
        if not self.select_word(word):
            return False
        self._fly()
        self._flying = True
        return True

    def _fly(self) -> None:
        """Centre the view on the selected word, showing the neighbours found so far."""
        xy = self.model.xy
        centre = xy[self.model.rows([self._selected])[0]]
        shown = xy[self.model.rows([w for w, _ in self._neighbours])]
        reach = float(np.abs(shown - centre).max()) * 1.15 if len(shown) else 0.0
        size = float(np.ptp(xy, axis=0).max()) or 1.0
        half = min(max(reach, _FLY_SPAN[0] * size), _FLY_SPAN[1] * size)
        x, y = centre
        self._plot.getViewBox().setRange(
            xRange=(x - half, x + half), yRange=(y - half, y + half), padding=0
        )

    def view_range(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """The area in view: ((x0, x1), (y0, y1))."""
        view = self._plot.getViewBox().viewRange()
        return tuple(view[0]), tuple(view[1])

    def set_view_range(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        """Show exactly this area (no more fitting as coordinates change)."""
        view = self._plot.getViewBox()
        view.disableAutoRange()
        view.setRange(xRange=x_range, yRange=y_range, padding=0)

    def reset_view(self) -> None:
        """Fit the whole map in the view (and keep fitting it as coordinates change)."""
        view = self._plot.getViewBox()
        view.autoRange()
        view.enableAutoRange()

    def _show_selection(self) -> None:
        """Draw the selected word (on top) and its neighbours bigger, in colour and labelled."""
        shown = [] if self._selected is None else [self._selected]
        shown += [w for w, _ in self._neighbours if w in self.model]
        xy = self.model.xy[self.model.rows(shown)].reshape(-1, 2)
        last = len(shown) - 1  # the selected word is drawn last
        self._highlight.setData(
            x=xy[::-1, 0],
            y=xy[::-1, 1],
            size=[10] * last + [13] * bool(shown),
            brush=[pg.mkBrush(_NEIGHBOUR)] * last + [pg.mkBrush(_SELECTED)] * bool(shown),
        )
        while len(self._labels) < len(shown):
            label = pg.TextItem(color=(20, 20, 20), fill=(255, 255, 255, 190), anchor=_SELECTION_ANCHOR)
            self._plot.addItem(label)
            self._labels.append(label)
        for i, label in enumerate(self._labels):
            if i < len(shown):
                text = html.escape(shown[i])
                label.setHtml(f"<b>{text}</b>" if i == 0 else text)
                label.setZValue(21 if i == 0 else 20)
                label.setPos(*xy[i])
        self._selection_shown = shown
        self._keep_selection_labels_apart()

    def _keep_selection_labels_apart(self) -> None:
        """Show the selection's labels that overlap none shown before them on screen, nor a pinned
        word's trail label: the selected word's always, then its neighbours' from the nearest (the
        line under the map names them all); a pinned word's trail names it instead. The words'
        labels keep off those shown."""
        shown, trailed = self._selection_shown, self.word_labels.named_by(TRAILS)
        view = self._plot.getPlotItem().getViewBox()
        view.updateMatrix()  # a range just set is otherwise mapped at the next paint
        to_screen = self._plot.viewportTransform()
        xy = self.model.xy[self.model.rows(shown)].reshape(-1, 2)

        def on_screen(x: float, y: float):
            return to_screen.map(view.mapViewToScene(QPointF(x, y)))

        taken = []  # the pinned words' trail labels first: a neighbour's label keeps off them too
        for x, y, width, height in self.word_labels.boxes_named_by(TRAILS):
            at = on_screen(x, y)
            taken.append(QRectF(at.x() - width / 2, at.y() - height / 2, width, height))
        named = []
        for i, label in enumerate(self._labels):
            visible = i < len(shown) and shown[i] not in trailed
            if visible:  # a label is drawn unscaled, its anchor at the point (a hidden one's transform is stale)
                at = on_screen(*xy[i])
                size = label.boundingRect()
                box = QRectF(at.x() - _SELECTION_ANCHOR[0] * size.width(), at.y() - _SELECTION_ANCHOR[1] * size.height(),
                             size.width(), size.height())
                visible = i == 0 or not any(box.intersects(other) for other in taken)
                if visible:
                    taken.append(box)
                    named.append(i)
            label.setVisible(visible)
        boxes = [self._labels[i].boundingRect() for i in named]  # right of and above each point:
        self.word_labels.set_named_elsewhere(SELECTION, [  # a box centred on the point covers it
            (shown[i], *xy[i].tolist(), 2 * (1 - _SELECTION_ANCHOR[0]) * b.width(), 2 * _SELECTION_ANCHOR[1] * b.height())
            for i, b in zip(named, boxes)])

    def _on_view_range_changed(self, *_args) -> None:
        if self._selection_shown:
            self._keep_selection_labels_apart()

    def _on_named_elsewhere_changed(self, source: str) -> None:
        if source == TRAILS and self._selection_shown:  # the trails' names moved: the selection's keep off them
            self._keep_selection_labels_apart()

    def _why_not_on_map(self, word: str) -> str:
        if self._kv is not None and word not in self._kv:
            try:
                self._kv.index(word)
            except UnknownWordError as exc:  # its message suggests spellings
                return str(exc)
        return f'"{word}" is not among the {len(self.model):,} words on the map'

    # ---- mouse and search ----------------------------------------------------------------------

    def _point_at(self, scene_pos: QPointF) -> int | None:
        """Index of the point within a few pixels of a scene position, if any."""
        vb = self._plot.getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        pos = vb.mapSceneToView(scene_pos)
        return self.model.nearest(pos.x(), pos.y(), _PICK_PX * max(vb.viewPixelSize()))

    @Slot(object)
    def _on_mouse_moved(self, scene_pos: QPointF) -> None:
        i = self._point_at(scene_pos)
        if i == self._hovered:
            return
        self._hovered = i
        if i is None:
            QToolTip.hideText()
            return
        text = self.model.words[i]
        if self.model.counts is not None:
            text += f"\ncount {int(self.model.counts[i]):,}"
        QToolTip.showText(QCursor.pos(), text, self._plot)

    @Slot(object)
    def _on_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        i = self._point_at(event.scenePos())
        if i is None:
            self.clear_selection()
        elif self.select_word(self.model.words[i]):
            self.word_activated.emit(self.model.words[i])

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        word = self._search.text().strip()
        if word and self.fly_to(word):
            self.word_activated.emit(word)

    # ---- options and export --------------------------------------------------------------------

    @Slot(int)
    def _on_method_changed(self, _index: int) -> None:
        self._n.setMaximum(MAX_N[self.method])
        self.axes_form.setVisible(self.method == AXES)
        self.method_changed.emit(self.method)

    @Slot(int)
    def _on_k_changed(self, _k: int) -> None:
        if self._selected is not None:
            self.select_word(self._selected)

    @Slot(bool)
    def _on_regions_toggled(self, shown: bool) -> None:
        if not shown:  # back to the colour by frequency
            self._region_legend.set_regions([], [])
            self._on_colour_toggled(self._colour.isChecked())

    @Slot(object, list)
    def _on_regions_named(self, labels: np.ndarray, names: list[str]) -> None:
        """Colour the points by region, with the regions' legend."""
        if len(labels) != len(self.model):
            return  # named for points since replaced: new names follow
        colours = [pg.intColor(i, hues=max(len(names), 1), alpha=200) for i in range(len(names))]
        brushes = np.array([pg.mkBrush(c) for c in colours], dtype=object)
        self._scatter.setBrush(brushes[np.searchsorted(np.unique(labels), labels)])
        self._legend.set_counts(None)
        self._region_legend.set_regions(names, colours)

    @Slot(bool)
    def _on_colour_toggled(self, checked: bool) -> None:
        self._scatter.setBrush(self._brushes())
        self._legend.set_counts(self.model.counts if checked else None)

    def export_png(self, path: str) -> None:
        """Save the map as shown (at twice the size on screen) as a PNG image."""
        exporter = pg.exporters.ImageExporter(self._plot.getPlotItem())
        exporter.parameters()["width"] = 2 * max(1, int(self._plot.getPlotItem().width()))
        exporter.export(str(path))

    def export_csv(self, path: str) -> None:
        """Save `word,x,y,count` for each point (count empty where unknown), UTF-8, atomically (the
        format of `w2vstudio map`)."""
        write_coordinates(path, self.model.words, self.model.xy, self.model.counts)

    @Slot()
    def _on_export_png_clicked(self) -> None:
        self._export_to_file("Export map as PNG", "map.png", "PNG image (*.png)", self.export_png)

    @Slot()
    def _on_export_csv_clicked(self) -> None:
        self._export_to_file("Export map coordinates", "map.csv", "CSV (*.csv)", self.export_csv)

    def _export_to_file(self, title: str, name: str, file_filter: str, export) -> None:
        path, _ = QFileDialog.getSaveFileName(self, title, name, file_filter)
        if not path:
            return
        try:
            check_output(Path(path))
            export(path)
        except (OSError, W2VError) as exc:
            self._set_status(f"Could not write {path}: {error_message(exc)}", error=True)
        else:
            self._set_status(f"Saved {path}")

    def _update_controls(self) -> None:
        has_map = bool(len(self.model))
        self._project.setEnabled(self._kv is not None)
        self._cancel.setEnabled(self.is_busy())
        self._progress.setVisible(self.is_busy())
        self._colour.setEnabled(self.model.counts is not None)
        for widget in (self._export_png, self._export_csv, self._search):
            widget.setEnabled(has_map)

    def set_status(self, text: str) -> None:
        """Say what the map shows (shown again when the selected word is unselected)."""
        self._set_status(text)

    def _set_status(self, text: str, error: bool = False, word: bool = False) -> None:
        """`word`: the text is about the selected word, and goes with it."""
        if not word:
            self._base_status = (text, error)
        self._word_status = word
        self._status.setStyleSheet("color: #b00020;" if error else "")
        self._status.setText(printable(text))


def _projected(X: np.ndarray, method: str, task=None):
    """`project_2d_named` on a worker, the label kernel loaded there too (its first load takes a second)."""
    result = project_2d_named(X, method, task)
    warm_up()
    return result


def _move_points(scatter: pg.ScatterPlotItem, xy: np.ndarray) -> None:
    """Move the points of `scatter` to `xy` keeping their styles: a few times faster than
    `setData`, which styles every point again (pyqtgraph has no public call for this)."""
    scatter.prepareGeometryChange()
    scatter.data["x"], scatter.data["y"] = xy[:, 0], xy[:, 1]
    scatter.bounds = [None, None]
    scatter.invalidate()
    scatter.informViewBoundsChanged()


def _button(text: str, slot) -> QPushButton:
    button = QPushButton(text)
    button.clicked.connect(slot)
    return button


def _row(*widgets: QWidget | None) -> QHBoxLayout:
    """A row of widgets; None stands for a stretch."""
    row = QHBoxLayout()
    for widget in widgets:
        if widget is None:
            row.addStretch(1)
        else:
            row.addWidget(widget)
    return row

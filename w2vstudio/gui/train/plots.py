"""Training plots: loss per batch with epoch means, per-epoch quality beside it, learning rate and
words per second, live during a run; or the history a model keeps (`show_history`: all but speeds).

The x axis is training progress in epochs; a click on the loss plot tells which moment
(`moment_clicked`), and a marker shows the moment the map shows. A timer in the training panel adds points in bulk
(`add_reports`) and redraws one plot per tick (`redraw`), never one redraw per batch: painting a
plot takes milliseconds, so one per pass of the event loop keeps the window responsive.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from w2vstudio.core.errors import FormatError
from w2vstudio.core.inside.tables import objective
from w2vstudio.core.lenses.heldout import stored_heldout
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.callbacks import BatchReport, EpochReport
from w2vstudio.core.train.model import epoch_words
from w2vstudio.core.spark.engine import trained_on_spark
from w2vstudio.gui.widgets.curve_key import CurveKey

pg.setConfigOptions(antialias=True, background="w", foreground="#333")

_BATCH_PEN = pg.mkPen("#7aa6e0", width=1)
_MEAN_PEN = pg.mkPen("#d1495b", width=3)
_LINE_PEN = pg.mkPen("#2e7d5b", width=2)
_HELDOUT_COLOUR = "#2e7d5b"
_MARKER_PEN = pg.mkPen("#444", width=1, style=Qt.PenStyle.DashLine)
LOSS, RATE, SPEED = 1, 2, 3  # columns of the batch table after x
QUALITY = 4  # not a column: the per-epoch evaluations
QUALITY_CURVES = (("analogy", "analogy accuracy", "#3b6fb6"), ("ws353", "WS-353 Spearman", "#e07a1f"))
LOSS_TITLE = "Loss per prediction"
NO_LOSS_TITLE = "Loss: Spark reports no loss (MLlib trained this model)"


def _plot(title: str, y_label: str, x_label: str = "") -> pg.PlotWidget:
    """A plot whose ranges are set explicitly (auto-range would paint each change twice); no grid,
    which would make each repaint ten times slower."""
    widget = pg.PlotWidget()
    item = widget.getPlotItem()
    item.setTitle(title, size="10pt")
    item.setLabel("left", y_label)
    if x_label:
        item.setLabel("bottom", x_label)
    item.setMenuEnabled(False)
    item.setClipToView(True)
    item.hideButtons()
    item.getViewBox().disableAutoRange()
    item.getAxis("left").setWidth(64)  # labels of a new range must not re-lay out the plot
    widget.setMinimumHeight(120)
    return widget


HELDOUT_NOTE = ("Held-out (green): the same loss on words kept back from training, scored without update. "
                "The online loss is each prediction's loss just before its update, at the rate of the moment: "
                "early on the model adapts to the text it is reading, a gain that fades as the rate decays, so "
                "it can rise while the held-out loss, the model's real quality, still falls.")


def _heldout_key(model) -> str:
    """The held-out value on the loss's scale: the NS loss for negative sampling, else −log p."""
    return "ns_loss" if objective(model) == "negative" else "neg_log_p"


class TrainingPlots(QWidget):
    """Loss and quality side by side, then learning rate and speed, over the same epoch axis."""

    moment_clicked = Signal(float)  # the loss plot was clicked this many epochs into training

    def __init__(self, parent=None):
        super().__init__(parent)
        self.loss_plot = _plot(LOSS_TITLE, "nats", "epochs")
        self.quality_plot = _plot("Quality after each epoch", "score", "epochs")
        self.rate_plot = _plot("Learning rate", "alpha")
        self.rate_plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)  # "alpha (x0.001)" is cut
        self.speed_plot = _plot("Speed", "", "epochs")
        self.speed_plot.getPlotItem().setLabel("left", "", units="words/s")  # "(Mwords/s)": the title names it
        self.loss_key, self.quality_key = CurveKey(), CurveKey()  # above the plots, clear of their points
        self.loss_key.set_curves([("batch", _BATCH_PEN.color().name()), ("epoch mean", _MEAN_PEN.color().name()),
                                  ("held-out", _HELDOUT_COLOUR)])
        self.quality_key.set_curves([(name, colour) for _, name, colour in QUALITY_CURVES])
        self.quality_plot.getPlotItem().getAxis("left").setWidth(56)
        self.quality_plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self._batch_curve = self.loss_plot.plot(pen=_BATCH_PEN, name="batch", connect="finite")
        self._mean_curve = self.loss_plot.plot(pen=_MEAN_PEN, name="epoch mean", connect="pairs")
        self._heldout_curve = self.loss_plot.plot(pen=pg.mkPen(_HELDOUT_COLOUR, width=2), symbol="o", symbolSize=5,
                                                  symbolBrush=_HELDOUT_COLOUR, symbolPen=None, name="held-out")
        self.heldout_note = QLabel(HELDOUT_NOTE)
        self.heldout_note.setWordWrap(True)
        self.heldout_note.setVisible(False)
        self._quality_curves = {key: self.quality_plot.plot(pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=6,
                                                            symbolBrush=colour, symbolPen=None, name=name)
                                for key, name, colour in QUALITY_CURVES}
        self._curves = {LOSS: (self.loss_plot, self._batch_curve),
                        RATE: (self.rate_plot, self.rate_plot.plot(pen=_LINE_PEN)),
                        SPEED: (self.speed_plot, self.speed_plot.plot(pen=_LINE_PEN)),
                        QUALITY: (self.quality_plot, None)}
        self._marker = pg.InfiniteLine(angle=90, movable=False, pen=_MARKER_PEN)
        self._marker.setVisible(False)
        self.loss_plot.addItem(self._marker)
        self.loss_plot.scene().sigMouseClicked.connect(self._on_loss_plot_clicked)
        self.loss_plot.setToolTip("Click a moment of training to see it on the map.")
        top = QHBoxLayout()
        for key, plot, stretch in ((self.loss_key, self.loss_plot, 3), (self.quality_key, self.quality_plot, 2)):
            column = QVBoxLayout()
            column.addWidget(key)
            column.addWidget(plot, 1)
            top.addLayout(column, stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 2)
        layout.addWidget(self.heldout_note)
        layout.addWidget(self.rate_plot, 1)
        layout.addWidget(self.speed_plot, 1)
        self.clear()
        self.redraw(everything=True)

    def clear(self, epochs: int = 1):
        """Forget all points; the next run has `epochs` epochs. `redraw` shows the empty plots."""
        self._epochs = epochs
        self._batches: list[tuple[float, float, float, float]] = []  # x, loss, alpha, words/s
        self._means: list[tuple[int, float]] = []
        self._quality: list[dict] = []
        self._heldout = (np.zeros(0), np.zeros(0))
        self._stale = set(self._curves)
        self._unscaled = set(self._curves)  # plots whose x range is still the last run's
        self._turn = 0
        self.set_marker(None)
        self.loss_plot.getPlotItem().setTitle(LOSS_TITLE, size="10pt")

    def show_history(self, model: Model | None):
        """Show the history `model` keeps (None: nothing) on the axis of a live run: its batches'
        losses and learning rates, epoch means and per-epoch quality; speeds are not kept."""
        history = np.zeros((0, 3)) if model is None else model.loss_history
        x = history[:, 0] / (epoch_words(model) or 1.0) if len(history) else history[:, 0]
        self.clear(max(model.epochs_trained if model else 0, math.ceil(x.max(initial=0)), 1))
        self._batches = list(zip(x.tolist(), history[:, 2].tolist(), history[:, 1].tolist(),
                                 [math.nan] * len(x)))
        if model is not None:
            self._means = list(enumerate(model.epoch_losses, 1))
            self._quality = _stored_quality(model.info.get("epoch_quality"))
            try:
                rows = [r for r in stored_heldout(model) if r[_heldout_key(model)] is not None]
            except FormatError:
                rows = []
            self._heldout = (np.array([r["progress"] for r in rows]), np.array([r[_heldout_key(model)] for r in rows]))
        if trained_on_spark(model):
            self.say_no_loss()
        self.redraw(everything=True)

    def set_heldout(self, progress: np.ndarray, values: np.ndarray):
        """The held-out curve (epochs, mean loss per prediction), on the loss's axis."""
        self._heldout = (np.asarray(progress, np.float64), np.asarray(values, np.float64))
        self._stale.add(LOSS)

    @property
    def heldout(self) -> tuple[np.ndarray, np.ndarray]:
        return self._heldout

    def say_no_loss(self):
        """Title the loss plot with why it stays empty: Spark reports no loss (until `clear`)."""
        self.loss_plot.getPlotItem().setTitle(NO_LOSS_TITLE, size="10pt")

    @property
    def batch_count(self) -> int:
        return len(self._batches)

    @property
    def stale(self) -> bool:
        """Whether some plot does not show all points yet."""
        return bool(self._stale)

    def add_reports(self, batches: list[BatchReport], epochs: list[EpochReport]):
        """Take in a bulk of reports; `redraw` shows them."""
        self._batches.extend((r.progress * self._epochs, r.loss, r.alpha, r.words_per_sec) for r in batches)
        self._means.extend((r.epoch, r.loss) for r in epochs)
        if batches or epochs:
            self._stale |= {LOSS, RATE, SPEED}

    @property
    def quality(self) -> list[dict]:
        """The per-epoch evaluations shown: {"epoch", "analogy", "ws353"} (None where unusable)."""
        return self._quality

    def set_quality(self, entries: list[dict]):
        """Show these per-epoch evaluations (at the next `redraw` of the quality plot)."""
        if entries != self._quality:
            self._quality = list(entries)
            self._stale.add(QUALITY)

    @property
    def marker(self) -> float | None:
        """The moment marked on the loss plot, in epochs (None: none)."""
        return float(self._marker.value()) if self._marker.isVisible() else None

    def drawn(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What each curve draws, (x, y) by name: batch, mean, rate, speed and the quality keys."""
        curves = {"batch": self._batch_curve, "mean": self._mean_curve, "rate": self._curves[RATE][1],
                  "speed": self._curves[SPEED][1], **self._quality_curves}
        return {name: tuple(np.asarray([] if v is None else v, dtype=np.float64) for v in curve.getData())
                for name, curve in curves.items()}

    def set_marker(self, epochs: float | None):
        """Mark this moment of training on the loss plot (None: no mark)."""
        self._marker.setVisible(epochs is not None)
        if epochs is not None:
            self._marker.setValue(epochs)

    def redraw(self, everything: bool = False):
        """Redraw the next plot, in turn, that has new points (all of them if `everything`)."""
        order = list(self._curves)
        for _ in order:
            column = order[self._turn % len(order)]
            self._turn += 1
            if column in self._stale:
                self._stale.discard(column)
                self._draw(column)
                if not everything:
                    return

    def _draw(self, column: int):
        plot, curve = self._curves[column]
        if column == QUALITY:
            y = self._draw_quality()
        else:
            data = np.array(self._batches, dtype=np.float64).reshape(-1, 4)
            if column == SPEED:  # a model's history has none
                data = data[np.isfinite(data[:, SPEED])]
            y = data[:, column]
            curve.setData(data[:, 0], y)
        if column == LOSS:
            x = np.array([[e - 1, e] for e, _ in self._means], dtype=np.float64).reshape(-1)
            means = np.repeat(np.array([m for _, m in self._means], dtype=np.float64), 2)
            self._mean_curve.setData(x, means)
            hx, hy, connect = _finite_points(*self._heldout)
            self._heldout_curve.setData(hx, hy, connect=connect)
            self.heldout_note.setVisible(len(self._heldout[0]) > 0)
            if len(self._heldout[1]):
                y = np.concatenate([y, self._heldout[1]])
        elif column == SPEED and len(y):
            y = np.append(y, 0.0)  # speeds from 0: their changes in proportion
        if column in self._unscaled:
            self._unscaled.discard(column)
            plot.setXRange(0, self._epochs, padding=0.06 if column == QUALITY else 0.02)  # the points whole
        _fit_y(plot, y, floor=None if column == QUALITY else 0.0, empty=(0.0, 1.0))

    def _draw_quality(self) -> np.ndarray:
        """Draw the evaluations; all their scores."""
        epochs = np.array([e["epoch"] for e in self._quality], dtype=np.float64)
        scores = np.array([[np.nan if e.get(key) is None else e[key] for key, _, _ in QUALITY_CURVES]
                           for e in self._quality], dtype=np.float64).reshape(-1, len(QUALITY_CURVES))
        for (key, _, _), y in zip(QUALITY_CURVES, scores.T):
            x, y, connect = _finite_points(epochs, y)
            self._quality_curves[key].setData(x, y, connect=connect)
        return scores.reshape(-1)

    def _on_loss_plot_clicked(self, event):
        if event.button() != Qt.MouseButton.LeftButton:
            return
        view = self.loss_plot.getPlotItem().getViewBox()
        if view.sceneBoundingRect().contains(event.scenePos()):
            self.moment_clicked.emit(view.mapSceneToView(event.scenePos()).x())


def _stored_quality(entries) -> list[dict]:
    """The well-formed evaluations of a model file's `epoch_quality` (which may hold anything)."""
    if not isinstance(entries, list):
        return []

    def number(value) -> bool:
        return isinstance(value, Real) and not isinstance(value, bool)

    return [e for e in entries if isinstance(e, dict) and number(e.get("epoch"))
            and all(e.get(key) is None or number(e[key]) for key, _, _ in QUALITY_CURVES)]


def _finite_points(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | str]:
    """(x, y, connect) of a curve with symbols, its missing values (None, NaN) left out and the line
    broken where they were. pyqtgraph must never hold a symbol at NaN: with none finite, its
    `ScatterPlotItem.boundingRect` warns (All-NaN slice) inside Qt's paint, and a warning turned
    into an error there (pytest's filterwarnings) leaves Qt with no rectangle: a segfault."""
    kept = np.flatnonzero(np.isfinite(y))
    if not len(kept):
        return np.zeros(0), np.zeros(0), "all"
    connect = np.append(np.diff(kept) == 1, False).astype(np.int32)  # point i joins i + 1 when both were kept
    return x[kept], y[kept], connect


def _fit_y(plot: pg.PlotWidget, y: np.ndarray, floor: float | None = None,
           empty: tuple[float, float] | None = None):
    """Make the y range hold the data, changing it only when it must (a new range repaints the axes);
    never below `floor` (a loss, a rate, a speed is not negative); `empty`: the range without data."""
    finite = y[np.isfinite(y)]
    if not len(finite):
        if empty is not None:
            plot.setYRange(*empty, padding=0)
        return
    low, high = float(finite.min()), float(finite.max())
    if floor is not None:
        low, high = max(low, floor), max(high, floor)
    shown_low, shown_high = plot.getPlotItem().getViewBox().viewRange()[1]
    if shown_low <= low and high <= shown_high and high - low >= 0.5 * (shown_high - shown_low):
        return
    pad = 0.15 * ((high - low) or abs(high) or 1.0)
    bottom = low - pad if floor is None else max(floor, low - pad)
    plot.setYRange(bottom, high + pad, padding=0)

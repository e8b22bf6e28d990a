"""Frequency effects: every word's count (log axis) against its vector norm, the stability of its
neighbourhood over the last snapshots, or its top-10 agreement with another model of the session;
a trend per decile, the word under the mouse, and the deciles' table (computed in the background;
for an ensemble each score is "mean ± sd" over its runs)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.files.ensemble import runs_of
from w2vstudio.core.lenses.frequency import (DEFAULT_PER_DECILE, agreement, bounds, compare, decile_sample, deciles,
                                             norms, stability, verdict)
from w2vstudio.core.params import TrainParams
from w2vstudio.gui import workers
from w2vstudio.gui.messages import unranked
from w2vstudio.gui.studio_session import StudioSession

MEASURES = ("vector norm", "neighbourhood stability (last snapshots)", "top-10 agreement with another model")
AXIS_NAMES = ("vector norm", "neighbourhood stability", "top-10 agreement")  # short: they fit beside the plot
MAX_POINTS = 20_000  # words drawn, sampled evenly over the ranks
AGREEMENT_WORDS = 5_000
_COLUMNS = ("ranks", "counts", "mean norm", "analogy accuracy", "questions", "dropped by subsampling")
_COMPARE_COLUMNS = ("decile", "counts", "WS-353 ρ: this | other", "pairs", "analogy accuracy: this | other",
                    "questions")


def compare_models(a, b, name_a: str, name_b: str) -> tuple[list, str]:
    """The per-decile comparison of two models and its verdict (run on a worker)."""
    rows = compare(a, b)
    return rows, verdict(rows, name_a, name_b), max(len(runs_of(a)), len(runs_of(b)))


def spread(value: float | None, sd: float | None, runs: int) -> str:
    """A score as a table shows it: "0.412", or "0.412 ± 0.020" over an ensemble's runs; "n/a"."""
    if value is None:
        return "n/a"
    return f"{value:.3f}" + (f" ± {sd:.3f}" if runs > 1 else "")


def ranked_deciles(kv, sample: float) -> tuple[list, int]:
    """The deciles of `kv` and its number of runs (run on a worker)."""
    return deciles(kv, sample), len(runs_of(kv))


def measure(kv, which: int, recorder=None, other=None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(rows of the words shown, their values) for measure `which` of MEASURES."""
    if which == 1:
        if recorder is None or len(recorder) < 2:
            return np.zeros(0, np.int64), np.zeros(0)
        return np.asarray(recorder.tracked_ids), stability(recorder.stacked(max(0, len(recorder) - 5)))
    rows = np.arange(len(kv))
    limit = MAX_POINTS if which == 0 else AGREEMENT_WORDS
    if len(rows) > limit:
        rows = np.sort(np.random.default_rng(seed).choice(rows, limit, replace=False))
    if which == 0:
        return rows, norms(kv)[rows]
    if other is None:
        return np.zeros(0, np.int64), np.zeros(0)
    rows = np.array([r for r in rows.tolist() if kv.words[r] in other], np.int64)
    return rows, agreement(kv, other, [kv.words[r] for r in rows.tolist()])


class FrequencyView(QWidget):
    """The scatter and deciles of the model explored."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.rows = np.zeros(0, np.int64)
        self.values = np.zeros(0)
        self._stale = True
        self.measure = QComboBox()
        self.measure.addItems(MEASURES)
        self.measure.currentIndexChanged.connect(self._on_measure_current_index_changed)
        self.other = QComboBox()
        self.other.currentIndexChanged.connect(self._on_measure_current_index_changed)
        self.track_button = QPushButton(f"Pin {DEFAULT_PER_DECILE} words of every decile")
        self.track_button.setToolTip("Pinned words are tracked in the next run with snapshots: the stability of "
                                     "rare words is measured too (unpin them in the Probes tab).")
        self.track_button.clicked.connect(self.pin_decile_sample)
        self.hover = QLabel()
        self.hover.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "log₁₀ of the count in the corpus")
        self.plot.getAxis("left").enableAutoSIPrefix(False)  # agreements and norms as they are, not "(x0.001)"
        self.scatter = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(60, 110, 190, 90), hoverable=True)
        self.scatter.sigHovered.connect(self._on_scatter_hovered)
        self.trend = pg.PlotDataItem(pen=pg.mkPen("#d1495b", width=2), symbol="o", symbolSize=6)
        self.plot.addItem(self.scatter)
        self.plot.addItem(self.trend)
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels(_COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.compare_note = QLabel()
        self.compare_note.setTextFormat(Qt.TextFormat.PlainText)
        self.compare_note.setWordWrap(True)
        self.compare_table = QTableWidget(0, len(_COMPARE_COLUMNS))
        self.compare_table.setHorizontalHeaderLabels(_COMPARE_COLUMNS)
        self.compare_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare_table.verticalHeader().hide()
        self.compare_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.compare_table.horizontalHeader().setStretchLastSection(True)
        self.compare_table.setToolTip("Each decile band of this model's ranks on its own: WordSim-353 pairs whose "
                                      "two words fall in the band, analogy questions whose four words do, "
                                      "answers searched among the band's words.")
        controls = QHBoxLayout()
        controls.addWidget(self.measure)
        controls.addWidget(self.other)
        controls.addWidget(self.hover, 1)
        controls.addWidget(self.track_button)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.note)
        layout.addWidget(self.plot, 3)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.compare_note)
        layout.addWidget(self.compare_table, 2)
        self._show_compare(False)
        self._measuring = workers.Call(self)
        self._measuring.succeeded.connect(self._on_measuring_succeeded)
        self._measuring.failed.connect(self.note.setText)
        self._deciles = workers.Call(self)
        self._deciles.succeeded.connect(self._on_deciles_succeeded)
        self._deciles.failed.connect(self.note.setText)
        self._comparing = workers.Call(self)
        self._comparing.succeeded.connect(self._on_comparing_succeeded)
        self._comparing.failed.connect(self.compare_note.setText)
        session.models_changed.connect(self._on_models_changed)
        session.current_changed.connect(self._on_current_changed)
        self._on_models_changed()
        self._on_current_changed(session.current)

    @property
    def busy(self) -> bool:
        return self._measuring.busy or self._deciles.busy or self._comparing.busy

    def pin_decile_sample(self):
        """Pin a few words of every decile of the model explored, to track them in the next run."""
        entry = self.session.current
        if entry is not None:
            words = [entry.kv.words[r] for r in decile_sample(len(entry.kv)).tolist()]
            self.session.set_pins(self.session.pins + words)

    def hover_text(self, i: int) -> str:
        """What hovering the `i`-th point shows: the word, its count and the value."""
        kv = self.session.current.kv
        r = int(self.rows[i])
        name = MEASURES[self.measure.currentIndex()]
        return f"{kv.words[r]}: count {int(kv.counts[r]):,}, {name} {self.values[i]:.3f}"

    # -- reacting ----------------------------------------------------------------------------------
    def _on_models_changed(self):
        current = self.session.current
        self.other.blockSignals(True)
        self.other.clear()
        for entry in self.session.entries:
            if entry is not current:
                self.other.addItem(entry.name, entry)
        self.other.blockSignals(False)
        self.other.setVisible(self.measure.currentIndex() == 2)

    def refresh(self):
        """Compute the deciles and the scatter of the model explored (done when the view is shown
        after the model changed: nothing is computed for a view nobody looks at)."""
        self._stale = False
        entry = self.session.current
        self.table.setRowCount(0)
        if entry is None or entry.kv.counts is None:
            self._draw(np.zeros(0, np.int64), np.zeros(0))
            spark = entry is not None and not entry.kv.ranked
            self.note.setText(unranked("this lens needs the counts a model trained here has") if spark else
                              "This lens needs word counts: a model trained here, or vectors saved with counts.")
            return
        models = entry.models()
        sample = models[0].params.sample if models else TrainParams().sample
        self._deciles.start(ranked_deciles, entry.kv, sample)
        self._on_measure_current_index_changed()

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _on_current_changed(self, _entry):
        self._on_models_changed()
        self._stale = True
        if self.isVisible():
            self.refresh()

    def _on_measure_current_index_changed(self, *_):
        entry = self.session.current
        which = self.measure.currentIndex()
        self.other.setVisible(which == 2)
        if entry is None or entry.kv.counts is None or self._stale:
            return
        other = self.other.currentData()
        notes = {1: "" if entry.recorder is not None else "No snapshots: train with Watch training on.",
                 2: "" if other is not None else "Open or train another model to compare with."}
        self.note.setText(notes.get(which, ""))
        self._measuring.start(measure, entry.kv, which, entry.recorder, other.kv if other is not None else None)
        self._comparing.stop()
        self._show_compare(which == 2 and other is not None)
        if which == 2 and other is not None:
            self.compare_table.setRowCount(0)
            self.compare_note.setText(f"Comparing with {other.name} by decile…")
            self._comparing.start(compare_models, entry.kv, other.kv, entry.name, other.name)

    def _show_compare(self, shown: bool):
        self.compare_note.setVisible(shown)
        self.compare_table.setVisible(shown)

    def _on_comparing_succeeded(self, result):
        rows, said, runs = result
        self.compare_note.setText(said + (" Scores of an ensemble: mean ± sd over its runs." if runs > 1 else ""))
        self.compare_table.setRowCount(len(rows))

        def pair(values, sds):
            return " | ".join(spread(v, s, runs) for v, s in zip(values, sds))

        for r, d in enumerate(rows):
            cells = (str(d.decile), f"{d.count_min:,}–{d.count_max:,}", pair(d.pairs, d.pairs_sd),
                     f"{d.pair_count:,}", pair(d.analogy, d.analogy_sd), f"{d.questions:,}")
            for c, text in enumerate(cells):
                self.compare_table.setItem(r, c, QTableWidgetItem(text))

    def _on_measuring_succeeded(self, result):
        self._draw(*result)

    def _draw(self, rows: np.ndarray, values: np.ndarray):
        self.rows, self.values = rows, values
        entry = self.session.current
        if not len(rows) or entry is None:
            self.scatter.clear()
            self.trend.setData([], [])
            return
        counts = entry.kv.counts[rows].astype(np.float64)
        self.scatter.setData(np.log10(np.maximum(counts, 1)), values, data=np.arange(len(rows)))
        self.plot.setLabel("left", AXIS_NAMES[self.measure.currentIndex()])
        edges = bounds(len(entry.kv))
        part = np.searchsorted(edges, rows, side="right") - 1
        xs, ys = [], []
        for d in np.unique(part).tolist():
            mine = part == d
            xs.append(np.log10(max(float(np.median(counts[mine])), 1.0)))
            ys.append(float(np.mean(values[mine])))
        self.trend.setData(xs, ys)

    def _on_scatter_hovered(self, _item, points, _event):
        if len(points):
            self.hover.setText(self.hover_text(int(points[0].data())))

    def _on_deciles_succeeded(self, result):
        found, runs = result
        self.table.setToolTip(f"Scores: mean ± sd over the ensemble's {runs} runs; counts and subsampling: its first "
                              "run's." if runs > 1 else "")
        self.table.setRowCount(len(found))
        for r, d in enumerate(found):
            cells = (f"{d.rank_from:,}–{d.rank_to:,}", f"{d.count_min:,}–{d.count_max:,}",
                     spread(d.norm_mean, d.norm_mean_sd, runs), spread(d.analogy_accuracy, d.analogy_accuracy_sd, runs),
                     f"{d.analogy_questions:,}", f"{100 * d.drop_share:.1f}%")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))

"""Bias axes: words on two axes as a scatter (word2viz-style), the words most toward each end of
the first axis, the chosen words' scores on it over training (from the snapshots), and the corpus
evidence: how often each end's words occur near a word, with lines (read in the background). Every
score is read against all words' scores: the zero line at the mean word, each word's percentile; the
space can be centred, and a space that leans one way is named. The scores (every word's, for the
baseline) are computed on a worker (`axes_figures`): on a vocabulary of millions they take seconds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.isotropy import centred, leaning
from w2vstudio.core.files.ensemble import Ensemble
from w2vstudio.core.map.labels import room_for_labels
from w2vstudio.core.lenses.axes import (Axis, Baseline, Evidence, RunScores, baseline, evidence, make_axis,
                                        occupations, poles_across, scores_across, scores_over_snapshots,
                                        spread_labels)
from w2vstudio.core.train.model import corpus_paths, epoch_words
from w2vstudio.gui import workers
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.widgets.beside_labels import BesideLabels
from w2vstudio.gui.widgets.completion import WordCompleter

DEFAULT_AXES = (("he", "she"), ("poor", "rich"))
TOP = 15
_DOT = 6  # px, a word on the scatter
_PAD = 4  # px between a curve's extremes and the plot's edge
_COLOURS = ("#d1495b", "#2e7d5b", "#3066be", "#edae49", "#8f5fbf", "#00798c")


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").split() if w]


@dataclass
class AxesFigures:
    """What the Axes view draws, computed on a worker by `axes_figures`: the space scored (`kv`,
    centred when asked), its lean, the words listed that it knows and how many it does not, the
    axes that could be made (x first; `error` says why the next could not), each one's `baseline`,
    the words most toward each end of x (`poles`) and the known words' scores on x and y."""

    kv: object
    ends: list
    leaning: str | None = None
    known: list = field(default_factory=list)
    missing: int = 0
    axes: list[Axis] = field(default_factory=list)
    error: str = ""
    bases: list[Baseline] = field(default_factory=list)
    poles: tuple[RunScores, RunScores] | None = None
    x: RunScores | None = None
    y: RunScores | None = None


def centred_space(kv):
    """`kv` centred (each run of an ensemble), its top principal components removed (1 per 100 dimensions)."""
    components = max(1, kv.vectors.shape[1] // 100)
    if isinstance(kv, Ensemble):
        return Ensemble([centred(run, components) for run in kv.runs], kv.seeds, kv.manifest)
    return centred(kv, components)


def axes_figures(kv, ends: list, words: list[str], centre: bool, centred_kv=None) -> AxesFigures:
    """The figures of two axes (`ends`: (from words, to words) each) and the `words` in `kv` (on a
    worker); `centre`: in the centred space (`centred_kv` if already made)."""
    space = (centred_kv if centred_kv is not None else centred_space(kv)) if centre else kv
    found = AxesFigures(space, ends, None if centre else leaning(space))
    found.known = [w for w in words if w in space]
    found.missing = len(words) - len(found.known)
    try:
        for source, target in ends:
            unknown = next((w for w in source + target if w not in space), None)
            if unknown is not None:  # said at once: spelling suggestions over the vocabulary take seconds
                raise W2VError(f"“{unknown}” is not in the vocabulary")
            found.axes.append(make_axis(space, source, target))
    except W2VError as exc:
        found.error = f"axis {'xy'[len(found.axes)]}: {exc}"
    found.bases = [baseline(space, a) for a in found.axes]  # an ensemble: its first run's words
    if found.axes:
        found.poles = poles_across(space, *ends[0], TOP)  # an ensemble: by the mean over its runs
    if len(found.axes) == 2:
        found.x, found.y = (scores_across(space, *e, found.known) for e in ends)
    return found


class AxesView(QWidget):
    """Two axes (each "from" words → "to" words) and a word list (default: occupations); Show draws."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.ends = [(QLineEdit(a), QLineEdit(b)) for a, b in DEFAULT_AXES]
        self.words = QPlainTextEdit(" ".join(occupations()))
        self.words.setMaximumHeight(70)
        self.centre = QCheckBox("Centre the space")
        self.centre.setToolTip("Subtract the mean vector and the top principal components (Mu & Viswanath's "
                               "all-but-the-top): short training leaves every vector leaning one way, which "
                               "shifts every score; centring takes the lean away.")
        self.centre.toggled.connect(self.refresh)
        self.centre_why = QLabel("Centring: the mean vector and the top principal component removed, so that "
                                 "the lean short training gives every vector does not shift the scores.")
        self.centre_why.setWordWrap(True)
        self.training_words = QLineEdit()
        self.training_words.setPlaceholderText("words to follow over training (default: the first of the list)")
        self.training_words.returnPressed.connect(self.refresh)
        self.training_completer = WordCompleter(self.training_words)
        self._centred: tuple[object, object] | None = None  # (kv, centred kv)
        self._stale = True
        self.percentiles: list[np.ndarray] = []  # the shown words' on x and y
        self.training_labels: list[pg.TextItem] = []
        self.show_button = QPushButton("Show")
        self.show_button.clicked.connect(self.refresh)
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self._scoring = workers.Call(self)
        self._scoring.succeeded.connect(self._on_scoring_succeeded)
        self._scoring.failed.connect(self.message.setText)
        self.scatter_plot = pg.PlotWidget(title="words on the two axes")
        self.scatter = pg.ScatterPlotItem(size=_DOT, brush=pg.mkBrush("#3066be"))
        self.scatter_plot.addItem(self.scatter)
        self.spread = pg.ErrorBarItem(pen=pg.mkPen("#3066be55"))  # an ensemble's ± sd over its runs
        self.scatter_plot.addItem(self.spread)
        for side in ("left", "bottom"):
            self.scatter_plot.getAxis(side).enableAutoSIPrefix(False)  # scores are cosines
        self._lines: list[pg.InfiniteLine] = []  # the mean word's on each axis
        self.scatter_labels = BesideLabels(self.scatter_plot, _DOT)
        self.ranked = QTableWidget(0, 6)
        self.ranked.setHorizontalHeaderLabels(["toward “from”", "score", "percentile", "toward “to”", "score",
                                               "percentile"])
        self.ranked.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ranked.verticalHeader().hide()
        self.training_plot = pg.PlotWidget(title="scores on the first axis over training")
        self.training_plot.setLabel("bottom", "epochs")
        self._training_ends = (np.zeros(2), np.zeros(2), np.zeros(0))  # x's ends, y's extremes, the names' heights
        self.training_plot.getViewBox().sigResized.connect(self._on_training_resized)
        self._training = workers.Call(self)
        self._training.succeeded.connect(self._on_training_succeeded)
        self._training.failed.connect(self.message.setText)
        self.ranked.cellClicked.connect(self._on_ranked_cell_clicked)
        self.evidence_word = QLineEdit()
        self.evidence_word.setPlaceholderText("a word (or click one in the list)")
        self.evidence_word.returnPressed.connect(self.find_evidence)
        self.evidence_button = QPushButton("Corpus evidence on axis x")
        self.evidence_button.clicked.connect(self.find_evidence)
        self.evidence_text = QPlainTextEdit()
        self.evidence_text.setReadOnly(True)
        self._evidence = workers.Call(self)
        self._evidence.succeeded.connect(self._on_evidence_succeeded)
        self._evidence.failed.connect(self.evidence_text.setPlainText)
        form = QGridLayout()
        for row, (source, target) in enumerate(self.ends):
            form.addWidget(QLabel(f"axis {'xy'[row]}: from"), row, 0)
            form.addWidget(source, row, 1)
            form.addWidget(QLabel("to"), row, 2)
            form.addWidget(target, row, 3)
        form.addWidget(QLabel("words"), 2, 0)
        form.addWidget(self.words, 2, 1, 1, 3)
        form.addWidget(QLabel("over training"), 3, 0)
        form.addWidget(self.training_words, 3, 1, 1, 2)
        form.addWidget(self.show_button, 3, 3)
        form.addWidget(self.centre, 4, 0)
        form.addWidget(self.centre_why, 4, 1, 1, 3)
        evidence_row = QHBoxLayout()
        evidence_row.addWidget(self.evidence_word, 1)
        evidence_row.addWidget(self.evidence_button)
        evidence_box = QWidget()
        evidence_layout = QVBoxLayout(evidence_box)
        evidence_layout.setContentsMargins(0, 0, 0, 0)
        evidence_layout.addLayout(evidence_row)
        evidence_layout.addWidget(self.evidence_text)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.ranked)
        right.addWidget(self.training_plot)
        right.addWidget(evidence_box)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.scatter_plot)
        split.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    # -- public ----------------------------------------------------------------------------------
    def axis_words(self, i: int) -> tuple[list[str], list[str]]:
        return _words(self.ends[i][0].text()), _words(self.ends[i][1].text())

    @property
    def busy(self) -> bool:
        return self._evidence.busy or self._training.busy or self._scoring.busy

    def find_evidence(self):
        """Count, in the model's corpus, axis x's words within the window of the evidence word."""
        entry, word = self.session.current, self.evidence_word.text().strip()
        if entry is None or not word:
            return
        model = entry.model
        paths = corpus_paths(model) if model is not None else None
        if not paths:
            self.evidence_text.setPlainText("The evidence needs a model trained here: it remembers its corpus.")
            return
        source, target = self.axis_words(0)
        self.evidence_text.setPlainText(f"Reading the corpus for “{word}”…")
        self._evidence.start(evidence, list(paths), word, source, target, model.params.window,
                             lowercase=model.params.lowercase, phrases=model.phrases, with_task=True)

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self):
        """Draw the current model's words on the axes as the form says (when shown), scored on a
        worker (the centred space kept while the model is the same)."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._clear_drawing()
        entry = self.session.current
        if entry is None:
            self._scoring.stop()
            self.message.setText("Train or open a model to see its axes.")
            return
        self.message.setText("Scoring the words on the axes…")
        centred_kv = self._centred[1] if self._centred is not None and self._centred[0] is entry.kv else None
        self._scoring.start(axes_figures, entry.kv, [self.axis_words(i) for i in range(2)],
                            _words(self.words.toPlainText()), self.centre.isChecked(), centred_kv)

    def _clear_drawing(self):
        self.scatter.clear()
        self.spread.setData(x=np.zeros(0), y=np.zeros(0), width=np.zeros(0), height=np.zeros(0))
        for line in self._lines:
            self.scatter_plot.removeItem(line)
        self._lines = []
        self.scatter_labels.set_points(np.zeros((0, 2)), [])
        self.ranked.setRowCount(0)
        self.training_plot.clear()

    def _on_scoring_succeeded(self, found: AxesFigures):
        entry = self.session.current
        if entry is None:
            return
        if self.centre.isChecked():
            self._centred = (entry.kv, found.kv)
        warning = f"\nWarning: {found.leaning}" if found.leaning else ""
        if found.error:
            self.message.setText(found.error + warning)
        if found.axes:
            self._ranked(*found.poles, found.bases[0])
            self._over_training(entry, found.known, *found.ends[0])
        if len(found.axes) == 2:
            self._draw_scatter(found, warning)

    def _draw_scatter(self, found: AxesFigures, warning: str):
        """The known words at their scores on both axes, the mean word's lines, the percentiles."""
        axes, known, missing, bases, kv = found.axes, found.known, found.missing, found.bases, found.kv
        runs = kv.k if isinstance(kv, Ensemble) else 1
        self.message.setText(
            f"x: {axes[0].label}   y: {axes[1].label}"
            + (f"   ({missing} words not in the vocabulary)" if missing else "")
            + (f"   mean ± sd over {runs} runs" if runs > 1 else "")
            + "\nRead each score against all words': the dashed lines are the mean word "
            + f"(x {bases[0].mean:+.3f} ± {bases[0].sd:.3f}, y {bases[1].mean:+.3f} ± {bases[1].sd:.3f}); "
            + "each label gives the word's percentiles on x and y." + warning)
        x, y = found.x, found.y
        ends = np.zeros((0, 2))  # unnamed points the view holds too: an ensemble's bars' ends
        if runs > 1 and known:
            self.spread.setData(x=x.mean, y=y.mean, width=2 * x.sd, height=2 * y.sd)
            ends = np.r_[np.c_[x.mean - x.sd, y.mean], np.c_[x.mean + x.sd, y.mean],
                         np.c_[x.mean, y.mean - y.sd], np.c_[x.mean, y.mean + y.sd]]
        x, y = x.mean, y.mean
        self.percentiles = [b.percentiles(v) for b, v in zip(bases, (x, y))]
        self.scatter.setData(x, y)
        for angle, base in ((90, bases[0]), (0, bases[1])):
            line = pg.InfiniteLine(base.mean, angle=angle, pen=pg.mkPen("#888", style=Qt.PenStyle.DashLine))
            self.scatter_plot.addItem(line)
            self._lines.append(line)
        names = [f"{word} ({qx:.0f}, {qy:.0f})" for word, qx, qy in zip(known, *(p.tolist() for p in self.percentiles))]
        ends = np.r_[ends, [[bases[0].mean, bases[1].mean]]]  # the mean word's lines cross in the view
        self.scatter_labels.set_points(np.r_[np.c_[x, y], ends], names + [""] * len(ends))
        self.scatter_plot.setLabel("bottom", axes[0].label)
        self.scatter_plot.setLabel("left", axes[1].label)

    # -- parts -----------------------------------------------------------------------------------
    def _on_current_changed(self, entry):
        self._evidence.stop()
        self._scoring.stop()
        self.evidence_text.clear()
        self._centred = None
        kv = entry.kv if entry is not None else None
        self.training_completer.set_words(kv.words if kv is not None else None)
        self.refresh()

    def _on_ranked_cell_clicked(self, row: int, column: int):
        item = self.ranked.item(row, column - column % 3)
        if item is not None:
            self.evidence_word.setText(item.text())

    def _on_evidence_succeeded(self, found: Evidence):
        source, target = ("+".join(words) for words in self.axis_words(0))
        lines = [f"“{found.word}” occurs {found.occurrences:,} times; within its window: {source} "
                 f"{found.source_count:,} times, {target} {found.target_count:,} times."]
        for name, shown in ((source, found.source_lines), (target, found.target_lines)):
            lines += ["", f"near {name}:"] + [f"  {line}" for line in shown]
        self.evidence_text.setPlainText("\n".join(lines))

    def _ranked(self, low: RunScores, high: RunScores, base: Baseline):
        self.ranked.setRowCount(max(len(low.words), len(high.words)))
        for r in range(max(len(low.words), len(high.words))):
            for c, end in ((0, low), (3, high)):
                if r < len(end.words):
                    spread = f" ± {end.sd[r]:.3f}" if end.runs > 1 else ""
                    self.ranked.setItem(r, c, QTableWidgetItem(end.words[r]))
                    self.ranked.setItem(r, c + 1, QTableWidgetItem(f"{end.mean[r]:+.3f}{spread}"))
                    self.ranked.setItem(r, c + 2, QTableWidgetItem(f"{base.percentiles([end.mean[r]])[0]:.1f}"))

    def _over_training(self, entry, known: list[str], source: list[str], target: list[str]):
        recorder = entry.recorder
        self._training.stop()
        if recorder is None or len(recorder) < 2:
            return
        tracked = set(recorder.words)
        picked = _words(self.training_words.text())
        chosen = [w for w in (picked or known) if w in tracked][: len(_COLOURS)]
        if chosen and set(source + target) <= tracked:
            per_epoch = epoch_words(entry.model) if entry.model is not None else None
            self._training.start(_curves, recorder, source, target, chosen, per_epoch)

    def _on_training_succeeded(self, result):
        progress, chosen, curves = result
        self.training_plot.clear()
        self.training_labels = []
        if not len(progress):
            return
        span = float(np.ptp(curves)) if curves.size else 0.0
        heights = spread_labels(curves[-1], max(span, 1e-3) * 0.08)
        for k, word in enumerate(chosen):
            self.training_plot.plot(progress, curves[:, k], pen=pg.mkPen(_COLOURS[k], width=2))
            label = pg.TextItem(word, color=_COLOURS[k], anchor=(0, 0.5))  # plain text, at the curve's end
            label.setPos(float(progress[-1]), float(heights[k]))
            self.training_plot.addItem(label)
            self.training_labels.append(label)
        self._training_ends = (progress[[0, -1]], np.array([curves.min(), curves.max()]), heights)
        self._fit_training()

    def _fit_training(self):
        """The training plot's view: the curves, and the names at their ends whole."""
        box = self.training_plot.getViewBox()
        if not self.training_labels or box.width() < 1 or box.height() < 1:
            return
        (first, last), extremes, heights = self._training_ends
        boxes = [label.boundingRect() for label in self.training_labels]
        x0, x1 = room_for_labels(np.array([first, last]), np.full(2, _PAD), [_PAD, max(b.width() for b in boxes)],
                                 box.width())
        half = np.r_[np.full(2, _PAD), [b.height() / 2 for b in boxes]]
        y0, y1 = room_for_labels(np.r_[extremes, heights], half, half, box.height())
        box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _on_training_resized(self, *_):
        self._fit_training()


def _curves(recorder, source: list[str], target: list[str], chosen: list[str], per_epoch: float | None):
    """(progress in epochs (or corpus words), the chosen words, their scores (S, chosen)) from the
    recorder's snapshots: on a worker thread."""
    snapshots = recorder.stacked()  # first: a run may add snapshots meanwhile
    words = recorder.times()["words"][: len(snapshots)].astype(np.float64)
    curves = scores_over_snapshots(recorder.words, snapshots, source, target, chosen)
    return (words / per_epoch if per_epoch else words), chosen, curves

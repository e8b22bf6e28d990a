"""p(output | input) of the probed pairs (log axis) and their rank against training progress, with
the second seed's readout "round N: p = …" for the snapshot chosen. For an ensemble the curves are
its first run's, and each pair's p after training is given as the mean ± sd over its runs."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from w2vstudio.core.errors import FormatError
from w2vstudio.core.lenses.pair_likelihood import LikelihoodProbes, final_across, no_probes, stored_probes
from w2vstudio.core.train.model import epoch_words
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.widgets.curve_key import CurveKey
from w2vstudio.gui.widgets.pairs_editor import PairsEditor
from w2vstudio.gui.widgets.when_shown import WhenShown

_COLOURS = ("#d1495b", "#2e7d5b", "#3066be", "#edae49", "#8f5fbf", "#00798c")
_LIVE_MS = 1000
SWING_NOTE = ("A single pair's p swings: the model follows the text it is reading, so p rises where the pair "
              "is frequent and falls elsewhere; the held-out curve on the Train tab is the average.")
MEAN_SNAPSHOTS = 5  # the running mean's width
AXES = ("epochs", "sightings")  # sightings: times the pair has been seen within a window so far


class LikelihoodView(QWidget):
    """Shows the probes stored in the model explored, or those of the session's run as it trains;
    the probe time shown is the one nearest the session's moment."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.pairs: list[tuple[str, str]] = []
        self.progress = np.zeros(0)
        self.words = np.zeros(0, np.int64)
        self.p = np.zeros((0, 0))
        self.rank = np.zeros((0, 0), np.int64)
        self.sigmoid = np.zeros((0, 0))
        self._live: LikelihoodProbes | None = None
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.p_plot = pg.PlotWidget(title="p(output | input) at each snapshot")
        self.p_plot.setLogMode(y=True)
        self.rank_plot = pg.PlotWidget(title="rank of the output among all words (1: most likely)")
        self.rank_plot.setLogMode(y=True)
        self.rank_plot.getViewBox().invertY(True)
        for plot in (self.p_plot, self.rank_plot):
            plot.setLabel("bottom", "epochs")
        self.key = CurveKey()  # one for both plots, above them
        self.rank_plot.setXLink(self.p_plot)
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888", style=Qt.PenStyle.DashLine))
        self.p_plot.addItem(self.marker)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.axis = QComboBox()
        self.axis.addItems(["against time (epochs)", "against sightings of the pair"])
        self.axis.setToolTip("Sightings: the times the two words have been within a window of each other so far "
                             "in training; every sighting is a step.")
        self.axis.currentIndexChanged.connect(self._redraw)
        self.running = QCheckBox(f"running mean over {MEAN_SNAPSHOTS} snapshots")
        self.running.toggled.connect(self._redraw)
        self.swing = QLabel(SWING_NOTE)
        self.swing.setWordWrap(True)
        self._last = (no_probes(), None, "")
        self.readout = QLabel()
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("snapshot"))
        row.addWidget(self.slider, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        options = QHBoxLayout()
        options.addWidget(self.axis)
        options.addWidget(self.running)
        options.addStretch(1)
        layout.addLayout(options)
        layout.addWidget(self.swing)
        layout.addWidget(self.key)
        layout.addWidget(self.p_plot, 3)
        layout.addWidget(self.rank_plot, 2)
        layout.addLayout(row)
        layout.addWidget(self.readout)
        self.next_pairs = PairsEditor(session)
        box = QGroupBox("Pairs for the next run (none: the pairs of highest PMI in the corpus)")
        QVBoxLayout(box).addWidget(self.next_pairs)
        layout.addWidget(box)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._when_shown = WhenShown(self, self._show_current)
        session.current_changed.connect(self._on_current_changed)
        session.run_progressed.connect(self._on_run_progressed)
        session.run_finished.connect(self._on_run_finished)
        session.moment_changed.connect(self._on_moment_changed)
        self._on_current_changed(session.current)

    # -- public ----------------------------------------------------------------------------------

    def show_snapshot(self, i: int):
        """The readout for probe time `i`: "round i (N words seen): p(out | in) = …, rank …"."""
        if not len(self.words):
            self.readout.clear()
            return
        i = int(np.clip(i, 0, len(self.words) - 1))
        self.marker.setValue(self.progress[i])
        parts = [_readout(w, o, self.p[i, k], self.rank[i, k], self.sigmoid[i, k])
                 for k, (w, o) in enumerate(self.pairs)]
        self.readout.setText(f"round {i} ({self.words[i]:,} words seen): " + "; ".join(parts))

    # -- following the session -------------------------------------------------------------------
    def _set_live(self, probes: LikelihoodProbes | None):
        """Follow a run's probes as they are recorded (None: back to the model explored)."""
        self._live = probes
        if probes is None:
            self._timer.stop()
            self._on_current_changed(self.session.current)
        else:
            self._timer.start(_LIVE_MS)
            self._when_shown.request()

    def _on_run_progressed(self, run):
        self._set_live(run.probes)

    def _on_run_finished(self, _outcome):
        self._set_live(None)

    def _on_moment_changed(self, epochs: float | None):
        """Show the probe time nearest this point of training on the plots' axis (epochs; corpus
        words for a model that does not know its epoch length)."""
        if epochs is not None and len(self.progress):
            self.slider.setValue(int(np.abs(self.progress - epochs).argmin()))

    # -- drawing -----------------------------------------------------------------------------------
    def _on_current_changed(self, _entry):
        self._when_shown.request()

    def _show_current(self):
        if self._live is not None:
            self._show_live()
            return
        entry = self.session.current
        models = entry.models() if entry is not None else []  # an ensemble: every run
        model = models[0] if models else None
        if model is None:
            self._show(no_probes(), None, "Probes are recorded while a model trains with snapshots: choose pairs for "
                                    "the next run below.")
            return
        try:
            stored = stored_probes(model)
            across = final_across(models) if len(models) > 1 else []
        except FormatError as exc:
            self._show(no_probes(), None, str(exc))
            return
        message = "" if stored["pairs"] else "This model has no likelihood probes (train it with snapshots and pairs)."
        self._show(stored, epoch_words(model), message or ensemble_text(across))
        self._on_moment_changed(self.session.moment)  # the moment chosen while the view was hidden

    def _on_timer_timeout(self):
        self._when_shown.request()  # a hidden view draws nothing until shown

    def _show_live(self):
        probes = self._live
        words, p, rank, sigmoid = probes.values()
        self._show({"pairs": probes.pairs, "words": words, "p": p, "rank": rank, "sigmoid": sigmoid,
                    "seen": probes.seen(), "contexts": probes.contexts()}, epoch_words(probes.model), "")

    def _redraw(self, *_):
        self._show(*self._last)

    def _show(self, probes: dict, per_epoch: float | None, message: str):
        """Draw `probes` ({"pairs", "words", "p", "rank", "sigmoid", "seen"}, as `stored_probes` gives them)."""
        self._last = (probes, per_epoch, message)
        seen = probes.get("seen", np.full(np.shape(probes["p"]), np.nan))
        by_seen = self.axis.currentIndex() == 1
        self.pairs, self.words = list(probes["pairs"]), probes["words"]
        self.p, self.rank, self.sigmoid = probes["p"], probes["rank"], probes["sigmoid"]
        words, p, rank = self.words, self.p, self.rank
        self.progress = words / per_epoch if per_epoch else words.astype(np.float64)
        self.headline.setText(message or "p as the model's objective defines it (see the Inside tab); "
                                         "a pair's rank is its place among all words.")
        for plot in (self.p_plot, self.rank_plot):
            plot.clear()
        self.p_plot.addItem(self.marker)
        for plot in (self.p_plot, self.rank_plot):
            plot.setLabel("bottom", "sightings of the pair so far" if by_seen else "epochs")
        contexts = probes.get("contexts") or []
        names = []
        for k, (w, o) in enumerate(self.pairs):
            pen = pg.mkPen(_COLOURS[k % len(_COLOURS)], width=2)
            x = seen[:, k] if by_seen else self.progress
            y = running_mean(p[:, k], MEAN_SNAPSHOTS) if self.running.isChecked() else p[:, k]
            ok = ~np.isnan(y) & (y > 0) & ~np.isnan(x)
            where = contexts[k] if k < len(contexts) else {}
            name = f"{w} → {o}" + (f" ({where['windows']} windows)" if where.get("context") == "corpus" else "")
            self.p_plot.plot(x[ok], y[ok], pen=pen, symbol="o", symbolSize=4, name=name)
            self.rank_plot.plot(x[ok], rank[ok, k].astype(np.float64), pen=pen, name=name)
            names.append((name, _COLOURS[k % len(_COLOURS)]))
        self.key.set_curves(names)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(words) - 1, 0))
        self.slider.setValue(max(len(words) - 1, 0))
        self.slider.blockSignals(False)
        self.show_snapshot(len(words) - 1)

    def _on_slider_value_changed(self, value: int):
        self.show_snapshot(value)


def ensemble_text(across: list[dict]) -> str:
    """What the headline says of an ensemble: the curves are its first run's; each pair's p after
    training, mean ± sd over the runs (`final_across`)."""
    if not across:
        return ""
    runs = len(across[0]["runs"])
    parts = []
    for q in across:
        each = ", ".join("n/a" if np.isnan(p) else f"{p:.3g}" for p in q["runs"])
        value = "not probed in every run" if np.isnan(q["p"]) else f"{q['p']:.3g} \u00b1 {q['p_sd']:.2g}"
        parts.append(f"p({q['output']} | {q['input']}) = {value} ({each})")
    return (f"An ensemble of {runs} runs: the curves are its first run's. After training, mean \u00b1 sd over "
            "the runs: " + "; ".join(parts) + ".")


def _readout(word: str, output: str, p: float, rank: int, sigmoid: float) -> str:
    """"p(out | in) = …, −log p …, rank …" (and σ(v·u_o) for negative sampling) for one pair."""
    if np.isnan(p):
        return f"p({output} | {word}) not recorded"
    text = f"p({output} | {word}) = {p:.3g} (\u2212log p {-np.log(max(p, 1e-300)):.2f}), rank {rank:,}"
    return text if np.isnan(sigmoid) else f"{text}, \u03c3(v\u00b7u) {sigmoid:.3f}"


def running_mean(values: np.ndarray, width: int) -> np.ndarray:
    """The mean of each value and the `width − 1` before it (fewer at the start; NaN left out)."""
    values = np.asarray(values, np.float64)
    ok = ~np.isnan(values)
    sums = np.cumsum(np.where(ok, values, 0.0))
    counts = np.cumsum(ok)
    lagged = lambda a: np.concatenate([np.zeros(min(width, len(a))), a[:-width]]) if len(a) > width else np.zeros(len(a))
    n = counts - lagged(counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, (sums - lagged(sums)) / n, np.nan)

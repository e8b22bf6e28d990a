"""The Train tab: corpus, parameters, what to watch, Start / Pause / Resume / Stop, progress and
live plots."""

from __future__ import annotations

from dataclasses import replace

import gc
import math
from collections import deque

from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QProgressBar, QScrollArea, QSizePolicy, QSplitter,
                               QToolButton, QVBoxLayout, QWidget)

from w2vstudio.core.params import memory_needed
from w2vstudio.core.corpus.cache import Entry as CacheEntry
from w2vstudio.core.corpus.cache import reads_entry, settings_of
from w2vstudio.core.corpus.scan import ScannedCorpus
from w2vstudio.core.support.blas import OneBlasThread
from w2vstudio.core.support.memory import size_text
from w2vstudio.core.errors import W2VError
from w2vstudio.core.train.model import Model
from w2vstudio.core.files.ensemble import Ensemble
from w2vstudio.core.run import NO_WATCH, EnsembleResult, EnsembleRun, RunResult, TrainingRun
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.callbacks import BatchReport, EpochReport, TrainingCallback
from w2vstudio.core.train.estimate import TOKEN_BYTES, RunEstimate, estimate_kept, estimate_run
from w2vstudio.gui.studio_session import Corpus, Entry, StudioSession
from w2vstudio.gui.train.corpus_panel import held_text
from w2vstudio.gui.train.engine_form import EngineForm
from w2vstudio.gui.train.params_form import ParamsForm
from w2vstudio.gui.train.plots import TrainingPlots
from w2vstudio.gui.train.runs_form import RunsForm
from w2vstudio.gui.train.watch_form import WatchForm
from w2vstudio.gui.widgets.when_shown import WhenShown
from w2vstudio.gui.workers import Call

REFRESH_MS = 100  # plots and progress are redrawn at most this often


class _Reports(TrainingCallback):
    """What a run reports on its threads, kept for the next refresh: batch and epoch reports, and
    the latest progress of its task (Spark's)."""

    def __init__(self):
        self.batches: deque[BatchReport] = deque()
        self.epochs: deque[EpochReport] = deque()
        self.progress: deque[tuple[float, str]] = deque(maxlen=1)

    def on_batch(self, report: BatchReport):
        self.batches.append(report)

    def on_epoch(self, report: EpochReport):
        self.epochs.append(report)

    def progressed(self, fraction: float, text: str | None):
        self.progress.append((fraction, text or ""))

    def clear(self):
        for kept in (self.batches, self.epochs, self.progress):
            kept.clear()


class _EnsembleReports(TrainingCallback):
    """Run k of an ensemble's hooks: its reports join the panel's while it is the latest run started."""

    def __init__(self, panel: TrainPanel, k: int):
        self.panel, self.k = panel, k

    def on_batch(self, report: BatchReport):
        if self.panel._ensemble_report(self.k):
            self.panel._reports.on_batch(report)

    def on_epoch(self, report: EpochReport):
        if self.panel._ensemble_report(self.k):
            self.panel._reports.on_epoch(report)


def duration(seconds: float) -> str:
    """Seconds as h:mm:ss or m:ss."""
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def seconds_text(seconds: float) -> str:
    """A run's time for a sentence: "0.4 s", "42.0 s" under a minute, else h:mm:ss or m:ss."""
    return f"{seconds:.1f} s" if seconds < 59.95 else duration(seconds)


def corpus_stem(name: str) -> str:
    """A corpus name without its file suffixes: "sample-corpus.txt.gz +2" -> "sample-corpus +2"."""
    head, plus, more = name.partition(" +")
    return (head.split(".")[0] or head) + plus + more


def preparing_text(step: str) -> str:
    """The progress bar's text for a step of preparing a run ("encoding the corpus": "Preparing the
    vocabulary: encoding the corpus… 40 %")."""
    return f"Preparing the vocabulary: {step}… %p %" if step else "Preparing the vocabulary…"


def trained_runs(outcome: EnsembleResult) -> list[RunResult]:
    """An ensemble's runs that trained on some words (all, or those before a Stop)."""
    return [r for r in outcome.results if r is not None and r.train.words_done]


def trained_models(outcome: EnsembleResult) -> list:
    """The models of `trained_runs`."""
    return [r.model for r in trained_runs(outcome)]


def ensemble_stopped(outcome: EnsembleResult) -> bool:
    """Whether a Stop ended the ensemble: a run not trained, or one cancelled."""
    return len(trained_runs(outcome)) < len(outcome.results) or any(r.train.cancelled for r in outcome.results if r)


def train_and_index(run: TrainingRun | EnsembleRun, task: Task) -> tuple:
    """(outcome, vectors): `run` trained, on a worker (Stop cancels an ensemble's `task` too), and
    its models' vectors indexed there: a vocabulary of millions of words takes a second to index,
    which the GUI thread must not spend."""
    if isinstance(run, EnsembleRun):
        outcome = run.train(task=task)
        return outcome, [m.keyed_vectors() for m in trained_models(outcome)]
    outcome = run.train()
    return outcome, [outcome.model.keyed_vectors()]


def estimate_cached(params, entry: CacheEntry, speed: float | None, paths: list | None = None,
                    cache=None) -> RunEstimate | tuple[RunEstimate, bool]:
    """The estimate of a run of `params` on the encoded corpus of a cache entry, from its manifest
    (its vocabulary settings are the run's); with `paths` (on a worker: it reads the disk), also
    whether a run on them with `cache` and the entry's scan memory reads that very entry."""
    estimate = estimate_kept(params, entry.vocab_size, entry.words, entry.raw_words, speed)
    if paths is None:
        return estimate
    return estimate, reads_entry(paths, settings_of(params, entry.scan_memory), cache, entry)


def cached_entry(corpus: Corpus, params, ensemble=None) -> CacheEntry | None:
    """The cache entry of `corpus` (`Corpus.cached`) holding the encoding a run of `params` needs,
    if any (an ensemble reads only one its scan memory left unset, as the studio's runs do)."""
    if corpus.scanned is not None:
        return None
    settings = settings_of(params)
    return next((e for e in corpus.cached if e.same_vocabulary(settings)
                 and (ensemble is None or e.scan_memory is None)), None)


def must_read_text(corpus: Corpus) -> str:
    """The estimate's line when the cache holds the corpus only for other vocabulary settings."""
    return (f"The corpus must be read for these vocabulary settings: the cache holds its encoding for "
            f"{held_text(corpus.cached)} only. Train reads it first.")


class TrainPanel(QWidget):
    """Trains a model on the session's corpus (`corpus_view` shows it, beside the form); the run is
    the session's while it goes, and its model joins the session, explored. The plots show the
    history of the model explored when no run is in progress, and mark the session's moment.

    Before a run starts, its memory and time are estimated (`core.train.estimate`, on a worker) and
    shown; a run beyond the memory available is not started. Runs and ensembles go through
    `core.run` with `cache` (the session's `cache`; its rule: None caches a corpus beyond a quarter
    of the memory in the user's cache folder, a folder caches there, False never), so a run with
    other training parameters on the same scan reads its encoding instead of encoding again. A
    corpus not read because the cache holds its encoding (`Corpus.cached`) is estimated from the
    entry's manifest, and trained on its paths (the run reads the entry, no scan), when the form's
    vocabulary settings are the entry's; else it is read first, as an unread corpus is.

    `moment_clicked(epochs)`: the loss plot was clicked (the session's moment is set to it)."""

    failed = Signal(str)
    moment_clicked = Signal(float)

    def __init__(self, session: StudioSession, corpus_view: QWidget, parent=None):
        super().__init__(parent)
        self._session = session
        self._train = Call(self)
        self._blas = OneBlasThread()
        self._train.succeeded.connect(self._on_training_succeeded)
        self._train.failed.connect(self._on_training_failed)
        self._waiting_for_scan = False
        self._estimating = Call(self)
        self._estimating.succeeded.connect(self._on_estimate_succeeded)
        self._estimating.failed.connect(self._on_estimate_failed)
        self._launch = None  # the run to start once its estimate is shown
        self._launched: RunEstimate | None = None  # the estimate of the run in progress
        self._speeds: dict[bool, float] = {}  # raw words/s of the last run, by skip-gram or CBOW
        self._paused = False
        self._run: TrainingRun | None = None  # the current run, until its end is drawn
        self._reports = _Reports()  # filled on the run's threads
        self._last: BatchReport | None = None
        self._epochs = 1
        self._taken = 0  # snapshots of the current run seen
        self._plotted: Model | None = None  # the model whose history the plots show
        self._basis: tuple = ()  # what the estimate of the corpus last told of was made from (`estimate_basis`)

        self.start_action = self._action("&Train", "Ctrl+Return", "Train a new model on the corpus.")
        self.start_action.triggered.connect(self.start)
        self.pause_action = self._action("&Pause", "Ctrl+P", "Pause training; Resume goes on where it stopped.")
        self.pause_action.triggered.connect(self._on_pause_triggered)
        self.stop_action = self._action("&Stop", "Ctrl+.", "Stop training; the model trained so far is kept.")
        self.stop_action.triggered.connect(self.stop)

        self.form = ParamsForm()
        self._preview_timer = QTimer(self, singleShot=True, interval=300)  # the estimate follows the form
        self._preview_timer.timeout.connect(self._on_preview_timer_timeout)
        self.form.changed.connect(self._preview_timer.start)
        self.engine_form = EngineForm()
        self.watch_form = WatchForm(session)
        self.runs_form = RunsForm()
        self._run_index = 0  # an ensemble's run in progress (its reports are drawn)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("Ready")
        self.stats = QLabel(" ")
        self.stats.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.estimate = QLabel(" ", wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.estimate.setToolTip(ESTIMATED_TIP)
        for widget in (self.progress, self.stats, self.estimate):  # new text must never re-lay out (and repaint) the plots
            widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.plots = TrainingPlots()
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_refresh_timeout)
        self._layout(corpus_view)
        self._update_actions()
        self.plots.moment_clicked.connect(self._on_plots_moment_clicked)
        self._when_shown = WhenShown(self, self._show_current_history)
        session.current_changed.connect(self._on_current_changed)
        session.moment_changed.connect(self.plots.set_marker)
        session.corpus_changed.connect(self._on_corpus_changed)
        self._on_current_changed(session.current)

    def _action(self, text: str, shortcut: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})")
        action.setStatusTip(tip)
        return action

    def _layout(self, corpus_view: QWidget):
        corpus_box = QGroupBox("Corpus")
        QVBoxLayout(corpus_box).addWidget(corpus_view)
        params_box = QGroupBox("Parameters")
        params = QVBoxLayout(params_box)
        params.addWidget(self.form)
        params.addWidget(self.engine_form)
        params.addWidget(self.runs_form)
        watch_box = QGroupBox("Watch training")
        QVBoxLayout(watch_box).addWidget(self.watch_form)
        buttons = QHBoxLayout()
        for action in (self.start_action, self.pause_action, self.stop_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(80)
            buttons.addWidget(button)
        start_font = buttons.itemAt(0).widget().font()
        start_font.setBold(True)
        buttons.itemAt(0).widget().setFont(start_font)
        buttons.addStretch()
        settings = QWidget()  # corpus, parameters and what to watch scroll together when the window is short
        column = QVBoxLayout(settings)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(corpus_box, 1)
        column.addWidget(params_box)
        column.addWidget(watch_box)
        scroll = QScrollArea()
        scroll.setWidget(settings)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(settings.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width())
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(scroll, 1)
        left_column.addLayout(buttons)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.progress)
        side.addWidget(self.stats)
        side.addWidget(self.estimate)
        side.addWidget(self.plots, 1)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([420, 780])
        QVBoxLayout(self).addWidget(self.splitter)

    # -- state ---------------------------------------------------------------------------------------
    @property
    def cache(self):
        """The encoded corpus cache runs use: the session's `cache` (see the class's docstring)."""
        return self._session.cache

    @cache.setter
    def cache(self, folder):
        self._session.cache = folder

    @property
    def run_actions(self) -> list[QAction]:
        """Train, Pause/Resume and Stop, for the window's menu and toolbar."""
        return [self.start_action, self.pause_action, self.stop_action]

    @property
    def job(self) -> TrainingRun | None:
        """The run in progress."""
        return self._run if self._train.busy else None

    @property
    def is_busy(self) -> bool:
        """Training, or reading the corpus or estimating the run in order to train."""
        return self.job is not None or self._waiting_for_scan or self._launch is not None

    @property
    def _on_spark(self) -> bool:
        """Whether the run in progress trains on Spark (it cannot pause)."""
        return self._run is not None and not self._run.pausable

    @property
    def is_paused(self) -> bool:
        return self._paused

    def progress_fraction(self) -> float:
        """Share of the current run done, as last drawn."""
        return self._last.progress if self._last is not None else 0.0

    # -- control -------------------------------------------------------------------------------------
    def start(self):
        """Train a new model (reading the corpus first if needed); the outcome comes as a signal."""
        if self.is_busy:
            return
        corpus = self._session.corpus
        try:
            params = replace(self.form.params(corpus.lowercase), phrases=corpus.phrases)
        except (ValueError, W2VError) as exc:
            self.failed.emit(str(exc))
            return
        self.form.remember()
        self.watch_form.remember()
        self.engine_form.remember()
        self.runs_form.remember()
        spark = self.engine_form.options()
        ensemble = self.runs_form.ensemble()
        if ensemble is not None and spark is not None:
            self.failed.emit("An ensemble trains on this computer: choose one run, or this computer as the engine.")
            return
        scanned = corpus.scanned
        self._launched = None
        watch = self.watch_form.options(self._session.pins, self._session.probe_pairs)
        entry = None if spark is not None else cached_entry(corpus, params, ensemble)
        if spark is not None:  # Spark reads the files itself: no scan here, nothing watched
            try:
                run = TrainingRun(list(corpus.paths), params, NO_WATCH, callbacks=[self._reports],
                                  task=Task(self._reports.progressed), spark=spark)
            except W2VError as exc:
                self.failed.emit(str(exc))
                return
            self._begin(run, params.epochs)
            self.progress.setFormat("Starting Spark…")
            self.plots.say_no_loss()
        elif entry is not None:  # trained on the paths: the run reads the cache entry, no scan
            paths = [str(p) for p in corpus.paths]
            self._launch = (paths, params, ensemble, watch, entry.scan_memory)
            self.progress.setFormat("Estimating memory and time…")
            self._estimating.start(estimate_cached, params, entry, self._speeds.get(params.sg), paths, self.cache)
        elif scanned is None:
            self._read_first()
        else:
            self._launch = (scanned, params, ensemble, watch, None)
            self.progress.setFormat("Estimating memory and time…")
            self._estimate(scanned, params)
        self._update_actions()

    def _read_first(self):
        """Train once the corpus is read."""
        self._waiting_for_scan = True
        self.progress.setFormat("Reading the corpus first…")
        self._session.request_scan()

    def _estimate(self, scanned, params):
        """Estimate a run of `params` on `scanned` (on a worker); `_on_estimate_succeeded` shows it."""
        self._estimating.start(estimate_run, params, scanned.counts, scanned.raw_words, self._speeds.get(params.sg))

    def _on_estimate_succeeded(self, estimated: RunEstimate | tuple[RunEstimate, bool]):
        estimate, reads_cache = estimated if isinstance(estimated, tuple) else (estimated, True)
        self.estimate.setText(estimate.text())
        self.estimate.setToolTip(ESTIMATED_TIP)
        if self._launch is None:  # a preview
            return
        source, params, ensemble, watch, scan_memory = self._launch
        self._launch = None
        if not reads_cache:  # the files changed since the cache was looked up: read them, as before
            self._session.set_cached(())
            self._read_first()
            self._update_actions()
            return
        self._launched = estimate
        if not estimate.fits:
            self.progress.setFormat("Ready")
            self._update_actions()
            self.failed.emit(estimate.text())
            return
        if ensemble is not None:  # K runs, nothing watched live: the plots follow the run in progress
            try:
                run = EnsembleRun(source, params, ensemble[0], ensemble[1],
                                  callbacks=lambda k: [_EnsembleReports(self, k)], cache=self.cache)
            except W2VError as exc:
                self._update_actions()
                self.failed.emit(str(exc))
                return
        else:  # a scan, or the paths of a cached encoding (read with the scan memory it was made with)
            run = TrainingRun(source, params, watch, callbacks=[self._reports], cache=self.cache,
                              task=Task(self._reports.progressed),  # reading or writing the cache
                              scan_memory=None if isinstance(source, ScannedCorpus) else scan_memory)
        self._begin(run, params.epochs)
        self._update_actions()

    def _on_estimate_failed(self, message: str):
        self.estimate.setText(" ")
        if self._launch is not None:
            self._launch = None
            self.progress.setFormat("Ready")
            self._update_actions()
            self.failed.emit(message)

    def _on_preview_timer_timeout(self):
        if self.isVisible():  # a closed or hidden panel estimates nothing
            self._preview(self._session.corpus)

    def _preview(self, corpus: Corpus):
        """Estimate a run of the form's parameters on a corpus just read, or whose encoding for these
        vocabulary settings is in the cache; clear it for another."""
        if corpus.scanned is None and not corpus.cached:
            self.estimate.setText(" ")
            return
        if self.is_busy:
            return
        try:
            params = replace(self.form.params(corpus.lowercase), phrases=corpus.phrases)
        except (ValueError, W2VError):
            return
        if corpus.scanned is not None:
            self._estimate(corpus.scanned, params)
            return
        entry = cached_entry(corpus, params)
        if entry is None:
            self._estimating.stop()
            self.estimate.setText(must_read_text(corpus))
            self.estimate.setToolTip(ESTIMATED_TIP)
        else:
            self._estimating.start(estimate_cached, params, entry, self._speeds.get(params.sg))

    def _ensemble_report(self, k: int) -> bool:
        """Whether run k's reports (trainer threads) are drawn: those of the latest run started."""
        if k > self._run_index:
            self._run_index = k
            self._reports.clear()
        return k == self._run_index

    def _begin(self, run: TrainingRun, epochs: int):
        self._epochs = epochs
        self._last = None
        self._plotted = None
        self.plots.clear(epochs)
        self.progress.setValue(0)
        self.progress.setFormat(preparing_text(""))
        self.stats.setText(" ")
        self._taken = 0
        self._reports.clear()
        self._run = run
        self._run_index = 0
        self._train.start(train_and_index, run, with_task=True)
        gc.freeze()  # no full garbage collection (100 ms and more on a large heap) while plots are live
        self._blas.set()  # work beside training (evaluations, probes, the map) on one BLAS thread
        self._timer.start()
        if isinstance(run, TrainingRun):  # an ensemble is not followed live (map, probes)
            self._session.start_run(run)

    def pause(self):
        if self.job is not None:
            self.job.pause()
            self._set_paused(True)

    def resume(self):
        if self.job is not None:
            self.job.resume()
            self._set_paused(False)

    def _set_paused(self, paused: bool):
        self._paused = paused
        self.pause_action.setText("&Resume" if paused else "&Pause")
        if self._last is None:
            self.progress.setFormat("Paused" if paused else preparing_text(""))
        self._draw_progress()

    def stop(self):
        """Stop training after the batches in flight; the partial model arrives as usual."""
        if self._waiting_for_scan:
            self._session.cancel_scan()
        elif self._launch is not None:
            self._estimating.stop()
            self._launch = None
            self.progress.setFormat("Ready")
            self._update_actions()
        elif self.job is not None:
            self.job.cancel()
            self.progress.setFormat("Stopping…")
            self.stop_action.setEnabled(False)

    def _update_actions(self):
        self.start_action.setEnabled(not self.is_busy)
        self.pause_action.setEnabled(self.job is not None and self.job.pausable)
        self.stop_action.setEnabled(self.is_busy)
        self.form.setEnabled(not self.is_busy)
        self.engine_form.setEnabled(not self.is_busy)
        self.watch_form.setEnabled(not self.is_busy)
        self.runs_form.setEnabled(not self.is_busy)

    def shut_down(self):
        """Stop the run in progress for good: its outcome is dropped (the window is closing)."""
        if self.job is not None:
            self.job.cancel()
            self._train.stop()
            self._finish()
            self._session.finish_run(None)

    # -- state kept between sessions -----------------------------------------------------------------
    def save_state(self) -> QByteArray:
        """Remember the form's values; the layout to give back to `restore_state`."""
        self.form.remember()
        return self.splitter.saveState()

    def restore_state(self, state: QByteArray):
        if not state.isEmpty():
            self.splitter.restoreState(state)

    # -- display -------------------------------------------------------------------------------------
    def _on_current_changed(self, _entry: Entry | None):
        self._when_shown.request()

    def _show_current_history(self):
        entry = self._session.current
        self.show_history(None if entry is None else entry.model)

    def show_history(self, model: Model | None):
        """Plot the history `model` keeps (None: nothing), unless the plots follow a run; the
        model of the last run is already plotted, with its speeds."""
        if self.is_busy or model is self._plotted:
            return
        self._plotted, self._last = model, None
        self.plots.show_history(model)
        self.progress.setValue(0)
        self.progress.setFormat("Ready")
        if model is None:
            self.stats.setText(" ")
        else:
            loss = f", last epoch loss {model.epoch_losses[-1]:.4f}" if model.epoch_losses else ""
            self.stats.setText(f"Plotted: the model explored, {epochs_text(model.epochs_trained)} trained{loss}")


    def _draw_progress(self):
        r = self._last
        if r is None:
            return
        self.progress.setValue(round(1000 * r.progress))
        epoch = min(r.epoch, self._epochs)
        text = f"Epoch {epoch}/{self._epochs} · {100 * r.progress:.0f} %"
        if self.is_paused:
            text = f"Paused · {text}"
        elif 0 < r.progress < 1:
            text += f" · ETA {duration(r.elapsed * (1 - r.progress) / r.progress)}"
        self.progress.setFormat(text)
        loss = f"{r.loss:.4f}" if math.isfinite(r.loss) else "–"
        self.stats.setText(f"loss {loss} · learning rate {r.alpha:.5f} · {r.words_per_sec:,.0f} words/s · "
                           f"{duration(r.elapsed)} elapsed")

    def _on_refresh_timeout(self):
        kept = self._reports
        batches = [kept.batches.popleft() for _ in range(len(kept.batches))]
        epochs = [kept.epochs.popleft() for _ in range(len(kept.epochs))]
        if kept.progress:
            fraction, text = kept.progress.popleft()
            self.progress.setValue(round(1000 * fraction))
            self.progress.setFormat(text if self._on_spark else preparing_text(text))  # Spark's own words
        self.plots.add_reports(batches, epochs)
        if isinstance(self._run, TrainingRun) and self._run.model is not None:
            self._follow(self._run, bool(epochs))
        self.plots.redraw()
        if self._run is None and not self.plots.stale:
            self._timer.stop()
        if batches:
            self._last = batches[-1]
            self._draw_progress()

    def _follow(self, run: TrainingRun, epoch_ended: bool):
        """Show the evaluations ready; tell about new snapshots and epoch ends."""
        self.plots.set_quality([] if run.quality is None else run.quality.results())
        if run.heldout is not None:
            key = "ns_loss" if run.heldout.objective == "negative" else "neg_log_p"
            self.plots.set_heldout(*run.heldout.curve(key))
        taken = 0 if run.recorder is None else len(run.recorder)
        if taken > self._taken or epoch_ended:
            self._taken = taken
            self._session.advance_run()

    def _finish(self):
        gc.unfreeze()
        self._blas.lift()
        self._on_refresh_timeout()  # the last reports; the timer goes on until all plots show them
        self._run = None
        self._paused = False
        self.pause_action.setText("&Pause")
        self._update_actions()

    def _on_training_succeeded(self, trained: tuple):
        outcome, vectors = trained
        if wrote_entry(outcome.cache):
            self._session.tell_cache_written()
        if isinstance(outcome, EnsembleResult):
            self._ensemble_done(outcome, vectors)
            return
        on_spark = self._on_spark  # before `_finish` forgets the run; Spark's speed is not this computer's
        self._finish()
        self._plotted = outcome.model
        result = outcome.train
        if not on_spark:
            self._measured(outcome)
        loss = f", last epoch loss {result.epoch_losses[-1]:.4f}" if result.epoch_losses else ""
        if result.cancelled:
            self.progress.setFormat(f"Stopped at {100 * self.progress_fraction():.0f} % after "
                                    f"{duration(result.seconds)}{loss}")
        else:
            self.progress.setValue(1000)
            self.progress.setFormat(f"Done: {epochs_text(result.epochs)} in {duration(result.seconds)}{loss}"
                                    f"{cache_text(outcome.cache)}")
        self._say_measured(measured_text(outcome, self._launched, on_spark))
        if result.words_done == 0:
            self._session.show_current_again()  # the probes and the map leave the run
        else:
            p = outcome.model.params
            name = f"{corpus_stem(self._session.corpus.name)} {'skip-gram' if p.sg else 'CBOW'} dim {p.dim}"
            self._session.add(Entry(name + (" (stopped)" if result.cancelled else ""), vectors[0],
                                    outcome.model, outcome.recorder, saved=False))
        self._session.finish_run(outcome)

    def _ensemble_done(self, outcome: EnsembleResult, vectors: list):
        """The runs trained (all, or up to a Stop) become one entry: an Ensemble."""
        self._finish()
        models = trained_models(outcome)
        for result in outcome.results:
            self._measured(result)
        self._say_measured(ensemble_measured_text(outcome, self._launched))
        if not models:
            self.progress.setFormat("Stopped before a run was trained")
            return
        self._plotted = None  # the entry (an Ensemble) has no model: the runs' plots and outcome stay
        stopped = ensemble_stopped(outcome)
        self.progress.setValue(1000)
        self.progress.setFormat(f"{'Stopped' if stopped else 'Done'}: {len(models)} runs in {duration(outcome.seconds)}"
                                f"{cache_text(outcome.cache)}")
        p = models[0].params
        name = (f"{corpus_stem(self._session.corpus.name)} {'skip-gram' if p.sg else 'CBOW'} dim {p.dim} "
                f"× {len(models)} runs{' (bootstrap)' if outcome.bootstrap else ''}")
        ensemble = Ensemble(vectors, [m.params.seed for m in models])
        self._session.add(Entry(name + (" (stopped)" if stopped else ""), ensemble, saved=False,
                                run_models=tuple(models)))

    def _measured(self, outcome: RunResult | None):
        """Keep a trained run's speed for the next estimates (by skip-gram or CBOW)."""
        if outcome is not None and outcome.train.words_done and outcome.train.raw_words_per_sec > 0:
            self._speeds[outcome.model.params.sg] = outcome.train.raw_words_per_sec

    def _say_measured(self, text: str):
        """The estimate line, once a run has ended: what it measured (the form's next change
        estimates the next run)."""
        self._launched = None
        self.estimate.setText(text)
        self.estimate.setToolTip(MEASURED_TIP)

    def _on_training_failed(self, message: str):
        self._finish()
        self._say_measured(" ")  # the estimate was of the run that failed
        self.progress.setFormat("Training failed")
        self._session.finish_run(None)
        self.failed.emit(message)

    def _on_pause_triggered(self):
        if self.is_paused:
            self.resume()
        else:
            self.pause()

    def _on_plots_moment_clicked(self, epochs: float):
        self._session.set_moment(epochs)
        self.moment_clicked.emit(epochs)

    def _on_corpus_changed(self, corpus: Corpus):
        basis, self._basis = self._basis, estimate_basis(corpus)
        if not self._waiting_for_scan and basis != self._basis:  # not for cache entries beside a scan
            self._preview(corpus)
        if not self._waiting_for_scan or corpus.scanning:
            return
        self._waiting_for_scan = False
        if corpus.scanned is not None:
            self.start()
        else:  # the reading failed or was cancelled
            self.progress.setFormat("Ready")
            self._update_actions()


ESTIMATED_TIP = ("Memory and time of the next run, estimated from the corpus read and the parameters; the speed "
                 "is this computer's last run's, else a typical one.")
MEASURED_TIP = ("The last run's time, speed and memory, as measured; a change to the parameters estimates the "
                "next run, at the speed measured.")


def measured_text(outcome: RunResult, estimate: RunEstimate | None, on_spark: bool = False) -> str:
    """What a run that ended measured, for the estimate line: its time and speed, its vocabulary and
    tokens, its encoded corpus and weights (their exact sizes), and what was estimated before it."""
    result, model = outcome.train, outcome.model
    if result.words_done == 0:
        return "The last run was stopped before it trained a word."
    how = "stopped and measured" if result.cancelled else "measured"
    where = " on Spark" if on_spark else ""
    text = (f"The last run, {how}: {epochs_text(result.epochs)} in {seconds_text(result.seconds)} at "
            f"{result.raw_words_per_sec:,.0f} words/s{where}; {len(model.vocab):,} words kept, "
            f"{outcome.corpus_words:,} tokens per epoch.")
    if not on_spark:
        text += (f" Memory: {size_text(TOKEN_BYTES * outcome.corpus_words)} for the encoded corpus + "
                 f"{size_text(memory_needed(model.params, len(model.vocab)))} for the weights.")
    if estimate is not None:
        text += f" It was estimated at {seconds_text(estimate.seconds)} for {epochs_text(estimate.params.epochs)}."
    return text


def ensemble_measured_text(outcome: EnsembleResult, estimate: RunEstimate | None) -> str:
    """What an ensemble that ended measured: its runs' time and mean speed."""
    done = trained_runs(outcome)
    if not done:
        return "The last ensemble was stopped before a run trained a word."
    speed = sum(r.train.raw_words_per_sec for r in done) / len(done)
    text = (f"The last ensemble, {'stopped and measured' if ensemble_stopped(outcome) else 'measured'}: {len(done):,} runs in "
            f"{seconds_text(outcome.seconds)} at {speed:,.0f} words/s a run; {len(done[0].model.vocab):,} words kept, "
            f"{outcome.corpus_words:,} tokens per epoch.")
    if estimate is not None:
        text += f" One run was estimated at {seconds_text(estimate.seconds)}."
    return text


def estimate_basis(corpus: Corpus) -> tuple:
    """What an estimate on `corpus` is made from, beside the form: its files, case folding and
    phrases, and its scan (by identity), else its cache entries."""
    return (corpus.paths, corpus.lowercase, corpus.phrases, id(corpus.scanned),
            corpus.cached if corpus.scanned is None else None)


def wrote_entry(cache: dict) -> bool:
    """Whether a run whose `cache` state this is wrote an entry of the cache."""
    return not cache.get("used") and bool(cache.get("path"))


def cache_text(cache: dict) -> str:
    """What the run's `cache` state tells the user ("" when the cache was not used)."""
    if cache.get("used"):
        return " · corpus read from the cache"
    return " · corpus cached" if wrote_entry(cache) else ""


def epochs_text(n: int) -> str:
    """"1 epoch", "2 epochs"."""
    return f"{n:,} epoch{'' if n == 1 else 's'}"

"""The main window: menus, tabs, status bar, drag and drop, the session's models, pins and files."""

from __future__ import annotations

import platform
import threading
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QTabWidget,
                               QToolButton)

import w2vstudio
from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.io import detect_format, load_vectors, save_vectors
from w2vstudio.core.model import Model
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings, workers
from w2vstudio.gui.analogy_panel import AnalogyPanel
from w2vstudio.gui.compare_panel import ComparePanel
from w2vstudio.gui.corpus_panel import CorpusPanel
from w2vstudio.gui.evaluate_panel import EvaluatePanel
from w2vstudio.gui.evolution import Evolution
from w2vstudio.gui.live_map import LiveMap
from w2vstudio.gui.map_panel import MapPanel
from w2vstudio.gui.neighbours_panel import NeighboursPanel
from w2vstudio.gui.probes import AnalogyProbe
from w2vstudio.gui.probes_panel import ProbesPanel
from w2vstudio.gui.session import SESSION_FILE, Entry, Session, model_entry
from w2vstudio.gui.train_panel import TrainPanel
from w2vstudio.gui.word_info_panel import WordInfoPanel
from w2vstudio.resources import SAMPLE_CORPUS
from w2vstudio.resources import path as resource_path

VECTOR_SUFFIXES = {".bin", ".vec", ".npz", ".w2v", ".kv", ".emb"}  # only to word errors; content decides
EXPORTS = (  # format, menu text, file filter, default suffix
    ("bin", "word2vec &binary…", "word2vec binary (*.bin)", ".bin"),
    ("txt", "word2vec &text…", "word2vec text (*.txt *.vec)", ".txt"),
    ("tsv", "&Projector TSV…", "TensorFlow Projector TSV (*.tsv)", ".tsv"),
)
TABS = ("Train", "Neighbours", "Analogy", "Map", "Probes", "Compare", "Evaluate")
SESSION_SUFFIX = ".w2vsession"


def sentence(text: str) -> str:
    """`text` as a sentence: capital first letter, final full stop."""
    text = text.strip() or "Something went wrong."
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def unsaved_text(entries: list[Entry], question: str) -> str:
    """Say which models are not saved, then ask `question`."""
    if len(entries) == 1:
        return f"The model “{entries[0].name}” is not saved. {question}"
    return f"{len(entries)} models are not saved ({', '.join(e.name for e in entries)}). {question}"


def corpus_stem(name: str) -> str:
    """A corpus name without its file suffixes: "sample-corpus.txt.gz +2" -> "sample-corpus +2"."""
    head, plus, more = name.partition(" +")
    return (head.split(".")[0] or head) + plus + more


def is_session(path: Path) -> bool:
    """A saved session: its folder, or the session.json in it."""
    return (path / SESSION_FILE).is_file() if path.is_dir() else path.name == SESSION_FILE


class MainWindow(QMainWindow):
    """The studio. Dropped or opened files go through `open_paths`; errors through `show_error`.

    The session keeps every model trained or opened (`session.entries`), the pinned words and the
    analogy probe; one model at a time is explored (`entry`, with its `kv` and, when it has one, `model`)."""

    vectors_changed = Signal(object)  # KeyedVectors or None
    model_saved = Signal(str)  # a model, vectors or a session was written there
    pins_changed = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = Session()
        self.entry: Entry | None = None  # the model explored
        self.model: Model | None = None  # its trained model, when there is one
        self.kv: KeyedVectors | None = None  # its vectors
        self.model_name = ""
        self._closed = False
        self._watching = None  # the TrainingWatch of the run in progress
        self._loader = workers.JobSlot(self)
        self._loader.succeeded.connect(self._on_vectors_loaded)
        self._loader.failed.connect(self._on_file_job_failed)
        self._session_loader = workers.JobSlot(self)
        self._session_loader.succeeded.connect(self._on_session_loaded)
        self._session_loader.failed.connect(self._on_file_job_failed)
        self._saver = workers.JobSlot(self)
        self._saver.succeeded.connect(self._on_model_saved)
        self._saver.failed.connect(self._on_file_job_failed)

        self.setWindowTitle("w2vstudio[*]")
        self.setAcceptDrops(True)
        self._create_actions()
        self.corpus_panel = CorpusPanel([self.open_corpus_action, self.open_folder_action, self.sample_action])
        self.train_panel = TrainPanel(self.corpus_panel)
        self.neighbours_panel = NeighboursPanel()
        self.analogy_panel = AnalogyPanel()
        self.evolution = Evolution(settings.get("map/align"), self)
        self.map_panel = MapPanel()
        self.live_map = LiveMap(self.map_panel, self.evolution)
        self.probes_panel = ProbesPanel()
        self.compare_panel = ComparePanel()
        self.evaluate_panel = EvaluatePanel()
        self.tabs = QTabWidget()
        panels = (self.train_panel, self.neighbours_panel, self.analogy_panel, self.live_map, self.probes_panel,
                  self.compare_panel, self.evaluate_panel)
        for name, panel in zip(TABS, panels):
            self.tabs.addTab(panel, name)
        self.setCentralWidget(self.tabs)
        self.word_info = WordInfoPanel()
        self.word_dock = QDockWidget("Word in the corpus", self)
        self.word_dock.setObjectName("word dock")
        self.word_dock.setWidget(self.word_info)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.word_dock)
        self.word_dock.hide()
        self._create_menus()
        self._create_status_bar()
        self._connect_panels()
        self.corpus_panel.set_paths([resource_path(SAMPLE_CORPUS)], scan=False)
        self._explore(None)
        self.set_pins(settings.get("watch/pins"))
        self._restore_layout()

    # -- construction --------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: str | QKeySequence.StandardKey | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip or text.replace("&", "").rstrip("…"))
        action.triggered.connect(slot)
        return action

    def _create_actions(self):
        self.open_corpus_action = self._action("Open &corpus…", self._on_open_corpus_triggered,
                                               QKeySequence.StandardKey.Open, "Text files (plain or compressed) to "
                                               "train on.")
        self.open_folder_action = self._action("Open corpus &folder…", self._on_open_folder_triggered,
                                               "Ctrl+Shift+F", "Every file in a folder (and its subfolders).")
        self.sample_action = self._action("&Sample corpus", self._on_sample_triggered, None,
                                          "The bundled sample: about 2 million words of Wikipedia.")
        self.open_vectors_action = self._action("Open &vectors…", self._on_open_vectors_triggered, "Ctrl+Shift+O",
                                                "Word vectors to explore: word2vec binary or text, GloVe, .vec, "
                                                "Projector TSV or a w2vstudio model.")
        self.save_action = self._action("&Save model…", self._on_save_triggered, QKeySequence.StandardKey.Save,
                                        "Save the model in w2vstudio's own format (.npz), with its snapshots.")
        self.open_session_action = self._action("Open s&ession…", self._on_open_session_triggered, None,
                                                "Open a saved session: its models, their snapshots, the pins and "
                                                "the analogy probe.")
        self.save_session_action = self._action("Save sessio&n…", self._on_save_session_triggered, "Ctrl+Shift+S",
                                                "Save every model of the session, their snapshots, the pins and "
                                                "the analogy probe in one folder.")
        self.export_actions = [self._action(text, lambda _=False, f=fmt: self._on_export_triggered(f))
                               for fmt, text, _, _ in EXPORTS]
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self._action("&About w2vstudio", self.show_about, "F1")
        self.find_action = self._action("&Find neighbours", self._on_find_triggered, QKeySequence.StandardKey.Find,
                                        "Look up the nearest neighbours of a word.")
        self.pin_action = self._action("&Pin or unpin the word", self._on_pin_triggered, "Ctrl+D",
                                       "Pin the word shown in the corpus panel: probe it as the model learns, track "
                                       "it in the next training, draw its trail on the map.")
        self.remove_action = self._action("&Remove from the session", self.remove_model, None,
                                          "Forget the model explored (and free its memory).")

    def _create_menus(self):
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for action in (self.open_corpus_action, self.open_folder_action, self.sample_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_vectors_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        export_menu = file_menu.addMenu("&Export vectors")
        for action in self.export_actions:
            export_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_session_action)
        file_menu.addAction(self.save_session_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        train_menu = bar.addMenu("&Training")
        for action in (self.train_panel.start_action, self.train_panel.pause_action, self.train_panel.stop_action):
            train_menu.addAction(action)
        self.models_menu = bar.addMenu("&Models")
        self.models_menu.aboutToShow.connect(self._on_models_menu_about_to_show)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.find_action)
        view_menu.addAction(self.pin_action)
        view_menu.addAction(self.word_dock.toggleViewAction())
        view_menu.addSeparator()
        for i, name in enumerate(TABS):
            view_menu.addAction(self._action(name, lambda _=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}"))
        bar.addMenu("&Help").addAction(self.about_action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main toolbar")
        toolbar.setMovable(False)
        for action in (self.open_corpus_action, self.open_vectors_action, self.save_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        for action in (self.train_panel.start_action, self.train_panel.pause_action, self.train_panel.stop_action):
            toolbar.addAction(action)

    def _create_status_bar(self):
        bar = self.statusBar()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop opening the file: nothing joins the session.")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.cancel_button.setVisible(False)
        self.model_label, self.vocab_label, self.dim_label = QLabel(), QLabel(), QLabel()
        for widget in (self.busy, self.cancel_button, self.model_label, self.vocab_label, self.dim_label):
            bar.addPermanentWidget(widget)

    def _connect_panels(self):
        self.corpus_panel.scan_failed.connect(self.show_error)
        self.train_panel.start_requested.connect(self.train_panel.start)
        self.train_panel.training_finished.connect(self._on_training_finished)
        self.train_panel.training_progressed.connect(self._on_training_progressed)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.live_map.timeline.follow.toggled.connect(self._on_follow_toggled)
        self.train_panel.failed.connect(self.show_error)
        self.train_panel.plots.moment_clicked.connect(self._on_moment_clicked)
        self.live_map.moment_shown.connect(self.train_panel.plots.set_marker)
        self.evolution.stability_changed.connect(self.probes_panel.stability.set_stability)
        self.evolution.failed.connect(self.show_error)
        self.evaluate_panel.failed.connect(self.show_error)
        self.neighbours_panel.results_shown.connect(self._on_neighbours_shown)
        self.map_panel.word_activated.connect(self.select_word)
        for panel in (self.analogy_panel, self.probes_panel):
            panel.word_activated.connect(self.show_neighbours)
        self.probes_panel.pins_edited.connect(self.set_pins)
        self.probes_panel.analogy_edited.connect(self.set_analogy)
        self.word_info.pin_toggled.connect(self._on_pin_toggled)

    def _restore_layout(self):
        geometry = settings.get("window/geometry")
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1280, 820)
        state = settings.get("window/state")
        if not state.isEmpty():
            self.train_panel.splitter.restoreState(state)
        self.tabs.setCurrentIndex(min(settings.get("window/tab"), len(TABS) - 1))

    def _save_layout(self):
        settings.put("window/geometry", self.saveGeometry())
        settings.put("window/state", self.train_panel.splitter.saveState())
        settings.put("window/tab", self.tabs.currentIndex())
        self.train_panel.form.remember()
        settings.sync()

    # -- messages (tests replace these two) --------------------------------------------------------
    def show_error(self, text: str):
        """Tell the user what went wrong, in one sentence, without blocking."""
        box = QMessageBox(QMessageBox.Icon.Warning, "w2vstudio", sentence(text), QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def ask_discard(self, text: str) -> bool:
        """Ask whether to go on although something would be lost; True means go on."""
        answer = QMessageBox.question(self, "w2vstudio", text,
                                      QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard

    def about_text(self) -> str:
        import numba
        import numpy
        import PySide6
        import pyqtgraph
        from PySide6.QtCore import qVersion

        return (f"<h3>w2vstudio {w2vstudio.__version__}</h3><p>Train word2vec fast, watch it learn, explore the "
                f"result.</p><p>Python {platform.python_version()} · PySide6 {PySide6.__version__} (Qt {qVersion()})"
                f" · pyqtgraph {pyqtgraph.__version__} · NumPy {numpy.__version__} · Numba {numba.__version__}</p>")

    def show_about(self):
        box = QMessageBox(QMessageBox.Icon.Information, "About w2vstudio", self.about_text(),
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- opening files ------------------------------------------------------------------------------
    def open_paths(self, paths):
        """Open dropped or chosen paths: sessions, vector files as models to explore, anything else
        as the corpus."""
        corpus, vectors = [], []
        for path in map(Path, paths):
            if is_session(path):
                self.open_session(path)
                continue
            if path.is_dir():
                corpus.append(path)
                continue
            if not path.exists():
                self.show_error(f"{path} does not exist")
                continue
            try:
                detect_format(path)
                vectors.append(path)
            except FormatError as exc:
                if path.suffix.lower() in VECTOR_SUFFIXES:
                    self.show_error(str(exc))
                else:
                    corpus.append(path)
            except OSError as exc:
                self.show_error(workers.error_message(exc))
        if corpus:
            self.open_corpus(corpus)
        if vectors:
            self.open_vectors(vectors[0])
            if len(vectors) > 1:
                self.show_error(f"Only {vectors[0].name} was opened: open one vectors file at a time")

    def open_corpus(self, paths):
        """Make these files and folders the corpus and start reading them."""
        try:
            self.corpus_panel.set_paths(paths)
        except W2VError as exc:
            self.show_error(str(exc))
            return
        for path in paths:
            self._remember_file(path)
        self.tabs.setCurrentWidget(self.train_panel)

    def open_vectors(self, path):
        """Load a vectors file in the background; it joins the session as the model to explore."""
        self._remember_file(path)
        self._set_busy(f"Opening {Path(path).name}…", cancellable=True)
        self._loader.call(_load, Path(path), cancellable=True)

    def open_session(self, path):
        """Replace the session by the one saved at `path` (its folder or session.json), in the background."""
        unsaved = self.session.unsaved()
        if unsaved and not self.ask_discard(unsaved_text(unsaved, "Open the other session anyway?")):
            return
        path = Path(path)
        self._remember_file(path.parent if path.name == SESSION_FILE else path)
        self._set_busy(f"Opening the session {path.name}…", cancellable=True)
        self._session_loader.call(Session.load, path, cancellable=True)

    def cancel_loading(self):
        """Stop opening vectors or a session (the loads stop soon, unheard)."""
        if self._loader.job is None and self._session_loader.job is None:
            return
        self._loader.stop()
        self._session_loader.stop()
        self._set_busy()
        self.statusBar().showMessage("Opening cancelled.", 8000)

    def _remember_file(self, path):
        path = Path(path).resolve()
        settings.add_recent(str(path))
        settings.put("files/last_dir", str(path if path.is_dir() else path.parent))

    def _set_busy(self, message: str = "", cancellable: bool = False):
        self.busy.setVisible(bool(message))
        self.cancel_button.setVisible(bool(message) and cancellable)
        if message:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()

    def _on_vectors_loaded(self, entry: Entry):
        self._set_busy()
        self.add_model(entry)
        self.tabs.setCurrentWidget(self.neighbours_panel)

    def _on_session_loaded(self, loaded: tuple[Session, Entry | None]):
        session, current = loaded
        self._set_busy()
        self.session = session
        self.set_pins(session.pins)
        self.set_analogy(session.analogy)
        self._explore(current or (session.entries[-1] if session.entries else None))
        self.statusBar().showMessage(f"Opened a session of {len(session.entries)} models.", 8000)

    # -- the session's models -------------------------------------------------------------------------
    @property
    def unsaved(self) -> bool:
        """Whether the model explored is not saved."""
        return self.entry is not None and not self.entry.saved

    def _explore(self, entry: Entry | None):
        """Explore `entry` (None: nothing), one of the session's models."""
        self.entry = entry
        kv = None if entry is None else entry.kv
        self.kv, self.model = kv, None if entry is None else entry.model
        self.model_name = "" if entry is None else entry.name
        for panel in (self.neighbours_panel, self.analogy_panel, self.evaluate_panel, self.probes_panel,
                      self.word_info):
            panel.set_vectors(kv)
        self.train_panel.show_history(self.model)  # before the map marks its moment on the loss plot
        self.live_map.show_model(kv, None if entry is None else entry.recorder)
        self.compare_panel.set_models([(e.name, e.kv) for e in self.session.entries])
        for action in (self.save_action, self.remove_action, *self.export_actions):
            action.setEnabled(kv is not None)
        self.save_session_action.setEnabled(bool(self.session.entries))
        self._update_title()
        if kv is None:
            self.model_label.setText("No model yet")
            self.vocab_label.clear()
            self.dim_label.clear()
        else:
            self.model_label.setText(f"Model: {entry.name}")
            self.vocab_label.setText(f"{len(kv):,} words")
            self.dim_label.setText(f"{kv.dim} dimensions")
        self.vectors_changed.emit(kv)

    def add_model(self, entry: Entry) -> Entry:
        """Add a model to the session (renamed if its name is taken) and explore it."""
        self._explore(self.session.add(entry))
        return entry

    def choose_model(self, entry: Entry):
        """Explore another of the session's models."""
        if entry is not self.entry:
            self._explore(entry)

    def remove_model(self):
        """Forget the model explored (asking first if it is not saved); the last other one is explored."""
        if self.entry is None or (self.unsaved and not self.ask_discard(
                unsaved_text([self.entry], "Remove it anyway?"))):
            return
        self.session.remove(self.entry)
        self._explore(self.session.entries[-1] if self.session.entries else None)

    def _update_title(self):
        self.setWindowTitle(f"{self.model_name} – w2vstudio[*]" if self.model_name else "w2vstudio[*]")
        self.setWindowModified(self.unsaved)

    def _on_models_menu_about_to_show(self):
        self.models_menu.clear()
        group = QActionGroup(self.models_menu)
        for entry in self.session.entries:
            action = self.models_menu.addAction(entry.name + ("" if entry.saved else " (not saved)"))
            action.setCheckable(True)
            action.setChecked(entry is self.entry)
            action.triggered.connect(lambda _=False, e=entry: self.choose_model(e))
            group.addAction(action)
        if not self.session.entries:
            self.models_menu.addAction("(none: train a model or open vectors)").setEnabled(False)
        self.models_menu.addSeparator()
        self.models_menu.addAction(self.remove_action)

    # -- training -------------------------------------------------------------------------------------
    def _on_training_progressed(self, watch):
        if not self._closed:  # else the last reports of a run stopped by closing the window
            self._watching = watch
            self._follow_training()

    def _follow_training(self):
        """Let the map and the probes follow the run, when they are in view: what nobody sees is
        neither analysed nor probed while training needs the cores (they catch up when shown)."""
        watch, shown = self._watching, self.tabs.currentWidget()
        if watch is None or not self.train_panel.is_busy:
            return
        if shown is self.probes_panel:
            self.probes_panel.follow_training(watch.model)
        if shown in (self.live_map, self.probes_panel) and watch.recorder is not None \
                and self.live_map.timeline.follow.isChecked():
            self.evolution.follow(watch.recorder)

    def _on_training_finished(self, outcome: workers.TrainOutcome):
        model, result = outcome.model, outcome.result
        if self._closed:  # the run was stopped because the window closed: start no more work
            return
        if result.words_done == 0:
            self.statusBar().showMessage("Training stopped before any word was trained; no model was made.", 8000)
            self._explore(self.entry)  # the probes and the map leave the run
            return
        p = model.params
        name = f"{corpus_stem(self.corpus_panel.name)} {'skip-gram' if p.sg else 'CBOW'} dim {p.dim}"
        recorder = outcome.watch.recorder if outcome.watch is not None else None
        entry = Entry(name + (" (stopped)" if result.cancelled else ""), model.keyed_vectors(), model, recorder,
                      saved=False)
        self.add_model(entry)
        done = "stopped; the partial model" if result.cancelled else "finished; the model"
        self.statusBar().showMessage(f"Training {done} is ready to explore.", 8000)

    def _on_tab_changed(self, _index: int):
        self._follow_training()

    def _on_follow_toggled(self, _checked: bool):
        self._follow_training()

    def _on_moment_clicked(self, epochs: float):
        if self.live_map.jump_to(epochs):
            self.tabs.setCurrentWidget(self.live_map)

    # -- words and pins -------------------------------------------------------------------------------
    def select_word(self, word: str):
        """Show `word` in the corpus panel: its count, rank and lines of the corpus."""
        self.word_info.set_corpus(self.corpus_panel.paths, self.corpus_panel.lowercase.isChecked())
        self.word_info.show_word(word, self.session.pins)
        self.word_dock.show()

    def set_pins(self, pins: list[str]):
        """Pin these words (and no others)."""
        pins = list(dict.fromkeys(pins))
        self.session.pins = pins
        settings.put("watch/pins", pins)
        self.train_panel.pinned = pins
        self.probes_panel.set_pins(pins)
        self.live_map.set_pins(pins)
        self.word_info.set_pinned(pins)
        self.pins_changed.emit(pins)

    def set_analogy(self, probe: AnalogyProbe | None):
        """Watch this analogy in the Probes tab (None: none); it is saved with the session."""
        self.session.analogy = probe
        self.probes_panel.set_analogy(probe)

    def _on_pin_toggled(self, word: str, pinned: bool):
        self.set_pins(self.session.pins + [word] if pinned else [w for w in self.session.pins if w != word])

    def _on_pin_triggered(self):
        word = self.word_info.word
        if word is not None:
            self._on_pin_toggled(word, word not in self.session.pins)

    def _on_neighbours_shown(self, rows: list):
        word = self.neighbours_panel.search_box.text().strip()
        if rows and self.kv is not None and word in self.kv:
            self.select_word(word)

    # -- saving ---------------------------------------------------------------------------------------
    def save_model(self, path):
        """Save the current model (w2vstudio format) in the background; `model_saved` follows."""
        if self.model is not None:
            self._save(self.model.save, Path(path), "model", self.entry)
        else:
            self._save(partial(save_vectors, self.kv, fmt="model"), Path(path), "model", self.entry)

    def export_vectors(self, path, fmt: str):
        """Write the vectors as `fmt` (bin, txt or tsv) in the background; `model_saved` follows."""
        self._save(partial(save_vectors, self.kv, fmt=fmt), Path(path), fmt, self.entry)

    def save_session(self, folder):
        """Save the whole session into `folder` in the background; `model_saved` follows."""
        self._save(partial(self.session.save, current=self.entry), Path(folder), "session",
                   list(self.session.entries))

    def _save(self, save, path: Path, fmt: str, target):
        self._set_busy(f"Saving {path.name}…")
        self._saver.call(_saved, save, path, fmt, target)

    def _on_model_saved(self, saved: tuple[Path, str, object]):
        path, fmt, target = saved
        self._set_busy()
        for entry in {"session": target, "model": [target]}.get(fmt, []):
            entry.saved = True
        self._update_title()
        self._remember_file(path)
        self.statusBar().showMessage(f"Saved {path}", 8000)
        self.model_saved.emit(str(path))

    def _on_file_job_failed(self, message: str):
        self._set_busy()
        self.show_error(message)

    # -- dialogs and menu slots --------------------------------------------------------------------------
    def _last_dir(self) -> str:
        return settings.get("files/last_dir") or str(Path.home())

    def _on_cancel_clicked(self):
        self.cancel_loading()

    def _on_open_corpus_triggered(self):
        names, _ = QFileDialog.getOpenFileNames(self, "Open corpus files", self._last_dir(),
                                                "Text (*.txt *.gz *.bz2 *.xz);;All files (*)")
        if names:
            self.open_corpus(names)

    def _on_open_folder_triggered(self):
        name = QFileDialog.getExistingDirectory(self, "Open a corpus folder", self._last_dir())
        if name:
            self.open_corpus([name])

    def _on_sample_triggered(self):
        self.open_corpus([resource_path(SAMPLE_CORPUS)])

    def _on_open_vectors_triggered(self):
        name, _ = QFileDialog.getOpenFileName(self, "Open vectors", self._last_dir(),
                                              "Vectors (*.bin *.txt *.vec *.tsv *.npz *.gz);;All files (*)")
        if name:
            self.open_vectors(name)

    def _on_open_session_triggered(self):
        name, _ = QFileDialog.getOpenFileName(self, "Open a session (its session.json)", self._last_dir(),
                                              f"w2vstudio session ({SESSION_FILE})")
        if name:
            self.open_session(name)

    def _on_save_triggered(self):
        name, _ = QFileDialog.getSaveFileName(self, "Save model", self._last_dir(), "w2vstudio model (*.npz)")
        if name:
            self.save_model(_with_suffix(name, ".npz"))

    def _on_save_session_triggered(self):
        name, _ = QFileDialog.getSaveFileName(self, "Save the session as a folder", self._last_dir(),
                                              f"w2vstudio session (*{SESSION_SUFFIX})")
        if name:
            self.save_session(_with_suffix(name, SESSION_SUFFIX))

    def _on_export_triggered(self, fmt: str):
        _, text, file_filter, suffix = next(e for e in EXPORTS if e[0] == fmt)
        name, _ = QFileDialog.getSaveFileName(self, f"Export as {text.replace('&', '').rstrip('…')}",
                                              self._last_dir(), file_filter)
        if name:
            self.export_vectors(_with_suffix(name, suffix), fmt)

    def _on_recent_menu_about_to_show(self):
        self.recent_menu.clear()
        for path in settings.get("files/recent"):
            self.recent_menu.addAction(path, lambda p=path: self.open_paths([p]))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _on_find_triggered(self):
        self.tabs.setCurrentWidget(self.neighbours_panel)
        self.neighbours_panel.search_box.setFocus()
        self.neighbours_panel.search_box.selectAll()

    def show_neighbours(self, word: str):
        """Switch to the Neighbours tab and look up `word`."""
        self.tabs.setCurrentWidget(self.neighbours_panel)
        self.neighbours_panel.search(word)

    # -- events ---------------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent):
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent):
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def closeEvent(self, event: QCloseEvent):
        if self.train_panel.is_busy and not self.ask_discard("Training is running. Stop it and quit?"):
            event.ignore()
            return
        unsaved = self.session.unsaved()
        if unsaved and not self.ask_discard(unsaved_text(unsaved, "Quit anyway?")):
            event.ignore()
            return
        self._save_layout()
        self._closed = True
        self.evolution.follow(None)  # no more analyses or probes
        self.probes_panel.set_vectors(None)
        workers.stop_all()
        event.accept()


def _load(path: Path, cancel: threading.Event) -> Entry:
    """A session entry for a vectors file (with the snapshots of a w2vstudio model, which is read
    whole: `cancel` stops the other formats part-way)."""
    if detect_format(path) == "model":
        return model_entry(path.name, Model.load(path), saved=True)
    return Entry(path.name, load_vectors(path, cancel=cancel))


def _saved(save, path: Path, fmt: str, target) -> tuple[Path, str, object]:
    save(path)
    return path, fmt, target


def _with_suffix(name: str, suffix: str) -> Path:
    path = Path(name)
    return path if path.suffix else path.with_suffix(suffix)

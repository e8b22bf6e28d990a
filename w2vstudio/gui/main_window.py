"""The main window: menus, dialogs, the drop handler and the layout of the tabs. The state lives in
the `StudioSession`; the panels subscribe to it; file work runs in `FileJobs`."""

from __future__ import annotations

import platform
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QTabWidget,
                               QToolButton)

import w2vstudio
from w2vstudio.core.io import save_vectors
from w2vstudio.gui import settings, workers
from w2vstudio.gui.explore.analogy_panel import AnalogyPanel
from w2vstudio.gui.explore.compare_panel import ComparePanel
from w2vstudio.gui.explore.evaluate_panel import EvaluatePanel
from w2vstudio.gui.explore.neighbours_panel import NeighboursPanel
from w2vstudio.gui.explore.word_info_panel import WordInfoPanel
from w2vstudio.core.session import SESSION_FILE
from w2vstudio.gui.files import FileJobs, SortedPaths, write_session
from w2vstudio.gui.inside.inside_panel import InsidePanel
from w2vstudio.gui.map.live_map import LiveMap
from w2vstudio.gui.session import Entry, LoadedSession, StudioSession
from w2vstudio.gui.train.corpus_panel import CorpusPanel
from w2vstudio.gui.train.train_panel import TrainPanel
from w2vstudio.gui.watch.evolution import Evolution
from w2vstudio.gui.watch.probes_panel import ProbesPanel
from w2vstudio.resources import SAMPLE_CORPUS
from w2vstudio.resources import path as resource_path

EXPORTS = (  # format, menu text, file filter, default suffix
    ("bin", "word2vec &binary…", "word2vec binary (*.bin)", ".bin"),
    ("txt", "word2vec &text…", "word2vec text (*.txt *.vec)", ".txt"),
    ("tsv", "&Projector TSV…", "TensorFlow Projector TSV (*.tsv)", ".tsv"),
)
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


class MainWindow(QMainWindow):
    """The studio. Dropped or opened files go through `open_paths`; errors through `show_error`."""

    model_saved = Signal(str)  # a model, vectors or a session was written there

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = StudioSession(self)
        self.files = FileJobs(self)
        self.setWindowTitle("w2vstudio[*]")
        self.setAcceptDrops(True)
        self._create_actions()
        self.corpus_panel = CorpusPanel([self.open_corpus_action, self.open_folder_action, self.sample_action])
        self.evolution = Evolution(parent=self)
        self.train_panel = TrainPanel(self.session, self.corpus_panel)
        self.neighbours_panel = NeighboursPanel(self.session)
        self.analogy_panel = AnalogyPanel(self.session)
        self.live_map = LiveMap(self.session, self.evolution)
        self.probes_panel = ProbesPanel(self.session, self.evolution)
        self.compare_panel = ComparePanel(self.session)
        self.evaluate_panel = EvaluatePanel(self.session)
        self.inside_panel = InsidePanel(self.session)
        self.tab_list = [("Train", self.train_panel), ("Neighbours", self.neighbours_panel),
                         ("Analogy", self.analogy_panel), ("Map", self.live_map), ("Probes", self.probes_panel),
                         ("Compare", self.compare_panel), ("Evaluate", self.evaluate_panel),
                         ("Inside", self.inside_panel)]
        self.tabs = QTabWidget()
        for name, panel in self.tab_list:
            self.tabs.addTab(panel, name)
        self.setCentralWidget(self.tabs)
        self.word_info = WordInfoPanel(self.session)
        self.word_dock = QDockWidget("Word in the corpus", self)
        self.word_dock.setObjectName("word dock")
        self.word_dock.setWidget(self.word_info)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.word_dock)
        self.word_dock.hide()
        self._create_menus()
        self._create_status_bar()
        self._connect()
        self.corpus_panel.set_paths([resource_path(SAMPLE_CORPUS)], scan=False)
        self._on_current_changed(None)
        self._restore_layout()

    # -- construction --------------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.setToolTip(tip or text.replace("&", "").rstrip("…"))
        if slot is not None:
            action.triggered.connect(slot)
        return action

    def _create_actions(self):
        keys = QKeySequence.StandardKey
        self.open_corpus_action = self._action("Open &corpus…", self._on_open_corpus_triggered, keys.Open,
                                               "Text files (plain or compressed) to train on.")
        self.open_folder_action = self._action("Open corpus &folder…", self._on_open_folder_triggered, "Ctrl+Shift+F",
                                               "Every file in a folder (and its subfolders).")
        self.sample_action = self._action("&Sample corpus", self._on_sample_triggered, None,
                                          "The bundled sample: about 2 million words of Wikipedia.")
        self.open_vectors_action = self._action("Open &vectors…", self._on_open_vectors_triggered, "Ctrl+Shift+O",
                                                "Word vectors to explore: word2vec binary or text, GloVe, .vec, "
                                                "Projector TSV or a w2vstudio model.")
        self.save_action = self._action("&Save model…", self._on_save_triggered, keys.Save,
                                        "Save the model in w2vstudio's own format (.npz), with its snapshots.")
        self.open_session_action = self._action("Open s&ession…", self._on_open_session_triggered, None,
                                                "Open a saved session: its models, their snapshots, the pins and "
                                                "the analogy probe.")
        self.save_session_action = self._action("Save sessio&n…", self._on_save_session_triggered, "Ctrl+Shift+S",
                                                "Save every model of the session, their snapshots, the pins and "
                                                "the analogy probe in one folder.")
        self.export_actions = [self._action(text, partial(self._on_export_triggered, fmt)) for fmt, text, _, _ in EXPORTS]
        self.quit_action = self._action("&Quit", self.close, keys.Quit)
        self.about_action = self._action("&About w2vstudio", self.show_about, "F1")
        self.find_action = self._action("&Find neighbours", self._on_find_triggered, keys.Find,
                                        "Look up the nearest neighbours of a word.")
        self.pin_action = self._action("&Pin or unpin the word", None, "Ctrl+D",
                                       "Pin the word shown in the corpus panel: probe it as the model learns, track "
                                       "it in the next training, draw its trail on the map.")
        self.remove_action = self._action("&Remove from the session", self.remove_model, None,
                                          "Forget the model explored (and free its memory).")

    def _create_menus(self):
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.open_corpus_action, self.open_folder_action, self.sample_action])
        file_menu.addSeparator()
        file_menu.addAction(self.open_vectors_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addMenu("&Export vectors").addActions(self.export_actions)
        file_menu.addSeparator()
        file_menu.addActions([self.open_session_action, self.save_session_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        run_actions = [self.train_panel.start_action, self.train_panel.pause_action, self.train_panel.stop_action]
        bar.addMenu("&Training").addActions(run_actions)
        self.models_menu = bar.addMenu("&Models")
        self.models_menu.aboutToShow.connect(self._on_models_menu_about_to_show)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([self.find_action, self.pin_action, self.word_dock.toggleViewAction()])
        view_menu.addSeparator()
        for i, (name, panel) in enumerate(self.tab_list):
            view_menu.addAction(self._action(name, partial(self.tabs.setCurrentWidget, panel), f"Ctrl+{i + 1}"))
        bar.addMenu("&Help").addAction(self.about_action)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main toolbar")
        toolbar.setMovable(False)
        toolbar.addActions([self.open_corpus_action, self.open_vectors_action, self.save_action])
        toolbar.addSeparator()
        toolbar.addActions(run_actions)

    def _create_status_bar(self):
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop opening the file: nothing joins the session.")
        self.cancel_button.clicked.connect(self.cancel_loading)
        self.cancel_button.setVisible(False)
        self.model_label, self.vocab_label, self.dim_label = QLabel(), QLabel(), QLabel()
        for widget in (self.busy, self.cancel_button, self.model_label, self.vocab_label, self.dim_label):
            if isinstance(widget, QLabel):
                widget.setTextFormat(Qt.TextFormat.PlainText)  # model names come from files
            self.statusBar().addPermanentWidget(widget)

    def _connect(self):
        self.session.current_changed.connect(self._on_current_changed)
        self.session.models_changed.connect(self._on_models_changed)
        self.files.busy_changed.connect(self._on_busy_changed)
        self.files.paths_sorted.connect(self._on_paths_sorted)
        self.files.vectors_opened.connect(self._on_vectors_opened)
        self.files.session_opened.connect(self._on_session_opened)
        self.files.saved.connect(self._on_saved)
        for failed in (self.files.failed, self.corpus_panel.scan_failed, self.train_panel.failed, self.evolution.failed,
                       self.evaluate_panel.failed):
            failed.connect(self.show_error)
        self.pin_action.triggered.connect(self.word_info.toggle_pin)
        self.corpus_panel.corpus_changed.connect(self.word_info.set_corpus)
        self.train_panel.training_finished.connect(self._on_training_finished)
        for panel in (self.live_map, self.probes_panel):
            self.train_panel.training_progressed.connect(panel.follow_training)
        self.train_panel.moment_clicked.connect(self._on_moment_clicked)
        self.live_map.moment_shown.connect(self.train_panel.mark_moment)
        self.live_map.word_activated.connect(self.select_word)
        self.neighbours_panel.word_shown.connect(self.select_word)
        for panel in (self.analogy_panel, self.probes_panel):
            panel.word_activated.connect(self.show_neighbours)

    def _restore_layout(self):
        geometry = settings.get("window/geometry")
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1280, 820)
        self.train_panel.restore_state(settings.get("window/state"))
        self.tabs.setCurrentIndex(min(settings.get("window/tab"), self.tabs.count() - 1))

    def _save_layout(self):
        settings.put("window/geometry", self.saveGeometry())
        settings.put("window/state", self.train_panel.save_state())
        settings.put("window/tab", self.tabs.currentIndex())
        settings.sync()

    # -- messages (tests replace these two) --------------------------------------------------------
    def show_error(self, text: str):
        """Tell the user what went wrong, in one sentence, without blocking."""
        box = QMessageBox(QMessageBox.Icon.Warning, "w2vstudio", sentence(text), QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def ask_discard(self, text: str) -> bool:
        """Ask whether to go on although something would be lost; True means go on."""
        buttons = QMessageBox.StandardButton
        box = QMessageBox(QMessageBox.Icon.Question, "w2vstudio", text, buttons.Discard | buttons.Cancel, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(buttons.Cancel)
        return box.exec() == buttons.Discard

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

    def _on_busy_changed(self, message: str, cancellable: bool):
        self.busy.setVisible(bool(message))
        self.cancel_button.setVisible(bool(message) and cancellable)
        if message:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()

    # -- opening files ------------------------------------------------------------------------------
    def open_paths(self, paths):
        """Open dropped or chosen paths, sorted in the background: sessions, vector files as models
        to explore, anything else as the corpus."""
        self.files.sort(paths)

    def _on_paths_sorted(self, found: SortedPaths):
        for message in found.errors:
            self.show_error(message)
        for path in found.sessions[:1]:
            self.open_session(path)
        if found.corpus:
            self.open_corpus(found.corpus)
        if found.vectors:
            self.open_vectors(found.vectors[0])
            if len(found.vectors) > 1:
                self.show_error(f"Only {found.vectors[0].name} was opened: open one vectors file at a time")

    def open_corpus(self, paths):
        """Make these files and folders the corpus and start reading them."""
        self.corpus_panel.set_paths(paths)
        for path in paths:
            self._remember_file(path)
        self.tabs.setCurrentWidget(self.train_panel)

    def open_vectors(self, path):
        """Load a vectors file in the background; it joins the session as the model to explore."""
        self._remember_file(path)
        self.files.open_vectors(Path(path))

    def open_session(self, path):
        """Replace the session by the one saved at `path` (its folder or session.json), in the background."""
        unsaved = self.session.unsaved()
        if unsaved and not self.ask_discard(unsaved_text(unsaved, "Open the other session anyway?")):
            return
        path = Path(path)
        self._remember_file(path.parent if path.name == SESSION_FILE else path)
        self.files.open_session(path)

    def cancel_loading(self):
        """Stop opening vectors or a session (the load stops soon, unheard)."""
        if self.files.cancel():
            self.statusBar().showMessage("Opening cancelled.", 8000)

    def _remember_file(self, path):
        path = Path(path).absolute()
        settings.add_recent(str(path))
        settings.put("files/last_dir", str(path.parent))

    def _on_vectors_opened(self, entry: Entry):
        self.session.add(entry)
        self.tabs.setCurrentWidget(self.neighbours_panel)

    def _on_session_opened(self, loaded: LoadedSession):
        self.session.replace(loaded)
        self.statusBar().showMessage(f"Opened a session of {len(loaded.entries)} models.", 8000)

    # -- the session's models -------------------------------------------------------------------------
    def _on_current_changed(self, entry: Entry | None):
        for action in (self.save_action, self.remove_action, *self.export_actions):
            action.setEnabled(entry is not None)
        self.model_label.setText("No model yet" if entry is None else f"Model: {entry.name}")
        self.vocab_label.setText("" if entry is None else f"{len(entry.kv):,} words")
        self.dim_label.setText("" if entry is None else f"{entry.kv.dim} dimensions")
        self._on_models_changed()

    def _on_models_changed(self):
        current = self.session.current
        self.save_session_action.setEnabled(bool(self.session.entries))
        self.setWindowTitle(f"{current.name.replace('[*]', '[ *]')} – w2vstudio[*]" if current else "w2vstudio[*]")
        self.setWindowModified(current is not None and not current.saved)

    def remove_model(self):
        """Forget the model explored (asking first if it is not saved); the last other one is explored."""
        entry = self.session.current
        if entry is None or (not entry.saved and not self.ask_discard(unsaved_text([entry], "Remove it anyway?"))):
            return
        self.session.remove(entry)

    def _on_models_menu_about_to_show(self):
        self.models_menu.clear()
        group = QActionGroup(self.models_menu)
        for entry in self.session.entries:
            action = self.models_menu.addAction(entry.name.replace("&", "&&") + ("" if entry.saved else " (not saved)"))
            action.setCheckable(True)
            action.setChecked(entry is self.session.current)
            action.triggered.connect(partial(self.session.choose, entry))
            group.addAction(action)
        if not self.session.entries:
            self.models_menu.addAction("(none: train a model or open vectors)").setEnabled(False)
        self.models_menu.addSeparator()
        self.models_menu.addAction(self.remove_action)

    def _on_training_finished(self, outcome):
        result = outcome.train
        if result.words_done == 0:
            self.statusBar().showMessage("Training stopped before any word was trained; no model was made.", 8000)
        else:
            done = "stopped; the partial model" if result.cancelled else "finished; the model"
            self.statusBar().showMessage(f"Training {done} is ready to explore.", 8000)

    def _on_moment_clicked(self, epochs: float):
        if self.live_map.jump_to(epochs):
            self.tabs.setCurrentWidget(self.live_map)

    # -- words ------------------------------------------------------------------------------------------
    def select_word(self, word: str):
        """Show `word` in the corpus panel: its count, rank and lines of the corpus."""
        self.word_info.show_word(word)
        self.word_dock.show()

    def show_neighbours(self, word: str):
        """Switch to the Neighbours tab and look up `word`."""
        self.tabs.setCurrentWidget(self.neighbours_panel)
        self.neighbours_panel.search(word)

    def _on_find_triggered(self):
        self.tabs.setCurrentWidget(self.neighbours_panel)
        self.neighbours_panel.focus_search()

    # -- saving ---------------------------------------------------------------------------------------
    def save_model(self, path):
        """Save the model explored (w2vstudio format) in the background; `model_saved` follows."""
        entry = self.session.current
        save = entry.model.save if entry.model is not None else partial(save_vectors, entry.kv, fmt="model")
        self.files.save(save, Path(path), "model", [entry])

    def export_vectors(self, path, fmt: str):
        """Write the vectors as `fmt` (bin, txt or tsv) in the background; `model_saved` follows."""
        self.files.save(partial(save_vectors, self.session.current.kv, fmt=fmt), Path(path), fmt, [])

    def save_session(self, folder):
        """Save the whole session into `folder` in the background; `model_saved` follows."""
        s = self.session
        self.files.save(partial(write_session, entries=s.entries, pins=s.pins, probe=s.probe, current=s.current),
                        Path(folder), "session", s.entries)

    def _on_saved(self, saved: tuple[Path, str, list[Entry]]):
        path, _fmt, entries = saved
        self.session.mark_saved(entries)
        self._remember_file(path)
        self.statusBar().showMessage(f"Saved {path}", 8000)
        self.model_saved.emit(str(path))

    # -- dialogs and menu slots --------------------------------------------------------------------------
    def _last_dir(self) -> str:
        return settings.get("files/last_dir") or str(Path.home())

    def _on_open_corpus_triggered(self):
        names, _ = QFileDialog.getOpenFileNames(self, "Open corpus files", self._last_dir(),
                                                "Text (*.txt *.gz *.bz2 *.xz);;All files (*)")
        if names:
            self.open_paths(names)

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
            self.open_paths([name])

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
            self.recent_menu.addAction(path.replace("&", "&&"), partial(self.open_paths, [path]))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

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
        self.train_panel.shut_down()
        self.evolution.follow(None)  # no more analyses or probes
        self.probes_panel.stop()
        workers.stop_all()
        event.accept()


def _with_suffix(name: str, suffix: str) -> Path:
    path = Path(name)
    return path if path.suffix else path.with_suffix(suffix)

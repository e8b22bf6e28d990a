"""The main window: menus, tabs, status bar, drag and drop, the current model and its files."""

from __future__ import annotations

import platform
import traceback
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QTabWidget,
                               QWidget)

import w2vstudio
from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.io import detect_format, load_vectors, save_vectors
from w2vstudio.core.model import Model
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings, workers
from w2vstudio.gui.analogy_panel import AnalogyPanel
from w2vstudio.gui.corpus_panel import CorpusPanel
from w2vstudio.gui.evaluate_panel import EvaluatePanel
from w2vstudio.gui.neighbours_panel import NeighboursPanel
from w2vstudio.gui.train_panel import TrainPanel
from w2vstudio.resources import SAMPLE_CORPUS
from w2vstudio.resources import path as resource_path

VECTOR_SUFFIXES = {".bin", ".vec", ".npz", ".w2v", ".kv", ".emb"}  # only to word errors; content decides
EXPORTS = (  # format, menu text, file filter, default suffix
    ("bin", "word2vec &binary…", "word2vec binary (*.bin)", ".bin"),
    ("txt", "word2vec &text…", "word2vec text (*.txt *.vec)", ".txt"),
    ("tsv", "&Projector TSV…", "TensorFlow Projector TSV (*.tsv)", ".tsv"),
)
TABS = ("Train", "Neighbours", "Analogy", "Map", "Evaluate")


def sentence(text: str) -> str:
    """`text` as a sentence: capital first letter, final full stop."""
    text = text.strip() or "Something went wrong."
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _map_panel() -> QWidget:
    """The Map panel, or a placeholder when it cannot be loaded."""
    try:
        from w2vstudio.gui.map_panel import MapPanel

        return MapPanel(parent=None)
    except Exception as exc:  # the map must never keep the studio from starting
        if not (isinstance(exc, ModuleNotFoundError) and exc.name == "w2vstudio.gui.map_panel"):
            traceback.print_exc()
        placeholder = QLabel("The map is not available in this version.")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return placeholder


class MainWindow(QMainWindow):
    """The studio. Dropped or opened files go through `open_paths`; errors through `show_error`."""

    vectors_changed = Signal(object)  # KeyedVectors or None
    model_saved = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model: Model | None = None  # the trained model, when there is one
        self.kv: KeyedVectors | None = None  # the vectors being explored
        self.model_name = ""
        self.unsaved = False
        self._closed = False
        self._loader = workers.JobSlot(self)
        self._loader.succeeded.connect(self._on_vectors_loaded)
        self._loader.failed.connect(self._on_file_job_failed)
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
        self.map_panel = _map_panel()
        self.evaluate_panel = EvaluatePanel()
        self.tabs = QTabWidget()
        panels = (self.train_panel, self.neighbours_panel, self.analogy_panel, self.map_panel, self.evaluate_panel)
        for name, panel in zip(TABS, panels):
            self.tabs.addTab(panel, name)
        self.setCentralWidget(self.tabs)
        self._create_menus()
        self._create_status_bar()
        self._connect_panels()
        self.corpus_panel.set_paths([resource_path(SAMPLE_CORPUS)], scan=False)
        self._set_vectors(None, None, "")
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
                                        "Save the model in w2vstudio's own format (.npz).")
        self.export_actions = [self._action(text, lambda _=False, f=fmt: self._on_export_triggered(f))
                               for fmt, text, _, _ in EXPORTS]
        self.quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.about_action = self._action("&About w2vstudio", self.show_about, "F1")
        self.find_action = self._action("&Find neighbours", self._on_find_triggered, QKeySequence.StandardKey.Find,
                                        "Look up the nearest neighbours of a word.")

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
        file_menu.addAction(self.quit_action)
        train_menu = bar.addMenu("&Training")
        for action in (self.train_panel.start_action, self.train_panel.pause_action, self.train_panel.stop_action):
            train_menu.addAction(action)
        view_menu = bar.addMenu("&View")
        view_menu.addAction(self.find_action)
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
        self.model_label, self.vocab_label, self.dim_label = QLabel(), QLabel(), QLabel()
        for widget in (self.busy, self.model_label, self.vocab_label, self.dim_label):
            bar.addPermanentWidget(widget)

    def _connect_panels(self):
        self.corpus_panel.scan_failed.connect(self.show_error)
        self.train_panel.start_requested.connect(self._on_train_requested)
        self.train_panel.training_finished.connect(self._on_training_finished)
        self.train_panel.failed.connect(self.show_error)
        self.evaluate_panel.failed.connect(self.show_error)
        self.analogy_panel.word_activated.connect(self.show_neighbours)
        word_activated = getattr(self.map_panel, "word_activated", None)
        if word_activated is not None:
            word_activated.connect(self.show_neighbours)

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
        """Open dropped or chosen paths: vector files as a model to explore, anything else as the corpus."""
        corpus, vectors = [], []
        for path in map(Path, paths):
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
        """Load a vectors file in the background; it becomes the model to explore."""
        if not self._may_replace_model():
            return
        self._remember_file(path)
        self._set_busy(f"Opening {Path(path).name}…")
        self._loader.call(_load, Path(path))

    def _remember_file(self, path):
        path = Path(path).resolve()
        settings.add_recent(str(path))
        settings.put("files/last_dir", str(path if path.is_dir() else path.parent))

    def _set_busy(self, message: str = ""):
        self.busy.setVisible(bool(message))
        if message:
            self.statusBar().showMessage(message)
        else:
            self.statusBar().clearMessage()

    def _on_vectors_loaded(self, loaded: tuple[Path, KeyedVectors]):
        path, kv = loaded
        self._set_busy()
        self._set_vectors(kv, None, path.name)
        self.tabs.setCurrentWidget(self.neighbours_panel)

    # -- the current model ---------------------------------------------------------------------------
    def _may_replace_model(self) -> bool:
        return not self.unsaved or self.ask_discard(
            f"The model “{self.model_name}” is not saved. Replace it and lose it?")

    def _set_vectors(self, kv: KeyedVectors | None, model: Model | None, name: str, unsaved: bool = False):
        self.kv, self.model, self.model_name, self.unsaved = kv, model, name, unsaved
        for panel in (self.neighbours_panel, self.analogy_panel, self.evaluate_panel):
            panel.set_vectors(kv)
        if kv is not None and hasattr(self.map_panel, "set_vectors"):
            self.map_panel.set_vectors(kv)
        for action in (self.save_action, *self.export_actions):
            action.setEnabled(kv is not None)
        self._update_title()
        if kv is None:
            self.model_label.setText("No model yet")
            self.vocab_label.clear()
            self.dim_label.clear()
        else:
            self.model_label.setText(f"Model: {name}")
            self.vocab_label.setText(f"{len(kv):,} words")
            self.dim_label.setText(f"{kv.dim} dimensions")
        self.vectors_changed.emit(kv)

    def _update_title(self):
        self.setWindowTitle(f"{self.model_name} – w2vstudio[*]" if self.model_name else "w2vstudio[*]")
        self.setWindowModified(self.unsaved)

    def _on_train_requested(self):
        if self._may_replace_model():
            self.train_panel.start()

    def _on_training_finished(self, outcome: workers.TrainOutcome):
        model, result = outcome.model, outcome.result
        if self._closed:  # the run was stopped because the window closed: start no more work
            return
        if result.words_done == 0:
            self.statusBar().showMessage("Training stopped before any word was trained; no model was made.", 8000)
            return
        p = model.params
        kind = "skip-gram" if p.sg else "CBOW"
        epochs = f"{result.epochs} epoch{'s' if result.epochs != 1 else ''}"
        name = f"{self.corpus_panel.name} ({kind}, {p.dim} dims, {epochs}{', stopped' if result.cancelled else ''})"
        self._set_vectors(model.keyed_vectors(), model, name, unsaved=True)
        done = "stopped; the partial model" if result.cancelled else "finished; the model"
        self.statusBar().showMessage(f"Training {done} is ready to explore.", 8000)

    # -- saving ---------------------------------------------------------------------------------------
    def save_model(self, path):
        """Save the current model (w2vstudio format) in the background; `model_saved` follows."""
        if self.model is not None:
            self._save(self.model.save, Path(path), "model", self.model)
        else:
            self._save(partial(save_vectors, self.kv, fmt="model"), Path(path), "model", self.kv)

    def export_vectors(self, path, fmt: str):
        """Write the vectors as `fmt` (bin, txt or tsv) in the background; `model_saved` follows."""
        self._save(partial(save_vectors, self.kv, fmt=fmt), Path(path), fmt, self.kv)

    def _save(self, save, path: Path, fmt: str, target):
        self._set_busy(f"Saving {path.name}…")
        self._saver.call(_saved, save, path, fmt, target)

    def _on_model_saved(self, saved: tuple[Path, str, object]):
        path, fmt, target = saved
        self._set_busy()
        if fmt == "model" and (target is self.model or target is self.kv):
            self.unsaved = False
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

    def _on_save_triggered(self):
        name, _ = QFileDialog.getSaveFileName(self, "Save model", self._last_dir(), "w2vstudio model (*.npz)")
        if name:
            self.save_model(_with_suffix(name, ".npz"))

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
        if self.unsaved and not self.ask_discard(f"The model “{self.model_name}” is not saved. Quit anyway?"):
            event.ignore()
            return
        self._save_layout()
        self._closed = True
        workers.stop_all()
        event.accept()


def _load(path: Path) -> tuple[Path, KeyedVectors]:
    return path, load_vectors(path)


def _saved(save, path: Path, fmt: str, target) -> tuple[Path, str, object]:
    save(path)
    return path, fmt, target


def _with_suffix(name: str, suffix: str) -> Path:
    path = Path(name)
    return path if path.suffix else path.with_suffix(suffix)

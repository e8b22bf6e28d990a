"""The main window: menus, dialogs, the drop handler and the layout of the tabs. The state (models,
pins, the run, the moment of training shown, the corpus) lives in the `StudioSession`, which the
panels subscribe to; file work runs in `FileJobs`."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QActionGroup, QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QTabWidget

from w2vstudio.core.files.sessionfile import SESSION_FILE
from w2vstudio.gui import settings, workers
from w2vstudio.gui.actions import EXPORTS, StudioActions, action
from w2vstudio.gui.corpus_cache import show_corpus_cache
from w2vstudio.gui.corpus_download import get_corpus
from w2vstudio.gui.explore.analogy_panel import AnalogyPanel
from w2vstudio.gui.explore.change_panel import ChangePanel
from w2vstudio.gui.explore.compare_panel import ComparePanel
from w2vstudio.gui.explore.evaluate_panel import EvaluatePanel
from w2vstudio.gui.explore.neighbours_panel import NeighboursPanel
from w2vstudio.gui.explore.word_info_panel import WordInfoPanel
from w2vstudio.gui.files import FileJobs, open_spark, remember, with_suffix
from w2vstudio.gui.inside.inside_panel import InsidePanel
from w2vstudio.gui.lenses.lenses_panel import LensesPanel
from w2vstudio.gui.map.live_map import LiveMap
from w2vstudio.gui.messages import sentence, show_about, unsaved_text
from w2vstudio.gui.model_status import ModelStatus
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.train.corpus_panel import CorpusPanel
from w2vstudio.gui.train.train_panel import TrainPanel
from w2vstudio.gui.watch.evolution import Evolution
from w2vstudio.gui.watch.probes_panel import ProbesPanel
from w2vstudio.gui.widgets.busy import BusyIndicator
from w2vstudio.resources import SAMPLE_CORPUS, path as resource_path

SESSION_SUFFIX = ".w2vsession"


class MainWindow(QMainWindow):
    """The studio. Dropped or opened files go through `open_paths`; errors through `show_error`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.session = StudioSession(self)
        self.files = FileJobs(self.session, self)
        self.setWindowTitle("w2vstudio[*]")
        self.setAcceptDrops(True)
        self.actions = a = StudioActions(self)
        self.corpus_panel = CorpusPanel(self.session, [a.open_corpus, a.open_folder, a.sample, a.get_corpus])
        self.evolution = Evolution(parent=self)
        self.train_panel = TrainPanel(self.session, self.corpus_panel)
        self.neighbours_panel = NeighboursPanel(self.session)
        self.analogy_panel = AnalogyPanel(self.session)
        self.live_map = LiveMap(self.session, self.evolution)
        self.probes_panel = ProbesPanel(self.session, self.evolution)
        self.compare_panel = ComparePanel(self.session)
        self.change_panel = ChangePanel(self.session)
        self.evaluate_panel = EvaluatePanel(self.session)
        self.inside_panel = InsidePanel(self.session)
        self.lenses_panel = LensesPanel(self.session)
        self.tab_list = [("Train", self.train_panel), ("Neighbours", self.neighbours_panel),
                         ("Analogy", self.analogy_panel), ("Map", self.live_map), ("Probes", self.probes_panel),
                         ("Compare", self.compare_panel), ("Change", self.change_panel),
                         ("Evaluate", self.evaluate_panel),
                         ("Inside", self.inside_panel), ("Lenses", self.lenses_panel)]  # a new tab: one more pair here
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
        self.busy = BusyIndicator("Stop opening the file: nothing joins the session.")
        self.model_status = ModelStatus(self.session)
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.model_status)
        self._create_menus()
        self._connect()
        self.corpus_panel.set_paths([resource_path(SAMPLE_CORPUS)], scan=False)
        self._on_models_changed()
        self._restore_layout()

    # -- construction --------------------------------------------------------------------------------
    def _create_menus(self):
        a, bar = self.actions, self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.open_corpus, a.open_folder, a.sample, a.get_corpus])
        file_menu.addSeparator()
        file_menu.addActions([a.open_vectors, a.open_spark])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        file_menu.addSeparator()
        file_menu.addAction(a.save)
        file_menu.addMenu("&Export vectors").addActions(list(a.exports.values()))
        file_menu.addSeparator()
        file_menu.addActions([a.open_session, a.save_session])
        file_menu.addSeparator()
        file_menu.addAction(a.corpus_cache)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        run_actions = self.train_panel.run_actions
        bar.addMenu("&Training").addActions(run_actions)
        self.models_menu = bar.addMenu("&Models")
        self.models_menu.aboutToShow.connect(self._on_models_menu_about_to_show)
        view_menu = bar.addMenu("&View")
        view_menu.addActions([a.find, a.pin, self.word_dock.toggleViewAction()])
        view_menu.addSeparator()
        for i, (name, panel) in enumerate(self.tab_list):
            view_menu.addAction(action(self, name, f"Ctrl+{i + 1}"))
            view_menu.actions()[-1].triggered.connect(lambda _=False, shown=panel: self.tabs.setCurrentWidget(shown))
        bar.addMenu("&Help").addAction(a.about)
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("main toolbar")
        toolbar.setMovable(False)
        toolbar.addActions([a.open_corpus, a.open_vectors, a.save])
        toolbar.addSeparator()
        toolbar.addActions(run_actions)

    def _connect(self):
        self.session.current_changed.connect(self._on_models_changed)
        self.session.models_changed.connect(self._on_models_changed)
        self.session.run_finished.connect(self._on_run_finished)
        self.busy.cancel_clicked.connect(self.cancel_loading)
        self.files.busy_changed.connect(self._on_busy_changed)
        self.files.corpus_found.connect(self.open_corpus)
        self.files.session_found.connect(self.open_session)
        self.files.vectors_opened.connect(lambda _entry: self.tabs.setCurrentWidget(self.neighbours_panel))
        self.files.session_opened.connect(self._on_session_opened)
        self.files.saved.connect(self._on_saved)
        self.files.noted.connect(self._on_noted)
        for failed in (self.files.failed, self.corpus_panel.scan_failed, self.train_panel.failed, self.evolution.failed,
                       self.evaluate_panel.failed):
            failed.connect(self.show_error)
        a = self.actions
        for command, slot in ((a.open_corpus, self._on_open_corpus_triggered), (a.sample, self._on_sample_triggered),
                              (a.open_folder, self._on_open_folder_triggered), (a.open_vectors, self._on_open_triggered),
                              (a.open_session, self._on_open_triggered), (a.save, self._on_save_triggered),
                              (a.save_session, self._on_save_triggered), (a.quit, self.close),
                              (a.about, self.show_about), (a.find, self._on_find_triggered),
                              (a.pin, self.word_info.toggle_pin), (a.remove, self.remove_model),
                              (a.get_corpus, self._on_get_corpus_triggered),
                              (a.corpus_cache, self._on_corpus_cache_triggered),
                              (a.open_spark, self._on_open_spark_triggered)):
            command.triggered.connect(slot)
        for fmt, command in a.exports.items():
            command.triggered.connect(partial(self._on_export_triggered, fmt))
        self.train_panel.moment_clicked.connect(self._on_moment_clicked)
        for shown in (self.live_map.word_activated, self.neighbours_panel.word_shown):
            shown.connect(self.select_word)
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

    # -- messages (tests replace show_error and ask_discard) -----------------------------------------
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

    def show_about(self):
        show_about(self)

    def _on_busy_changed(self, message: str, cancellable: bool):
        self.busy.set_busy(message, cancellable)
        self.statusBar().showMessage(message)  # "" clears it

    def _on_session_opened(self, count: int):
        self.statusBar().showMessage(f"Opened a session of {count} models.", 8000)

    def _on_saved(self, path: str):
        self.statusBar().showMessage(f"Saved {path}", 8000)

    def _on_noted(self, note: str):
        self.statusBar().showMessage(sentence(note), 30_000)

    def _on_run_finished(self, outcome):
        if outcome is None:  # failed (the error is shown) or dropped
            return
        if outcome.train.words_done == 0:
            self.statusBar().showMessage("Training stopped before any word was trained; no model was made.", 8000)
        else:
            done = "stopped; the partial model" if outcome.train.cancelled else "finished; the model"
            self.statusBar().showMessage(f"Training {done} is ready to explore.", 8000)

    # -- files --------------------------------------------------------------------------------------
    def open_paths(self, paths):
        """Open dropped or chosen paths, sorted in the background: sessions, vector files as models
        to explore, anything else as the corpus."""
        self.files.open_paths(paths)

    def open_corpus(self, paths):
        """Make these files and folders the corpus and start reading them."""
        self.corpus_panel.set_paths(paths)
        for path in paths:
            remember(path)
        self.tabs.setCurrentWidget(self.train_panel)

    def open_session(self, path):
        """Replace the session by the one saved at `path` (its folder or session.json), in the background."""
        unsaved = self.session.unsaved()
        if not unsaved or self.ask_discard(unsaved_text(unsaved, "Open the other session anyway?")):
            self.files.open_session(path)

    def cancel_loading(self):
        """Stop opening vectors or a session (the load stops soon, unheard)."""
        if self.files.cancel():
            self.statusBar().showMessage("Opening cancelled.", 8000)

    def _ask(self, title: str, file_filter: str, save: bool = False) -> str:
        """A file name from a dialog ("" if none), starting in the folder used last."""
        dialog = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
        return dialog(self, title, settings.get("files/last_dir") or str(Path.home()), file_filter)[0]

    def _on_open_corpus_triggered(self):
        names, _ = QFileDialog.getOpenFileNames(self, "Open corpus files", settings.get("files/last_dir"),
                                                "Text (*.txt *.gz *.bz2 *.xz);;All files (*)")
        if names:
            self.open_paths(names)

    def _on_open_folder_triggered(self):
        name = QFileDialog.getExistingDirectory(self, "Open a corpus folder", settings.get("files/last_dir"))
        if name:
            self.open_corpus([name])

    def _on_open_triggered(self):
        if self.sender() is self.actions.open_session:
            name = self._ask("Open a session (its session.json)", f"w2vstudio session ({SESSION_FILE})")
        else:
            name = self._ask("Open vectors", "Vectors (*.bin *.txt *.vec *.tsv *.npz *.gz);;All files (*)")
        if name:
            self.open_paths([name])

    def _on_save_triggered(self):
        if self.sender() is self.actions.save_session:
            name = self._ask("Save the session as a folder", f"w2vstudio session (*{SESSION_SUFFIX})", save=True)
            return self.files.save_session(with_suffix(name, SESSION_SUFFIX)) if name else None
        name = self._ask("Save model", "w2vstudio model (*.npz)", save=True)
        return self.files.save_model(with_suffix(name, ".npz")) if name else None

    def _on_export_triggered(self, fmt: str):
        _, text, file_filter, suffix = next(e for e in EXPORTS if e[0] == fmt)
        name = self._ask(f"Export as {text.replace('&', '').rstrip('…')}", file_filter, save=True)
        if name:
            self.files.export_vectors(with_suffix(name, suffix), fmt)

    def _on_get_corpus_triggered(self):
        get_corpus(self, self.open_paths, self._on_noted, self.show_error)

    def _on_corpus_cache_triggered(self):
        show_corpus_cache(self)

    def _on_open_spark_triggered(self):
        open_spark(self, self.files)

    def _on_sample_triggered(self):
        self.open_corpus([resource_path(SAMPLE_CORPUS)])

    def _on_recent_menu_about_to_show(self):
        self.recent_menu.clear()
        for path in settings.get("files/recent"):
            self.recent_menu.addAction(path.replace("&", "&&"), partial(self.open_paths, [path]))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    # -- the session's models and words ---------------------------------------------------------------
    def _on_models_changed(self):
        current = self.session.current
        for command in (self.actions.save, self.actions.remove, *self.actions.exports.values()):
            command.setEnabled(current is not None)
        self.actions.save_session.setEnabled(bool(self.session.entries))
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
        self.models_menu.addAction(self.actions.remove)

    def _on_moment_clicked(self, _epochs: float):
        if self.evolution.frames is not None:  # the map shows the snapshot of that moment
            self.tabs.setCurrentWidget(self.live_map)

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

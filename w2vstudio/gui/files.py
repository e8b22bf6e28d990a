"""Files in and out of the studio, in the background: what dropped or chosen paths are (sessions,
vectors or corpus), vectors and sessions to read, models, vectors and sessions to write. No file
is opened, read or even looked at on the GUI thread; every failure is one sentence naming the file."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.files.dropped import SortedPaths, sort_paths
from w2vstudio.core.files.sessionfile import SESSION_FILE, load_session, save_session
from w2vstudio.core.files.sparkfiles import read_metadata
from w2vstudio.core.files.ensemble import run_files
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors, read_models, save_vectors
from w2vstudio.core.support.output import check_output
from w2vstudio.core.train.model import Model
from w2vstudio.core.watch.pinned import AnalogyProbe
from w2vstudio.gui import settings
from w2vstudio.gui.studio_session import Entry, RestoredSession, StudioSession, model_entry
from w2vstudio.gui.workers import Call, error_message
from w2vstudio.core.support.task import Task


def failure(path: Path, exc: BaseException) -> str:
    """One sentence about a file that could not be opened, naming it."""
    message = error_message(exc) if isinstance(exc, (W2VError, OSError, MemoryError)) else f"{exc}"
    return message if path.name in message else f"{path.name} could not be opened: {message or type(exc).__name__}"


def read_vectors(path: Path, task: Task) -> Entry:
    """A session entry for a vectors file (with the snapshots of a w2vstudio model, which is read
    whole: a cancelled `task` stops the other formats part-way)."""
    try:
        fmt = detect_format(path)
        if fmt == "model":
            return model_entry(path.name, Model.load(path))
        if fmt == "ensemble" and all(detect_format(run) == "model" for run in run_files(path)):
            kv, models = read_models(path)  # the runs' weights too, for the senses and likelihood lenses
            return Entry(path.name, kv, run_models=tuple(models))
        spark = read_metadata(path) if fmt == "spark" else None
        return Entry(path.name, load_vectors(path, task=task), spark=spark)
    except Cancelled:
        raise
    except Exception as exc:  # a damaged file is one sentence, whatever broke
        raise W2VError(failure(path, exc)) from None


def read_session(path: Path, task: Task) -> RestoredSession:
    """The session saved in a folder (or its session.json), as session entries."""
    try:
        loaded = load_session(path, task)
        entries = [model_entry(name, obj) if isinstance(obj, Model) else Entry(name, obj) for name, obj in loaded.models]
    except Cancelled:
        raise
    except Exception as exc:  # a damaged session is one sentence, whatever broke
        raise W2VError(failure(path, exc)) from None
    current = entries[loaded.current] if loaded.current is not None and 0 <= loaded.current < len(entries) else None
    return RestoredSession(entries, loaded.pins, None if loaded.probe is None else AnalogyProbe(*loaded.probe), current,
                         tuple(loaded.notes))


def write_session(folder: Path, entries: list[Entry], pins: list[str], probe: AnalogyProbe | None,
                  current: Entry | None):
    """Save these entries (the snapshots in their models), the pins and the probe as a session."""
    for entry in entries:
        if entry.model is not None and entry.recorder is not None:
            entry.recorder.save_into(entry.model)
    save_session(folder, [(e.name, e.kv if e.model is None else e.model) for e in entries], pins,
                 None if probe is None else probe.words, entries.index(current) if current in entries else None)


def write(save: Callable, path: Path, entries: list[Entry], inputs: tuple[Path, ...] = ()) -> tuple[Path, list[Entry]]:
    """`save(path)`, then where and which entries were saved (run in the background). A file is
    first checked to replace none of `inputs` (nor anything but a regular file)."""
    if inputs is not None:
        check_output(path, inputs)
    save(path)
    return path, entries


def with_suffix(name: str, suffix: str) -> Path:
    """A file name chosen to save to, with `suffix` if it has none."""
    path = Path(name)
    return path if path.suffix else path.with_suffix(suffix)


def open_spark(parent: QWidget, files: FileJobs):
    """File ▸ Open Spark model folder: a folder written by Spark's Word2VecModel.save, chosen in a
    dialog over `parent`, opened as vectors by `files` (any other folder is refused in one sentence)."""
    name = QFileDialog.getExistingDirectory(parent, "Open a Word2Vec model saved by Spark (its folder)",
                                            settings.get("files/last_dir"))
    if name:
        files.open_vectors(name)


def remember(path: Path):
    """Put a file or folder opened or saved first in the recent files."""
    path = Path(path).absolute()
    settings.add_recent(str(path))
    settings.put("files/last_dir", str(path.parent))


class FileJobs(QObject):
    """The studio's file work, in the background: sorting dropped or chosen paths, opening vectors
    and sessions into the session (one at a time, cancellable), saving models, vectors and sessions.

    `busy_changed(message, cancellable)`: work started ("" when none runs). `corpus_found(paths)` and
    `session_found(path)`: what the window decides about (the corpus tab, unsaved models).
    `vectors_opened(entry)`, `session_opened(n)` and `saved(path)` follow the work; `failed(message)`
    is one sentence naming the file; `noted(note)`, after an opening, what the user should know about
    the file (bytes replaced, n-grams missing)."""

    busy_changed = Signal(str, bool)
    corpus_found = Signal(list)
    session_found = Signal(object)
    vectors_opened = Signal(object)
    session_opened = Signal(int)
    saved = Signal(str)
    failed = Signal(str)
    noted = Signal(str)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self._session = session
        self._opener, self._saver = Call(self), Call(self)
        self._opener.succeeded.connect(self._on_opened)
        self._saver.succeeded.connect(self._on_saved)
        for call in (self._opener, self._saver):
            call.failed.connect(self._on_failed)

    # -- opening ---------------------------------------------------------------------------------
    def open_paths(self, paths):
        """Find out what `paths` are, then open them; every request is answered (none is dropped for
        a later one)."""
        call = Call(self)
        call.succeeded.connect(self._on_paths_sorted)
        call.failed.connect(self.failed)
        for ended in (call.succeeded, call.failed):
            ended.connect(call.deleteLater)
        call.start(sort_paths, [Path(p) for p in paths])

    def _on_paths_sorted(self, found: SortedPaths):
        for message in found.errors:
            self.failed.emit(message)
        for path in found.sessions[:1]:
            self.session_found.emit(path)
        if found.corpus:
            self.corpus_found.emit(found.corpus)
        if found.vectors:
            self.open_vectors(found.vectors[0])
            if len(found.vectors) > 1:
                self.failed.emit(f"Only {found.vectors[0].name} was opened: open one vectors file at a time")

    def open_vectors(self, path):
        """Read a vectors file; it joins the session as the model explored."""
        path = Path(path)
        remember(path)
        self.busy_changed.emit(f"Opening {path.name}…", True)
        self._opener.start(read_vectors, path, with_task=True)

    def open_session(self, path):
        """Read a session (its folder or session.json); it replaces the session."""
        path = Path(path)
        remember(path.parent if path.name == SESSION_FILE else path)
        self.busy_changed.emit(f"Opening the session {path.name}…", True)
        self._opener.start(read_session, path, with_task=True)

    def cancel(self) -> bool:
        """Stop opening (the load stops soon, unheard); False if nothing was being opened."""
        if not self._opener.busy:
            return False
        self._opener.stop()
        self.busy_changed.emit("", False)
        return True

    def _on_opened(self, opened: Entry | RestoredSession):
        self.busy_changed.emit("", False)
        if isinstance(opened, Entry):
            self._session.add(opened)
            self.vectors_opened.emit(opened)
            notes = opened.kv.notes
        else:
            self._session.replace(opened)
            self.session_opened.emit(len(opened.entries))
            notes = opened.notes
        for note in notes:
            self.noted.emit(note)

    # -- saving ----------------------------------------------------------------------------------
    def save_model(self, path):
        """Save the model explored in w2vstudio's format (with its snapshots)."""
        entry = self._session.current
        save = entry.model.save if entry.model is not None else partial(save_vectors, entry.kv, fmt="model")
        self._save(save, Path(path), [entry], self._session.corpus.paths)

    def export_vectors(self, path, fmt: str):
        """Write the vectors explored as `fmt` (bin, txt or tsv)."""
        self._save(partial(save_vectors, self._session.current.kv, fmt=fmt), Path(path), [],
                   self._session.corpus.paths)

    def save_session(self, folder):
        """Save the whole session into `folder`."""
        s = self._session
        self._save(partial(write_session, entries=s.entries, pins=s.pins, probe=s.probe, current=s.current),
                   Path(folder), s.entries, None)

    def _save(self, save: Callable, path: Path, entries: list[Entry], inputs: tuple[Path, ...] | None):
        """Save in the background; `inputs`: the files it must not replace (None: a session's folder)."""
        self.busy_changed.emit(f"Saving {path.name}…", False)
        self._saver.start(write, save, path, entries, inputs)

    def _on_saved(self, saved: tuple[Path, list[Entry]]):
        path, entries = saved
        self.busy_changed.emit("", False)
        self._session.mark_saved(entries)
        remember(path)
        self.saved.emit(str(path))

    def _on_failed(self, message: str):
        self.busy_changed.emit("", False)
        self.failed.emit(message)

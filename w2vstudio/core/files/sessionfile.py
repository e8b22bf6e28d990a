"""A studio session on disk: its models (with their snapshots), pinned words, analogy probe and the
model explored. No Qt here: the studio's observable session calls these two functions off the GUI
thread.

A session is a folder: `session.json` (names, files, pins, analogy, current; no pickle) beside one
model file per model, `model-1.npz`, `model-2.npz` ... (a trained model keeps its snapshots in its
extras: `SnapshotRecorder.save_into` before saving). Every file is written atomically and never
through a link. Reading checks `session.json` against its schema (types and lengths of every field)
and refuses model files that are links or lie outside the folder; any failure is one line.

A fastText model keeps its n-grams without copying them: its entry names the `.bin` it was read
from (path, size, mtime_ns, word limit) beside its saved word vectors. Loading reopens that file
(memory-mapped) if it is still the same regular file; otherwise the saved words come back without
n-grams and `SavedSession.notes` says why.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.errors import Cancelled, FormatError, W2VError
from w2vstudio.core.files.ensemble import MAX_RUNS, Ensemble
from w2vstudio.core.files.fasttext import FastTextSource, FastTextVectors
from w2vstudio.core.support.opener import cannot_read, kind_of, open_regular
from w2vstudio.core.files.vectorfiles import load_vectors, save_vectors
from w2vstudio.core.train.model import Model
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

SESSION_FILE = "session.json"
FORMAT, VERSION = "w2vstudio-session", 1
KINDS = ("model", "vectors", "fasttext", "ensemble")
MAX_MODELS = 1_000
MAX_PINS = 10_000
MAX_NAME = 1_000  # characters of a model's name
MAX_WORD = 1_000  # characters of a pinned or probe word
MAX_PATH = 32_767  # characters of a fastText model's path
MAX_INDEX = 16 << 20  # bytes of session.json
_OURS = re.compile(r"model-\d+(-run-\d+)?\.npz")  # the only files a save ever removes


@dataclass
class SavedSession:
    """What `load_session` read: `models` as (name, Model or KeyedVectors) pairs in order, the
    pinned words, the analogy probe (a, b, c, expected) or None, the index of the model explored
    or None, and notes for the user (a fastText model whose n-grams could not be reopened)."""

    models: list[tuple[str, Model | KeyedVectors]] = field(default_factory=list)
    pins: list[str] = field(default_factory=list)
    probe: tuple[str, str, str, str] | None = None
    current: int | None = None
    notes: list[str] = field(default_factory=list)


def save_session(folder, models, pins=(), probe=None, current: int | None = None) -> None:
    """Write a session into `folder` (created if needed; an existing one must hold a session or
    nothing). `models`: (name, Model or KeyedVectors) pairs; `probe`: four words or None."""
    folder = Path(folder)
    index = folder / SESSION_FILE
    listed = [_entry(i, name, obj) for i, (name, obj) in enumerate(models, 1)]
    data = {"format": FORMAT, "version": VERSION, "pins": list(pins), "models": listed,
            "analogy": None if probe is None else list(probe), "current": current}
    try:
        _check(data)
    except _Invalid as exc:
        raise W2VError(f"cannot save the session: {exc}") from None
    if os.path.lexists(folder) and not folder.is_dir():
        raise FormatError(f"{folder} is a file, not a session folder")
    if folder.is_dir() and not os.path.lexists(index) and any(folder.iterdir()):
        raise FormatError(f"{folder} is a folder with other files in it, not a session")
    folder.mkdir(parents=True, exist_ok=True)
    old = _listed_files(index)
    for (_, obj), entry in zip(models, listed):
        path = folder / entry["file"]
        if isinstance(obj, Ensemble):  # the first run in `file`, the others in `runs`
            for run, name in zip(obj.runs, [entry["file"], *entry["runs"]]):
                save_vectors(run, folder / name, "model")
        elif isinstance(obj, Model):
            obj.save(path)
        elif isinstance(obj, KeyedVectors):
            save_vectors(obj, path, "model")
        else:
            raise TypeError(f"a session holds models and vectors, not {type(obj).__name__}")
    with atomic_write(index, "w") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
    for name in old - _files(listed):
        if _OURS.fullmatch(name):
            (folder / name).unlink(missing_ok=True)  # a link is removed, never its target


def load_session(folder, task: Task | None = None) -> SavedSession:
    """The session saved in `folder` (or given its session.json). Cancelling `task` stops it
    (`Cancelled`) before the next model, or while it reads vectors."""
    task = task or Task.none()
    path = Path(folder)
    index = path if path.name == SESSION_FILE else path / SESSION_FILE
    data = _read_index(index)
    try:
        _check(data)
    except _Invalid as exc:
        raise FormatError(f"{index} is not a valid session: {exc}") from None
    models, notes = [], []
    for entry in data["models"]:
        task.check("opening the session was cancelled")
        file = _model_file(index, entry["file"])
        if entry["kind"] == "model":
            models.append((entry["name"], Model.load(file)))
        elif entry["kind"] == "fasttext":
            models.append((entry["name"], _fasttext(entry, file, task, notes)))
        elif entry["kind"] == "ensemble":
            runs = [load_vectors(_model_file(index, name), fmt="model", task=task)
                    for name in [entry["file"], *entry["runs"]]]
            models.append((entry["name"], Ensemble(runs, entry["seeds"])))
        else:
            models.append((entry["name"], load_vectors(file, fmt="model", task=task)))
    probe = data.get("analogy")
    return SavedSession(models, list(data.get("pins", [])), None if probe is None else tuple(probe), data.get("current"),
                   notes)


# ---- fastText models ----------------------------------------------------------------------------


def _entry(i: int, name, obj) -> dict:
    """The session.json entry of model `i`: a fastText model read from a file also names that file."""
    entry = {"name": name, "file": f"model-{i}.npz", "kind": "model" if isinstance(obj, Model) else "vectors"}
    if isinstance(obj, Ensemble):
        entry.update(kind="ensemble", runs=[f"model-{i}-run-{k}.npz" for k in range(2, obj.k + 1)],
                     seeds=list(obj.seeds))
    source = obj.source if isinstance(obj, FastTextVectors) else None
    if source is not None:
        entry.update(kind="fasttext", source=str(source.path), size=source.size, mtime_ns=source.mtime_ns,
                     limit=source.limit)
    return entry


def _fasttext(entry: dict, file: Path, task, notes: list[str]) -> FastTextVectors:
    """The fastText model of `entry`, reopened from its source if that is still the file read;
    otherwise its saved word vectors, without n-grams (kept with the source, so that a later save
    still names it), and a note in `notes` and on the vectors saying why."""
    source = FastTextSource(Path(entry["source"]), entry["size"], entry["mtime_ns"], entry["limit"])
    reason = _changed(source)
    if reason is None:
        try:
            kv = load_vectors(source.path, source.limit, fmt="fasttext", task=task)
        except Cancelled:
            raise
        except W2VError as exc:  # its name and times kept, its content not a fastText model
            reason = str(exc)
        else:
            if (kv.source.size, kv.source.mtime_ns) == (source.size, source.mtime_ns):
                return kv
            reason = f"{source.path} has changed since the session was saved"
    saved = load_vectors(file, fmt="model", task=task)
    kv = FastTextVectors(saved.words, saved.vectors, saved.counts, np.zeros((0, saved.dim), np.float32), 0, 0)
    kv.source = source
    note = (f"{entry['name']}: its character n-grams are not available ({reason}), "
            "so words not in its vocabulary are refused")
    kv.notes = (*saved.notes, note)
    notes.append(note)
    return kv


def _changed(source: FastTextSource) -> str | None:
    """Why `source` is not the file it was when saved (missing, a link, not a regular file, another
    size or time), or None."""
    try:
        status = os.lstat(source.path)
    except FileNotFoundError:
        return f"{source.path} is missing"
    except OSError as exc:
        return cannot_read(source.path, exc)
    if stat.S_ISLNK(status.st_mode):
        return f"{source.path} is a link"
    if not stat.S_ISREG(status.st_mode):
        return f"{source.path} is {kind_of(status.st_mode)}, not a regular file"
    if (status.st_size, status.st_mtime_ns) != (source.size, source.mtime_ns):
        return f"{source.path} has changed since the session was saved"
    return None


# ---- session.json -------------------------------------------------------------------------------


class _Invalid(Exception):
    """What is wrong with a session's description, in words."""


def _check(data) -> None:
    """Raise _Invalid unless `data` is a session description of the known schema."""
    if not isinstance(data, dict):
        raise _Invalid(f"it is a {type(data).__name__}, not an object")
    version = data.get("version")
    if not _is_int(version) or not 1 <= version <= VERSION:
        raise _Invalid(f"its version is {_shown(version)}, not {VERSION}")
    models = data.get("models")
    if not isinstance(models, list) or len(models) > MAX_MODELS:
        raise _Invalid(f"its models are {_shown(models)}, not a list of at most {MAX_MODELS:,}")
    for k, entry in enumerate(models, 1):
        if not isinstance(entry, dict):
            raise _Invalid(f"model {k} is {_shown(entry)}, not an object")
        _text(entry.get("name"), f"the name of model {k}", MAX_NAME)
        if not _plain_name(entry.get("file")):
            raise _Invalid(f"the file of model {k} is {_shown(entry.get('file'))}, not a file name in the folder")
        if entry.get("kind") not in KINDS:
            raise _Invalid(f"the kind of model {k} is {_shown(entry.get('kind'))}, not one of {', '.join(KINDS)}")
        if entry["kind"] == "fasttext":
            _check_source(entry, k)
        if entry["kind"] == "ensemble":
            _check_runs(entry, k)
    if len(_files(models)) != len(models) + sum(len(_runs(entry)) for entry in models):
        raise _Invalid("two models share a file")
    pins = data.get("pins", [])
    if not isinstance(pins, list) or len(pins) > MAX_PINS:
        raise _Invalid(f"its pinned words are {_shown(pins)}, not a list of at most {MAX_PINS:,}")
    for word in pins:
        _text(word, "a pinned word", MAX_WORD)
    analogy = data.get("analogy")
    if analogy is not None:
        if not isinstance(analogy, list) or len(analogy) != 4:
            raise _Invalid(f"its analogy is {_shown(analogy)}, not four words")
        for word in analogy:
            _text(word, "a word of its analogy", MAX_WORD)
    current = data.get("current")
    if current is not None and not (_is_int(current) and 0 <= current < len(models)):
        raise _Invalid(f"its current model is {_shown(current)}, not one of its {len(models)} models")


def _check_runs(entry: dict, k: int) -> None:
    """Raise _Invalid unless an ensemble entry lists its other runs' files and every run's seed."""
    runs, seeds = entry.get("runs"), entry.get("seeds")
    if not (isinstance(runs, list) and len(runs) < MAX_RUNS and all(_plain_name(r) for r in runs)):
        raise _Invalid(f"the runs of model {k} are {_shown(runs)}, not a list of file names in the folder")
    if not (isinstance(seeds, list) and len(seeds) == len(runs) + 1 and all(_is_int(s) and s >= 0 for s in seeds)):
        raise _Invalid(f"the seeds of model {k} are {_shown(seeds)}, not one whole number per run")


def _files(models: list) -> set[str]:
    """Every file the entries name (an ensemble's runs too)."""
    return {name for entry in models for name in [entry["file"], *_runs(entry)]}


def _runs(entry: dict) -> list:
    return entry["runs"] if entry.get("kind") == "ensemble" else []


def _check_source(entry: dict, k: int) -> None:
    """Raise _Invalid unless a fastText entry names its source file: absolute path, size, mtime_ns,
    word limit (or null)."""
    path, size, mtime, limit = (entry.get(key) for key in ("source", "size", "mtime_ns", "limit"))
    if not (isinstance(path, str) and 0 < len(path) <= MAX_PATH and "\0" not in path and os.path.isabs(path)):
        raise _Invalid(f"the source of model {k} is {_shown(path)}, not an absolute path")
    if not (_is_int(size) and size >= 0):
        raise _Invalid(f"the size of model {k} is {_shown(size)}, not a number of bytes")
    if not _is_int(mtime):
        raise _Invalid(f"the mtime_ns of model {k} is {_shown(mtime)}, not a whole number")
    if limit is not None and not (_is_int(limit) and limit >= 0):
        raise _Invalid(f"the word limit of model {k} is {_shown(limit)}, not a number of words or null")


def _text(value, what: str, longest: int) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= longest:
        raise _Invalid(f"{what} is {_shown(value)}, not a text of 1 to {longest:,} characters")


def _plain_name(name) -> bool:
    """A file name that stays in the folder: no separator, not `.` or `..`, not hidden."""
    return (isinstance(name, str) and 0 < len(name) <= 255 and not name.startswith(".")
            and not any(ch in name for ch in "/\\\0") and Path(name).name == name)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value) -> str:
    """A short, one-line rendering of a JSON value for a message."""
    text = json.dumps(value, ensure_ascii=True, default=lambda v: type(v).__name__)
    return text if len(text) <= 60 else text[:57] + "..."


def _lstat(path: Path, missing: str) -> os.stat_result:
    """The status of `path` itself (a link is not followed); FormatError `missing` if it is absent."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        raise FormatError(missing) from None
    except OSError as exc:
        raise FormatError(cannot_read(path, exc)) from None


def _read_index(index: Path) -> dict:
    if stat.S_ISLNK(_lstat(index, f"{index.parent} is not a session: it has no {SESSION_FILE}").st_mode):
        raise FormatError(f"{index} is a link; a session's files must be in its folder")
    with open_regular(index, FormatError) as f:
        raw = f.read(MAX_INDEX + 1)
    if len(raw) > MAX_INDEX:
        raise FormatError(f"{index} is larger than {MAX_INDEX >> 20} MB: not a session's description")
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise FormatError(f"{index} is damaged (nested too deeply)") from None
    except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError
        raise FormatError(f"{index} is damaged ({str(exc)[:120]})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FormatError(f"{index} is not a w2vstudio session")
    return data


def _model_file(index: Path, name: str) -> Path:
    """The model file `name` of the session, if it is a regular file inside the folder."""
    folder = index.parent
    file = folder / name
    status = _lstat(file, f"{index} lists {name}, which is missing")
    if stat.S_ISLNK(status.st_mode) or file.resolve().parent != folder.resolve():
        raise FormatError(f"{file} is a link; a session's model files must be in its folder")
    return file


def _listed_files(index: Path) -> set[str]:
    """The model files an existing, valid session.json lists (none otherwise)."""
    try:
        data = _read_index(index)
        _check(data)
    except (FormatError, _Invalid, OSError):
        return set()
    return _files(data["models"])

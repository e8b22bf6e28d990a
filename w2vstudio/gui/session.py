"""A studio session: the models trained or opened (with their snapshots), the pinned words and the
analogy probe.

Saved as a folder: `session.json` (names, files, pins, analogy; no pickle) beside one w2vstudio
model file per model, which holds its snapshots (`SnapshotRecorder.save_into`). No Qt here.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from w2vstudio.core.errors import Cancelled, FormatError
from w2vstudio.core.io import load_vectors, save_vectors
from w2vstudio.core.model import Model
from w2vstudio.core.snapshots import SnapshotRecorder
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.probes import AnalogyProbe

SESSION_FILE = "session.json"
FORMAT, VERSION = "w2vstudio-session", 1


@dataclass(eq=False)
class Entry:
    """One model of the session: its vectors, and the trained model and snapshots if it has them."""

    name: str
    kv: KeyedVectors
    model: Model | None = None
    recorder: SnapshotRecorder | None = None
    saved: bool = True  # closing the session loses nothing of it


def model_entry(name: str, model: Model, saved: bool) -> Entry:
    """An entry for a model read from a file, with the snapshots stored in it (no counts where the
    file has none, as when vectors without counts were saved as a model)."""
    counts = model.vocab.counts
    kv = KeyedVectors(model.vocab.words, model.vectors, counts if counts.any() else None)
    return Entry(name, kv, model, SnapshotRecorder.load_from(model), saved)


class Session:
    """The models (in the order they came), the pinned words and the analogy probe."""

    def __init__(self, entries: list[Entry] | None = None, pins: list[str] | None = None,
                 analogy: AnalogyProbe | None = None):
        self.entries: list[Entry] = list(entries or [])
        self.pins: list[str] = list(pins or [])
        self.analogy = analogy

    def unique_name(self, base: str) -> str:
        """`base`, or `base #2`, `#3`... if a model already has that name."""
        names = {e.name for e in self.entries}
        n = 1
        name = base
        while name in names:
            n += 1
            name = f"{base} #{n}"
        return name

    def add(self, entry: Entry) -> Entry:
        """Add `entry` under a name no other model has."""
        entry.name = self.unique_name(entry.name)
        self.entries.append(entry)
        return entry

    def remove(self, entry: Entry):
        self.entries.remove(entry)

    def unsaved(self) -> list[Entry]:
        return [e for e in self.entries if not e.saved]

    def save(self, folder, current: Entry | None = None):
        """Write the session into `folder` (created if needed; an existing one must be a session)."""
        folder = Path(folder)
        index = folder / SESSION_FILE
        if folder.is_dir() and any(folder.iterdir()) and not index.exists():
            raise FormatError(f"{folder} is a folder with other files in it, not a session")
        folder.mkdir(parents=True, exist_ok=True)
        old = _listed_files(index) if index.exists() else set()
        listed = []
        for i, entry in enumerate(self.entries, 1):
            path = folder / f"model-{i}.npz"
            if entry.model is not None:
                if entry.recorder is not None:
                    entry.recorder.save_into(entry.model)
                entry.model.save(path)
            else:
                save_vectors(entry.kv, path, "model")
            listed.append({"name": entry.name, "file": path.name, "kind": "vectors" if entry.model is None else "model"})
        data = {"format": FORMAT, "version": VERSION, "pins": self.pins, "models": listed,
                "analogy": None if self.analogy is None else list(self.analogy.words),
                "current": self.entries.index(current) if current in self.entries else None}
        tmp = index.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, index)
        for name in old - {m["file"] for m in listed}:
            (folder / name).unlink(missing_ok=True)

    @classmethod
    def load(cls, path, cancel: threading.Event | None = None) -> tuple[Session, Entry | None]:
        """The session saved in a folder (or its session.json), and its current model. Setting
        `cancel` stops it (`Cancelled`) before the next model, or while it reads vectors."""
        path = Path(path)
        index = path if path.name == SESSION_FILE else path / SESSION_FILE
        data = _read_index(index)
        entries = []
        try:
            for m in data["models"]:
                if cancel is not None and cancel.is_set():
                    raise Cancelled("opening the session was cancelled")
                file = index.parent / Path(m["file"]).name
                if m["kind"] == "model":
                    entries.append(model_entry(m["name"], Model.load(file), True))
                else:
                    entries.append(Entry(m["name"], load_vectors(file, cancel=cancel)))
            session = cls(entries, [str(w) for w in data.get("pins", [])], _analogy(data.get("analogy")))
            current = data.get("current")
            return session, entries[current] if isinstance(current, int) and 0 <= current < len(entries) else None
        except (KeyError, TypeError) as exc:
            raise FormatError(f"{index} is not a valid session ({exc!r})") from None


def _analogy(words) -> AnalogyProbe | None:
    """The analogy probe saved as [a, b, c, expected] (or null)."""
    if words is None:
        return None
    if not (isinstance(words, list) and len(words) == 4 and all(isinstance(w, str) and w for w in words)):
        raise TypeError(f"the analogy is {words!r}, not four words")
    return AnalogyProbe(*words)


def _read_index(index: Path) -> dict:
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormatError(f"{index.parent} is not a session: it has no {SESSION_FILE}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{index} is damaged ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FormatError(f"{index} is not a w2vstudio session")
    return data


def _listed_files(index: Path) -> set[str]:
    """The model files an existing session.json lists (none if it cannot be read)."""
    try:
        return {Path(m["file"]).name for m in _read_index(index)["models"]}
    except (FormatError, KeyError, TypeError):
        return set()

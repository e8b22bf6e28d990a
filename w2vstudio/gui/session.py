"""The studio's one observable state: the models of the session, the one explored, the pinned words
and the analogy probe (`StudioSession`). Panels take it in their constructor and subscribe to its
signals; they change it through its methods, never by hand. (On disk a session is a folder:
`core.session`, called by `gui.files` off the GUI thread.)
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from w2vstudio.core.train.model import Model
from w2vstudio.core.watch.pinned import AnalogyProbe
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.files.sparkfiles import SparkMetadata
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings


@dataclass(eq=False)
class Entry:
    """One model of the session: its vectors, and the trained model and snapshots if it has them
    (`spark`: the metadata of a model saved by Spark, read with it)."""

    name: str
    kv: KeyedVectors
    model: Model | None = None
    recorder: SnapshotRecorder | None = None
    saved: bool = True  # closing the session loses nothing of it
    spark: SparkMetadata | None = None


def model_entry(name: str, model: Model, saved: bool = True) -> Entry:
    """An entry for a model read from a file, with the snapshots stored in it (no counts where the
    file has none, as when vectors without counts were saved as a model)."""
    counts = model.vocab.counts
    kv = KeyedVectors(model.vocab.words, model.vectors, counts if counts.any() else None)
    return Entry(name, kv, model, SnapshotRecorder.load_from(model), saved)


def unique_name(base: str, taken) -> str:
    """`base`, or `base #2`, `#3`... if a name in `taken` is already `base`."""
    taken = set(taken)
    n, name = 1, base
    while name in taken:
        n += 1
        name = f"{base} #{n}"
    return name


@dataclass(frozen=True)
class LoadedSession:
    """A session read from its folder."""

    entries: list[Entry]
    pins: list[str]
    probe: AnalogyProbe | None
    current: Entry | None
    notes: tuple[str, ...] = ()  # what the user should know (a fastText model without its n-grams ...)


class StudioSession(QObject):
    """The models (in the order they came), the one explored (`current`), the pins and the probe.

    `models_changed()`: a model came, went, or was saved. `current_changed(entry or None)`: another
    model is explored. `pins_changed(pins)`, `probe_changed(AnalogyProbe or None)`."""

    models_changed = Signal()
    current_changed = Signal(object)
    pins_changed = Signal(list)
    probe_changed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._current: Entry | None = None
        self._pins: list[str] = [str(w) for w in settings.get("watch/pins")]
        self._probe: AnalogyProbe | None = None

    # -- reading ---------------------------------------------------------------------------------
    @property
    def entries(self) -> list[Entry]:
        return list(self._entries)

    @property
    def current(self) -> Entry | None:
        return self._current

    @property
    def pins(self) -> list[str]:
        return list(self._pins)

    @property
    def probe(self) -> AnalogyProbe | None:
        return self._probe

    def unsaved(self) -> list[Entry]:
        return [e for e in self._entries if not e.saved]

    # -- changing --------------------------------------------------------------------------------
    def add(self, entry: Entry) -> Entry:
        """Add `entry` under a name no other model has, and explore it."""
        entry.name = unique_name(entry.name, (e.name for e in self._entries))
        self._entries.append(entry)
        self.models_changed.emit()
        self.choose(entry)
        return entry

    def choose(self, entry: Entry | None):
        """Explore `entry` (one of the session's models, or None)."""
        if entry is not self._current:
            self._current = entry
            self.current_changed.emit(entry)

    def show_current_again(self):
        """Tell the panels to show the model explored again (they left it to follow a run)."""
        self.current_changed.emit(self._current)

    def remove(self, entry: Entry):
        """Forget `entry`; if it was explored, the last other one is."""
        self._entries.remove(entry)
        self.models_changed.emit()
        if entry is self._current:
            self.choose(self._entries[-1] if self._entries else None)

    def mark_saved(self, entries: list[Entry]):
        for entry in entries:
            entry.saved = True
        self.models_changed.emit()

    def set_pins(self, pins: list[str]):
        """Pin these words (and no others); they are remembered for the next start."""
        pins = list(dict.fromkeys(pins))
        if pins != self._pins:
            self._pins = pins
            settings.put("watch/pins", pins)
            self.pins_changed.emit(self.pins)

    def toggle_pin(self, word: str):
        self.set_pins([w for w in self._pins if w != word] if word in self._pins else self._pins + [word])

    def set_probe(self, probe: AnalogyProbe | None):
        """Watch this analogy (None: none); it is saved with the session."""
        if probe != self._probe:
            self._probe = probe
            self.probe_changed.emit(probe)

    def replace(self, loaded: LoadedSession):
        """Take the models, pins and probe of a session read from disk."""
        self._entries = list(loaded.entries)
        self.models_changed.emit()
        self.set_pins(loaded.pins)
        self.set_probe(loaded.probe)
        self.choose(loaded.current or (self._entries[-1] if self._entries else None))

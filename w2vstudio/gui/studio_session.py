"""The studio's one observable state: the models of the session, the one explored, the pinned words,
the analogy probe, the run in progress, the moment of training shown and the corpus
(`StudioSession`). Panels take it in their constructor and subscribe to its signals; they change it
through its methods, never by hand. (On disk a session is a folder: `core.session`, called by
`gui.files` off the GUI thread.)
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from w2vstudio.core.train.model import Model
from w2vstudio.core.watch.pinned import AnalogyProbe
from w2vstudio.core.corpus.scan import ScannedCorpus
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.files.sparkfiles import SparkMetadata
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings

_UNTOLD = object()  # no moment told yet


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
    run_models: tuple = ()  # an ensemble's runs as trained models, where they were kept (trained, or read here)

    def models(self) -> list[Model]:
        """The trained models behind the entry: an ensemble's runs, the one model, or none."""
        return list(self.run_models) if self.run_models else [self.model] if self.model is not None else []


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
class RestoredSession:
    """A session read from its folder."""

    entries: list[Entry]
    pins: list[str]
    probe: AnalogyProbe | None
    current: Entry | None
    notes: tuple[str, ...] = ()  # what the user should know (a fastText model without its n-grams ...)


@dataclass(frozen=True, eq=False)
class Corpus:
    """The corpus to train on: its files and folders, whether words are folded to lower case, and
    its scan once read (`scanning` while it is being read). `cached`: the entries of the encoded
    corpus cache (`core.corpus.cache.Entry`, most recently used first) made from these files as
    they are now, read with this case folding: a run whose vocabulary settings are an entry's
    reads it instead of scanning, and its estimate comes from the entry's manifest."""

    paths: tuple[Path, ...] = ()
    lowercase: bool = True
    scanned: ScannedCorpus | None = None
    phrases: bool = False  # join collocations into one token before training
    scanning: bool = False
    cached: tuple = ()

    @property
    def name(self) -> str:
        """A short name for the corpus, used to name models."""
        if not self.paths:
            return "corpus"
        first = self.paths[0].name
        return first if len(self.paths) == 1 else f"{first} +{len(self.paths) - 1}"


class StudioSession(QObject):
    """The models (in the order they came), the one explored (`current`), the pins and the probe;
    the run in progress (`run`), the moment of training shown (`moment`, in epochs) and the corpus.

    `models_changed()`: a model came, went, or was saved. `current_changed(entry or None)`: another
    model is explored. `pins_changed(pins)`, `probe_changed(AnalogyProbe or None)`.
    `run_started(TrainingRun)`, `run_progressed(TrainingRun)` (it took a snapshot, or an epoch
    ended), `run_finished(RunResult, or None when it failed or was dropped)`.
    `moment_changed(epochs or None)`: another moment of training is shown (None: none, or the
    latest while following a run). `corpus_changed(Corpus)`: other files, case folding or scan;
    `word_lines_changed(lines)`: the lines of the corpus shown for a word (`kwic.ContextLine`s).
    `scan_requested()` and `scan_cancel_requested()`: read the corpus now, or stop reading it.
    `probe_pairs_changed(pairs)`: other (input, output) pairs chosen for the next run's probes.
    `cache_written()`: a run wrote an entry of the encoded corpus cache (the corpus's `cached`
    entries may have changed).

    `cache`: where runs cache the encoded corpus and where the corpus's entries are looked for
    (`core.corpus.cache.wanted_folder`: None, the default rule; a folder; False, no cache)."""

    models_changed = Signal()
    current_changed = Signal(object)
    pins_changed = Signal(list)
    probe_changed = Signal(object)
    run_started = Signal(object)
    run_progressed = Signal(object)
    run_finished = Signal(object)
    moment_changed = Signal(object)
    corpus_changed = Signal(object)
    word_lines_changed = Signal(list)
    scan_requested = Signal()
    scan_cancel_requested = Signal()
    probe_pairs_changed = Signal(list)
    cache_written = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._current: Entry | None = None
        self._pins: list[str] = [str(w) for w in settings.get("watch/pins")]
        self._probe: AnalogyProbe | None = None
        self._run = None  # TrainingRun
        self._moment: float | None = None
        self._telling_moment = False  # moment_changed is being emitted
        self._corpus = Corpus(lowercase=settings.get("corpus/lowercase"))
        self._word_lines: list = []
        self._probe_pairs: list[tuple[str, str]] = []
        self.cache: str | Path | bool | None = None  # the encoded corpus cache (see the class's docstring)

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

    @property
    def run(self):
        """The `TrainingRun` in progress, or None."""
        return self._run

    @property
    def moment(self) -> float | None:
        return self._moment

    @property
    def corpus(self) -> Corpus:
        return self._corpus

    @property
    def word_lines(self) -> list:
        return list(self._word_lines)

    @property
    def probe_pairs(self) -> list[tuple[str, str]]:
        """The (input, output) pairs the next run probes (none: the corpus's highest-PMI pairs)."""
        return list(self._probe_pairs)

    def unsaved(self) -> list[Entry]:
        return [e for e in self._entries if not e.saved]

    # -- changing --------------------------------------------------------------------------------
    def add(self, entry: Entry) -> Entry:
        """Add `entry` under a name no other model has, and explore it."""
        entry.name = unique_name(entry.name, (e.name for e in self._entries))
        self._entries.append(entry)
        gc.freeze()  # its words left out of the garbage collector's walks (see `_set_corpus`)
        self.models_changed.emit()
        self.choose(entry)
        return entry

    def choose(self, entry: Entry | None):
        """Explore `entry` (one of the session's models, or None)."""
        if entry is not self._current:
            self._current = entry
            self.set_moment(None)  # a moment of another model's training
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

    def set_probe_pairs(self, pairs):
        """Probe these (input, output) pairs in the next run (none: the PMI pairs)."""
        pairs = list(dict.fromkeys((str(a), str(b)) for a, b in pairs))
        if pairs != self._probe_pairs:
            self._probe_pairs = pairs
            self.probe_pairs_changed.emit(self.probe_pairs)

    def replace(self, loaded: RestoredSession):
        """Take the models, pins and probe of a session read from disk."""
        self._entries = list(loaded.entries)
        self.models_changed.emit()
        self.set_pins(loaded.pins)
        self.set_probe(loaded.probe)
        self.choose(loaded.current or (self._entries[-1] if self._entries else None))

    # -- the run, the moment, the corpus ---------------------------------------------------------
    def start_run(self, run):
        """A `TrainingRun` started."""
        self._run = run
        self.run_started.emit(run)

    def advance_run(self):
        """The run in progress took a snapshot, or an epoch ended."""
        if self._run is not None:
            self.run_progressed.emit(self._run)

    def finish_run(self, outcome):
        """The run ended: its `RunResult`, or None if it failed or was dropped."""
        self._run = None
        self.run_finished.emit(outcome)

    def set_moment(self, epochs: float | None):
        """Show this moment of training (None: none). A moment set while the last one is being told
        is told after it, so that every panel ends on the latest."""
        if epochs == self._moment:
            return
        self._moment = epochs
        if self._telling_moment:
            return
        self._telling_moment = True
        try:
            told = _UNTOLD
            while told != self._moment:
                told = self._moment
                self.moment_changed.emit(told)
        finally:
            self._telling_moment = False

    def set_corpus(self, paths, lowercase: bool):
        """Make these files and folders, read with this case folding, the corpus (not read yet);
        the case folding is remembered for the next start."""
        settings.put("corpus/lowercase", lowercase)
        self._set_corpus(Corpus(tuple(Path(p) for p in paths), lowercase, phrases=self._corpus.phrases))

    def set_phrases(self, phrases: bool):
        """Whether collocations are joined into phrase tokens before training."""
        self._set_corpus(replace(self._corpus, phrases=phrases))

    def set_scanning(self, scanning: bool):
        """The corpus is being read, or no longer."""
        self._set_corpus(replace(self._corpus, scanning=scanning))

    def set_scanned(self, scanned: ScannedCorpus):
        """The corpus has been read."""
        self._set_corpus(replace(self._corpus, scanned=scanned, scanning=False))

    def set_cached(self, entries):
        """The cache entries of the corpus's files as they are now (see `Corpus.cached`)."""
        entries = tuple(entries)
        if entries != self._corpus.cached:
            self._set_corpus(replace(self._corpus, cached=entries))

    def _set_corpus(self, corpus: Corpus):
        self._corpus = corpus
        if corpus.scanned is not None:
            # A vocabulary of millions of words is lists of millions of items, which every full
            # collection of the cyclic garbage collector would walk, holding the GIL
            # (200 ms and more, on whichever thread): the objects alive now are left out of it.
            gc.freeze()
        self.corpus_changed.emit(corpus)

    def tell_cache_written(self):
        """A run wrote an entry of the encoded corpus cache (`cache_written`)."""
        self.cache_written.emit()

    def request_scan(self):
        """Ask for the corpus to be read now (`corpus_changed` brings the scan)."""
        self.scan_requested.emit()

    def cancel_scan(self):
        """Ask for the reading of the corpus to stop (the corpus stays unread)."""
        self.scan_cancel_requested.emit()

    def set_word_lines(self, lines: list):
        """Show these lines of the corpus (`kwic.ContextLine`s) for the word selected."""
        self._word_lines = list(lines)
        self.word_lines_changed.emit(self.word_lines)

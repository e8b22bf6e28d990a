"""An ensemble: K models of one corpus that differ by seed or by a bootstrap resample, kept together.

On disk, one folder: `manifest.json` (written last, atomically) beside `run-1.npz` ... `run-K.npz`
(or `.bin` / `.txt` vectors). In memory, `Ensemble`: a `KeyedVectors` of the first run on the
vocabulary the runs share (their intersection, in the first run's order of frequency), whatever
needs one model uses it; `runs` holds every run's `KeyedVectors` on that same vocabulary.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.support.opener import open_input
from w2vstudio.core.vectors import KeyedVectors

MANIFEST = "manifest.json"
FORMAT = "w2vstudio-ensemble"
VERSION = 1
MAX_RUNS = 1000
_MAX_MANIFEST = 16 << 20
_RUN_FILE = re.compile(r"run-[0-9]{1,4}\.(npz|bin|txt)")
SUFFIXES = {"model": ".npz", "bin": ".bin", "txt": ".txt"}


@dataclass(frozen=True)
class RunRecord:
    """One run of an ensemble as its manifest lists it."""

    file: str  # a plain name in the folder
    seed: int
    params: dict
    bootstrap: bool = False  # trained on a bootstrap resample drawn with numpy's default_rng(seed)


@dataclass(frozen=True)
class Manifest:
    runs: tuple[RunRecord, ...]
    bootstrap: bool
    documents: str = ""  # what the bootstrap resampled: "lines" or "chunks of 1000 words"
    corpus: tuple[str, ...] = ()


def manifest_path(path: str | Path) -> Path | None:
    """The manifest of an ensemble folder (or the manifest itself), or None: not an ensemble."""
    path = Path(path)
    if path.name == MANIFEST and path.is_file():
        return path
    if path.is_dir() and (path / MANIFEST).is_file():
        return path / MANIFEST
    return None


def is_ensemble(path: str | Path) -> bool:
    """A folder (or its manifest.json) whose manifest names the ensemble format in its first bytes:
    a corpus folder with some other manifest.json stays a corpus."""
    file = manifest_path(path)
    if file is None:
        return False
    try:
        with open_input(file, FormatError) as f:
            head = f.read(4096)
    except (FormatError, OSError):
        return False
    return f'"{FORMAT}"'.encode() in head


def read_manifest(path: str | Path) -> tuple[Path, Manifest]:
    """The folder and its checked manifest (FormatError naming the file otherwise)."""
    file = manifest_path(path)
    if file is None:
        raise FormatError(f"{path}: no {MANIFEST}: not an ensemble folder")
    with open_input(file, FormatError) as f:
        raw = f.read(_MAX_MANIFEST + 1)
    if len(raw) > _MAX_MANIFEST:
        raise FormatError(f"{file}: over {_MAX_MANIFEST >> 20} MB: not an ensemble manifest")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FormatError(f"{file}: not valid JSON ({exc})") from None

    def bad(why: str):
        return FormatError(f"{file}: {why}")

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise bad(f'not an ensemble manifest (its "format" is not "{FORMAT}")')
    if data.get("version") != VERSION:
        raise bad(f"version {data.get('version')!r} is not one this studio reads ({VERSION})")
    runs = data.get("runs")
    if not isinstance(runs, list) or not 1 <= len(runs) <= MAX_RUNS:
        raise bad(f'"runs" must list 1 to {MAX_RUNS} runs')
    records, seen = [], set()
    for i, run in enumerate(runs, 1):
        if not isinstance(run, dict):
            raise bad(f"run {i} is not an object")
        name, seed, params = run.get("file"), run.get("seed"), run.get("params", {})
        if not isinstance(name, str) or not _RUN_FILE.fullmatch(name) or name in seen:
            raise bad(f"run {i}: its file must be a distinct name like run-{i}.npz in the folder")
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise bad(f"run {i}: its seed must be a whole number of at least 0")
        if not isinstance(params, dict):
            raise bad(f"run {i}: its params must be an object")
        seen.add(name)
        records.append(RunRecord(name, seed, params, bool(run.get("bootstrap", False))))
    corpus = data.get("corpus", [])
    corpus = tuple(c for c in corpus if isinstance(c, str)) if isinstance(corpus, list) else ()
    documents = data.get("documents") if isinstance(data.get("documents"), str) else ""
    return file.parent, Manifest(tuple(records), bool(data.get("bootstrap", False)), documents, corpus)


def run_paths(folder: Path, manifest: Manifest) -> list[Path]:
    """Each run's file, refused in one line if missing, a link or not a regular file."""
    paths = []
    for run in manifest.runs:
        path = folder / run.file
        if path.is_symlink() or not path.is_file():
            raise FormatError(f"{path}: listed in {folder / MANIFEST} but "
                              f"{'a link' if path.is_symlink() else 'missing or not a regular file'}")
        paths.append(path)
    return paths


class EnsembleWriter:
    """Writes an ensemble folder: each run as it is added (`add`), the manifest last (`finish`).

    A folder that exists must be empty or an ensemble (whose old run files not listed again are
    removed once the new manifest is in place); a file at the path is refused."""

    def __init__(self, folder: str | Path, fmt: str = "model"):
        self.folder = Path(folder)
        self.fmt = fmt
        self._old: list[str] = []
        if self.folder.exists() and not self.folder.is_dir():
            raise W2VError(f"{self.folder} exists and is not a folder: an ensemble is written as a folder")
        if self.folder.is_dir():
            if is_ensemble(self.folder):
                try:
                    self._old = [r.file for r in read_manifest(self.folder)[1].runs]
                except FormatError:
                    self._old = []
            elif any(self.folder.iterdir()):
                raise W2VError(f"{self.folder} is a folder that is neither empty nor an ensemble; "
                               "give a new folder for the ensemble")
        elif not self.folder.parent.is_dir():
            raise W2VError(f"cannot write {self.folder}: {self.folder.parent} does not exist")
        self.records: list[RunRecord] = []

    def prepare(self) -> None:
        """Create the folder (before training, so that a path that cannot be written fails first)."""
        try:
            self.folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise W2VError(f"cannot write {self.folder}: {exc.strerror or exc}") from None

    def add(self, write, seed: int, params: dict, bootstrap: bool = False) -> Path:
        """Write the next run with `write(path)`; returns its path."""
        name = f"run-{len(self.records) + 1}{SUFFIXES[self.fmt]}"
        path = self.folder / name
        write(path)
        self.records.append(RunRecord(name, int(seed), dict(params), bootstrap))
        return path

    def finish(self, bootstrap: bool = False, documents: str = "", corpus: Sequence[str] = ()) -> Path:
        """Write manifest.json atomically, then remove the old runs it no longer lists."""
        data = {"format": FORMAT, "version": VERSION, "bootstrap": bootstrap, "documents": documents,
                "vocabulary": "intersection, in the first run's order", "corpus": list(corpus),
                "runs": [{"file": r.file, "seed": r.seed, "bootstrap": r.bootstrap, "params": r.params}
                         for r in self.records]}
        path = self.folder / MANIFEST
        with atomic_write(path, "w") as f:
            f.write(jsonsafe.dumps(data, indent=1))
        listed = {r.file for r in self.records}
        for name in self._old:
            if name not in listed and _RUN_FILE.fullmatch(name):
                try:
                    os.unlink(self.folder / name)
                except OSError:
                    pass
        return path


class Ensemble(KeyedVectors):
    """K runs on their shared vocabulary; as a `KeyedVectors`, the first run.

    `runs`: each run's `KeyedVectors` on the same words in the same rows; `seeds` and `manifest`
    as the folder lists them (None for an ensemble made in memory)."""

    def __init__(self, runs: Sequence[KeyedVectors], seeds: Sequence[int] | None = None,
                 manifest: Manifest | None = None):
        if not runs:
            raise W2VError("an ensemble needs at least one run")
        dims = {kv.dim for kv in runs}
        if len(dims) > 1:
            raise W2VError(f"the runs of an ensemble must have one dimension, not {sorted(dims)}")
        first = runs[0]
        keep = [w for w in first.words if all(w in kv for kv in runs[1:])]
        rows0 = np.array([first.word_rows[w] for w in keep], dtype=np.int64)
        counts = None if first.counts is None else first.counts[rows0]
        super().__init__(keep, first.vectors[rows0] if len(keep) != len(first) else first.vectors, counts)
        shared = []
        for kv in runs:
            rows = np.array([kv.word_rows[w] for w in keep], dtype=np.int64)
            same = len(keep) == len(kv) and np.array_equal(rows, np.arange(len(kv)))
            shared.append(self.with_vectors(kv.vectors if same else kv.vectors[rows]))
        shared[0] = self.with_vectors(self.vectors)
        self.runs: list[KeyedVectors] = shared
        self.seeds = tuple(seeds) if seeds is not None else tuple(range(1, len(runs) + 1))
        self.manifest = manifest
        self.notes = tuple(n for kv in runs for n in kv.notes)

    @property
    def k(self) -> int:
        return len(self.runs)

    def __repr__(self) -> str:
        return f"Ensemble({self.k} runs, {len(self)} words x {self.dim} dims)"


def runs_of(kv: KeyedVectors) -> list[KeyedVectors]:
    """The runs of an ensemble, or the one model as a list of one."""
    return list(kv.runs) if isinstance(kv, Ensemble) else [kv]


def run_files(path: str | Path) -> list[Path]:
    """Every run file of an ensemble folder; any other path as a list of one."""
    if not is_ensemble(path):
        return [Path(path)]
    folder, manifest = read_manifest(path)
    return run_paths(folder, manifest)


def first_run(path: str | Path) -> Path:
    """Where one model is needed: an ensemble's first run file; any other path as given."""
    return run_files(path)[0]

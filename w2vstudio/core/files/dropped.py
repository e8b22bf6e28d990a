"""What dropped or chosen paths are: saved sessions, vectors files to explore, or corpus text.
Looks at each path without opening anything that could block (a FIFO, a device or a socket is
refused); a file whose content is no vectors format is corpus text, unless its suffix says vectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from w2vstudio.core.errors import ForeignFile, FormatError
from w2vstudio.core.files.ensemble import is_ensemble
from w2vstudio.core.files.vectorfiles import detect_format
from w2vstudio.core.files.sessionfile import SESSION_FILE
from w2vstudio.core.files.sparkfiles import is_spark_model

VECTOR_SUFFIXES = {".bin", ".vec", ".npz", ".w2v", ".kv", ".emb"}  # only to word errors; content decides


@dataclass
class SortedPaths:
    """Dropped or chosen paths by what they are, and one sentence for each that cannot be opened."""

    sessions: list[Path] = field(default_factory=list)
    vectors: list[Path] = field(default_factory=list)
    corpus: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_session(path: Path) -> bool:
    """A saved session: its folder, or the session.json in it."""
    return (path / SESSION_FILE).is_file() if path.is_dir() else path.name == SESSION_FILE


def sort_paths(paths) -> SortedPaths:
    """Sessions, vectors files (ensemble folders and Word2Vec models saved by Spark) and corpus files or folders among
    `paths` (a file whose content is no vectors format is corpus text, unless its suffix says vectors)."""
    out = SortedPaths()
    for path in map(Path, paths):
        try:
            if is_session(path):
                out.sessions.append(path)
            elif is_ensemble(path):  # a folder with a manifest.json of runs (or that manifest): one entry
                out.vectors.append(path.parent if path.is_file() else path)
            elif is_spark_model(path):  # a folder whose metadata names a Word2Vec model
                out.vectors.append(path)
            elif path.is_dir():
                out.corpus.append(path)
            elif not path.exists():
                out.errors.append(f"{path} does not exist")
            elif not path.is_file():
                out.errors.append(f"{path.name} is not a regular file (a pipe, device or socket) and cannot be opened")
            else:
                _sort_file(path, out)
        except Exception as exc:  # a damaged file is one sentence, whatever broke
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            out.errors.append(f"{path.name} could not be opened: {why}")
    return out


def _sort_file(path: Path, out: SortedPaths):
    try:
        detect_format(path)
    except FormatError as exc:
        if isinstance(exc, ForeignFile) or path.suffix.lower() in VECTOR_SUFFIXES:
            out.errors.append(str(exc))
        else:
            out.corpus.append(path)
    else:
        out.vectors.append(path)

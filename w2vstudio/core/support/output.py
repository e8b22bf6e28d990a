"""Where a run's result goes: the output checked before training, a rescue copy if it still fails.

A long run must not be lost to an output that cannot be written: `check_output` creates and
removes a probe file beside it first (exclusively: nothing existing is touched); if the final
write fails all the same (disk full, file system turned read-only), `rescue` writes the result
into the user's data folder (`$XDG_DATA_HOME/w2vstudio/rescued/`, by default
`~/.local/share/w2vstudio/rescued/`) and says where.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.folders import app_data


def check_output(path: Path) -> None:
    """Raise W2VError, in one sentence, unless a file can be created at `path`."""
    if path.is_dir():
        raise W2VError(f"{path} is a folder; give a file name for the output")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise W2VError(f"cannot write {path}: {folder} {what}")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
    except OSError as exc:
        raise W2VError(f"cannot write {path}: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(probe)


def rescue_folder() -> Path:
    """The user's folder for results that could not be written where asked."""
    return app_data() / "rescued"


def rescue(write: Callable[[Path], None], path: Path) -> Path:
    """`write(other)` into the rescue folder under `path`'s name and the time; the path written.
    Raises OSError if that fails too."""
    folder = rescue_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
    write(target)
    return target

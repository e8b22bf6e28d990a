"""Where a run's result goes: the output checked before training, a rescue copy if it still fails.

An output replaces nothing but a regular file that is none of the inputs (`check_replaceable`:
by device and inode, so through links; the atomic writer applies it to every file it writes).
A long run must not be lost to an output that cannot be written: `check_output` creates and
removes a probe file beside it first (exclusively: nothing existing is touched); if the final
write fails all the same (disk full, file system turned read-only), `rescue` writes the result
into the user's data folder (`$XDG_DATA_HOME/w2vstudio/rescued/`, by default
`~/.local/share/w2vstudio/rescued/`) and says where.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.folders import app_data

HIDDEN_NAME_KEPT = 100  # characters of a file's name kept in the names of the hidden files beside it


def check_replaceable(path: str | Path, inputs: Iterable[str | Path] = ()) -> None:
    """Raise W2VError, in one sentence, if `path` exists and is not a regular file (a folder, a
    device, a FIFO) or is the same file as one of `inputs` (a folder's files included)."""
    try:
        st = os.stat(path)
    except OSError:
        return  # absent (or a dangling link, replaced as a link): nothing of the user's is lost
    if stat.S_ISDIR(st.st_mode):
        raise W2VError(f"{path} is a folder; give a file name for the output")
    if not stat.S_ISREG(st.st_mode):
        raise W2VError(f"{path} is not a regular file (a device, FIFO or socket): w2vstudio will not replace it")
    for given in inputs:
        for file in _files(Path(given)):
            try:
                other = os.stat(file)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
                same = "" if str(file) == str(path) else f" ({file})"
                raise W2VError(f"{path} is one of the inputs{same}: writing it would destroy it; "
                               "give another output")


def _files(path: Path) -> Iterable[Path]:
    """`path`, or the files under it if it is a folder."""
    if not path.is_dir():
        yield path
        return
    for folder, _, names in os.walk(path):
        for name in names:
            yield Path(folder, name)


def check_output(path: Path, inputs: Iterable[str | Path] = ()) -> None:
    """Raise W2VError, in one sentence, unless a file can be created at `path` without replacing
    anything but a regular file that is none of `inputs`."""
    path = Path(path)
    check_replaceable(path, inputs)
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise W2VError(f"cannot write {path}: {folder} {what}")
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{path.name[:HIDDEN_NAME_KEPT]}.", suffix=".probe", dir=folder)
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

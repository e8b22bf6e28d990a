"""The one way files are written: completely or not at all.

`atomic_write(path)` yields a file created exclusively (``O_CREAT | O_EXCL``, never through a link)
under a random hidden name in the target's folder; once the caller's block has written it, it is
flushed to disk and renamed over `path`. A symlink at `path` is replaced as a link entry: its target
is never written; anything else that is not a regular file (a folder, a device, a FIFO) is refused
(`output.check_replaceable`). An error names `path`, never the temporary file. The new file keeps the mode of the regular file it replaces, else gets the
umask's default. On any exception, KeyboardInterrupt and SystemExit included, the temporary file
is removed and `path` is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

from w2vstudio.core.support.output import HIDDEN_NAME_KEPT, check_replaceable

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_TRIES = 100


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb", encoding: str | None = None):
    """A new file object (`mode` "wb" or "w") that replaces `path` once the block ends normally."""
    if mode not in ("wb", "w"):
        raise ValueError(f'mode must be "wb" or "w", not {mode!r}')
    path = Path(path)
    check_replaceable(path)
    try:
        fd, tmp = _create_beside(path)
    except OSError as exc:
        raise _naming(exc, path) from None
    try:
        with open(fd, mode, encoding="utf-8" if mode == "w" and encoding is None else encoding) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        old = _regular_mode(path)
        if old is not None:
            os.chmod(tmp, old)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (tmp, None, os.fspath(path)):
            raise _naming(exc, path) from None
        raise
    _sync_folder(path.parent)


def _create_beside(path: Path) -> tuple[int, str]:
    """An open descriptor of a new, empty file in `path`'s folder, and its name."""
    for _ in range(_TRIES):
        tmp = os.path.join(path.parent, f".{path.name[:HIDDEN_NAME_KEPT]}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp  # the umask applies
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {path}")


def _naming(exc: OSError, path: Path) -> OSError:
    """`exc` about `path` rather than the temporary file beside it."""
    return type(exc)(exc.errno, exc.strerror, os.fspath(path)) if exc.errno else exc


def _regular_mode(path: Path) -> int | None:
    """The permission bits of the regular file at `path` (None: absent, a link or not regular)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else None


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (where the system allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

"""Tokens read from a file while training reads them.

A cached corpus of a billion words is 4 GB of ids: read whole before training, on a cold disk at
50 MB/s, that is over a minute. Training reads about 1 M words a second, so it can start at once
and read behind the disk: `Arrival` reads the file into the corpus's array on a thread of its own,
checks each piece's ids (each within the vocabulary) before making it visible, and
`wait(n)` blocks until the first n ids have arrived and passed. A check that fails, a read error
or a file that ends early is raised by every `wait` after it, as `W2VError` naming the file; the
array's ids beyond `arrived` are never read by anyone.

A held-out slice (`corpus.heldout`) is carved before the reading starts: `start(holes)` reads the
held-out ranges at once (positioned reads: a few hundred small ones) and then the rest, each kept
range moved up behind the previous one, so the training corpus is the array's first `total` ids
and never holds a held-out word.

The reads release the GIL (``readinto``), and so do the checks (a kernel, `ids_within`), so the
reader holds up neither training nor the studio's event loop.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import numpy as np

from w2vstudio.core.errors import W2VError
from w2vstudio.core.kernels.text import ids_within

PIECE = 1 << 21  # ids per read and check (8 MiB)
_NO_HOLES = np.zeros((0, 2), np.int64)


class Arrival:
    """The reading of `out` (int32 ids, length the file's) from the open descriptor `fd`, which it
    owns; ids must lie in [0, `limit`). `name` names the file in errors; `on_failure(reason)` is
    called once, on the reader's thread, when the file fails a check (the cache removes its entry).
    The reading begins at `start()` (or the first `wait`)."""

    def __init__(self, fd: int, out: np.ndarray, limit: int, name: str,
                 on_failure: Callable[[str], None] | None = None):
        self.total = len(out)  # ids to arrive: the file's, less any held out
        self._out, self._limit, self._name = out, limit, name
        self._on_failure = on_failure
        self._file = open(fd, "rb", buffering=0)
        self._arrived = 0
        self._error: str | None = None
        self._abandoned = False
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def out(self) -> np.ndarray:
        """The array being filled: its first `total` ids, valid up to `arrived`."""
        return self._out

    @property
    def arrived(self) -> int:
        """Ids read and checked so far."""
        return self._arrived

    @property
    def complete(self) -> bool:
        return self._arrived == self.total

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self, holes: np.ndarray | None = None) -> np.ndarray:
        """Begin reading, leaving out the file's ranges `holes` ((k, 2) start and end, ascending,
        apart); return their ids, read now and checked (`W2VError` if they fail). Once started,
        only a start without holes may be asked for again (it does nothing)."""
        holes = _NO_HOLES if holes is None else np.asarray(holes, np.int64).reshape(-1, 2)
        with self._changed:
            if self._thread is not None:
                if len(holes):
                    raise RuntimeError("the reading has started: no range can be held out now")
                return np.zeros(0, np.int32)
            held = self._read_holes(holes) if len(holes) else np.zeros(0, np.int32)
            self.total = len(self._out) - len(held)
            self._thread = threading.Thread(target=self._read, args=(kept_ranges(holes, len(self._out)),),
                                            name="w2v-arrival", daemon=True)
            self._thread.start()
        return held

    def wait(self, n: int, timeout: float | None = None) -> bool:
        """Block until the first `n` ids have arrived (True), or `timeout` seconds passed (False).
        Raises `W2VError` if the reading failed or was abandoned before reaching them."""
        self.start()
        n = min(n, self.total)
        with self._changed:
            self._changed.wait_for(lambda: self._arrived >= n or self._error is not None or self._abandoned, timeout)
            if self._arrived >= n:
                return True
            if self._error is not None:
                raise W2VError(self._error)
            if self._abandoned:
                raise W2VError(f"the reading of {self._name} was stopped")
            return False  # timed out

    def abandon(self) -> None:
        """Stop reading (nobody needs the rest); later waits for ids not arrived raise."""
        with self._changed:
            self._abandoned = True
            self._changed.notify_all()

    def _check(self, ids: np.ndarray) -> None:
        """Raise ValueError unless every id of a piece just read lies in the vocabulary."""
        if not ids_within(ids, self._limit):
            raise ValueError("it holds an id outside the vocabulary")

    def _read_holes(self, holes: np.ndarray) -> np.ndarray:
        held = np.empty(int((holes[:, 1] - holes[:, 0]).sum()), np.int32)
        view, at = memoryview(held).cast("B"), 0
        try:
            if holes[0, 0] < 0 or holes[-1, 1] > len(self._out) or (np.diff(holes.ravel()) < 0).any():
                raise ValueError("ranges outside the file held out")
            for a, b in holes.tolist():
                part = view[4 * at:4 * (at + b - a)]
                if os.preadv(self._file.fileno(), [part], 4 * a) != len(part):
                    raise ValueError("it ends early")
                at += b - a
            self._check(held)
        except (OSError, ValueError) as exc:
            raise W2VError(self._fail(exc)) from None
        return held

    def _read(self, kept: np.ndarray):
        view = memoryview(self._out).cast("B") if len(self._out) else memoryview(b"")
        try:
            with self._file as f:
                if os.fstat(f.fileno()).st_size != 4 * len(self._out):
                    raise ValueError("it has changed size")
                at = 0  # where the next kept id goes
                for a, b in kept.tolist():
                    f.seek(4 * a)
                    for start in range(a, b, PIECE):
                        if self._abandoned:
                            return
                        n = min(PIECE, b - start)
                        read_exactly(f, view[4 * at:4 * (at + n)])
                        self._check(self._out[at:at + n])
                        at += n
                        with self._changed:
                            self._arrived = at
                            self._changed.notify_all()
        except (OSError, ValueError) as exc:
            reason = self._fail(exc)
            with self._changed:
                self._error = reason
                self._changed.notify_all()

    def _fail(self, exc: Exception) -> str:
        """Tell `on_failure`; the one line every wait raises."""
        reason = f"the cached corpus {self._name} is damaged: {exc}"
        if self._on_failure is not None:
            self._on_failure(reason)
        return reason + "; it was removed from the cache: run again to read the corpus"


def kept_ranges(holes: np.ndarray, n: int) -> np.ndarray:
    """(k, 2): the ranges of [0, n) outside `holes` ((h, 2), ascending and apart), in order, empty
    ones left out."""
    edges = np.concatenate([[0], np.asarray(holes, np.int64).ravel(), [n]]).reshape(-1, 2)
    return edges[edges[:, 1] > edges[:, 0]]


def read_exactly(f, part: memoryview) -> None:
    """Fill `part` from the unbuffered file `f` (``readinto`` lets go of the GIL); ValueError if the
    file ends first."""
    got = 0
    while got < len(part):
        k = f.readinto(part[got:])
        if not k:
            raise ValueError("it ends early")
        got += k

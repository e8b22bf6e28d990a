"""The one protocol of long work: a `Task` hears its progress and says whether to stop.

A long core function takes `task: Task | None = None`, reports `task.progress(fraction, text)` as
it goes and calls `task.check(message)` where it may stop, which raises `Cancelled` once
`task.cancel()` was called, from any thread. The caller that made the task chose what hears the
progress (`on_progress(fraction, text)`, on the working thread).

A process's stop signal (Ctrl-C, SIGTERM) is latched here too (`latch_stop`): Python drops an
exception raised while a finaliser runs, so a signal's own raise can be lost; every later `check`
of every task raises it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from w2vstudio.core.errors import Cancelled

OnProgress = Callable[[float, "str | None"], None]
_STOPPED: list[type[BaseException]] = []  # the stop signal's exception, once one arrived


def latch_stop(exception: type[BaseException]) -> None:
    """Keep a stop signal's `exception` (KeyboardInterrupt, say) for every later `check` to raise."""
    _STOPPED.append(exception)


def clear_stop() -> None:
    """Forget a latched stop (the run it stopped has ended)."""
    _STOPPED.clear()


class Task:
    """Progress out, cancel in. `cancel()` and `cancelled` are thread-safe; `progress` calls
    `on_progress` on the calling thread, with the fraction clamped to [0, 1]."""

    def __init__(self, on_progress: OnProgress | None = None):
        self._on_progress = on_progress
        self._cancel = threading.Event()

    @classmethod
    def none(cls) -> Task:
        """A task nobody watches or cancels: what a function uses when given none."""
        return cls()

    def progress(self, fraction: float, text: str | None = None) -> None:
        """Report `fraction` of the work done (NaN counts as 0), with an optional line of text."""
        if self._on_progress is not None:
            fraction = float(fraction)
            self._on_progress(min(fraction, 1.0) if fraction > 0 else 0.0, text)

    def check(self, message: str = "cancelled") -> None:
        """Raise a latched stop signal's exception, or `Cancelled(message)` if the task was cancelled."""
        if _STOPPED:
            raise _STOPPED[0]()
        if self._cancel.is_set():
            raise Cancelled(message)

    def cancel(self) -> None:
        """Ask the work to stop (from any thread): its next `check` raises."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def part(self, start: float, stop: float) -> Task:
        """A task for one stage of this one: its fractions map onto [start, stop] of this one's,
        and it is cancelled with it."""
        sub = Task(None if self._on_progress is None else
                   lambda fraction, text: self.progress(start + (stop - start) * fraction, text))
        sub._cancel = self._cancel
        return sub

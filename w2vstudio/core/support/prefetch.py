"""Items of an iterator produced ahead on a thread of their own (reading and decompressing files
while the caller works on what was read)."""

from __future__ import annotations

import queue
import signal
import threading
from collections.abc import Iterable, Iterator

_END = object()
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def block_stop_signals() -> None:
    """Ctrl-C and SIGTERM blocked on the calling (helper) thread, so that the kernel delivers them
    to the main thread, which then raises at once even while it waits on this one."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)


def prefetched(items: Iterable, depth: int = 4) -> Iterator:
    """The items of `items` in order, produced on another thread at most `depth` ahead. An
    exception raised there is raised here; closing this iterator (or leaving a loop over it) stops
    that thread before returning."""
    waiting: queue.Queue = queue.Queue(depth)
    stop = threading.Event()

    def put(entry) -> bool:
        while not stop.is_set():
            try:
                waiting.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        block_stop_signals()
        source = iter(items)
        try:
            for item in source:
                if not put((item, None)):
                    return
            put((_END, None))
        except Exception as exc:  # handed to the consumer, raised there
            put((_END, exc))
        finally:
            if hasattr(source, "close"):
                source.close()  # a generator's files are closed on this thread

    thread = threading.Thread(target=produce, name="w2vstudio-prefetch", daemon=True)
    try:
        thread.start()  # inside the try: a Ctrl-C arriving during start still stops it
        while True:
            item, error = waiting.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        if thread.ident is not None:
            thread.join()

"""BLAS on one thread while training runs: the cores are training's.

The work beside training (per-epoch evaluations, probes, the live map) calls BLAS from background
threads, where a limit cannot be set: OpenBLAS keeps one process-wide thread count and, once its
thread pool runs, ignores changes made from threads other than the main one (measured with the
OpenBLAS 0.3.31 of numpy's wheels; `threadpool_limits` entered and left in a background thread
then limits nothing, or leaves the whole process on one thread). So the main thread sets the limit
around a training run (the train command, the studio's start and end of a run) and the work beside
training runs under it.
"""

from __future__ import annotations

import threading

from threadpoolctl import threadpool_limits


class OneBlasThread:
    """A limit of one BLAS thread, set and lifted from the main thread (each idempotent)."""

    def __init__(self):
        self._limit = None

    def set(self):
        self._check_thread()
        if self._limit is None:
            self._limit = threadpool_limits(1, user_api="blas")

    def lift(self):
        self._check_thread()
        if self._limit is not None:
            self._limit.restore_original_limits()
            self._limit = None

    def __enter__(self) -> OneBlasThread:
        self.set()
        return self

    def __exit__(self, *exc):
        self.lift()

    @staticmethod
    def _check_thread():
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("the BLAS thread limit is set and lifted from the main thread")

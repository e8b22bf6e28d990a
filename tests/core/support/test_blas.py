"""The one-thread BLAS limit: set by the main thread, seen by every thread, lifted after."""

import threading

import numpy as np
import pytest
from threadpoolctl import ThreadpoolController

from w2vstudio.core.support.blas import OneBlasThread


def _threads() -> list[int]:
    return [lib.get_num_threads() for lib in ThreadpoolController().lib_controllers if lib.user_api == "blas"]


def _in_thread(fn):
    """fn() run in another thread: its value, or its exception raised here."""
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as exc:  # raised in the calling thread below
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_the_main_thread_limits_every_thread_and_lifts_it():
    a = np.ones((400, 400), dtype=np.float32)
    _in_thread(lambda: a @ a)  # OpenBLAS's thread pool runs (where changes from threads are ignored)
    before = _threads()
    assert before, "numpy is linked to a BLAS that threadpoolctl sees"
    limit = OneBlasThread()
    with limit:
        limit.set()  # idempotent
        assert _threads() == [1] * len(before)
        assert _in_thread(_threads) == [1] * len(before)  # background work runs under it
        with pytest.raises(RuntimeError, match="main thread"):
            _in_thread(limit.lift)
    assert _threads() == before and _in_thread(_threads) == before
    limit.lift()  # idempotent
    assert _threads() == before

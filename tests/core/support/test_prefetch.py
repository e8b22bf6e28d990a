"""Items produced ahead on another thread: in order, errors passed on, stopped when left."""

import threading

import pytest

from w2vstudio.core.support.prefetch import prefetched


def _alive():
    return [t for t in threading.enumerate() if t.name == "w2vstudio-prefetch"]


def test_items_come_in_order_from_another_thread():
    where = []

    def items():
        for k in range(100):
            where.append(threading.current_thread().name)
            yield k

    assert list(prefetched(items(), depth=3)) == list(range(100))
    assert set(where) == {"w2vstudio-prefetch"}
    assert not _alive()


def test_an_error_there_is_raised_here_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("bad block")

    got = []
    with pytest.raises(ValueError, match="bad block"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1, 2]
    assert not _alive()


def test_leaving_early_stops_the_thread_and_closes_the_source():
    closed = threading.Event()

    def endless():
        try:
            k = 0
            while True:
                yield k
                k += 1
        finally:
            closed.set()

    for item in prefetched(endless(), depth=2):
        if item == 5:
            break
    assert closed.is_set()
    assert not _alive()

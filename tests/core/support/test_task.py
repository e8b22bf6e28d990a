"""The task protocol: progress clamped and passed on in order, a check that raises once cancelled
(from any thread), stages of a task, and one place in the code that looks at a cancel event."""

import re
import threading
from pathlib import Path

import pytest

import w2vstudio
from w2vstudio.core.errors import Cancelled
from w2vstudio.core.support.task import Task


def test_progress_is_clamped_and_heard_in_order():
    heard = []
    task = Task(lambda fraction, text: heard.append((fraction, text)))
    for fraction in (-0.5, 0.0, 0.25, float("nan"), 0.5, 1.0, 1.5):
        task.progress(fraction)
    task.progress(0.75, "3 of 4")
    assert heard == [(0.0, None), (0.0, None), (0.25, None), (0.0, None), (0.5, None), (1.0, None), (1.0, None),
                     (0.75, "3 of 4")]


def test_a_task_nobody_watches_does_nothing_until_cancelled():
    task = Task.none()
    task.progress(0.5, "half")
    task.check()
    assert not task.cancelled and Task.none() is not task  # never a shared one another caller could cancel


def test_check_raises_once_cancelled_with_the_message():
    task = Task()
    task.check("never")
    task.cancel()
    assert task.cancelled
    with pytest.raises(Cancelled, match="^corpus scan cancelled$"):
        task.check("corpus scan cancelled")
    task.cancel()  # twice is once
    with pytest.raises(Cancelled, match="^cancelled$"):
        task.check()


def test_cancel_from_another_thread_stops_a_loop():
    task, started, looks = Task(), threading.Event(), []

    def work():
        started.set()
        try:
            while True:
                looks.append(1)
                task.check("stopped")
        except Cancelled as exc:
            looks.append(str(exc))

    worker = threading.Thread(target=work)
    worker.start()
    assert started.wait(10)
    canceller = threading.Thread(target=task.cancel)
    canceller.start()
    canceller.join()
    worker.join(10)
    assert not worker.is_alive() and looks[-1] == "stopped"


def test_a_part_maps_its_progress_and_shares_the_cancel():
    heard = []
    task = Task(lambda fraction, text: heard.append((fraction, text)))
    part = task.part(0.8, 1.0)
    part.progress(0.0)
    part.progress(0.5, "unpacking")
    part.progress(2.0)
    assert heard == [(0.8, None), (pytest.approx(0.9), "unpacking"), (1.0, None)]
    task.cancel()
    assert part.cancelled
    with pytest.raises(Cancelled):
        part.check()
    Task().part(0, 1).progress(0.5)  # nobody listens: nothing happens


def test_no_module_looks_at_a_cancel_event_itself():
    root = Path(w2vstudio.__file__).parent
    found = [str(p.relative_to(root)) for p in root.rglob("*.py")
             if re.search(r"cancel\.is_set\(\)", p.read_text(encoding="utf-8")) and p != root / "core/support/task.py"]
    assert found == []


def test_a_latched_stop_signal_is_raised_by_every_later_check_until_cleared():
    from w2vstudio.core.support.task import clear_stop, latch_stop

    first, other = Task(), Task().part(0.2, 0.4)
    try:
        latch_stop(KeyboardInterrupt)  # as the command line's Ctrl-C handler does (its own raise may be lost)
        for task in (first, other, Task.none()):
            with pytest.raises(KeyboardInterrupt):
                task.check("cancelled")
    finally:
        clear_stop()
    first.check("cancelled")  # cleared: nothing to raise

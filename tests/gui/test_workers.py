"""Background calls: a call started hands the GIL to the event loop often."""

import sys

from w2vstudio.gui import workers


def test_a_call_started_makes_python_hand_the_gil_over_every_half_millisecond(qtbot):
    sys.setswitchinterval(0.005)  # Python's default
    call = workers.Call()
    with qtbot.waitSignal(call.succeeded, timeout=10_000) as got:
        call.start(lambda: 42)
    assert got.args == [42] and sys.getswitchinterval() == workers.SWITCH_INTERVAL

"""The studio's observable session: models, the one explored, pins and probe, each change signalled once."""

import numpy as np

from w2vstudio.core.watch.pinned import AnalogyProbe
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings
from w2vstudio.gui.session import Entry, LoadedSession, StudioSession


def kv(n=5):
    return KeyedVectors([f"w{i}" for i in range(n)], np.eye(n, dtype=np.float32))


def test_models_the_one_explored_pins_and_probe(qtbot):
    session = StudioSession()
    heard = {name: [] for name in ("models", "current", "pins", "probe")}
    session.models_changed.connect(lambda: heard["models"].append(len(session.entries)))
    session.current_changed.connect(heard["current"].append)
    session.pins_changed.connect(heard["pins"].append)
    session.probe_changed.connect(heard["probe"].append)

    first, second = session.add(Entry("run", kv())), session.add(Entry("run", kv(), saved=False))
    assert [e.name for e in session.entries] == ["run", "run #2"] and session.current is second
    assert heard["models"] == [1, 2] and heard["current"] == [first, second]
    assert session.unsaved() == [second]
    session.choose(second)  # no change, no signal
    session.mark_saved([second])
    assert session.unsaved() == [] and heard["models"] == [1, 2, 2]
    session.remove(second)
    assert session.current is first and heard["current"][-1] is first

    session.set_pins(["a", "b", "a"])
    session.toggle_pin("b")
    session.set_pins(["a"])  # no change, no signal
    assert heard["pins"] == [["a", "b"], ["a"]] and settings.get("watch/pins") == ["a"]
    probe = AnalogyProbe("a", "b", "c", "d")
    session.set_probe(probe)
    session.set_probe(AnalogyProbe("a", "b", "c", "d"))  # equal: no signal
    assert heard["probe"] == [probe] and session.probe == probe

    loaded = LoadedSession([Entry("x", kv()), Entry("y", kv())], ["p"], None, None)
    session.replace(loaded)
    assert [e.name for e in session.entries] == ["x", "y"] and session.current is loaded.entries[-1]
    assert session.pins == ["p"] and session.probe is None and StudioSession().pins == ["p"]  # pins remembered

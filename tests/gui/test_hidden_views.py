"""No work for hidden views: a model arriving makes a hidden tab compute nothing; showing it computes once."""

from collections import Counter

import numpy as np

from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.vocab import Vocabulary
from w2vstudio.gui.inside import samples_view
from w2vstudio.gui.lenses import axes_view
from w2vstudio.gui.studio_session import Entry, model_entry
from w2vstudio.gui.widgets.completion import ON_THE_SPOT

WORDS = ["the", "he", "she", "poor", "rich", "patient", "doctor", "nurse"]


def _model(seed: int) -> Model:
    model = Model.create(Vocabulary(WORDS, np.arange(len(WORDS), 0, -1) * 10), TrainParams(dim=8, seed=seed))
    model.syn1neg[:] = np.random.default_rng(seed).standard_normal(model.syn1neg.shape, dtype=np.float32)
    return model


def _counted(calls: Counter, name: str, fn):
    def counting(*args, **kwargs):
        calls[name] += 1
        return fn(*args, **kwargs)
    return counting


def test_a_hidden_tab_computes_when_shown_and_only_then(qtbot, qapp, window, monkeypatch):
    calls = Counter()
    monkeypatch.setattr(axes_view, "poles_across", _counted(calls, "axes", axes_view.poles_across))
    monkeypatch.setattr(samples_view, "make_samples", _counted(calls, "samples", samples_view.make_samples))
    map_panel = window.live_map.map_panel
    monkeypatch.setattr(map_panel, "set_vectors", _counted(calls, "map", map_panel.set_vectors))
    probes = window.probes_panel._refresher
    monkeypatch.setattr(probes, "request", _counted(calls, "probes", probes.request))
    lenses = window.lenses_panel
    lenses.setCurrentWidget(lenses.axes_view)
    window.tabs.setCurrentWidget(window.train_panel)
    window.session.set_pins(["he"])
    window.session.add(model_entry("first", _model(1)))
    window.session.add(model_entry("second", _model(2)))
    qapp.processEvents()
    qtbot.waitUntil(lambda: not lenses.axes_view.busy, timeout=10_000)  # the axes are scored on a worker
    assert calls == Counter()
    window.tabs.setCurrentWidget(lenses)
    qtbot.waitUntil(lambda: not lenses.axes_view.busy, timeout=10_000)
    assert calls == Counter(axes=1)
    window.tabs.setCurrentWidget(window.inside_panel)
    assert calls == Counter(axes=1, samples=2)  # the sentence cut for both architectures, once
    window.tabs.setCurrentWidget(window.live_map)
    assert calls == Counter(axes=1, samples=2, map=1)
    window.tabs.setCurrentWidget(window.train_panel)
    window.tabs.setCurrentWidget(window.live_map)  # shown again, nothing new: nothing computed
    assert calls == Counter(axes=1, samples=2, map=1)
    window.session.add(model_entry("third", _model(3)))  # inputs changed while shown: at once
    assert calls == Counter(axes=1, samples=2, map=2)
    window.tabs.setCurrentWidget(window.probes_panel)
    assert calls == Counter(axes=1, samples=2, map=2, probes=1)
    qtbot.waitUntil(lambda: window.probes_panel._refresher.idle, timeout=10_000)


def test_completion_indexes_are_built_off_the_gui_thread(qtbot, window):
    panel = window.neighbours_panel
    words = [f"w{i}" for i in range(ON_THE_SPOT + 1)]
    window.session.add(Entry("large", KeyedVectors(words, np.ones((len(words), 2), np.float32))))
    assert panel.completer._index is None  # a worker builds it
    qtbot.waitUntil(lambda: panel.completer._index is not None, timeout=10_000)
    assert panel.completer._index is window.analogy_panel.completers[0].index  # one index for every completer

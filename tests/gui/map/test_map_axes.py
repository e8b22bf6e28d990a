"""The Map's "Axes" projection (words at their scores on two typed axes, the plot's axes named),
on a model and on the timeline's snapshots; the timeline linked to the Likelihood view."""

import numpy as np
import pytest

from tests.gui.watch.test_evolution import wait_for_frames
from w2vstudio.core.lenses.axes import axes_map, coordinates, make_axis
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.map.map_panel import AXES
from w2vstudio.gui.studio_session import Entry

TIMEOUT = 60_000


@pytest.fixture
def kv():
    rng = np.random.default_rng(1)
    words = ["the", "he", "she", "poor", "rich", "him", "her"] + [f"w{i}" for i in range(40)]
    return KeyedVectors(words, rng.normal(size=(len(words), 12)).astype(np.float32), np.arange(len(words), 0, -1))


def test_axes_place_the_words_at_their_scores_with_named_axes(qtbot, map_panel, kv):
    map_panel.configure(method=AXES, n=30)
    assert map_panel.axes_form.isVisible() and map_panel.axis_label("bottom") is None
    with qtbot.waitSignal(map_panel.projected):
        map_panel.set_vectors(kv)  # the default axes: he -> she and poor -> rich
    x, y = make_axis(kv, ["he"], ["she"]), make_axis(kv, ["poor"], ["rich"])
    assert map_panel.words == kv.words[:30]
    np.testing.assert_allclose(map_panel.coordinates, coordinates(kv.vectors[:30], x, y), rtol=1e-6)
    assert map_panel.axis_label("bottom") == "he \u2192 she" and map_panel.axis_label("left") == "poor \u2192 rich"
    assert "he \u2192 she" in map_panel.status

    map_panel.axes_form.set_axes(("he him", "she her"), ("the", "w3"))
    with qtbot.waitSignal(map_panel.projected):
        map_panel.project()
    assert map_panel.axis_label("bottom") == "he+him \u2192 she+her" and map_panel.axis_label("left") == "the \u2192 w3"
    np.testing.assert_allclose(map_panel.coordinates, axes_map(kv, 30, (("he", "him"), ("she", "her")),
                                                           (("the",), ("w3",)))[0], rtol=1e-6)

    map_panel.configure(method="pca")  # another method: the plot's axes are the principal axes
    with qtbot.waitSignal(map_panel.projected, timeout=TIMEOUT):
        map_panel.project()
    assert map_panel.axis_label("bottom").startswith("PC1 (") and not map_panel.axes_form.isVisible()


def test_a_word_not_in_the_vocabulary_is_one_sentence_and_nothing_drawn(qtbot, map_panel, kv):
    map_panel.configure(method=AXES)
    map_panel.axes_form.set_axes(("he", "queen"), ("poor", "rich"))
    with qtbot.assertNotEmitted(map_panel.projected):
        map_panel.set_vectors(kv)
    assert map_panel.status == 'No axes map: "queen" is not in the vocabulary.'
    assert map_panel.words == [] and len(map_panel.drawn()[0]) == 0 and map_panel.axis_label("bottom") is None


@pytest.fixture(scope="module")
def probed(tiny_corpus):
    """A model of the tiny corpus trained with snapshots and one likelihood probe."""
    params = TrainParams(dim=16, epochs=2, min_count=2, threads=1, window=3, negative=3, batch_words=2_000)
    result = TrainingRun(scan_corpus([tiny_corpus]), params,
                         WatchOptions(per_epoch=3, tracked=200, quality=False, probe_pairs=(("the", "of"),))).train()
    return result


def test_the_timeline_moves_the_likelihood_view_and_axes_score_each_snapshot(qtbot, window, probed):
    w = window
    w.tabs.setCurrentWidget(w.live_map)
    w.session.add(Entry("probed", probed.model.keyed_vectors(), probed.model, probed.recorder))
    wait_for_frames(qtbot, w, len(probed.recorder))
    view, frames = w.lenses_panel.likelihood_view, w.evolution.frames
    assert len(view.progress) == 0  # the Lenses tab hidden: nothing drawn for it yet
    assert w.live_map.jump_to(frames.x[1])
    w.tabs.setCurrentWidget(w.lenses_panel)  # shown: drawn at the moment chosen meanwhile
    assert len(view.progress) == len(frames)
    assert view.slider.value() == int(np.abs(view.progress - frames.x[1]).argmin())
    w.tabs.setCurrentWidget(w.live_map)
    w.live_map.timeline.follow.setChecked(True)  # following again: the view stays where it is
    assert view.slider.value() == int(np.abs(view.progress - frames.x[1]).argmin())

    snapshot = frames.vectors(2)
    poles = snapshot.words[1:5]
    map_panel = w.live_map.map_panel
    map_panel.axes_form.set_axes((poles[0], poles[1]), (poles[2], poles[3]))
    map_panel.configure(method=AXES, n=100)
    w.live_map.jump_to(frames.x[2])
    want = axes_map(snapshot, 100, ((poles[0],), (poles[1],)), ((poles[2],), (poles[3],)))[0]
    np.testing.assert_allclose(map_panel.coordinates, want, rtol=1e-6)
    assert map_panel.axis_label("bottom") == f"{poles[0]} \u2192 {poles[1]}"
    assert w.live_map.trail_words == []

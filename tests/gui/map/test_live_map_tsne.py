"""The live map by t-SNE: the latest snapshot mapped by openTSNE, the others placed into its map;
Re-fit draws a new map, Cancel and a failure go back to PCA."""

import numpy as np
from PySide6.QtWidgets import QComboBox

from tests.core.watch.test_snapshot_tsne import Recording
from tests.gui.watch.test_evolution import TIMEOUT, show_watched, wait_for_frames
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.watch.trajectories import snapshot_coordinates
from w2vstudio.gui import settings, workers
from w2vstudio.gui.studio_session import Entry
from w2vstudio.gui.watch.evolution import Evolution


def by(method):
    """A check of `frames_changed`'s frames: computed by `method`."""
    return lambda frames: frames is not None and frames.method == method


def counting(n):
    """A check of `frames_changed`'s frames: `n` of them."""
    return lambda frames: frames is not None and len(frames) == n


def test_new_snapshots_are_placed_into_the_map_until_refit(qtbot, watched):
    evolution = Evolution(method="tsne")
    recording = Recording(watched[0][1].recorder, 4)  # a run in progress: 4 snapshots taken, then 7
    with qtbot.waitSignal(evolution.frames_changed, timeout=TIMEOUT, check_params_cb=counting(4)):
        evolution.follow(recording)
    first = evolution.frames
    recording.taken = 7
    with qtbot.waitSignal(evolution.frames_changed, timeout=TIMEOUT, check_params_cb=counting(7)):
        evolution.follow(recording)
    grown = evolution.frames
    assert grown.tsne.map is first.tsne.map  # the map did not jump
    np.testing.assert_array_equal(grown.coords[:4], first.coords)

    with qtbot.waitSignal(evolution.frames_changed, timeout=TIMEOUT) as refitted:
        evolution.refit()
    frames = refitted.args[0]
    assert frames.tsne.map is not first.tsne.map and len(frames) == 7
    np.testing.assert_array_equal(frames.coords[-1], frames.tsne.map.embedding)  # a map of the latest
    qtbot.waitUntil(lambda: evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_the_live_map_by_tsne_then_pca_again(qtbot, window, add_watched, watched):
    w = window
    recorder = show_watched(qtbot, w, add_watched, watched)
    live, timeline = w.live_map, w.live_map.timeline
    assert live.method == "pca" and not live.is_busy
    progress = []
    w.evolution.projection_progressed.connect(progress.append)
    with qtbot.waitSignal(w.evolution.frames_changed, timeout=TIMEOUT, check_params_cb=by("tsne")):
        live.set_method("tsne")
    frames = w.evolution.frames
    assert settings.get("map/live_method") == "tsne" and not live.is_busy
    assert progress[0] == 0 and progress[-1] == 1 and progress == sorted(progress)
    assert frames.coords.shape == (len(recorder), len(recorder.words), 2)
    np.testing.assert_array_equal(frames.coords[-1], frames.tsne.map.embedding)
    (x0, x1), (y0, y1) = live.map_panel.plot_item.getViewBox().viewRange()  # the view fits the t-SNE map
    low, high = frames.coords.reshape(-1, 2).min(axis=0), frames.coords.reshape(-1, 2).max(axis=0)
    assert x0 <= low[0] and high[0] <= x1 and y0 <= low[1] and high[1] <= y1
    for i in range(len(frames)):  # every frame's points on the map
        timeline.set_frame(i)
        assert live.map_panel.words == recorder.words
        np.testing.assert_allclose(live.map_panel.coordinates, frames.coords[i])

    with qtbot.waitSignal(w.evolution.frames_changed, timeout=TIMEOUT) as refitted:
        live.refit()
    assert refitted.args[0].tsne.map is not frames.tsne.map and refitted.args[0].coords.shape == frames.coords.shape

    with qtbot.waitSignal(w.evolution.frames_changed, timeout=TIMEOUT, check_params_cb=by("pca")) as back:
        live.set_method("pca")
    np.testing.assert_allclose(back.args[0].coords, snapshot_coordinates(recorder.stacked(), timeline.align))
    np.testing.assert_allclose(live.map_panel.coordinates, back.args[0].coords[timeline.frame])
    assert settings.get("map/live_method") == "pca"
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_cancel_goes_back_to_pca(qtbot, window, add_watched, watched):
    w = window
    recorder = show_watched(qtbot, w, add_watched, watched)
    live = w.live_map
    w.evolution.projection_progressed.connect(lambda _fraction: live.cancel())  # as soon as the bar shows
    with qtbot.waitSignal(w.evolution.frames_changed, timeout=TIMEOUT, check_params_cb=by("pca")) as back:
        live.set_method("tsne")
    assert live.method == "pca" and not live.is_busy and settings.get("map/live_method") == "pca"
    np.testing.assert_allclose(back.args[0].coords, snapshot_coordinates(recorder.stacked(), live.timeline.align))
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_too_few_words_for_tsne_is_one_message_and_pca_again(qtbot, window, watched):
    w = window
    model = watched[0][0]
    recorder = SnapshotRecorder(model, np.arange(3), 2)
    recorder.start()  # one snapshot of three words
    w.tabs.setCurrentWidget(w.live_map)
    w.session.add(Entry("three words", model.keyed_vectors(), model, recorder))
    wait_for_frames(qtbot, w, 1)
    with qtbot.waitSignal(w.evolution.frames_changed, timeout=TIMEOUT, check_params_cb=by("pca")):
        w.live_map.set_method("tsne")
    assert w.errors == ["t-SNE needs at least 5 words, not 3"] and w.live_map.method == "pca"
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_one_method_box_maps_the_snapshots_too(qtbot, window, add_watched, watched):
    w = window
    show_watched(qtbot, w, add_watched, watched)
    live = w.live_map
    boxes = [box for box in live.findChildren(QComboBox) if box.isVisible() and box.findText("t-SNE") >= 0]
    assert len(boxes) == 1 and boxes[0].currentData() == live.method == "pca"
    assert "by PCA" in live.map_panel.status
    with qtbot.waitSignal(w.evolution.frames_changed, timeout=TIMEOUT, check_params_cb=by("tsne")):
        boxes[0].setCurrentIndex(boxes[0].findData("tsne"))
    assert live.method == "tsne" and "by t-SNE" in live.map_panel.status
    live.set_method("pca")  # and back, from the live map (a cancel does so)
    assert boxes[0].currentData() == "pca"
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)

"""Watching the space form: the map follows training, the timeline scrubs and plays over the
snapshots, clicking the loss plot jumps to a moment, trails follow the pinned words."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QAbstractSlider

from w2vstudio.core.watch.trajectories import snapshot_coordinates
from w2vstudio.gui import settings, workers

TIMEOUT = 120_000


def wait_for_frames(qtbot, w, count):
    qtbot.waitUntil(lambda: w.evolution.frames is not None and len(w.evolution.frames) == count, timeout=TIMEOUT)


def show_watched(qtbot, w, add_watched, watched):
    """The Map tab over the timeline of the first watched model, once analysed -> its recorder."""
    w.tabs.setCurrentWidget(w.live_map)
    recorder = watched[0][1].recorder
    add_watched(w)
    wait_for_frames(qtbot, w, len(recorder))
    return recorder


def click_plot(qtbot, plot: pg.PlotWidget, x: float):
    """Left-click the plot at `x` (data coordinates), half-way up."""
    view = plot.getPlotItem().getViewBox()
    (_, _), (y0, y1) = view.viewRange()
    pos = plot.mapFromScene(view.mapViewToScene(QPointF(x, (y0 + y1) / 2)))
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_the_map_follows_training_and_the_loss_plot_picks_a_moment(qtbot, window, tiny_corpus, train):
    w = window
    w.open_corpus([tiny_corpus])
    w.session.set_pins(["republic"])  # the 641st word: tracked too
    w.train_panel.watch_form.tracked.setValue(40)
    w.tabs.setCurrentWidget(w.live_map)
    progressed = []
    w.session.run_progressed.connect(progressed.append)
    outcome = train(w)  # one batch per epoch: snapshots before training and after each epoch
    recorder = outcome.recorder
    assert len(recorder) == 3 and recorder.words[:40] == outcome.model.vocab.words[:40]
    assert recorder.words[40:] == ["republic"]
    assert progressed and progressed[0].model is outcome.model and progressed[0].recorder is recorder
    assert w.session.current.recorder is recorder and not w.session.current.saved
    wait_for_frames(qtbot, w, 3)
    frames = w.evolution.frames
    timeline = w.live_map.timeline
    assert timeline.count == 3 and timeline.frame == 2 and timeline.follow.isChecked()
    assert w.live_map.map_panel.words == recorder.words
    np.testing.assert_allclose(w.live_map.map_panel.coordinates, frames.coords[-1])
    np.testing.assert_allclose(frames.coords, snapshot_coordinates(recorder.stacked(), timeline.align))
    np.testing.assert_allclose(frames.x, [0, 1, 2])  # epochs, the loss plot's axis
    assert "Snapshot 3 of 3" in timeline.caption.text() and w.live_map.trail_words == ["republic"]
    # per-epoch quality, beside the loss
    plots = w.train_panel.plots
    assert [e["epoch"] for e in plots.quality] == [1, 2]
    assert all(e["ws353"] is None or -1 <= e["ws353"] <= 1 for e in plots.quality)

    w.tabs.setCurrentWidget(w.train_panel)
    click_plot(qtbot, plots.loss_plot, 0.8)
    assert w.tabs.currentWidget() is w.live_map
    assert timeline.frame == 1 and not timeline.follow.isChecked()
    np.testing.assert_allclose(w.live_map.map_panel.coordinates, frames.coords[1])
    assert plots.marker == 1.0
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_the_timeline_scrubs_and_plays(qtbot, window, add_watched, watched):
    w = window
    recorder = show_watched(qtbot, w, add_watched, watched)
    timeline, frames = w.live_map.timeline, w.evolution.frames
    assert timeline.count == len(recorder) == 9
    shown = []
    w.session.moment_changed.connect(shown.append)
    timeline.slider.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepSub)  # as the user does
    assert not timeline.follow.isChecked() and timeline.frame == 7
    np.testing.assert_allclose(w.live_map.map_panel.coordinates, frames.coords[7])
    assert shown == [frames.x[7]]
    with qtbot.waitSignal(w.live_map.map_panel.neighbours_shown, timeout=TIMEOUT):
        assert w.live_map.map_panel.select_word("the")  # neighbours in the snapshot shown, among the tracked words
    assert w.live_map.map_panel.neighbours == frames.vectors(7).most_similar("the", topn=10)
    with qtbot.waitSignal(w.live_map.map_panel.neighbours_shown, timeout=TIMEOUT):
        timeline.set_frame(2)
    assert w.live_map.map_panel.selected_word == "the"
    assert w.live_map.map_panel.neighbours == frames.vectors(2).most_similar("the", topn=10)

    timeline.set_frame(6)
    timeline.play_button.click()
    assert timeline.is_playing and timeline.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: not timeline.is_playing, timeout=10_000)
    assert timeline.frame == 8 and shown[-2:] == [frames.x[7], frames.x[8]]
    timeline.play()  # from the last snapshot, Play starts again from the first
    assert timeline.frame == 0
    timeline.play_button.click()
    assert not timeline.is_playing

    timeline.follow.setChecked(True)  # back to the latest
    assert timeline.frame == 8 and shown[-1] is None
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)  # the neighbours of the last frame shown


def test_trails_of_pinned_words_and_the_basis(qtbot, window, add_watched, watched):
    w = window
    recorder = show_watched(qtbot, w, add_watched, watched)
    w.session.set_pins(["republic", "unheardof", "the"])
    assert w.live_map.trail_words == ["republic", "the"]  # the words tracked
    w.live_map.timeline.set_frame(3)
    frames = w.evolution.frames
    np.testing.assert_allclose(w.live_map.trail("republic"), frames.coords[:4, frames.positions["republic"]])
    w.live_map.timeline.trails.setChecked(False)
    assert w.live_map.trail_words == [] and settings.get("map/trails") is False

    before = frames
    with qtbot.waitSignal(w.evolution.frames_changed, timeout=TIMEOUT) as changed:
        w.live_map.timeline.basis.setCurrentIndex(w.live_map.timeline.basis.findData("previous"))
    assert settings.get("map/align") == "previous" and changed.args[0] is not before
    np.testing.assert_allclose(changed.args[0].coords, snapshot_coordinates(recorder.stacked(), "previous"))

    w.live_map.map_panel.project()  # a projection of the model leaves the timeline
    qtbot.waitUntil(lambda: not w.live_map.showing_snapshot and w.live_map.map_panel.words == w.session.current.kv.words[:len(w.session.current.kv)],
                    timeout=TIMEOUT)
    assert w.live_map.trail_words == []
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_the_status_line_names_the_snapshot_shown_not_the_model(qtbot, window, add_watched, watched):
    w = window
    recorder = show_watched(qtbot, w, add_watched, watched)
    status = w.live_map.map_panel.status
    model = watched[0][0]
    assert len(recorder.words) != len(model.vocab)
    assert status.startswith(f"{len(recorder.words):,} tracked words of 16 dimensions, snapshot 9 of 9")
    assert "tiny skip-gram" in status and f"{len(model.vocab):,} words" not in status
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def test_a_pinned_word_is_named_once_above_the_others(qtbot, window, add_watched, watched):
    w = window
    show_watched(qtbot, w, add_watched, watched)
    labels = w.live_map.map_panel.word_labels
    labels.place_now()
    assert "the" in labels.shown_words  # the most frequent word is labelled on the map
    w.session.set_pins(["the"])
    labels.place_now()
    assert w.live_map.trail_words == ["the"] and "the" not in labels.shown_words  # its trail names it, once
    trail_label = w.live_map._trails[0][1]
    assert trail_label.zValue() > 20
    w.session.set_pins([])
    labels.place_now()
    assert "the" in labels.shown_words
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)


def trail_label_boxes(live_map) -> list:
    """The trail labels' boxes on screen, as drawn."""
    plot = live_map.map_panel.plot_item.getViewBox().scene().views()[0]
    return [label.deviceTransform(plot.viewportTransform()).mapRect(label.boundingRect())
            for line, label in live_map._trails if label.isVisible()]


def test_trail_labels_ending_at_one_point_keep_apart(qtbot, window, add_watched, watched):
    w = window
    show_watched(qtbot, w, add_watched, watched)
    frames = w.evolution.frames
    last = frames.coords[-1]
    words = list(frames.positions)
    ends = np.array([last[frames.positions[word]] for word in words])
    gaps = np.linalg.norm(ends[:, None] - ends[None, :], axis=2) + np.eye(len(words)) * 1e9
    i, j = np.unravel_index(np.argmin(gaps), gaps.shape)  # the two tracked words ending nearest each other
    w.session.set_pins([words[i], words[j]])
    middle, reach = ends[[i, j]].mean(axis=0), float(np.ptp(last, axis=0).max()) * 20
    w.live_map.map_panel.set_view_range((middle[0] - reach, middle[0] + reach), (middle[1] - reach, middle[1] + reach))
    qtbot.wait(100)  # zoomed far out: the two ends are a pixel apart
    assert w.live_map.trail_words == [words[i], words[j]]
    first, second = trail_label_boxes(w.live_map)
    assert first.width() > 5 and second.width() > 5 and not first.intersects(second)
    w.live_map.map_panel.set_view_range((middle[0] - reach / 1e6, middle[0] + reach / 1e6),
                                        (middle[1] - reach / 1e6, middle[1] + reach / 1e6))
    qtbot.wait(100)  # zoomed far in: each label back above its own end
    for box, (x, y) in zip(trail_label_boxes(w.live_map), ends[[i, j]]):
        view = w.live_map.map_panel.plot_item.getViewBox()
        at = view.scene().views()[0].mapFromScene(view.mapViewToScene(QPointF(x, y)))
        assert abs(box.center().x() - at.x()) < 1 and box.bottom() < at.y()
    qtbot.waitUntil(lambda: w.evolution.idle and not workers.running(), timeout=TIMEOUT)

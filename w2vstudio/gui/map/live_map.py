"""`LiveMap`: the Map tab. The map of the model explored, or of the run in progress, over a
timeline of snapshots (by PCA or t-SNE), with trails of the pinned words; a model without
snapshots is projected."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QProgressBar, QToolButton, QVBoxLayout, QWidget

from w2vstudio.core.map import projection
from w2vstudio.core.map.labels import labels_apart
from w2vstudio.core.watch import trajectories
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.watch.trajectories import Frames
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings
from w2vstudio.gui.map.map_panel import AXES, MapPanel
from w2vstudio.gui.map.word_labels import TRAILS
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.watch.evolution import Evolution
from w2vstudio.gui.watch.timeline import Timeline
from w2vstudio.gui.widgets.when_shown import WhenShown

TRAIL_COLOURS = ("#d1495b", "#00798c", "#edae49", "#66a182", "#8d5a97", "#2e4057", "#e07a5f", "#3d405b")
_MARGIN = 0.05  # of the map's size, around all the snapshots' points
_TRAIL_ANCHOR_Y = 1.3  # a trail's name sits this many of its heights above the trail's end (to its bottom)
_TRAIL_GAP = 1.0  # pixels kept free around each trail's name when names are moved apart


class LiveMap(QWidget):
    """The map over the timeline of `evolution`'s frames, following the session's run. The
    session's moment is when the snapshot shown was taken (None while it follows training: the
    latest); a moment set elsewhere shows the snapshot nearest it. `word_activated(word)`: the user
    clicked or searched a word. New frames are drawn when the map is visible: training is not
    slowed by drawing a map nobody sees. With t-SNE, new snapshots are placed into the map until
    `refit` (or until they have doubled); while its frames are computed a progress bar and Cancel
    (back to PCA) show."""

    word_activated = Signal(str)

    def __init__(self, session: StudioSession, evolution: Evolution, parent=None):
        super().__init__(parent)
        self._session = session
        self.map_panel, self.evolution = MapPanel(), evolution
        self.timeline = Timeline()
        self._run = None  # the TrainingRun in progress, once heard of
        self._pins: list[str] = []
        self._trails: list[tuple[pg.PlotDataItem, pg.TextItem]] = []
        self._showing = False  # the map shows a snapshot, not a projection
        self._fitted: object = None  # the view was fitted to frames on this basis (`Frames.basis`)
        self._stale = False  # a frame waits to be shown until the map is visible
        self._build_method_row()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.map_panel, 1)
        row = QHBoxLayout()
        row.addWidget(self.timeline, 1)
        for widget in (self._refit, self._progress, self._cancel):  # the method: the map's own box
            row.addWidget(widget)
        layout.addLayout(row)
        evolution.set_align(self.timeline.align)
        evolution.set_method(self.method)
        evolution.frames_changed.connect(self._on_frames_changed)
        evolution.projection_progressed.connect(self._on_projection_progressed)
        evolution.projection_failed.connect(self._on_projection_failed)
        self.timeline.frame_changed.connect(self._on_frame_changed)
        self.timeline.align_changed.connect(evolution.set_align)
        self.timeline.trails_toggled.connect(self._on_trails_toggled)
        self.timeline.following_toggled.connect(self._on_following_toggled)
        self.map_panel.projected.connect(self._on_projected)
        self.map_panel.configure(method=self.method)  # one method box: the map's, for its snapshots too
        self.map_panel.method_changed.connect(self._on_map_method_changed)
        self.map_panel.word_activated.connect(self.word_activated)
        self.map_panel.pin_requested.connect(self._on_pin_requested)
        self.map_panel.plot_item.getViewBox().sigRangeChanged.connect(self._keep_trail_labels_apart)  # apart at any zoom
        self._when_shown = WhenShown(self, self._set_vectors)
        session.current_changed.connect(self._on_current_changed)
        session.pins_changed.connect(self._on_pins_changed)
        session.run_progressed.connect(self._on_run_progressed)
        session.moment_changed.connect(self._on_moment_changed)
        self._pins = session.pins
        self._on_current_changed(session.current)

    def _build_method_row(self):
        self._method = QComboBox(self)
        for key, tip in trajectories.METHODS.items():
            self._method.addItem(projection.METHODS[key], key)
            self._method.setItemData(self._method.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self._method.setCurrentIndex(max(self._method.findData(settings.get("map/live_method")), 0))
        self._method.setToolTip("How the snapshots are mapped: PCA, or t-SNE (new snapshots placed into its map).")
        self._method.currentIndexChanged.connect(self._on_method_changed)
        self._method.setVisible(False)  # kept in step with the map's box, which is the one shown
        self._refit = QToolButton(text="Re-fit", enabled=self.method == "tsne")
        self._refit.setToolTip("Draw the t-SNE map again from the latest snapshot.")
        self._refit.clicked.connect(self.refit)
        self._progress = QProgressBar(maximum=1000, maximumWidth=120, visible=False)
        self._cancel = QToolButton(text="Cancel", visible=False)
        self._cancel.setToolTip("Stop the t-SNE map and go back to PCA.")
        self._cancel.clicked.connect(self.cancel)

    @property
    def showing_snapshot(self) -> bool:
        return self._showing

    @property
    def method(self) -> str:
        """How the snapshots are mapped: a key of trajectories.METHODS."""
        return self._method.currentData()

    @property
    def is_busy(self) -> bool:
        """The t-SNE frames are being computed."""
        return not self._progress.isHidden()

    def set_method(self, method: str):
        """Map the snapshots by `method` (a key of trajectories.METHODS)."""
        if method not in trajectories.METHODS:
            raise ValueError(f"unknown live map method {method!r}")
        self._method.setCurrentIndex(self._method.findData(method))

    def refit(self):
        """Make the latest snapshot the reference of a new t-SNE map."""
        if self.method == "tsne":
            self.evolution.refit()

    def cancel(self):
        """Stop computing t-SNE frames: the map goes back to PCA."""
        if self.is_busy:
            self.set_method("pca")

    def _on_run_progressed(self, run):
        """Follow the snapshots of the run (its `.recorder`) while the map is shown (it catches up
        when shown again)."""
        self._run = run
        if self.isVisible():
            self.evolution.follow_run(run.recorder)

    def _on_current_changed(self, entry):
        self._run = None
        self._show_model(None if entry is None else entry.kv, None if entry is None else entry.recorder)

    def _show_model(self, kv: KeyedVectors | None, recorder: SnapshotRecorder | None):
        """Explore `kv`: the timeline over its snapshots (`recorder`), else a projection."""
        self._showing = recorder is not None
        self._when_shown.request()  # the words drawn, or projected, once the map is shown
        self.evolution.follow(recorder)
        if self.evolution.frames is not None:
            self._on_frames_changed(self.evolution.frames)

    def _set_vectors(self):
        entry = self._session.current
        self.map_panel.set_vectors(None if entry is None else entry.kv, project=entry is None or entry.recorder is None)

    def _on_pins_changed(self, pins: list[str]):
        self._pins = list(pins)
        self._draw_trails()

    def jump_to(self, epochs: float) -> bool:
        """Show the snapshot taken nearest `epochs` into training (the session's moment is its
        time); False if there is none."""
        frames = self.evolution.frames
        if frames is None:
            return False
        self.timeline.set_following(False)
        self.timeline.set_frame(frames.nearest(epochs))
        self._show(self.timeline.frame)
        return True

    def _on_moment_changed(self, epochs: float | None):
        frames = self.evolution.frames
        if epochs is None or frames is None:
            return
        if self.timeline.following or frames.x[self.timeline.frame] != epochs:  # not the snapshot shown
            self.jump_to(epochs)

    def _show(self, i: int):
        frames = self.evolution.frames
        self._showing, self._stale = True, False
        shown = frames.vectors(i)
        self.map_panel.show_frame(shown, frames.coords[i])
        by = "" if self.map_panel.method == AXES else f" by {projection.METHODS[self.method]}"
        self.map_panel.set_status(f"{len(shown):,} tracked words of {shown.dim} dimensions, snapshot {i + 1} of "
                                  f"{len(frames)} of {self._snapshots_of()}{by}")
        if frames.basis is not self._fitted:
            self._fit(frames)
        elif self.timeline.following:
            self._fit(frames, only_to_grow=True)
        self._draw_trails()
        loss = "" if math.isnan(frames.loss[i]) else f" · loss {frames.loss[i]:.4f}"
        self.timeline.caption.setText(f"Snapshot {i + 1} of {len(frames)} · epoch {frames.x[i]:.2f}{loss}")
        self._session.set_moment(None if self.timeline.following else float(frames.x[i]))

    def _snapshots_of(self) -> str:
        """Whose snapshots the timeline shows: the run in progress, or the model explored."""
        recorder = self.evolution.recorder
        if self._run is not None and recorder is self._run.recorder:
            return "the run in progress"
        entry = self._session.current
        if entry is not None and entry.recorder is recorder:
            return f"“{entry.name}”"
        named = [e.name for e in self._session.entries if e.recorder is recorder]
        return f"“{named[0]}”" if named else "the last run"

    def _fit(self, frames: Frames, only_to_grow: bool = False):
        """Fit the view to every snapshot's points, so that Play never rescales it; with
        `only_to_grow`, only if some point is out of view (a new range repaints much)."""
        self._fitted = frames.basis
        if not frames.coords.size or self.map_panel.method == AXES:  # nothing tracked, or scores shown
            return
        low, high = frames.coords.reshape(-1, 2).min(axis=0), frames.coords.reshape(-1, 2).max(axis=0)
        (x0, x1), (y0, y1) = self.map_panel.view_range()
        if only_to_grow and x0 <= low[0] and high[0] <= x1 and y0 <= low[1] and high[1] <= y1:
            return
        pad = _MARGIN * float(np.max(high - low) or 1.0)
        self.map_panel.set_view_range((low[0] - pad, high[0] + pad), (low[1] - pad, high[1] + pad))

    def _draw_trails(self):
        """One line per pinned (and tracked) word, from the first snapshot to the one shown."""
        frames = self.evolution.frames
        on = self._showing and frames is not None and self.timeline.trails_shown and self.map_panel.method != AXES
        rows = [(w, frames.positions[w]) for w in self._pins if w in frames.positions] if on else []
        plot = self.map_panel.plot_item
        while len(self._trails) < len(rows):
            colour = TRAIL_COLOURS[len(self._trails) % len(TRAIL_COLOURS)]
            line = pg.PlotDataItem(pen=pg.mkPen(colour, width=2))
            label = pg.TextItem(color=colour, fill=(255, 255, 255, 170), anchor=(0.5, _TRAIL_ANCHOR_Y))
            line.setZValue(5)
            label.setZValue(25)  # above the word labels (5), the region names (15) and the selection (20, 21)
            plot.addItem(line)
            plot.addItem(label)
            self._trails.append((line, label))
        i = self.timeline.frame
        for k, (line, label) in enumerate(self._trails):
            line.setVisible(k < len(rows))
            label.setVisible(k < len(rows))
            if k < len(rows):
                word, row = rows[k]
                path = frames.coords[: i + 1, row]
                line.setData(path[:, 0], path[:, 1])
                if label.textItem.toPlainText() != word:
                    label.setText(word)
                label.setPos(*path[-1])
        self._keep_trail_labels_apart()

    def _keep_trail_labels_apart(self, *_args):
        """Each trail's name above its end, else at the nearest place on screen where it overlaps no
        name placed before it (`core.map.labels.labels_apart`: trails that end close together, or a
        view zoomed out); the map's word labels keep off each name and its trail's end."""
        shown = [label for line, label in self._trails if label.isVisible()]
        named = []  # each pinned word named once, the map's word labels off its trail's label
        if shown:
            view = self.map_panel.plot_item.getViewBox()
            view.updateMatrix()  # a range just set is otherwise mapped at the next paint
            at = np.array([[p.x(), p.y()] for p in (view.mapViewToScene(label.pos()) for label in shown)])
            sizes = np.array([[b.width(), b.height()] for b in (label.boundingRect() for label in shown)])
            wish = np.c_[np.zeros(len(shown)), (0.5 - _TRAIL_ANCHOR_Y) * sizes[:, 1]]  # above the end (y down)
            centres = labels_apart(at, sizes + 2 * _TRAIL_GAP, wish)
            for label, centre, end, (width, height) in zip(shown, centres, at, sizes):
                offset = centre - end
                label.setAnchor((0.5 - offset[0] / max(width, 1e-9), 0.5 - offset[1] / max(height, 1e-9)))
                left, right = min(centre[0] - width / 2, end[0]), max(centre[0] + width / 2, end[0])
                top, bottom = min(centre[1] - height / 2, end[1]), max(centre[1] + height / 2, end[1])
                middle = view.mapSceneToView(QPointF((left + right) / 2, (top + bottom) / 2))
                named.append((label.textItem.toPlainText(), middle.x(), middle.y(), right - left, bottom - top))
        self.map_panel.word_labels.set_named_elsewhere(TRAILS, named)

    def trail(self, word: str) -> np.ndarray:
        """The trail drawn for `word`: (points, 2), empty if none."""
        for line, label in self._trails:
            if line.isVisible() and label.textItem.toPlainText() == word:
                x, y = line.getData()
                return np.c_[x, y]
        return np.zeros((0, 2))

    @property
    def trail_words(self) -> list[str]:
        """The words whose trails are drawn."""
        return [label.textItem.toPlainText() for line, label in self._trails if line.isVisible()]

    def _on_frames_changed(self, frames: Frames | None):
        self._set_busy(False)
        count = 0 if frames is None else len(frames)
        with QSignalBlocker(self.timeline.slider):  # the frame is shown below, once
            self.timeline.set_count(count)
            if self.timeline.following:
                self.timeline.set_frame(count - 1)
        self._stale = frames is not None and (self._showing or self.timeline.following)
        if self._stale:
            self._show_stale()
        else:
            self._draw_trails()

    def _show_stale(self):
        if self._stale and self.isVisible():
            self._stale = False
            self._show(self.timeline.frame)

    def showEvent(self, event):
        super().showEvent(event)
        if self._run is not None:
            self.evolution.follow_run(self._run.recorder)
        self._show_stale()

    def _on_following_toggled(self, checked: bool):
        self.evolution.set_following(checked)
        if checked and self._run is not None and self.isVisible():
            self.evolution.follow_run(self._run.recorder)

    def _on_frame_changed(self, i: int):
        if self.evolution.frames is not None:
            self._show(i)

    def _on_pin_requested(self, words: list[str]):
        self._session.set_pins(self._session.pins + words)

    def _on_trails_toggled(self, _checked: bool):
        self._draw_trails()

    def _on_projected(self):
        self._showing, self._fitted = False, None
        self._draw_trails()

    def _on_map_method_changed(self, method: str):
        """The map's box chose `method`: the snapshots follow where they can (PCA, t-SNE); with UMAP or
        Axes they keep theirs (Axes: the scores in each snapshot's space)."""
        if method in trajectories.METHODS and method != self.method:
            self.set_method(method)

    def _on_method_changed(self, _index: int):
        if self.map_panel.method in trajectories.METHODS and self.map_panel.method != self.method:
            self.map_panel.configure(method=self.method)  # back to PCA after a cancel or a failure
        settings.put("map/live_method", self.method)
        self._refit.setEnabled(self.method == "tsne")
        self._set_busy(False)
        self.evolution.set_method(self.method)

    def _on_projection_progressed(self, fraction: float):
        self._progress.setValue(round(fraction * 1000))
        self._set_busy(fraction < 1)

    def _on_projection_failed(self, _message: str):  # the window shows the message (`Evolution.failed`)
        self._set_busy(False)
        self.set_method("pca")

    def _set_busy(self, busy: bool):
        self._progress.setVisible(busy)
        self._cancel.setVisible(busy)

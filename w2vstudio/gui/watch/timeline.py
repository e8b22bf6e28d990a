"""`Timeline`: a scrubber over snapshots, with Play/Pause, "follow training", trails and the basis."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QToolButton, QWidget

from w2vstudio.core.watch.trajectories import ALIGNMENTS
from w2vstudio.gui import settings

PLAY_SECONDS = 5.0  # Play runs through all the snapshots in about this long
FRAME_MS = (40, 250)  # the shortest and longest time a frame is shown while playing
BASES = {"none": "Not rotated", "latest": "Procrustes to the latest", "previous": "Procrustes step by step"}


class Timeline(QWidget):
    """Picks one of `count` snapshots; `frame_changed(i)` whenever the shown one changes;
    `following_toggled(on)` when it starts or stops following training (the latest snapshot)."""

    frame_changed = Signal(int)
    align_changed = Signal(str)
    trails_toggled = Signal(bool)
    following_toggled = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.play_button = QToolButton()
        self.play_button.setText("Play")
        self.play_button.setToolTip("Animate the snapshots from the first to the last.")
        self.play_button.clicked.connect(self._on_play_clicked)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("The snapshot shown: drag to go back and forth in training.")
        self.slider.setPageStep(1)
        self.slider.valueChanged.connect(self.frame_changed)
        self.slider.actionTriggered.connect(self._on_slider_action_triggered)
        self.caption = QLabel()
        self.caption.setFixedWidth(self.caption.fontMetrics().horizontalAdvance("Snapshot 888 of 888 · epoch 88.88 · "
                                                                                 "loss 8.8888 "))
        self.caption.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        self.follow = QCheckBox("Follow training", checked=True)
        self.follow.setToolTip("Show each new snapshot as training takes it.")
        self.follow.toggled.connect(self._on_follow_toggled)
        self.trails = QCheckBox("Trails", checked=settings.get("map/trails"))
        self.trails.setToolTip("Draw the path of each pinned word up to the snapshot shown.")
        self.trails.toggled.connect(self._on_trails_toggled)
        self.basis = QComboBox()
        for key in ALIGNMENTS:
            self.basis.addItem(BASES[key], key)
            self.basis.setItemData(self.basis.count() - 1, ALIGNMENTS[key], Qt.ItemDataRole.ToolTipRole)
        self.basis.setCurrentIndex(max(self.basis.findData(settings.get("map/align")), 0))
        self.basis.setToolTip("How the snapshots are aligned before they are mapped: as they are, or rotated onto "
                              "each other (Procrustes).")
        self.basis.currentIndexChanged.connect(self._on_basis_changed)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_play_timeout)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.caption)
        row.addWidget(self.follow)
        row.addWidget(self.trails)
        row.addWidget(self.basis)
        self.set_count(0)

    @property
    def count(self) -> int:
        return self.slider.maximum() + 1 if self.slider.isEnabled() else 0

    @property
    def frame(self) -> int:
        return self.slider.value()

    @property
    def align(self) -> str:
        return self.basis.currentData()

    @property
    def is_playing(self) -> bool:
        return self._timer.isActive()

    @property
    def following(self) -> bool:
        """The latest snapshot is shown as training takes it."""
        return self.follow.isChecked()

    def set_following(self, following: bool):
        self.follow.setChecked(following)

    @property
    def trails_shown(self) -> bool:
        return self.trails.isChecked()

    def set_count(self, count: int):
        """There are `count` snapshots now (the shown one stays, unless it is gone)."""
        self.slider.setEnabled(count > 0)
        self.play_button.setEnabled(count > 1)
        self.slider.setRange(0, max(count - 1, 0))
        if count == 0:
            self.pause()
            self.caption.setText("No snapshots: train with snapshots on to watch the space form.")

    def set_frame(self, i: int):
        """Show snapshot `i` (`frame_changed` follows if it is another one)."""
        self.slider.setValue(i)

    def play(self):
        """Animate from the shown snapshot (from the first if the last is shown) to the last."""
        if self.count < 2:
            return
        self.follow.setChecked(False)
        if self.frame == self.count - 1:
            self.set_frame(0)
        self._timer.start(min(max(round(1000 * PLAY_SECONDS / self.count), FRAME_MS[0]), FRAME_MS[1]))
        self.play_button.setText("Pause")

    def pause(self):
        self._timer.stop()
        self.play_button.setText("Play")

    def _on_play_clicked(self):
        if self.is_playing:
            self.pause()
        else:
            self.play()

    def _on_play_timeout(self):
        if self.frame >= self.count - 1:
            self.pause()
        else:
            self.set_frame(self.frame + 1)

    def _on_slider_action_triggered(self, _action: int):
        self.pause()
        self.follow.setChecked(False)

    def _on_follow_toggled(self, checked: bool):
        if checked:
            self.pause()
            self.set_frame(self.count - 1)
        self.following_toggled.emit(checked)

    def _on_trails_toggled(self, checked: bool):
        settings.put("map/trails", checked)
        self.trails_toggled.emit(checked)

    def _on_basis_changed(self, _index: int):
        settings.put("map/align", self.align)
        self.align_changed.emit(self.align)

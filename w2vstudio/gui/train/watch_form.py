"""The Train tab's "Watch training" options: snapshots for the live map, per-epoch quality."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox, QWidget

from w2vstudio.gui import settings
from w2vstudio.core.corpus.heldout import DEFAULT_FRACTION
from w2vstudio.core.run import WatchOptions

DEFAULT_PROBES = 5  # likelihood probes of a studio run: the pairs of highest PMI in the corpus


class WatchForm(QWidget):
    """Edits the WatchOptions of the next run (the pinned words come from the window)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.snapshots = QSpinBox()
        self.snapshots.setRange(0, 200)
        self.snapshots.setSpecialValueText("off")
        self.snapshots.setSuffix(" per epoch")
        self.snapshots.setValue(settings.get("watch/snapshots"))
        self.snapshots.setToolTip("How often to copy the tracked words' vectors while training, for the live "
                                  "map, its timeline and the neighbourhood stability. Usual: 10; off saves memory.")
        self.tracked = QSpinBox()
        self.tracked.setRange(10, 50_000)
        self.tracked.setSingleStep(500)
        self.tracked.setGroupSeparatorShown(True)
        self.tracked.setSuffix(" words")
        self.tracked.setValue(settings.get("watch/tracked"))
        self.tracked.setToolTip("Snapshots track this many of the most frequent words, and every pinned word. "
                                "Usual: 2,000; each snapshot takes tracked words x dimensions x 4 bytes.")
        self.quality = QCheckBox("Analogies and WordSim-353")
        self.quality.setChecked(settings.get("watch/quality"))
        self.quality.setToolTip("After each epoch, score the bundled analogies and WordSim-353 in the "
                                "background, at a low priority, and plot them beside the loss.")
        self.heldout = QCheckBox(f"Keep back {DEFAULT_FRACTION:.0%} and score it")
        self.heldout.setChecked(settings.get("watch/heldout"))
        self.heldout.setToolTip("Keep back about 1% of the corpus (chunks of about 1,000 words), never trained "
                                "on, and plot the model's loss on it beside the online loss: the held-out "
                                "curve shows whether the model really improves.")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Snapshots", self.snapshots)
        layout.addRow("Tracked", self.tracked)
        layout.addRow("Each epoch", self.quality)
        layout.addRow("Held-out", self.heldout)

    def options(self, pinned=()) -> WatchOptions:
        return WatchOptions(self.snapshots.value(), self.tracked.value(), self.quality.isChecked(), tuple(pinned),
                            default_probes=DEFAULT_PROBES,
                            heldout=DEFAULT_FRACTION if self.heldout.isChecked() else 0.0)

    def remember(self):
        """Store the form's values as the next session's defaults."""
        settings.put("watch/snapshots", self.snapshots.value())
        settings.put("watch/tracked", self.tracked.value())
        settings.put("watch/quality", self.quality.isChecked())
        settings.put("watch/heldout", self.heldout.isChecked())

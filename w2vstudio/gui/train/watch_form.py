"""The Train tab's "Watch training" options: snapshots for the live map, per-epoch quality, the
held-out slice and the pairs whose p is probed (the session's, shared with the Likelihood view)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox, QWidget

from w2vstudio.gui import settings
from w2vstudio.core.corpus.heldout import DEFAULT_FRACTION
from w2vstudio.core.run import WatchOptions
from w2vstudio.gui.widgets.pairs_editor import PairsEditor

DEFAULT_PROBES = 5  # likelihood probes of a studio run: the pairs of highest PMI in the corpus


class WatchForm(QWidget):
    """Edits the WatchOptions of the next run (the pinned words come from the window)."""

    def __init__(self, session=None, parent=None):
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
        self.pairs = PairsEditor(session)
        self.pairs.setToolTip("p(output | input) of these pairs at every snapshot (the Likelihood view); "
                              f"with none, the {DEFAULT_PROBES} pairs of highest PMI in the corpus.")
        layout.addRow("Probe pairs", self.pairs)

    def options(self, pinned=(), pairs=None) -> WatchOptions:
        """The options of the next run; `pairs` default to the form's (none: the PMI pairs)."""
        pairs = self.pairs.pairs() if pairs is None else pairs
        return WatchOptions(self.snapshots.value(), self.tracked.value(), self.quality.isChecked(), tuple(pinned),
                            probe_pairs=tuple((str(a), str(b)) for a, b in pairs), default_probes=DEFAULT_PROBES,
                            heldout=DEFAULT_FRACTION if self.heldout.isChecked() else 0.0)

    def remember(self):
        """Store the form's values as the next session's defaults."""
        settings.put("watch/snapshots", self.snapshots.value())
        settings.put("watch/tracked", self.tracked.value())
        settings.put("watch/quality", self.quality.isChecked())
        settings.put("watch/heldout", self.heldout.isChecked())

"""The Train tab's Runs: one model, or an ensemble of K runs (seeds, or bootstrap resamples)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox, QWidget

from w2vstudio.gui import settings


class RunsForm(QWidget):
    """How many runs the next training makes (1: one model; more: an ensemble, opened as one entry)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runs = QSpinBox()
        self.runs.setRange(1, 1000)
        self.runs.setValue(settings.get("ensemble/runs"))
        self.runs.setSpecialValueText("1 (one model)")
        self.runs.setToolTip("Train K models of one corpus, seeds Seed, Seed + 1, ..., kept together as an "
                             "ensemble: its neighbours show how many runs agree, and the sd of their cosines.")
        self.bootstrap = QCheckBox("Bootstrap the documents")
        self.bootstrap.setChecked(settings.get("ensemble/bootstrap"))
        self.bootstrap.setToolTip("Each run trains on a bootstrap resample of the corpus's lines (chunks of "
                                  "1,000 words for a corpus of few long lines), drawn with its seed.")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Runs", self.runs)
        layout.addRow("", self.bootstrap)

    def ensemble(self) -> tuple[int, bool] | None:
        """(runs, bootstrap) for an ensemble, None for one model."""
        k, bootstrap = self.runs.value(), self.bootstrap.isChecked()
        return (k, bootstrap) if k > 1 or bootstrap else None

    def remember(self):
        settings.put("ensemble/runs", self.runs.value())
        settings.put("ensemble/bootstrap", self.bootstrap.isChecked())

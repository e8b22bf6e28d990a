"""The Lenses tab: four views on what the model explored has learned."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from w2vstudio.gui.lenses.axes_view import AxesView
from w2vstudio.gui.lenses.frequency_view import FrequencyView
from w2vstudio.gui.lenses.likelihood_view import LikelihoodView
from w2vstudio.gui.lenses.senses_view import SensesView
from w2vstudio.gui.session import StudioSession


class LensesPanel(QTabWidget):
    """Likelihood, Frequency, Axes and Senses, each following the session's current model."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.likelihood_view = LikelihoodView(session)
        self.frequency_view = FrequencyView(session)
        self.axes_view = AxesView(session)
        self.senses_view = SensesView(session)
        self.addTab(self.likelihood_view, "Likelihood")
        self.addTab(self.frequency_view, "Frequency")
        self.addTab(self.axes_view, "Axes")
        self.addTab(self.senses_view, "Senses")

    def follow_training(self, run):
        """Follow the likelihood probes of a run (`TrainingRun`) as they are recorded."""
        self.likelihood_view.set_live(run.probes)

    def stop_following(self, _outcome=None):
        """The run ended: back to the model explored."""
        self.likelihood_view.set_live(None)

    def show_progress(self, epochs: float):
        """Show the probe time nearest this point of training (the loss plot's click)."""
        self.likelihood_view.show_progress(epochs)

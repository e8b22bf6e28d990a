"""The Lenses tab: five views on what the model explored has learned."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget

from w2vstudio.gui.lenses.axes_view import AxesView
from w2vstudio.gui.lenses.frequency_view import FrequencyView
from w2vstudio.gui.lenses.likelihood_view import LikelihoodView
from w2vstudio.gui.lenses.mirror_view import MirrorView
from w2vstudio.gui.lenses.senses_view import SensesView
from w2vstudio.gui.lenses.weat_view import WeatView
from w2vstudio.gui.studio_session import StudioSession


class LensesPanel(QTabWidget):
    """Likelihood, Frequency, Axes, Senses, WEAT and Mirror, each following the session's current model (the
    likelihood also its run and moment)."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.likelihood_view = LikelihoodView(session)
        self.frequency_view = FrequencyView(session)
        self.axes_view = AxesView(session)
        self.senses_view = SensesView(session)
        self.weat_view = WeatView(session)
        self.mirror_view = MirrorView(session)
        self.addTab(self.likelihood_view, "Likelihood")
        self.addTab(self.frequency_view, "Frequency")
        self.addTab(self.axes_view, "Axes")
        self.addTab(self.senses_view, "Senses")
        self.addTab(self.weat_view, "WEAT")
        self.addTab(self.mirror_view, "Mirror")

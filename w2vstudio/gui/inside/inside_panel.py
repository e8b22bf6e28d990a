"""The Inside tab: from a sentence to training samples to one learning step, and a tiny model."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget

from w2vstudio.gui.inside.samples_view import SamplesView
from w2vstudio.gui.inside.step_view import StepView
from w2vstudio.gui.inside.tiny_view import TinyView
from w2vstudio.gui.studio_session import StudioSession


class InsidePanel(QTabWidget):
    """Two pages: the sentence's samples beside the step of the row picked; the tiny model."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.samples_view = SamplesView(session)
        self.step_view = StepView(session)
        self.samples_view.sample_chosen.connect(self.step_view.set_sample)
        self.tiny_view = TinyView()
        page = QSplitter(Qt.Orientation.Horizontal)
        page.addWidget(self.samples_view)
        page.addWidget(self.step_view)
        page.setStretchFactor(0, 2)
        page.setStretchFactor(1, 3)
        self.addTab(page, "Sentence → samples → one step")
        self.addTab(self.tiny_view, "Tiny model")

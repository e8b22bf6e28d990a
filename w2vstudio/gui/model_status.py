"""The status bar's account of the model explored: its name, vocabulary and dimensions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from w2vstudio.gui.session import Entry, StudioSession


class ModelStatus(QWidget):
    """Three labels that follow the session's model explored (names come from files: plain text)."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.model_label, self.vocab_label, self.dim_label = QLabel(), QLabel(), QLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label in (self.model_label, self.vocab_label, self.dim_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            row.addWidget(label)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    def _on_current_changed(self, entry: Entry | None):
        self.model_label.setText("No model yet" if entry is None else f"Model: {entry.name}")
        self.vocab_label.setText("" if entry is None else f"{len(entry.kv):,} words")
        self.dim_label.setText("" if entry is None else f"{entry.kv.dim} dimensions")

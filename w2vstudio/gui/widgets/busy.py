"""A busy bar with a Cancel button, for the status bar."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from w2vstudio.core.support.printable import verbatim_html


class BusyIndicator(QWidget):
    """Shown while something runs (`set_busy(message, cancellable)`); `cancel_clicked` when Cancel is."""

    cancel_clicked = Signal()

    def __init__(self, cancel_tip: str, parent=None):
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(120)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(cancel_tip)
        self.cancel_button.clicked.connect(self.cancel_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar)
        row.addWidget(self.cancel_button)
        self.set_busy("", False)

    @property
    def busy(self) -> bool:
        return self.bar.isVisibleTo(self)

    @property
    def cancellable(self) -> bool:
        return self.cancel_button.isVisibleTo(self)

    def set_busy(self, message: str, cancellable: bool):
        """Show the bar while `message` is not empty, with Cancel if `cancellable`."""
        self.bar.setVisible(bool(message))
        self.cancel_button.setVisible(bool(message) and cancellable)
        self.bar.setToolTip(verbatim_html(message) if message else "")

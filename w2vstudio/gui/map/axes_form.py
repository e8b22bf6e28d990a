"""`AxesForm`: the two axes of the Map's "Axes" projection (as the TensorFlow Projector's custom
projection), each typed as from words → to words."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from w2vstudio.core.lenses.axes import group

DEFAULT_AXES = (("he", "she"), ("poor", "rich"))
_TIP = "Words separated by spaces, e.g. he him his man"


class AxesForm(QWidget):
    """Four fields: x from → to, y from → to. `submitted` when Enter is pressed in one."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._fields = [QLineEdit(text, toolTip=_TIP, clearButtonEnabled=True)
                        for pair in DEFAULT_AXES for text in pair]
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for name, start in (("x", 0), ("y", 2)):
            layout.addWidget(QLabel(f"{name}:"))
            layout.addWidget(self._fields[start], 1)
            layout.addWidget(QLabel("\u2192"))
            layout.addWidget(self._fields[start + 1], 1)
        for field in self._fields:
            field.returnPressed.connect(self.submitted)

    def set_axes(self, x: tuple[str, str], y: tuple[str, str]) -> None:
        """Type the axes: x = (from words, to words), y the same."""
        for field, text in zip(self._fields, (*x, *y)):
            field.setText(text)

    def axes(self) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[str, ...], tuple[str, ...]]]:
        """The axes typed, as word groups: ((x from, x to), (y from, y to))."""
        words = [group(field.text()) for field in self._fields]
        return (words[0], words[1]), (words[2], words[3])

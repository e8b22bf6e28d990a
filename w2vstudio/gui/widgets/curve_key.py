"""A plot's key as a row of text beside the plot, never over its points: each curve's colour, then
its name as plain text (a corpus's words or a file's name are not markup)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from w2vstudio.core.support.printable import printable


class CurveKey(QLabel):
    """`set_curves([(name, colour), ...])` shows a line of each colour and its name, each on one line;
    hidden when empty."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.names: list[str] = []

    def set_curves(self, curves: list[tuple[str, str]]) -> None:
        self.names = [name for name, _ in curves]
        self.setText(" &nbsp; ".join(f"<span style='color:{colour}'>━━━</span>&nbsp;"  # lines break between curves
                                     + html.escape(printable(name)).replace(" ", "&nbsp;") for name, colour in curves))
        self.setVisible(bool(curves))

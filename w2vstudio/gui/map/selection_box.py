"""The words selected on the map with the lasso: listed (plain text), pinned together, or
exported as `word,x,y,count` CSV."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from w2vstudio.core.errors import W2VError
from w2vstudio.core.map.coordinates import write_coordinates
from w2vstudio.gui.workers import error_message


class SelectionBox(QWidget):
    """A list of selected words with Pin and Export buttons; hidden while nothing is selected."""

    pin_requested = Signal(list)  # the user asked to pin these words
    saved = Signal(str)  # the selection was exported to this path
    changed = Signal(list)  # the words selected now (none: cleared)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._words: list[str] = []
        self._xy = np.zeros((0, 2))
        self._counts: np.ndarray | None = None
        self._title = QLabel(textFormat=Qt.TextFormat.PlainText)
        self._list = QListWidget()
        pin, export, clear = QPushButton("Pin"), QPushButton("Export CSV…"), QPushButton("Clear")
        pin.setToolTip("Pin the selected words: probe them as the model learns, track them in the next training")
        pin.clicked.connect(lambda: self.pin_requested.emit(list(self._words)))
        export.clicked.connect(self._on_export_clicked)
        clear.clicked.connect(lambda: self.set_selection([], np.zeros((0, 2)), None))
        buttons = QHBoxLayout()
        for button in (pin, export, clear):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._title)
        layout.addWidget(self._list, 1)
        layout.addLayout(buttons)
        self.setMaximumWidth(240)
        self.hide()

    @property
    def words(self) -> list[str]:
        """The selected words, most frequent first."""
        return self._words

    def set_selection(self, words: list[str], xy: np.ndarray, counts: np.ndarray | None) -> None:
        """Show these words (at map coordinates `xy`, with their counts or None)."""
        self._words, self._xy, self._counts = list(words), np.asarray(xy).reshape(-1, 2), counts
        self._list.clear()
        self._list.addItems(self._words)  # plain text items
        self._title.setText(f"{len(self._words):,} words selected")
        self.setVisible(bool(self._words))
        self.changed.emit(self._words)

    def export_csv(self, path: str) -> None:
        """Write `word,x,y,count` of the selected words to `path` (atomically)."""
        write_coordinates(path, self._words, self._xy, self._counts)

    @Slot()
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export the selection", "selection.csv", "CSV (*.csv)")
        if not path:
            return
        try:
            self.export_csv(path)
        except (OSError, W2VError) as exc:
            self.failed.emit(f"Could not write {path}: {error_message(exc)}")
        else:
            self.saved.emit(path)

"""No work for hidden views: a panel's refresh runs while it is shown, or once when it is next shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget


class WhenShown(QObject):
    """Runs `refresh` when asked while `widget` is shown; while it is hidden in a shown window (a
    tab not chosen), marks it dirty and runs it once when the widget is next shown. A widget whose
    window was never shown (a panel on its own, in a script) refreshes at once."""

    def __init__(self, widget: QWidget, refresh: Callable[[], object]):
        super().__init__(widget)
        self._widget, self._refresh = widget, refresh
        self.dirty = False
        widget.installEventFilter(self)

    @property
    def hidden(self) -> bool:
        widget = self._widget
        return not widget.isVisible() and QWidget.window(widget).isVisible()

    def request(self):
        """Refresh now if shown, else when next shown."""
        if self.hidden:
            self.dirty = True
        else:
            self.dirty = False
            self._refresh()

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if watched is self._widget and event.type() == QEvent.Type.Show and self.dirty:
            self.dirty = False
            self._refresh()
        return False

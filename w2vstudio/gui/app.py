"""Start the studio."""

from __future__ import annotations

import signal
import sys
import traceback


def _report_uncaught(window):
    """An excepthook that shows unexpected errors in a message box instead of ending the studio."""

    def hook(kind, exc, tb):
        traceback.print_exception(kind, exc, tb)
        window.show_error(f"Unexpected error: {exc!r}")

    return hook


def run(paths=()) -> int:
    """Open the main window (with `paths` opened as a drop would) and run the event loop until it
    closes; returns the exit status.

    Ctrl+C or SIGTERM close the window as the user would (asking about an unsaved model on Ctrl+C).
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from w2vstudio.gui.main_window import MainWindow
    from w2vstudio.resources import ICON, path

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("w2vstudio")
    app.setOrganizationName("w2vstudio")
    app.setWindowIcon(QIcon(str(path(ICON))))  # the window's, the About box's and the task bar's
    app.setDesktopFileName("w2vstudio")  # Wayland: the installed desktop entry gives the icon
    window = MainWindow()
    window.show()
    if paths:
        window.open_paths(list(paths))
    sys.excepthook = _report_uncaught(window)

    def on_terminate(*_):
        window.ask_discard = lambda _text: True  # nobody is there to answer
        window.close()

    signal.signal(signal.SIGINT, lambda *_: window.close())
    signal.signal(signal.SIGTERM, on_terminate)
    wake = QTimer()  # lets Python run its signal handlers while Qt waits for events
    wake.start(200)
    wake.timeout.connect(lambda: None)
    try:
        return app.exec()
    finally:
        wake.stop()
        sys.excepthook = sys.__excepthook__
        window.deleteLater()
        app.processEvents()

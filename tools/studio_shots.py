"""What the screenshot scripts share: the studio opened at 1280×800 with throwaway settings, the
event loop run for a while or until a signal, and a PNG kept small."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
LARGEST_PNG = 250_000  # bytes: above it, a picture is saved in 256 colours


def open_studio():
    """(app, window): the studio shown at 1280×800; its settings in a temporary folder, so the
    user's own are untouched."""
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="w2vstudio-shot-")
    from PySide6.QtWidgets import QApplication

    from w2vstudio.gui.main_window import MainWindow

    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(1280, 800)
    window.move(0, 0)
    window.show()
    return app, window


def pause(ms: int) -> None:
    """Run the event loop for `ms` milliseconds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(signal, ms: int = 600_000) -> None:
    """Run the event loop until `signal` is emitted (at most `ms` milliseconds)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def save_png(widget, path: str | Path) -> None:
    """The widget as PNG, in 256 colours where the full-colour file passes `LARGEST_PNG` (many
    antialiased lines: 256 colours keep it small and legible)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    image = widget.grab().toImage()
    image.save(str(path), "PNG", 0)  # 0: the smallest file
    if os.path.getsize(path) > LARGEST_PNG:
        flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
        image.convertToFormat(QImage.Format.Format_Indexed8, flags).save(str(path), "PNG", 0)

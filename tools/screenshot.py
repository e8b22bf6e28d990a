"""Drive the studio to the state shown in the README and save screenshots of it.

Run under an X server, e.g.:  Xvfb :99 -screen 0 1400x900x24 &  DISPLAY=:99 python tools/screenshot.py
It trains the "Quick look" preset on the bundled sample corpus, then saves the Train tab
(docs/screenshot.png) and a neighbours query (docs/screenshot-neighbours.png). Settings go to a
temporary folder, so the user's own are untouched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def main() -> int:
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="w2vstudio-shot-")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from w2vstudio.gui.main_window import MainWindow

    app = QApplication(sys.argv)
    window = MainWindow()
    window.resize(1360, 860)
    window.move(20, 20)
    window.show()
    loop = QEventLoop()

    def wait(signal, ms: int = 600_000):
        signal.connect(loop.quit)
        QTimer.singleShot(ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    window.train_panel.form.preset.textActivated.emit("Quick look")
    window.train_panel.start_action.trigger()
    wait(window.train_panel.training_finished)
    QTimer.singleShot(1500, loop.quit)  # let the last plots and the map draw
    loop.exec()
    window.grab().save(str(DOCS / "screenshot.png"))

    window.show_neighbours("france")
    wait(window.neighbours_panel.results_shown, 30_000)
    app.processEvents()
    window.grab().save(str(DOCS / "screenshot-neighbours.png"))

    window.unsaved = False
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

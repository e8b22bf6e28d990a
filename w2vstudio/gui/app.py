"""Start the studio."""

import sys


def run() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("w2vstudio")
    window.resize(1200, 800)
    window.show()
    return app.exec()

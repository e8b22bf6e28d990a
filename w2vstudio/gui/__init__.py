"""PySide6 + pyqtgraph studio on top of w2vstudio.core."""

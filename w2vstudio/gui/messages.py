"""What the studio says: errors as one sentence, questions about unsaved models, the About text."""

from __future__ import annotations

import html
import platform
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

import w2vstudio
from w2vstudio.core.support.printable import printable
from w2vstudio.gui.studio_session import Entry
from w2vstudio.resources import ICON
from w2vstudio.resources import path as resource_path


_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://")  # https://… stays as written


def sentence(text: str) -> str:
    """`text` as a sentence: capital first letter (not of an address it starts with), final full stop,
    control characters escaped."""
    text = printable(text.strip()) or "Something went wrong."
    if not _ADDRESS.match(text):
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def unranked(instead: str) -> str:
    """The one line a view shows where it would take the most frequent words of vectors in no order
    of frequency (`KeyedVectors.ranked` False); `instead`: what it does."""
    return f"This model keeps no word counts and its words are in no order of frequency (a Spark model): {instead}."


def unsaved_text(entries: list[Entry], question: str) -> str:
    """Say which models are not saved, then ask `question`."""
    if len(entries) == 1:
        return f"The model “{entries[0].name}” is not saved. {question}"
    return f"{len(entries)} models are not saved ({', '.join(e.name for e in entries)}). {question}"


def about_text() -> str:
    import numba
    import numpy
    import PySide6
    import pyqtgraph
    from PySide6.QtCore import QUrl, qVersion

    icon = QUrl.fromLocalFile(str(resource_path(ICON))).toString()
    return (f'<h3><img src="{html.escape(icon)}" width="64" height="64" style="vertical-align: middle"> '
            f"w2vstudio {w2vstudio.__version__}</h3><p>Train word2vec fast, watch it learn, explore the "
            f"result.</p><p>Python {platform.python_version()} · PySide6 {PySide6.__version__} (Qt {qVersion()})"
            f" · pyqtgraph {pyqtgraph.__version__} · NumPy {numpy.__version__} · Numba {numba.__version__}</p>")


def show_about(parent):
    """The About box (versions of the libraries that do the work), without blocking."""
    box = QMessageBox(QMessageBox.Icon.NoIcon, "About w2vstudio", about_text(), QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()

"""The mirror: a word's top contexts in the corpus (counted as training weighs them) beside the
model's p(context | word), as two ranked columns joined by lines (a slope chart); Spearman's ρ and
the pairs that leapfrog, computed in the background."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QProgressBar, QPushButton,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from w2vstudio.core.lenses.mirror import DEFAULT_TOP, Mirror, mirror
from w2vstudio.core.train.model import corpus_paths
from w2vstudio.gui import workers
from w2vstudio.gui.studio_session import StudioSession

_STILL, _LEAP, _CHOSEN = pg.mkPen("#5d7ea8", width=1.5), pg.mkPen("#e8606f", width=2.5), pg.mkPen("#ffb000", width=5)
_TEXT = "#333333"  # the plots' foreground on their white background


def neighbour_leaps(found: Mirror) -> set[str]:
    """Words in a leapfrog of two contexts next to each other in the corpus's ranking (the seed's
    "the second will almost never leapfrog the first")."""
    return {w for f in found.leapfrogs if f.corpus_ranks[1] - f.corpus_ranks[0] == 1
            for w in (f.corpus_first, f.model_first)}


def model_order(found: Mirror) -> list[int]:
    """Each context's position (0-based) when the listed contexts are ordered by the model's p."""
    order = sorted(range(len(found.contexts)), key=lambda i: (-found.contexts[i].model_p, i))
    position = [0] * len(order)
    for k, i in enumerate(order):
        position[i] = k
    return position


class MirrorView(QWidget):
    """Type a word and press Mirror (or `look()`); `result` holds the last `Mirror`."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.result: Mirror | None = None
        self.lines: dict[str, pg.PlotDataItem] = {}
        self.word = QLineEdit()
        self.word.setPlaceholderText("a word, e.g. peanut")
        self.word.returnPressed.connect(self.look)
        self.top = QSpinBox()
        self.top.setRange(2, 60)
        self.top.setValue(DEFAULT_TOP)
        self.top.setPrefix("top ")
        self.top.setSuffix(" contexts")
        self.subsampling = QCheckBox("Subsampling")
        self.subsampling.setChecked(True)
        self.subsampling.setToolTip("Weigh each context by subsampling's keep probabilities, as training saw "
                                    "it; off: the reduced window's distance weights alone.")
        self.look_button = QPushButton("Mirror")
        self.look_button.clicked.connect(self.look)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        self.headline = QLabel("Does the model mirror the corpus? A word's contexts ranked by the corpus (left) "
                               "and by the model's p(context | word) (right); red lines leapfrog their "
                               "neighbour in the corpus's ranking.")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.plot.setMouseEnabled(x=False, y=True)
        self.plot.setMenuEnabled(False)
        self.leapfrogs = QListWidget()
        self.leapfrogs.setToolTip("Pairs ordered one way by the corpus and the other by the model; pick one to "
                                  "see its lines.")
        self.leapfrogs.setMinimumWidth(280)
        self.leapfrogs.currentRowChanged.connect(self._on_leapfrog_chosen)
        row = QHBoxLayout()
        for widget in (self.word, self.top, self.subsampling, self.look_button, self.cancel_button):
            row.addWidget(widget)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.plot)
        split.addWidget(self.leapfrogs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.headline)
        layout.addWidget(split, 1)
        self._call = workers.Call(self)
        self._call.progressed.connect(self._on_call_progressed)
        self._call.succeeded.connect(self._on_call_succeeded)
        self._call.failed.connect(self._on_call_ended)
        self._call.cancelled.connect(lambda: self._on_call_ended("Cancelled."))
        session.current_changed.connect(self._on_current_changed)

    @property
    def busy(self) -> bool:
        return self._call.busy

    def look(self):
        """Count the word's contexts in the model's corpus and set the model's p beside them."""
        entry, word = self.session.current, self.word.text().strip()
        if not word:
            return
        model = entry.model if entry is not None else None
        paths = corpus_paths(model) if model is not None else None
        if not paths:
            self.headline.setText("The mirror needs a model trained here (it remembers its corpus, its window "
                                  "and its subsampling); this one does not name its corpus.")
            return
        self._clear()
        self.headline.setText(f"Reading the corpus for “{word}”…")
        self.look_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._call.start(mirror, model, list(paths), word, self.top.value(), self.subsampling.isChecked(),
                         with_task=True)

    # -- reacting ----------------------------------------------------------------------------------
    def _clear(self):
        self.result = None
        self.lines = {}
        self.plot.clear()
        self.leapfrogs.clear()

    def _on_current_changed(self, _entry):
        self._call.stop()
        self._on_call_ended("")
        self._clear()

    def _on_cancel_clicked(self):
        self._call.stop()
        self._on_call_ended("Cancelled.")

    def _on_call_progressed(self, fraction: float, _text):
        self.progress.setValue(int(1000 * fraction))

    def _on_call_ended(self, message: str):
        self.look_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        self.headline.setText(message)

    def _on_call_succeeded(self, found: Mirror):
        self._on_call_ended("")
        self.result = found
        rho = "n/a" if found.spearman is None else f"{found.spearman:.3f}"
        weighing = "reduced window × subsampling" if found.subsampling else "reduced window only"
        self.headline.setText(
            f"“{found.word}”: {found.occurrences:,} occurrences{found.reading.note()} ({weighing})"
            + (", stopped at the cap" if found.capped else "")
            + f". Spearman's ρ = {rho} between the corpus's shares and the model's p ({found.objective}); "
            f"{len(found.leapfrogs)} of {found.pairs} pairs leapfrog.")
        self._draw(found)
        for f in found.leapfrogs:
            self.leapfrogs.addItem(f"{f.model_first} over {f.corpus_first}: corpus #{f.corpus_ranks[1]} below "
                                   f"#{f.corpus_ranks[0]}, model #{f.model_ranks[1]:,} above #{f.model_ranks[0]:,}")

    def _draw(self, found: Mirror):
        position = model_order(found)
        moved = neighbour_leaps(found)
        for i, c in enumerate(found.contexts):
            line = self.plot.plot([0, 1], [-i, -position[i]], pen=_LEAP if c.word in moved else _STILL)
            self.lines[c.word] = line
            left = pg.TextItem(f"{c.corpus_rank}. {c.word}  {c.corpus_p:.3f}", anchor=(1, 0.5), color=_TEXT)
            left.setPos(-0.02, -i)
            right = pg.TextItem(f"{c.word}  p {c.model_p:.2g} (#{c.model_rank:,})", anchor=(0, 0.5), color=_TEXT)
            right.setPos(1.02, -position[i])
            self.plot.addItem(left)
            self.plot.addItem(right)
        for x, text in ((0, "corpus"), (1, "model")):
            title = pg.TextItem(text, anchor=(0.5, 1), color=_TEXT)
            title.setPos(x, 0.8)
            self.plot.addItem(title)
        self.plot.setXRange(-0.9, 1.9, padding=0)
        self.plot.setYRange(-len(found.contexts) + 0.5, 1.2, padding=0.02)

    def _on_leapfrog_chosen(self, row: int):
        if self.result is None:
            return
        moved = neighbour_leaps(self.result)
        chosen = self.result.leapfrogs[row] if 0 <= row < len(self.result.leapfrogs) else None
        for word, line in self.lines.items():
            if chosen is not None and word in (chosen.corpus_first, chosen.model_first):
                line.setPen(_CHOSEN)
            else:
                line.setPen(_LEAP if word in moved else _STILL)

"""WEAT: one of the paper's bundled tests, or four word-list files, run on the model explored in the
background; the effect size d, the p-value, the missing words, and the permutation distribution
with the observed statistic marked."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from w2vstudio.core.explore.weat import BUNDLED, ROLES, WeatResult, bundled_lists, read_word_list, weat
from w2vstudio.gui import workers
from w2vstudio.gui.studio_session import StudioSession

FILES = "word lists from files (below)"


def run_test(kv, test: str | None, paths: list[str]) -> WeatResult:
    """The bundled `test`, or the four lists read from `paths`, on `kv` (a worker's call)."""
    lists = bundled_lists(test) if test else [read_word_list(p) for p in paths]
    return weat(kv, *lists)


class WeatView(QWidget):
    """Choose a test (or fill the four files) and press Run; `result` holds the last `WeatResult`."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.result: WeatResult | None = None
        self.test = QComboBox()
        self.test.addItems(list(BUNDLED) + [FILES])
        self.paths = [QLineEdit() for _ in ROLES]
        for edit, role in zip(self.paths, ("targets X", "targets Y", "attributes A", "attributes B")):
            edit.setPlaceholderText(f"{role}: a file, one word per line")
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.run)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.plot = pg.PlotWidget(title="test statistic over the partitions of X ∪ Y")
        self.plot.setLabel("bottom", "S(Xi, Yi, A, B)")
        self.plot.setLabel("left", "partitions")
        form = QGridLayout()
        form.addWidget(QLabel("test"), 0, 0)
        form.addWidget(self.test, 0, 1)
        form.addWidget(self.run_button, 0, 2)
        for i, edit in enumerate(self.paths):
            form.addWidget(edit, 1 + i // 2, i % 2 * 2, 1, 2 if i % 2 == 0 else 1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.headline)
        layout.addWidget(self.plot, 1)
        self._call = workers.Call(self)
        self._call.succeeded.connect(self._on_call_succeeded)
        self._call.failed.connect(self._on_call_failed)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    @property
    def busy(self) -> bool:
        return self._call.busy

    def run(self):
        """Run the chosen test on the model explored."""
        entry = self.session.current
        if entry is None:
            return
        test = self.test.currentText()
        paths = [edit.text().strip() for edit in self.paths]
        if test == FILES and not all(paths):
            self.headline.setText("Name the four word-list files: targets X and Y, attributes A and B.")
            return
        self.headline.setText("Running the test…")
        self.run_button.setEnabled(False)
        self._call.start(run_test, entry.kv, None if test == FILES else test, paths)

    def _on_call_succeeded(self, result: WeatResult):
        self.result = result
        self.run_button.setEnabled(True)
        how = "exact: all" if result.exact else "random"
        text = (f"effect size d = {result.effect_size:+.3f}, p = {result.p_value:.4g} (one-sided, {how} "
                f"{result.permutations:,} partitions). Words used: "
                + ", ".join(f"{role} {len(result.used[role])}" for role in ROLES) + ".")
        if result.missing_words:
            text += f" Missing from the vocabulary: {', '.join(result.missing_words)}."
        self.headline.setText(text)
        self.plot.clear()
        counts, edges = np.histogram(result.distribution, bins=50)
        self.plot.addItem(pg.PlotDataItem(edges, counts, stepMode="center", fillLevel=0, brush="#3066be80"))
        self.plot.addItem(pg.InfiniteLine(result.statistic, pen=pg.mkPen("#d1495b", width=2),
                                          label="observed", labelOpts={"position": 0.9, "color": "#d1495b"}))

    def _on_call_failed(self, message: str):
        self.run_button.setEnabled(self.session.current is not None)
        self.headline.setText(message)

    def _on_current_changed(self, entry):
        self._call.stop()
        self.result = None
        self.plot.clear()
        self.run_button.setEnabled(entry is not None)
        self.headline.setText("Train or open a model to test it." if entry is None else
                              "Choose a test of Caliskan, Bryson & Narayanan (2017), or four word-list files, "
                              "and press Run.")

"""Word senses: a word's occurrences in the model's corpus clustered into senses, in the background,
with its silhouette against words of similar frequency."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from w2vstudio.core.lenses.senses import DEFAULT_MAX, Senses, senses
from w2vstudio.core.run import CORPUS
from w2vstudio.gui import workers
from w2vstudio.gui.studio_session import StudioSession


class SensesView(QWidget):
    """Type a word and press Split (or `split()`); `result` holds the last `Senses`."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.result: Senses | None = None
        self.word = QLineEdit()
        self.word.setPlaceholderText("a word, e.g. bank")
        self.word.returnPressed.connect(self.split)
        self.k = QSpinBox()
        self.k.setRange(0, 10)
        self.k.setSpecialValueText("k: best of 2–5")
        self.k.setPrefix("k = ")
        self.occurrences = QSpinBox()
        self.occurrences.setRange(20, 5_000)
        self.occurrences.setValue(DEFAULT_MAX)
        self.occurrences.setPrefix("up to ")
        self.occurrences.setSuffix(" occurrences")
        self.split_button = QPushButton("Split")
        self.split_button.clicked.connect(self.split)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.cancel_button.setEnabled(False)
        self.headline = QLabel()
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        row = QHBoxLayout()
        for widget in (self.word, self.k, self.occurrences, self.split_button, self.cancel_button):
            row.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.headline)
        layout.addWidget(self.tree, 1)
        self._call = workers.Call(self)
        self._call.succeeded.connect(self._on_call_succeeded)
        self._call.failed.connect(self._on_call_ended)
        self._call.cancelled.connect(lambda: self._on_call_ended("Cancelled."))
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    @property
    def busy(self) -> bool:
        return self._call.busy

    def split(self):
        """Sample the word's occurrences in the corpus the model was trained on and cluster them."""
        entry, word = self.session.current, self.word.text().strip()
        if not word:
            return
        model = entry.model if entry is not None else None
        paths = model.info.get(CORPUS) if model is not None else None
        if not paths:
            self.headline.setText("Senses need a model trained here (it remembers its corpus and its "
                                  "subsampling); this one does not name its corpus.")
            return
        self.result = None
        self.tree.clear()
        self.headline.setText(f"Reading the corpus for “{word}”…")
        self.split_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._call.start(senses, model, list(paths), word, self.occurrences.value(), self.k.value() or None,
                         with_task=True)

    # -- reacting ----------------------------------------------------------------------------------
    def _on_current_changed(self, _entry):
        self._call.stop()
        self._on_call_ended("")
        self.result = None
        self.tree.clear()

    def _on_cancel_clicked(self):
        self._call.stop()
        self._on_call_ended("Cancelled.")

    def _on_call_ended(self, message: str):
        self.split_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.headline.setText(message)

    def _on_call_succeeded(self, found: Senses):
        self._on_call_ended("")
        self.result = found
        base = found.baseline
        verdict = ("one blended meaning: it splits no more clearly than words of similar frequency"
                   if found.blended else "it splits more clearly than words of similar frequency")
        self.headline.setText(f"“{found.word}”: {found.occurrences} occurrences sampled; silhouette "
                              f"{found.silhouette:.3f} against {base['mean']:.3f} ± {base['sd']:.3f} for "
                              f"{len(base['words'])} words of similar frequency: {verdict}.")
        for i, sense in enumerate(found.senses, 1):
            top = QTreeWidgetItem([f"sense {i}: {100 * sense.share:.0f}% of occurrences; cosine with the "
                                   f"word's vector {sense.cosine_with_word:.3f}"])
            children = [f"named by: {', '.join(sense.nearest)}", f"distinctive context: {', '.join(sense.distinctive)}"]
            children += [f"“{line}”" for line in sense.lines]
            top.addChildren([QTreeWidgetItem([text]) for text in children])
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)

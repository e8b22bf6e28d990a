"""The Evaluate tab: analogy and word-similarity test sets (bundled or the user's) on the model."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QProgressBar,
                               QPushButton, QSpinBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.explore.evaluate import AnalogyScore, SectionScore
from w2vstudio.core.explore.lookups import Evaluation, evaluate
from w2vstudio.core.support.printable import verbatim_html
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import settings
from w2vstudio.gui.messages import unranked
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.workers import Call
from w2vstudio.resources import ANALOGIES, WORDSIM
from w2vstudio.resources import path as resource_path


def _accuracy(score: SectionScore | AnalogyScore) -> tuple[str, str]:
    return f"{100 * score.accuracy:.1f} %", f"{score.correct:,} of {score.total:,} correct"


class FileChooser(QWidget):
    """A test-set file: the bundled one unless the user picks another."""

    def __init__(self, bundled: Path, title: str, parent=None):
        super().__init__(parent)
        self.bundled, self.path, self._title = bundled, bundled, title
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a file's name
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._on_choose_clicked)
        reset = QPushButton("Bundled")
        reset.setToolTip(f"Use the bundled {bundled.name}.")
        reset.clicked.connect(lambda: self.set_path(self.bundled))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(choose)
        row.addWidget(reset)
        self.set_path(bundled)

    def set_path(self, path: Path):
        self.path = Path(path)
        self.label.setText(self.path.name + (" (bundled)" if self.path == self.bundled else ""))
        self.label.setToolTip(verbatim_html(str(self.path)))

    def _on_choose_clicked(self):
        name, _ = QFileDialog.getOpenFileName(self, self._title, str(self.path.parent))
        if name:
            self.set_path(Path(name))


class EvaluatePanel(QWidget):
    """Runs the evaluations in the background and shows the scores per section."""

    evaluated = Signal(object)  # Evaluation
    failed = Signal(str)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self._kv: KeyedVectors | None = None
        self._job = Call(self)
        self._job.succeeded.connect(self._on_evaluation_succeeded)
        self._job.failed.connect(self._on_evaluation_failed)
        self.analogy_file = FileChooser(resource_path(ANALOGIES), "Analogy questions")
        self.analogy_file.setToolTip("Lines `a b c d` under `: section` headers, as questions-words.txt.")
        self.pair_file = FileChooser(resource_path(WORDSIM), "Word pairs with similarity scores")
        self.pair_file.setToolTip("Lines `word1<TAB>word2<TAB>score`, as WordSim-353.")
        self.restrict = QSpinBox()
        self.restrict.setRange(0, 10_000_000)
        self.restrict.setSingleStep(10_000)
        self.restrict.setGroupSeparatorShown(True)
        self.restrict.setSpecialValueText("whole vocabulary")
        self.restrict.setValue(settings.get("evaluate/restrict_vocab"))
        self.restrict.setMinimumWidth(160)
        self.restrict.setToolTip("Analogies only use the most frequent words, as gensim's restrict_vocab "
                                 "(usual: 30,000); questions with other words are skipped.")
        self.unranked_note = QLabel(unranked("analogies are answered among all its words, not the most frequent"))
        self.unranked_note.setTextFormat(Qt.TextFormat.PlainText)
        self.unranked_note.setWordWrap(True)
        self.case = QCheckBox("Ignore case")
        self.case.setChecked(True)
        self.case.setToolTip("Compare words ignoring case, as gensim does by default.")
        self.run_button = QPushButton("Evaluate")
        self.run_button.clicked.connect(self.run)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["test", "score", "detail"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setAlternatingRowColors(True)

        form = QFormLayout()
        form.addRow("Analogies", self.analogy_file)
        form.addRow("Word pairs", self.pair_file)
        options = QHBoxLayout()
        options.addWidget(self.restrict)
        options.addWidget(self.case)
        options.addStretch()
        form.addRow("Analogy vocabulary", options)
        form.addRow(self.unranked_note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.busy, 1)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    def _on_current_changed(self, entry):
        kv = None if entry is None else entry.kv
        self._kv = kv
        self._job.stop()
        self.busy.setVisible(False)
        self.run_button.setEnabled(kv is not None)
        self.restrict.setEnabled(kv is None or kv.ranked)  # no frequencies to restrict by
        self.unranked_note.setVisible(kv is not None and not kv.ranked)
        self.tree.clear()

    def run(self):
        """Evaluate the current vectors; `evaluated` follows."""
        if self._kv is None:
            return
        settings.put("evaluate/restrict_vocab", self.restrict.value())
        self.busy.setVisible(True)
        self.run_button.setEnabled(False)
        restrict = self.restrict.value() if self._kv.ranked else 0  # 0: the whole vocabulary
        self._job.start(evaluate, self._kv, self.analogy_file.path, self.pair_file.path, restrict,
                       self.case.isChecked())

    def _end(self):
        self.busy.setVisible(False)
        self.run_button.setEnabled(self._kv is not None)

    def _on_evaluation_succeeded(self, ev: Evaluation):
        self._end()
        self.tree.clear()
        a = ev.analogies
        top = self._item(None, f"Analogies: {ev.analogy_file.name}", *_accuracy(a))
        top.setText(2, f"{top.text(2)}; {a.skipped:,} skipped (words not in the vocabulary)")
        self._item(top, "semantic", *_accuracy(a.semantic))
        self._item(top, "syntactic", *_accuracy(a.syntactic))
        for name, section in a.sections.items():
            self._item(top, name, *_accuracy(section))
        p = ev.pairs
        pairs = self._item(None, f"Word pairs: {ev.pair_file.name}", f"{p.spearman:.3f}",
                           f"Spearman; {p.used:,} pairs, {p.oov:,} ({100 * p.oov_ratio:.0f} %) not in the vocabulary")
        self._item(pairs, "Pearson", f"{p.pearson:.3f}", "")
        self.tree.expandAll()
        self.evaluated.emit(ev)

    def _on_evaluation_failed(self, message: str):
        self._end()
        self.failed.emit(message)

    def _item(self, parent: QTreeWidgetItem | None, name: str, score: str, detail: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, score, detail])
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if parent is None:
            font = item.font(0)
            font.setBold(True)
            for column in range(3):
                item.setFont(column, font)
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

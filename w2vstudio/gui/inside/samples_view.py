"""A sentence → its tokens → the training samples, the window sliding over it one centre at a time."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QListView, QListWidget, QListWidgetItem, QProgressBar, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.support.printable import verbatim_html
from w2vstudio.core.corpus.files import word_spans
from w2vstudio.core.errors import W2VError
from w2vstudio.core.corpus.lines import random_line
from w2vstudio.core.inside.samples import SEED_SENTENCE, SEED_WINDOW, Sample, Samples, make_samples
from w2vstudio.core.train.model import corpus_paths
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.widgets.when_shown import WhenShown
from w2vstudio.gui.workers import Call
from w2vstudio.resources import SAMPLE_CORPUS
from w2vstudio.resources import path as resource_path

_CENTRE, _CONTEXT, _OUT = QColor("#f4a259"), QColor("#fde4b0"), QColor("#9a9a9a")
_PLAY_MS = 700
MAX_WORDS = 300  # a sentence, and a table that stays quick


class SamplesView(QWidget):
    """Sentence box (or a line of the session's corpus lines), window and architecture; Step / Play
    slide the window and grow the table.

    With "the model's draws" on (a model trained here explored), the rows are those our kernel
    trains, drawn from the seed. `sample_chosen(sample)` when a row is picked; `samples_changed()`
    when the sentence or an option made new samples."""

    sample_chosen = Signal(object)
    samples_changed = Signal()

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.samples: Samples | None = None
        self.shown = 0  # centres shown so far
        self._other_count = 0  # positive samples of the other architecture
        self._centres: list[int] = []
        self._export = Call(self)
        self._export.failed.connect(self._on_export_failed)
        self._line = Call(self)
        self._line.succeeded.connect(self._on_line_succeeded)
        self._line.failed.connect(self._on_line_failed)
        self._line.cancelled.connect(self._on_line_ended)

        self.sentence = QLineEdit(SEED_SENTENCE)
        self.sentence.setToolTip("The sentence to cut into training samples (our tokenizer, as the model was "
                                 "trained: the seed writes patient where ours keeps patient's).")
        self.window = QSpinBox()
        self.window.setRange(1, 20)
        self.window.setValue(SEED_WINDOW)
        self.window.setPrefix("window ")
        self.architecture = QComboBox()
        self.architecture.addItems(["Skip-gram", "CBOW"])
        self.model_draws = QCheckBox("The model's draws")
        self.model_draws.setToolTip("Follow our kernel with the explored model's tables: subsampling, the reduced "
                                    "window of each centre and the negatives (label 0).")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.seed.setPrefix("seed ")
        self.line_button = QPushButton("Random line")
        self.line_button.setToolTip("A line from the explored model's corpus (or the bundled sample).")
        self.line_button.clicked.connect(self._on_line_clicked)
        self.line_busy = QProgressBar()  # reading a large corpus for a line takes seconds
        self.line_busy.setRange(0, 0)
        self.line_busy.setMaximumWidth(60)
        self.line_busy.setToolTip("Reading the corpus for a random line…")
        self.line_busy.setVisible(False)
        self.corpus_lines = QComboBox()
        self.corpus_lines.setPlaceholderText("lines of the Word in the corpus panel")
        self.corpus_lines.setToolTip("The lines around the word selected in Neighbours or on the map: pick one.")
        self.corpus_lines.setEnabled(False)
        self.corpus_lines.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.corpus_lines.setMinimumContentsLength(12)  # long lines are elided, never widen the row
        self.corpus_lines.textActivated.connect(self.set_sentence)
        for signal in (self.sentence.editingFinished, self.window.valueChanged,
                       self.architecture.currentIndexChanged, self.model_draws.toggled, self.seed.valueChanged):
            signal.connect(self.rebuild)

        self.tokens = QListWidget()
        self.tokens.setFlow(QListView.Flow.LeftToRight)
        self.tokens.setWrapping(True)
        self.tokens.setMaximumHeight(70)
        self.step_button = QPushButton("Step")
        self.step_button.clicked.connect(self.step)
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.all_button = QPushButton("All")
        self.all_button.clicked.connect(self.show_all)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.direction = QLabel()
        self.direction.setTextFormat(Qt.TextFormat.PlainText)
        self.direction.setWordWrap(True)
        self.count = QLabel()
        self.count.setWordWrap(True)  # two lines where the page is narrow: the step beside it gets its share
        self.table = QTableWidget(0, 4)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)  # a CBOW context on one line, elided; whole in its tooltip
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        self._timer = QTimer(self)
        self._timer.setInterval(_PLAY_MS)
        self._timer.timeout.connect(self._on_play_tick)

        options = QHBoxLayout()
        for w in (self.window, self.architecture, self.model_draws, self.seed):
            options.addWidget(w)
        options.addStretch(1)
        buttons = QHBoxLayout()
        for w in (self.step_button, self.play_button, self.all_button):
            buttons.addWidget(w)
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        lines = QHBoxLayout()
        lines.addWidget(self.line_button)
        lines.addWidget(self.line_busy)
        lines.addWidget(self.corpus_lines, 1)
        layout.addWidget(self.sentence)
        layout.addLayout(lines)
        layout.addLayout(options)
        layout.addWidget(self.tokens)
        layout.addWidget(self.direction)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self._when_shown = WhenShown(self, self._refresh_model)
        session.current_changed.connect(self._on_current_changed)
        session.word_lines_changed.connect(self._on_word_lines_changed)
        self._on_current_changed(session.current)
        self._on_word_lines_changed(session.word_lines)

    # -- public --------------------------------------------------------------------------------
    def set_sentence(self, text: str):
        self.sentence.setText(text)
        self.rebuild()

    def rebuild(self):
        """Cut the sentence again with the options; the window goes back to the first centre."""
        self.play_button.setChecked(False)
        model = self._model() if self.model_draws.isChecked() else None
        sg = self.architecture.currentIndex() == 0
        try:
            if len(word_spans(self.sentence.text())) > MAX_WORDS:
                raise ValueError(f"the tab shows sentences of up to {MAX_WORDS} words (`w2vstudio pairs` takes more)")
            self.samples = make_samples(self.sentence.text(), self.window.value(), sg, model, self.seed.value())
            other = make_samples(self.sentence.text(), self.window.value(), not sg, model, self.seed.value())
            self._other_count = sum(s.label for s in other.samples)
        except (W2VError, ValueError) as exc:
            self.samples = None
            self.direction.setText(str(exc))
        self._centres = list(dict.fromkeys(s.centre for s in self.samples.samples)) if self.samples else []
        self.shown = 0
        if self.samples is not None:
            note = "" if model is None else "  Greyed tokens: dropped by subsampling, or not in the vocabulary."
            if self.samples.negatives:
                note += f"  {self.samples.negatives}."
            self.direction.setText(f"Rows run {self.samples.direction}.{note}")
        self._show()
        self.sample_chosen.emit(None)  # the step of a row no longer in the table is gone
        self.samples_changed.emit()

    def step(self):
        """Slide the window to the next centre: its samples join the table."""
        if self.shown < len(self._centres):
            self.shown += 1
            self._show()
        if self.shown >= len(self._centres):
            self.play_button.setChecked(False)

    def show_all(self):
        self.shown = len(self._centres)
        self._show()

    def rows(self) -> list[Sample]:
        """The samples in the table."""
        if self.samples is None:
            return []
        centres = set(self._centres[: self.shown])
        return [s for s in self.samples.samples if s.centre in centres]

    # -- drawing ---------------------------------------------------------------------------------
    def _show(self):
        rows = self.rows()
        self._show_tokens()
        sg = self.samples is None or self.samples.sg
        with_model = self.samples is not None and self.samples.with_model
        self.table.setHorizontalHeaderLabels(["input" if sg else "context words", "output" if sg else "target",
                                              "label", "window" if with_model else ""])
        self.table.setRowCount(len(rows))
        for r, s in enumerate(rows):
            cells = [" ".join(s.inputs), s.output, str(s.label), "" if s.window is None else str(s.window)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setToolTip(verbatim_html(text))
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), max(160, self.table.viewport().width() // 2)))
        if rows:
            self.table.scrollToBottom()
        positives = sum(s.label for s in rows)
        total = len(self.samples.samples) if self.samples else 0
        other = "CBOW" if sg else "skip-gram"
        self.count.setText(f"centre {self.shown} of {len(self._centres)}: {len(rows)} of {total} samples "
                           f"({positives} positive); {other}: {self._other_count} positive")
        self.export_button.setEnabled(self.samples is not None and bool(self.samples.samples))

    def _show_tokens(self):
        self.tokens.clear()
        if self.samples is None:
            return
        centre = self._centres[self.shown - 1] if self.shown else None
        context = {j for s in self.samples.samples if s.centre == centre for j in s.context}
        for k, t in enumerate(self.samples.tokens):
            item = QListWidgetItem(t.text)
            if t.kept is False:
                item.setForeground(_OUT)
                item.setToolTip("not in the vocabulary: rare or unseen" if t.id is None
                                else f"dropped by subsampling (keep probability {t.keep_p:.2f})")
            elif t.id is not None:
                item.setToolTip(f"id {t.id}, count {t.count:,}, keep probability {t.keep_p:.2f}")
            if k == centre:
                item.setBackground(_CENTRE)
            elif k in context:
                item.setBackground(_CONTEXT)
            self.tokens.addItem(item)

    # -- slots -----------------------------------------------------------------------------------
    def _model(self):
        entry = self.session.current
        model = entry.model if entry is not None else None
        return model if model is not None and model.vocab.counts.any() else None

    def _on_current_changed(self, _entry):
        self._when_shown.request()

    def _refresh_model(self):
        has = self._model() is not None
        self.model_draws.setEnabled(has)
        if not has and self.model_draws.isChecked():
            self.model_draws.setChecked(False)  # rebuilds
        else:
            self.rebuild()

    def _on_word_lines_changed(self, lines: list):
        self.corpus_lines.clear()
        self.corpus_lines.addItems([f"{c.left}{c.word}{c.right}" for c in lines])
        self.corpus_lines.setCurrentIndex(-1)
        self.corpus_lines.setEnabled(bool(lines))

    def _on_play_toggled(self, on: bool):
        if on:
            if self.shown >= len(self._centres):
                self.shown = 0
            self._timer.start()
        else:
            self._timer.stop()

    def _on_play_tick(self):
        self.step()

    def _on_row_selected(self):
        picked = self.table.selectionModel().selectedRows()
        rows = self.rows()
        if picked and picked[0].row() < len(rows):
            self.sample_chosen.emit(rows[picked[0].row()])

    def _on_export_clicked(self):
        path, _ = QFileDialog.getSaveFileName(self, "Export the samples", "samples.csv", "CSV (*.csv)")
        if path and self.samples is not None:
            self._export.start(self.samples.write_csv, path)

    def _on_line_clicked(self):
        entry = self.session.current
        recorded = corpus_paths(entry.model) if entry is not None and entry.model is not None else []
        paths = recorded or [str(resource_path(SAMPLE_CORPUS))]
        self._line.start(random_line, paths, with_task=True)
        self.line_button.setEnabled(False)
        self.line_busy.setVisible(True)

    def _on_line_ended(self):
        self.line_button.setEnabled(True)
        self.line_busy.setVisible(False)

    def _on_line_succeeded(self, text: str):
        self._on_line_ended()
        self.set_sentence(text)

    def _on_line_failed(self, message: str):
        self._on_line_ended()
        self.direction.setText(f"No line could be read: {message}")

    def _on_export_failed(self, message: str):
        self.direction.setText(f"The samples could not be written: {message}")

"""One training row in E and C: p(true word) and the top words, negative sampling's k+1
questions or the Huffman path, the gradient, and Apply on a copy with p plotted against rounds.

A CBOW model given one input word is scored as CBOW predicts: over the corpus windows centred on the
output that hold the input (the session's corpus, else the one the model names; read off the GUI
thread), the step shown on the first of them. The input's vector alone only when asked, labelled as
outside what CBOW was trained on."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QDoubleSpinBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSizePolicy, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.errors import W2VError
from w2vstudio.core.inside.samples import Sample
from w2vstudio.core.corpus.windows import DEFAULT_CAP, corpus_windows
from w2vstudio.core.inside.step import SINGLE_NOTE, Context, Step, context_likelihood
from w2vstudio.core.inside.tables import require_output
from w2vstudio.core.train.model import corpus_paths
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.workers import Call
from w2vstudio.gui.widgets.when_shown import WhenShown

_MEANING = {"softmax": "full softmax: p = softmax(C·v)[o], the model's own probability",
            "negative": "negative sampling: p = softmax(C·v + log Pn)[o] (C·v alone is not trained as a softmax); "
                        "σ(v·u_o) is the yes/no probability it trains",
            "hs": "hierarchical softmax: p = the product of the sigmoids along the word's Huffman path"}
_BAR, _TRUE = pg.mkBrush("#7aa6e0"), pg.mkBrush("#d1495b")
_BARS_TITLE = "p(word | input): the top 10, the true word in red"
_APART_TITLE = "p(word | input): the top 10, then the true word (red)"


def _shrinkable(widget: QWidget, height: int) -> QWidget:
    """`widget` at least `height` pixels tall, its size hint ignored: the step fits a 1280 × 800 window."""
    widget.setMinimumHeight(height)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    return widget


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.verticalHeader().hide()
    return table


def _fill(table: QTableWidget, rows: list[list[str]]):
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class StepView(QWidget):
    """Shows the step of the row given to `set_sample` on the model explored; `apply(n)` does n
    steps on copies of the rows (never the model). `applied(before, after)` after each Apply."""

    applied = Signal(object, object)

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.session = session
        self.step: Step | None = None
        self.context: Context | None = None  # what a CBOW model's p is scored on (None: skip-gram)
        self._sample: Sample | None = None
        self._windows: dict[tuple, np.ndarray] = {}  # (model, input, output) -> corpus windows found
        self._finding: tuple | None = None
        self._find = Call(self)
        self._find.succeeded.connect(self._on_windows_found)
        self._find.failed.connect(self._on_windows_failed)
        self.single = QCheckBox("CBOW: the input word's vector alone (outside what CBOW was trained on)")
        self.single.setToolTip("CBOW trains on the mean of a window's context vectors; one word's vector alone is "
                               "longer, so p saturates. By default p is the mean over real windows of the corpus.")
        self.single.setVisible(False)
        self.single.toggled.connect(self._rebuild)

        self.headline = QLabel("Pick a row of the samples table.")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.bars = _shrinkable(pg.PlotWidget(title=_BARS_TITLE), 140)
        self.bars.setLabel("left", "p (probability)")
        self.histogram = _shrinkable(pg.PlotWidget(title="C·v of all V words"), 130)  # the title gives the top room
        self.histogram.setLabel("left", "words")
        self.histogram.setLabel("bottom", "score")
        self._histogram = self.histogram.plot(stepMode="center", fillLevel=0, brush=pg.mkBrush("#7aa6e0"))
        self._true_score = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#d1495b", width=2))
        self._true_score.setVisible(False)  # until a step has a true word
        self.histogram.addItem(self._true_score)
        self.units = _shrinkable(_table(["unit", "label", "σ(v·u)", "factor", "loss"]), 105)
        self.units.setToolTip("A unit is a word (negative sampling) or an inner node of the Huffman tree. "
                              "Each unit's factor is the probability it gives its label: σ(v·u) for label 1, "
                              "1 − σ(v·u) for label 0. Along a Huffman path the factors multiply to p.")
        self.cost = QLabel()
        self.cost.setWordWrap(True)
        self.gradient = _shrinkable(_table(["matrix", "row", "|Δ row|"]), 105)
        self.alpha = QDoubleSpinBox()
        self.alpha.setRange(0.0001, 5.0)
        self.alpha.setDecimals(4)
        self.alpha.setSingleStep(0.01)
        self.alpha.setValue(0.025)
        self.alpha.setPrefix("learning rate ")
        self.alpha.valueChanged.connect(self._rebuild)
        self.apply_button = QPushButton("Apply")
        self.apply_button.setToolTip("Do the step on a copy of the rows (the model is never changed).")
        self.apply_button.clicked.connect(lambda: self.apply(1))
        self.apply10_button = QPushButton("×10")
        self.apply10_button.clicked.connect(lambda: self.apply(10))
        self.change = QLabel()
        self.change.setTextFormat(Qt.TextFormat.PlainText)
        self.change.setWordWrap(True)
        self.rounds = _shrinkable(pg.PlotWidget(title="p(true word) by round"), 130)
        self.rounds.setLabel("bottom", "rounds applied")
        self._curve = self.rounds.plot(pen=pg.mkPen("#2e7d5b", width=2), symbol="o", symbolSize=4)

        tables = QHBoxLayout()
        tables.addWidget(self.units, 3)  # five columns
        tables.addWidget(self.gradient, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.alpha)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.apply10_button)
        buttons.addStretch(1)
        after = QHBoxLayout()  # what Apply changes: the scores and p against rounds
        after.addWidget(self.histogram)
        after.addWidget(self.rounds)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.headline)
        layout.addWidget(self.single)
        layout.addWidget(self.bars, 2)
        layout.addLayout(tables, 1)
        layout.addWidget(self.cost)
        layout.addLayout(buttons)
        layout.addWidget(self.change)
        layout.addLayout(after, 2)
        self._when_shown = WhenShown(self, self._rebuild)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    # -- public --------------------------------------------------------------------------------
    def set_sample(self, sample: Sample | None):
        self._sample = sample
        self._rebuild()

    def apply(self, n: int = 1):
        if self.step is None:
            return
        before = self.step.readout()
        for _ in range(n):
            after = self.step.apply()[1]
        self.change.setText(_before_after(before, after))
        self._show()
        self.applied.emit(before, after)

    # -- drawing ---------------------------------------------------------------------------------
    def _rebuild(self):
        self.step = None
        self.context = None
        self.single.setVisible(False)
        self.change.clear()
        message = self._make_step()
        enabled = self.step is not None
        self.apply_button.setEnabled(enabled)
        self.apply10_button.setEnabled(enabled)
        if message:
            self.headline.setText(message)
            self.bars.clear()
            self._histogram.setData([], [])
            self._true_score.setVisible(False)
            _fill(self.units, [])
            _fill(self.gradient, [])
            self.cost.clear()
            self._curve.setData([], [])
            return
        self._show()

    def _make_step(self) -> str:
        """Build the step; a message instead where there is none to show."""
        entry = self.session.current
        model = entry.model if entry is not None else None
        if model is None:
            return ("The model explored is a vectors file: it has no context matrix C (models trained here keep "
                    "it)." if entry is not None else "Train or open a model to see one learning step.")
        if self._sample is None:
            return "Pick a row of the samples table."
        try:
            require_output(model, entry.name)
            index = model.vocab.index
            words = list(self._sample.inputs) + [self._sample.output]
            missing = [w for w in words if w not in index]
            if missing:
                return f"Not in the model's vocabulary (rare or unseen): {', '.join(missing)}"
            ids, output = [index[w] for w in self._sample.inputs], index[self._sample.output]
            cbow_single = not model.params.sg and len(ids) == 1
            self.single.setVisible(cbow_single)
            if cbow_single and self.single.isChecked():
                self.context = Context("single", np.array([ids], np.int64))
            elif cbow_single:
                self.context, message = self._corpus_context(model, ids[0], output)
                if self.context is None:
                    return message
                ids = self.context.first()
            self.step = Step(model, ids, output, alpha=self.alpha.value())
        except W2VError as exc:
            return str(exc)
        return ""

    # -- CBOW's real contexts --------------------------------------------------------------------
    def _corpus_paths(self, model) -> tuple[list[str], bool]:
        """The session's corpus (with its case folding), else the files the model names."""
        corpus = self.session.corpus
        if corpus.paths:
            return [str(p) for p in corpus.paths], corpus.lowercase
        return corpus_paths(model), model.params.lowercase

    def _corpus_context(self, model, input_id: int, output_id: int) -> tuple[Context | None, str]:
        """The corpus windows of the pair once found; else (None, why), their search started."""
        paths, lowercase = self._corpus_paths(model)
        key = (id(model), tuple(paths), input_id, output_id)
        words = model.vocab.words
        pair = f"“{words[input_id]}” in the context of “{words[output_id]}”"
        rows = self._windows.get(key)
        if rows is not None:
            if len(rows):
                return Context("corpus", rows), ""
            return None, (f"CBOW: no window of the corpus holds {pair}. Tick the box above for the single vector "
                          "(outside what CBOW was trained on).")
        if not paths:
            return None, ("CBOW is scored over the corpus windows that hold the input: open the model's corpus, or "
                          "tick the box above for the single vector (outside what CBOW was trained on).")
        if self._finding != key:
            self._finding = key
            self._find.start(_find_windows, key, paths, model.vocab.index, lowercase, model.params.window,
                             input_id, output_id, model.phrases, with_task=True)
        return None, f"CBOW: finding the windows of the corpus with {pair}…"

    def _on_windows_found(self, found):
        key, rows = found
        self._windows[key] = rows
        if self._finding == key:
            self._finding = None
            self._rebuild()

    def _on_windows_failed(self, message: str):
        self._finding = None
        self.headline.setText(f"CBOW: the corpus could not be read: {message}")

    def _show(self):
        step, sample, context = self.step, self._sample, self.context
        corpus = context is not None and context.kind == "corpus"
        lk = context_likelihood(step.model, context, step.output, 10) if corpus else step.likelihood(topn=10)
        self.headline.setText(f"{' + '.join(sample.inputs)} → {sample.output}:  p = {lk.p:.4g}, rank {lk.rank:,} "
                              f"of {len(step.model.vocab):,}, −log p = {lk.neg_log_p:.3f}"
                              + (f", σ(v·u_o) = {lk.sigmoid:.3f}" if lk.sigmoid is not None else "")
                              + f"\n{_MEANING[lk.objective]}" + _context_line(step, context))
        self.bars.clear()
        top = list(lk.top)
        ticks = [w for w, _ in top]
        x = list(range(len(top)))
        apart = sample.output not in ticks
        if apart:  # the true word after a gap (its rank is in the headline)
            top.append((sample.output, lk.p))
            ticks.append(sample.output)
            x.append(len(x) + 1)
        ps = [p for _, p in top]
        brushes = [_TRUE if w == sample.output else _BAR for w, _ in top]
        self.bars.addItem(pg.BarGraphItem(x=np.array(x), height=ps, width=0.7, brushes=brushes))
        self.bars.getAxis("bottom").setTicks([list(zip(x, ticks))])
        self.bars.setTitle(_APART_TITLE if apart else _BARS_TITLE)
        self.bars.setXRange(-0.6, x[-1] + (1.2 if apart else 0.6), padding=0)  # room for the last word
        self.bars.setYRange(0, max(ps) * 1.1 if ps and max(ps) > 0 else 1.0, padding=0)
        scores = step.scores()
        counts, edges = np.histogram(scores, bins=60)
        self._histogram.setData(edges, counts)
        hs = lk.objective == "hs"
        self.histogram.setTitle("the inner nodes' scores" if hs else "C·v of all V words")
        self.histogram.setLabel("bottom", "score (no per-word C row)" if hs else "score (red: the true word)")
        self._true_score.setVisible(not hs)
        if not hs:
            self._true_score.setValue(float(scores[step.output]))
        units = step.ns_units() + step.hs_units()
        _fill(self.units, [[u.word if u.word is not None else f"node {u.row}", str(u.label), f"{u.sigmoid:.4f}",
                            f"{u.factor:.4f}", f"{u.loss:.4f}"] for u in units])
        self.units.setVisible(bool(units))  # a full softmax has no logistic units to show
        readout = step.readout()
        costs = step.costs()
        ns = f"negative sampling loss {readout.ns_loss:.4f}; " if readout.ns_loss is not None else ""
        path = step.hs_units()
        hs = (f"the path's {len(path)} factors multiply to {np.prod([u.factor for u in path]):.4g} = p; "
              if path and lk.objective == "hs" else "")
        self.cost.setText(hs + ns + "multiply-adds per prediction: "
                          + ", ".join(f"{k} {v:,}" for k, v in costs.items()))
        changes, total = step.gradient(limit=12)
        _fill(self.gradient, [[c.matrix, c.word if c.word is not None else f"node {c.row}", f"{c.delta:.3g}"]
                              for c in changes])
        self.gradient.setToolTip(f"{total:,} rows change in all")
        self._curve.setData(np.arange(len(step.history)), step.history)
        self.rounds.setXRange(0, max(len(step.history) - 1, 1), padding=0.05)
        self.rounds.setYRange(0, max(max(step.history, default=0.0) * 1.15, 1e-12), padding=0)  # p is not negative

    def _on_current_changed(self, _entry):
        self._when_shown.request()


def _context_line(step: Step, context: Context | None) -> str:
    """What a CBOW model's p was scored on, in one line ("" for skip-gram or a typed context)."""
    if context is None:
        return ""
    if context.kind == "single":
        return f"\nSingle vector: {SINGLE_NOTE}."
    words = step.model.vocab.words
    first = " ".join(words[i] for i in context.first())
    return (f"\nCBOW: the mean over {context.windows:,} windows of the corpus (at most {DEFAULT_CAP:,}); "
            f"the step below is on the first: “{first}”.")


def _find_windows(key, paths, index, lowercase, window, input_id, output_id, phrases, task=None):
    """(key, the corpus windows centred on the output that hold the input), off the GUI thread."""
    return key, corpus_windows(paths, index, lowercase, window, input_id, output_id, DEFAULT_CAP, task, phrases)


def _before_after(before, after) -> str:
    text = f"p(true word) {before.p:.4g} → {after.p:.4g}, rank {before.rank:,} → {after.rank:,}"
    if before.ns_loss is not None:
        text += f", NS loss {before.ns_loss:.3f} → {after.ns_loss:.3f}"
        if after.ns_loss > before.ns_loss and after.p >= before.p:
            text += (" (each round draws new negatives: the NS loss is over other words each time, so it can "
                     "rise while p rises)")
    if before.cosine is not None:
        text += f", cos(E[input], C[output]) {before.cosine:.3f} → {after.cosine:.3f}"
    return text

"""The Probes tab: pinned words and their nearest neighbours as the model learns, one analogy to
watch, and the stability of the neighbourhoods over the snapshots."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget, QPushButton,
                               QSplitter, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.watch.pinned import PROBE_TOPN, AnalogyProbe, LiveVectors, ProbeResults, run_probes
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.watch.evolution import Evolution
from w2vstudio.gui.watch.stability_view import StabilityView
from w2vstudio.gui.widgets.completion import WordCompleter
from w2vstudio.gui.widgets.when_shown import WhenShown
from w2vstudio.gui.workers import Refresher

ANALOGY_HINT = "a is to b as c is to the expected word: watch its answer as the model learns."


class ProbesPanel(QWidget):
    """Probes the session's pins and analogy in the model explored, or in the model of the session's
    run while it is shown, with the stability of the model's neighbourhoods.

    `probed(ProbeResults)`: new results are shown. `word_activated(word)`: a word was double-clicked.
    """

    probed = Signal(object)
    word_activated = Signal(str)

    def __init__(self, session: StudioSession, evolution: Evolution, parent=None):
        super().__init__(parent)
        self._session, self._evolution = session, evolution
        self._source: LiveVectors | KeyedVectors | None = None
        self._run = None  # the TrainingRun in progress, once heard of
        self._pins: list[str] = []
        self._analogy: AnalogyProbe | None = None
        self._refresher = Refresher(run_probes, interval_ms=500, ratio=4.0, parent=self)
        self._refresher.succeeded.connect(self._on_probed)
        self._refresher.failed.connect(self._on_probe_failed)

        self.pin_edit = QLineEdit(placeholderText="a word to pin", clearButtonEnabled=True)
        self.pin_edit.setToolTip("Pinned words are probed as the model learns, tracked by the next training's "
                                 "snapshots and drawn with trails on the map.")
        self.pin_edit.returnPressed.connect(self._on_pin_triggered)
        self.completer = WordCompleter(self.pin_edit)
        pin_button = QPushButton("Pin")
        pin_button.clicked.connect(self._on_pin_triggered)
        self.unpin_button = QPushButton("Unpin")
        self.unpin_button.setToolTip("Unpin the selected words.")
        self.unpin_button.clicked.connect(self._on_unpin_clicked)
        self.pins_list = QListWidget()
        self.pins_list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.pins_list.itemDoubleClicked.connect(lambda item: self.word_activated.emit(item.text()))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["pinned word", f"nearest {PROBE_TOPN} now"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.setColumnWidth(0, 160)
        self.analogy_edits = [QLineEdit(placeholderText=name) for name in ("a", "b", "c", "expected")]
        for edit in self.analogy_edits:
            edit.returnPressed.connect(self._on_watch_analogy_triggered)
        watch_button = QPushButton("Watch")
        watch_button.setToolTip("Solve a : b :: c : ? after each snapshot, with the rank of the expected answer.")
        watch_button.clicked.connect(self._on_watch_analogy_triggered)
        self.analogy_label = QLabel(ANALOGY_HINT)
        self.analogy_label.setWordWrap(True)
        self.analogy_label.setTextFormat(Qt.TextFormat.PlainText)
        self.source_label = QLabel()
        self.source_label.setTextFormat(Qt.TextFormat.PlainText)
        self.stability = StabilityView()
        self.stability.word_activated.connect(self.word_activated)
        self._layout(pin_button, watch_button)
        self._when_shown = WhenShown(self, self.refresh)
        session.current_changed.connect(self._on_current_changed)
        session.pins_changed.connect(self._on_pins_changed)
        session.probe_changed.connect(self._on_probe_changed)
        session.run_progressed.connect(self._on_run_progressed)
        evolution.stability_changed.connect(self.stability.set_stability)
        self._on_pins_changed(session.pins)
        self._on_probe_changed(session.probe)
        self._on_current_changed(session.current)

    def _layout(self, pin_button: QPushButton, watch_button: QPushButton):
        pins_box = QGroupBox("Pinned words")
        pins = QVBoxLayout(pins_box)
        row = QHBoxLayout()
        row.addWidget(self.pin_edit, 1)
        row.addWidget(pin_button)
        pins.addLayout(row)
        pins.addWidget(self.pins_list, 1)
        pins.addWidget(self.unpin_button)
        probes_box = QGroupBox("Live probes")
        probes = QVBoxLayout(probes_box)
        probes.addWidget(self.source_label)
        probes.addWidget(self.tree, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Analogy"))
        for edit in self.analogy_edits:
            row.addWidget(edit)
        row.addWidget(watch_button)
        probes.addLayout(row)
        probes.addWidget(self.analogy_label)
        top = QSplitter()
        top.addWidget(pins_box)
        top.addWidget(probes_box)
        top.setStretchFactor(1, 1)
        top.setSizes([260, 900])
        stability_box = QGroupBox("Neighbourhood stability")
        QVBoxLayout(stability_box).addWidget(self.stability)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(stability_box)
        QVBoxLayout(self).addWidget(splitter)

    # -- what to probe ---------------------------------------------------------------------------
    @property
    def pins(self) -> list[str]:
        return list(self._pins)

    @property
    def analogy(self) -> AnalogyProbe | None:
        return self._analogy

    @property
    def idle(self) -> bool:
        return self._refresher.idle

    @property
    def source(self) -> str:
        """What is probed: "training", "explored" or "" (nothing)."""
        return "training" if isinstance(self._source, LiveVectors) else "explored" if self._source else ""

    def _on_current_changed(self, entry):
        kv = None if entry is None else entry.kv
        self._run, self._source = None, kv
        self.completer.set_words(None if kv is None else kv.words)
        self.source_label.setText("Probing the model explored." if kv is not None else
                                  "Train a model or open vectors: pinned words show their neighbours here.")
        self._when_shown.request()

    def _on_run_progressed(self, run):
        self._run = run
        self._probe_run()

    def _probe_run(self):
        """Probe the model of the run (its `.model` and `.recorder`) as it trains, while this panel is
        shown: what nobody sees is not probed while training needs the cores (it catches up when shown)."""
        run = self._run
        if not self.isVisible():
            return
        if not (isinstance(self._source, LiveVectors) and self._source.model is run.model):
            self._source = LiveVectors(run.model)
            self.source_label.setText("Probing the model in training.")
        self.refresh()
        self._evolution.follow_run(run.recorder)

    def stop(self):
        """Probe no more (the window is closing)."""
        self._run, self._source = None, None
        self._refresher.cancel()

    def showEvent(self, event):
        super().showEvent(event)
        if self._run is not None:
            self._probe_run()

    def _on_pins_changed(self, pins: list[str]):
        self._pins = list(pins)
        self.pins_list.clear()
        self.pins_list.addItems(self._pins)
        self.unpin_button.setEnabled(bool(self._pins))
        self._when_shown.request()

    def _on_probe_changed(self, probe: AnalogyProbe | None):
        self._analogy = probe
        for edit, word in zip(self.analogy_edits, probe.words if probe else ("",) * 4):
            edit.setText(word)
        self.refresh()

    def refresh(self):
        """Probe again in the background (merged with the probes already asked for)."""
        if self._source is None:
            self._refresher.cancel()
            self._show(ProbeResults(dict.fromkeys(self._pins)))
        elif self._pins or self._analogy is not None:
            self._refresher.request(self._source, self._pins, self._analogy)

    # -- results ---------------------------------------------------------------------------------
    def _show(self, results: ProbeResults):
        self.tree.clear()
        for word in self._pins:
            found = results.neighbours.get(word, None)
            if found is None:
                text = "not in the vocabulary" if self._source is not None else ""
            else:
                text = " · ".join(f"{w} {s:.2f}" for w, s in found)
            self.tree.addTopLevelItem(QTreeWidgetItem([word, text]))
        self.analogy_label.setText(_analogy_text(self._analogy, results))

    def _on_probed(self, results: ProbeResults):
        self._show(results)
        self.probed.emit(results)

    def _on_probe_failed(self, message: str):
        self.source_label.setText(f"Probing failed: {message}")

    def _on_pin_triggered(self):
        word = self.pin_edit.text().strip()
        if word and word not in self._pins:
            self._session.set_pins(self._pins + [word])
        self.pin_edit.clear()

    def _on_unpin_clicked(self):
        chosen = {item.text() for item in self.pins_list.selectedItems()}
        if chosen:
            self._session.set_pins([w for w in self._pins if w not in chosen])

    def _on_watch_analogy_triggered(self):
        words = [edit.text().strip() for edit in self.analogy_edits]
        if not all(words):
            self.analogy_label.setText("Fill in a, b, c and the answer you expect.")
            return
        self._session.set_probe(AnalogyProbe(*words))


def _analogy_text(probe: AnalogyProbe | None, results: ProbeResults) -> str:
    if probe is None:
        return ANALOGY_HINT
    if results.missing:
        return f"{probe}: {', '.join(results.missing)} not in the vocabulary."
    if results.answer is None:
        return f"{probe}: no answer yet."
    word, score = results.answer
    rank = "not ranked" if results.expected_rank is None else f"ranks {results.expected_rank:,}"
    return f"{probe}: now “{word}” ({score:.2f}); “{probe.expected}” {rank}."

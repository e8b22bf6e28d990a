"""The training parameters form: good defaults, a tooltip on every field, presets, and the
advanced fields (final learning rate, sampling exponent, CBOW context, batch size) apart."""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from w2vstudio.core.model import TrainParams
from w2vstudio.gui import settings

_DEFAULT = TrainParams()
PRESET_KEYS = ("sg", "hs", "dim", "window", "negative", "min_count", "sample", "epochs", "alpha")
PRESETS: dict[str, dict] = {
    "Default": {k: getattr(_DEFAULT, k) for k in PRESET_KEYS},
    "Quick look": {"sg": True, "hs": False, "dim": 50, "window": 5, "negative": 5, "min_count": 5,
                   "sample": 1e-3, "epochs": 2, "alpha": 0.025},
    "Quality": {"sg": True, "hs": False, "dim": 300, "window": 8, "negative": 10, "min_count": 5,
                "sample": 1e-4, "epochs": 10, "alpha": 0.025},
}
CUSTOM = "Custom"


class SciSpinBox(QDoubleSpinBox):
    """A spin box for small positive numbers such as 1e-3; each step is a factor of ten."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(0.0, 1.0)

    def textFromValue(self, value: float) -> str:
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            value = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos

    def stepBy(self, steps: int):
        value = (self.value() or 1e-7) * 10.0**steps
        self.setValue(0.0 if value < 1e-6 else min(value, self.maximum()))


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    tip: str
    low: float = 0
    high: float = 0
    choices: tuple = ()  # (text, value) pairs for a drop-down
    special: str = ""  # text shown for the lowest value of a spin box
    step: float = 0.005  # of a spin box of floats (SciSpinBox: factors of ten)
    sci: bool = False  # a SciSpinBox, for small numbers such as 1e-4
    advanced: bool = False  # in the Advanced group


FIELDS = (
    Field("sg", "Architecture", "Skip-gram predicts the context from each word: better for rare words, slower. "
          "CBOW predicts a word from its context: faster, good for frequent words.",
          choices=(("Skip-gram", True), ("CBOW", False))),
    Field("hs", "Loss", "Negative sampling contrasts each true context with a few random words (usual choice). "
          "Hierarchical softmax walks a binary tree of the vocabulary: can help rare words.",
          choices=(("Negative sampling", False), ("Hierarchical softmax", True))),
    Field("dim", "Dimensions", "Length of each word vector. Usual: 100-300; 50 for a quick look; "
          "more needs a larger corpus.", 2, 2000),
    Field("window", "Window", "Largest distance between a word and a context word. Usual: 5-10; "
          "small windows favour syntax, large ones topics.", 1, 100),
    Field("negative", "Negatives", "Random words contrasted with each true context (negative sampling only). "
          "Usual: 5-20 for small corpora, 2-5 for large ones.", 1, 100),
    Field("min_count", "Min count", "Words seen fewer times than this are ignored. Usual: 5; "
          "raise it (10-100) for large corpora to shrink the vocabulary.", 1, 1_000_000),
    Field("sample", "Subsampling", "Frequent words are randomly skipped above this relative frequency, "
          "which speeds training and helps rare words. Usual: 1e-3 to 1e-5; 0 turns it off.", 0.0, 1.0, sci=True),
    Field("epochs", "Epochs", "Passes over the corpus. Usual: 5; 10-20 for small corpora.", 1, 1000),
    Field("alpha", "Learning rate", "Starting learning rate, lowered linearly to almost zero. "
          "Usual: 0.025 for skip-gram, 0.05 for CBOW.", 0.0001, 1.0),
    Field("threads", "Threads", "Worker threads. All cores is fastest; fewer leaves the computer responsive.",
          0, max(os.cpu_count() or 1, 1), special="all cores"),
    Field("seed", "Seed", "Random seed for initial vectors and sampling. With one thread, the same seed "
          "gives the same model.", 0, 2**31 - 1),
    Field("max_vocab", "Max vocabulary", "Keep at most this many of the most frequent words (after min count). "
          "Usual: no limit, or 100k-1M for huge corpora.", 0, 100_000_000, special="no limit"),
    Field("min_alpha", "Final learning rate", "The learning rate falls linearly from the starting rate to this "
          "one at the end of training. Usual: 0.0001; at most the starting rate.", 0.0, 1.0, sci=True, advanced=True),
    Field("ns_exponent", "Sampling exponent", "Negative words are drawn with probability proportional to their "
          "count to this power (negative sampling only). Usual: 0.75; 1 samples by frequency, 0 uniformly, "
          "negative values favour rare words.", -1.0, 1.0, step=0.05, advanced=True),
    Field("cbow_mean", "CBOW context", "How CBOW combines the context words' vectors (CBOW only): their mean "
          "(usual) or their sum, which calls for a smaller learning rate.",
          choices=(("Mean", True), ("Sum", False)), advanced=True),
    Field("batch_words", "Batch size", "Corpus words per batch: the loss, the plots and the snapshots are "
          "updated once per batch. Usual: 50,000; smaller batches give finer plots and train a little slower.",
          100, 10_000_000, advanced=True),
)


class ParamsForm(QWidget):
    """Edits the training parameters; `changed` is emitted on every edit."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.preset = QComboBox()
        self.preset.addItems([*PRESETS, CUSTOM])
        self.preset.setToolTip("Quick look: small and fast, to see results in seconds. Quality: larger "
                               "vectors and more epochs, for a model worth keeping. Default: word2vec's defaults.")
        self.preset.textActivated.connect(self._on_preset_activated)
        layout.addRow("Preset", self.preset)
        advanced = QGroupBox("Advanced")
        advanced.setFlat(True)
        advanced_rows = QFormLayout(advanced)
        advanced_rows.setContentsMargins(0, 0, 0, 0)
        self.editors: dict[str, QWidget] = {}
        for field in FIELDS:
            editor = self._editor(field)
            editor.setToolTip(field.tip)
            self.editors[field.name] = editor
            rows = advanced_rows if field.advanced else layout
            rows.addRow(field.label, editor)
            rows.labelForField(editor).setToolTip(field.tip)
        layout.addRow(advanced)
        self.set_values({name: settings.get(f"train/{name}") for name in self.editors})
        self.changed.connect(self._on_changed)
        self._on_changed()

    def _editor(self, field: Field) -> QWidget:
        if field.choices:
            editor = QComboBox()
            for text, value in field.choices:
                editor.addItem(text, value)
            editor.currentIndexChanged.connect(self.changed)
            return editor
        if field.sci:
            editor = SciSpinBox()
        elif isinstance(field.low, float):
            editor = QDoubleSpinBox()
            editor.setDecimals(4)
            editor.setSingleStep(field.step)
        else:
            editor = QSpinBox()
            editor.setGroupSeparatorShown(True)
        editor.setRange(field.low, field.high)
        editor.setSpecialValueText(field.special)
        editor.valueChanged.connect(self.changed)
        return editor

    def values(self) -> dict:
        """The form's values by TrainParams field name."""
        out = {}
        for name, editor in self.editors.items():
            out[name] = editor.currentData() if isinstance(editor, QComboBox) else editor.value()
        return out

    def set_values(self, values: dict):
        for name, value in values.items():
            editor = self.editors[name]
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(editor.findData(value), 0))
            else:
                editor.setValue(value)

    def params(self, lowercase: bool = True) -> TrainParams:
        """TrainParams from the form (raises ValueError for an impossible combination)."""
        v = self.values()
        if v["min_alpha"] > v["alpha"]:
            raise ValueError(f"the final learning rate ({v['min_alpha']:g}) must not be above the starting one "
                             f"({v['alpha']:g})")
        v["negative"] = 0 if v["hs"] else v["negative"]
        v["max_vocab"] = v["max_vocab"] or None
        return TrainParams(**v, lowercase=lowercase)

    def remember(self):
        """Store the form's values as the next session's defaults."""
        for name, value in self.values().items():
            settings.put(f"train/{name}", value)

    def _on_preset_activated(self, name: str):
        if name in PRESETS:
            self.set_values(PRESETS[name])

    def _on_changed(self):
        v = self.values()
        self.editors["negative"].setEnabled(not v["hs"])
        self.editors["ns_exponent"].setEnabled(not v["hs"])
        self.editors["cbow_mean"].setEnabled(not v["sg"])
        current = {k: v[k] for k in PRESET_KEYS}
        match = next((name for name, preset in PRESETS.items() if preset == current), CUSTOM)
        self.preset.setCurrentText(match)

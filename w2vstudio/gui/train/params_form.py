"""The Train tab's parameters: one row per field of the parameter spec (`core.params.PARAMS`), with
its label, help and range; the advanced group apart. The values are checked by `TrainParams`."""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QSpinBox, QWidget

from w2vstudio.core.params import PARAMS, Param, ParamError, TrainParams
from w2vstudio.gui import settings

FIELDS = tuple(p for p in PARAMS if p.group in ("basic", "advanced"))  # the corpus panel reads the text
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
        for p in FIELDS:
            editor = self._editor(p)
            tip = f"{p.help} Range: {p.range_text()}." if p.type is not bool else p.help
            editor.setToolTip(tip)
            self.editors[p.name] = editor
            rows = advanced_rows if p.group == "advanced" else layout
            rows.addRow(p.label, editor)
            rows.labelForField(editor).setToolTip(tip)
        layout.addRow(advanced)
        self.set_values({name: settings.get(f"train/{name}") for name in self.editors})
        self.changed.connect(self._on_changed)
        self._on_changed()

    def _editor(self, p: Param) -> QWidget:
        if p.type is bool:
            editor = QComboBox()
            for text, value in p.choices:
                editor.addItem(text, value)
            editor.currentIndexChanged.connect(self.changed)
            return editor
        if p.type is float and p.low == 0 and p.default < 0.01:
            editor = SciSpinBox()  # small numbers such as 1e-4, a factor of ten per step
        elif p.type is float:
            editor = QDoubleSpinBox()
            editor.setDecimals(max(4, -math.floor(math.log10(p.low))) if p.low > 0 else 4)  # the lowest value shows
            editor.setSingleStep(0.05 if p.low < 0 else 0.005)
        else:
            editor = QSpinBox()
            editor.setGroupSeparatorShown(True)
        editor.setRange(p.low, min(p.high, 2**31 - 1))
        editor.setSpecialValueText(p.special)
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
        """TrainParams from the form; ParamError (naming the field by its label) if the spec refuses them."""
        v = self.values()
        if v["hs"] or v["softmax"]:
            v["negative"] = 0
        try:
            return TrainParams(**v, lowercase=lowercase)
        except ParamError as exc:
            if exc.param is None or exc.param.name not in self.editors:
                raise
            raise ParamError(f"{exc.param.label} {_shown(exc.value)}: {exc.reason}", exc.param, exc.value,
                             exc.reason) from None

    def remember(self):
        """Store the form's values as the next session's defaults."""
        for name, value in self.values().items():
            settings.put(f"train/{name}", value)

    def _on_preset_activated(self, name: str):
        if name in PRESETS:
            self.set_values(PRESETS[name])

    def _on_changed(self):
        v = self.values()
        sampling = not (v["hs"] or v["softmax"])
        self.editors["negative"].setEnabled(sampling)
        self.editors["ns_exponent"].setEnabled(sampling)
        self.editors["cbow_mean"].setEnabled(not v["sg"])
        current = {k: v[k] for k in PRESET_KEYS}
        match = next((name for name, preset in PRESETS.items() if preset == current), CUSTOM)
        self.preset.setCurrentText(match)


def _shown(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)

"""The status bar's account of the model explored: its name, vocabulary and dimensions, and for a
model saved by Spark its version, with MLlib's parameters in the tooltip."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from w2vstudio.core.files.sparkfiles import SparkMetadata
from w2vstudio.gui.studio_session import Entry, StudioSession


def spark_details(meta: SparkMetadata) -> list[str]:
    """Lines about a model saved by Spark: the API and version it was saved with, then MLlib's
    parameters (their values come from the file: plain text)."""
    api = "pyspark.ml" if meta.api == "ml" else "pyspark.mllib (RDD-based)"
    version = f"Spark {meta.spark_version}" if meta.spark_version else "Spark (its version not recorded)"
    return [f"Saved by {version}, {api}; no word counts."] + [f"{k}: {v}" for k, v in meta.params.items()]


class ModelStatus(QWidget):
    """Labels that follow the session's model explored (names come from files: plain text)."""

    def __init__(self, session: StudioSession, parent=None):
        super().__init__(parent)
        self.model_label, self.vocab_label, self.dim_label, self.source_label = QLabel(), QLabel(), QLabel(), QLabel()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label in (self.model_label, self.vocab_label, self.dim_label, self.source_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            row.addWidget(label)
        session.current_changed.connect(self._on_current_changed)
        self._on_current_changed(session.current)

    def _on_current_changed(self, entry: Entry | None):
        self.model_label.setText("No model yet" if entry is None else f"Model: {entry.name}")
        self.vocab_label.setText("" if entry is None else f"{len(entry.kv):,} words")
        self.dim_label.setText("" if entry is None else f"{entry.kv.dim} dimensions")
        meta = None if entry is None else entry.spark
        self.source_label.setVisible(meta is not None)
        version = "" if meta is None else meta.spark_version or ""
        self.source_label.setText("" if meta is None else " ".join(filter(None, ("Spark", version, "model"))))
        lines = [] if meta is None else spark_details(meta)
        # a tooltip may be read as rich text: the file's values are escaped, lines kept
        self.source_label.setToolTip("".join(f"<p style='white-space:pre'>{html.escape(line)}</p>" for line in lines))
        self.setToolTip(self.source_label.toolTip())

"""Where to train: this computer, or Spark MLlib on a cluster (its master URL and partitions)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QSpinBox, QWidget

from w2vstudio.core.spark.engine import DEFAULT_MASTER, SparkOptions
from w2vstudio.core.spark.mllib import WHAT_MLLIB_TRAINS
from w2vstudio.gui import settings

ENGINES = ("This computer", "Spark (MLlib)")


class EngineForm(QWidget):
    """The engine choice (the last one used, from the settings); `options()` gives the Spark options,
    or None to train here."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.engine = QComboBox()
        self.engine.addItems(ENGINES)
        self.engine.setCurrentIndex(1 if settings.get("engine/spark") else 0)
        self.engine.setToolTip(f"Spark: {WHAT_MLLIB_TRAINS}; it reads the corpus files itself and reports no "
                               "loss, snapshots or per-epoch quality. Needs pyspark (pip install "
                               '"w2vstudio[spark]") and Java 17 or later.')
        self.master = QLineEdit(settings.get("engine/master") or DEFAULT_MASTER)
        self.master.setToolTip("Spark's master: local[*] (this computer's cores), spark://HOST:7077, yarn, "
                               "k8s://https://HOST:443")
        self.partitions = QSpinBox()
        self.partitions.setRange(1, 100_000)
        self.partitions.setValue(settings.get("engine/partitions"))
        self.partitions.setToolTip("MLlib's partitions: each trains apart and the vectors are averaged. "
                                   "1 gives the best vectors; more train faster, a little worse.")
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addRow("Engine", self.engine)
        layout.addRow("Master", self.master)
        layout.addRow("Partitions", self.partitions)
        self.engine.currentIndexChanged.connect(self._on_engine_changed)
        self._on_engine_changed()

    def options(self) -> SparkOptions | None:
        if self.engine.currentIndex() == 0:
            return None
        return SparkOptions(self.master.text().strip() or DEFAULT_MASTER, self.partitions.value())

    def remember(self):
        """Store the form's values as the next session's defaults."""
        settings.put("engine/spark", self.engine.currentIndex() == 1)
        settings.put("engine/master", self.master.text().strip() or DEFAULT_MASTER)
        settings.put("engine/partitions", self.partitions.value())

    def _on_engine_changed(self):
        spark = self.engine.currentIndex() == 1
        self.master.setEnabled(spark)
        self.partitions.setEnabled(spark)

"""Qt item models and delegates for result tables: scored words with inline similarity bars."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHeaderView, QStyledItemDelegate, QStyleOptionViewItem, QTableView

BAR_ROLE = Qt.ItemDataRole.UserRole + 1  # fraction 0..1 of the cell to fill with a bar
_FOOT = 0.15  # the lowest score's bar: this share of the span below it, so that it shows
_BAR_COLOUR = QColor(70, 130, 220, 90)


class ScoredWordsModel(QAbstractTableModel):
    """Rows of (word, score, count); bars span the rows' scores, from a little below the lowest to the
    highest (cosines of 0.84 and 0.88 differ visibly), the range said in the score's header. Rows of
    an ensemble (word, mean, count, sd, agreement, runs) add an "agreement" column whose bar is
    agreement / runs, and show the score as mean ± sd."""

    def __init__(self, score_name: str = "cosine", bar_scale: float | None = 1.0, parent=None):
        super().__init__(parent)
        self._name = score_name
        self._rows: list[tuple[str, float, int | None]] = []
        self._low, self._high = 0.0, 1.0  # the scores at an empty and at a full bar
        self.runs = 1  # an ensemble's rows: its runs

    def set_rows(self, rows: list[tuple[str, float, int | None]]):
        """Show these rows, best first."""
        self.beginResetModel()
        self._rows = list(rows)
        self.runs = max((r[5] for r in self._rows if len(r) > 5), default=1)
        scores = [r[1] for r in self._rows]
        high, low = max(scores, default=1.0), min(scores, default=0.0)
        span = (high - low) or abs(high) or 1.0
        self._low, self._high = low - _FOOT * span, high
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)

    def set_score_name(self, name: str, bar_scale: float | None = None):
        """Rename the score column."""
        self._name = name
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)

    @property
    def bar_range(self) -> tuple[float, float]:
        """The scores of the rows shown: (lowest, highest), the bars' span."""
        scores = [r[1] for r in self._rows]
        return (min(scores), max(scores)) if scores else (0.0, 0.0)

    def score_header(self) -> str:
        if len(self._rows) < 2:
            return self._name
        low, high = self.bar_range
        return f"{self._name}\nbars {low:.3f} to {high:.3f}"  # two lines: a narrow column shows both

    def word(self, row: int) -> str:
        return self._rows[row][0]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else (4 if self.runs > 1 else 3)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("word", self.score_header(), "count")[section] if section < 3 else f"agreement (of {self.runs} runs)"
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        word, score, count = row[:3]
        column = index.column()
        agreed = len(row) > 5
        if role == Qt.ItemDataRole.DisplayRole:
            shown = f"{score:.4f} ± {row[3]:.4f}" if agreed and row[5] > 1 else f"{score:.4f}"
            agreement = f"{row[4]}/{row[5]}" if agreed else "1/1"
            return (word, shown, "" if count is None else f"{count:,}", agreement)[column]
        if role == BAR_ROLE and column == 1:
            span = self._high - self._low
            return min(max((score - self._low) / span, 0.0), 1.0) if span > 0 else 1.0
        if role == BAR_ROLE and column == 3:
            return row[4] / row[5] if agreed else 1.0
        if role == Qt.ItemDataRole.ToolTipRole and column == 3 and agreed:
            return f"in the top {len(self._rows)} of {row[4]} of the {row[5]} runs"
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BarDelegate(QStyledItemDelegate):
    """Paints a translucent horizontal bar (BAR_ROLE share of the cell width) over the cell."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index):
        super().paint(painter, option, index)
        fraction = index.data(BAR_ROLE)
        if fraction:
            r = option.rect.adjusted(2, 3, -2, -3)
            painter.fillRect(QRect(r.left(), r.top(), round(r.width() * fraction), r.height()), _BAR_COLOUR)


def scored_words_view(model: ScoredWordsModel, parent=None) -> QTableView:
    """A read-only table of scored words with bars in the score column."""
    view = QTableView(parent)
    view.setModel(model)
    view.setItemDelegateForColumn(1, BarDelegate(view))
    view.setItemDelegateForColumn(3, BarDelegate(view))  # an ensemble's agreement
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(22)
    header = view.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(0, 240)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    # an ensemble's agreement column appears with its rows: wide enough for its header
    model.modelReset.connect(lambda: view.resizeColumnToContents(3) if model.columnCount() > 3 else None)
    return view

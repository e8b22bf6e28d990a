"""Scored-word bars span the rows' scores: cosines of 0.84 and 0.88 differ visibly, the range is said."""

from PySide6.QtCore import Qt

from w2vstudio.gui.widgets.qt_models import BAR_ROLE, ScoredWordsModel


def test_close_cosines_have_visibly_different_bars(qtbot):
    model = ScoredWordsModel("cosine")
    model.set_rows([("a", 0.88, 10), ("b", 0.86, 9), ("c", 0.84, 8)])
    bars = [model.data(model.index(r, 1), BAR_ROLE) for r in range(3)]
    assert bars[0] == 1.0 and bars[0] - bars[2] > 0.5 and bars[2] > 0  # the lowest still shows
    assert model.headerData(1, Qt.Orientation.Horizontal) == "cosine\nbars 0.840 to 0.880"
    model.set_rows([("a", 0.5, None)])
    assert model.data(model.index(0, 1), BAR_ROLE) == 1.0 and model.headerData(1, Qt.Orientation.Horizontal) == "cosine"

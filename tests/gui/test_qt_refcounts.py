"""Guard against a Qt binding that corrupts refcounts: PySide6 6.12.0 decrements True's count on
every emission of a bool signal, which ends in "Fatal Python error: bool_dealloc" (pinned out in
pyproject.toml; this test fails clearly instead of a crash at exit if it comes back)."""

import gc
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction


class _Emitter(QObject):
    flagged = Signal(bool)


def _true_refs_after(emit, n=500) -> int:
    gc.collect()
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(n):
        emit()
    gc.collect()
    return sys.getrefcount(True) + sys.getrefcount(False) - before


def test_bool_signals_keep_refcounts(qapp):
    calls = []

    def slot(checked):
        calls.append(type(checked))  # keeps no reference to True or False

    emitter = _Emitter()
    emitter.flagged.connect(slot)
    assert abs(_true_refs_after(lambda: emitter.flagged.emit(False))) < 50
    action = QAction()
    action.setCheckable(True)
    action.triggered.connect(slot)
    assert abs(_true_refs_after(action.trigger)) < 50
    assert calls == [bool] * 1000

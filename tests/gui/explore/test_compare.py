"""Comparing runs: the session's models side by side, a word's two neighbour lists with their
overlap, and the words that moved most."""

from PySide6.QtCore import Qt

from w2vstudio.core.explore.compare import compare_word, most_different
from w2vstudio.gui import workers

TIMEOUT = 120_000


def test_two_models_side_by_side(qtbot, window, add_watched):
    w = window
    panel = w.compare_panel
    first = add_watched(w, 0)
    assert not panel.compare_button.isEnabled() and "two models" in panel.overlap_label.text()
    second = add_watched(w, 1)
    w.tabs.setCurrentWidget(panel)
    assert (panel.left.currentText(), panel.right.currentText()) == (first.name, second.name)
    assert [panel.left.itemText(i) for i in range(panel.left.count())] == [e.name for e in w.session.entries]

    qtbot.keyClicks(panel.word_edit, "israel")
    with qtbot.waitSignal(panel.compared, timeout=TIMEOUT) as compared:
        qtbot.keyClick(panel.word_edit, Qt.Key.Key_Return)
    c = compared.args[0]
    assert c == compare_word(first.kv, second.kv, "israel", 10, 50_000)
    assert [panel.left_rows.word(i) for i in range(10)] == [word for word, _ in c.left]
    assert [panel.right_rows.word(i) for i in range(10)] == [word for word, _ in c.right]
    bold = [panel.left_rows.data(panel.left_rows.index(i, 0), Qt.ItemDataRole.FontRole) is not None
            for i in range(10)]
    assert bold == [word in c.shared for word, _ in c.left]
    assert f"{len(c.shared)} of 10 neighbours shared" in panel.overlap_label.text()
    assert f"Jaccard overlap {c.overlap:.2f}" in panel.overlap_label.text()

    with qtbot.waitSignal(panel.differences_found, timeout=TIMEOUT) as found:
        panel.differ_button.click()
    rows = found.args[0]
    expected = most_different(first.kv, second.kv, 2_000, 50, 10)
    assert [(word, z) for word, z, _ in rows] == expected
    assert panel.differ_rows.rowCount() == 50 and panel.differ_button.isEnabled()
    with qtbot.waitSignal(panel.compared, timeout=TIMEOUT) as compared:
        panel.differ_view.doubleClicked.emit(panel.differ_rows.index(0, 0))
    assert compared.args[0].word == expected[0][0]

    panel.choose(second.name, first.name)  # another pair forgets the results
    assert panel.left_rows.rowCount() == panel.differ_rows.rowCount() == 0
    with qtbot.waitSignal(panel.compared, timeout=TIMEOUT) as compared:
        panel.compare("israel")
    assert compared.args[0].left == c.right
    with qtbot.waitSignal(panel.comparison_failed, timeout=TIMEOUT):
        panel.compare("qwertyuiop")
    assert "not in the vocabulary" in panel.overlap_label.text()
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)


def test_the_models_menu_switches_and_removes(qtbot, window, add_watched):
    w = window
    first, second = add_watched(w, 0), add_watched(w, 1)
    again = add_watched(w, 0)
    assert again.name == f"{first.name} #2" and w.session.current is again
    w.models_menu.aboutToShow.emit()
    actions = [a for a in w.models_menu.actions() if a.isCheckable()]
    assert [a.text() for a in actions] == [e.name for e in w.session.entries] and actions[2].isChecked()
    actions[1].trigger()
    assert w.session.current is second and w.session.current.name == second.name and w.session.current.kv is second.kv
    w.actions.remove.trigger()
    assert w.session.entries == [first, again] and w.session.current is again
    assert [w.compare_panel.left.itemText(i) for i in range(w.compare_panel.left.count())] == [first.name, again.name]
    assert w.questions == []  # saved models go without asking

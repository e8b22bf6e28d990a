"""Nothing overlaps, nothing is squeezed, no label is cut, at 1280 x 800 and at 1920 x 1080: every tab and
sub-tab (every QTabWidget's pages, recursively) is opened with a trained model and a corpus loaded, after
the word dock has found lines of the corpus, and its widget tree is walked.

What is not checked: the internals of Qt's composite widgets (a scroll area's viewport and scroll bars, a
spin box's or combo box's own line edit, a tab bar's scroll buttons, a splitter's handles) and Qt's
private children (object names starting with "qt_"); they are Qt's to lay out. A label whose text is
elided on purpose says so with the property `elided` set to True."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QComboBox, QLabel, QLineEdit, QListWidget, QScrollBar,
                               QSplitterHandle, QTabBar, QTabWidget, QWidget)

from w2vstudio.core.support.printable import verbatim_html

SIZES = ((1280, 800), (1920, 1080))
OVERLAP = 2  # px, in both directions
NARROWEST_FIELD = 60  # px, a text field or combo box
LABEL_SLACK = 4  # px a label's text may need beyond its width
COMPOSITES = (QAbstractSpinBox, QComboBox, QTabBar, QScrollBar)  # their children are Qt's own


def _private(widget: QWidget) -> bool:
    return widget.objectName().startswith("qt_") or isinstance(widget, QSplitterHandle)


def _shown_children(widget: QWidget) -> list[QWidget]:
    """The visible child widgets inside `widget` (none of a composite's)."""
    if isinstance(widget, COMPOSITES):
        return []
    return [c for c in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
            if c.isVisible() and not c.isWindow()]


def _name(widget: QWidget) -> str:
    text = type(widget).__name__
    if widget.objectName():
        text += f" '{widget.objectName()}'"
    label = widget.text() if isinstance(widget, QLabel) else None
    if label:
        text += f" {label[:40]!r}"
    return text


def _chain(widget: QWidget) -> str:
    names = []
    while widget is not None:
        names.append(_name(widget))
        widget = widget.parentWidget()
    return " < ".join(names)


def _plain(label: QLabel) -> str:
    text = label.text()
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text))
    if rich:
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    return text


def offenders(root: QWidget) -> list[str]:
    """What is wrong with the visible widgets under `root`, one line each."""
    found = []
    stack = [root]
    while stack:
        widget = stack.pop()
        children = _shown_children(widget)
        stack.extend(children)  # a private container's (a scroll area's viewport's) children are looked at
        children = [c for c in children if not _private(c)]
        for i, a in enumerate(children):
            for b in children[i + 1:]:
                both = a.geometry().intersected(b.geometry())
                if both.width() > OVERLAP and both.height() > OVERLAP:
                    found.append(f"overlap {both.width()}x{both.height()}: {_name(b)} over {_chain(a)}")
        for child in children:
            if isinstance(child, (QLineEdit, QComboBox)) and child.width() < NARROWEST_FIELD:
                found.append(f"squeezed to {child.width()} px: {_chain(child)}")
            if isinstance(child, QLabel) and not child.wordWrap() and not child.property("elided"):
                text = _plain(child)
                if text and "\n" not in text:
                    room = child.contentsRect().width() - 2 * child.margin() - max(child.indent(), 0)
                    need = child.fontMetrics().horizontalAdvance(text)
                    if need > room + LABEL_SLACK:
                        found.append(f"label cut ({need} px in {room}): {_chain(child)}")
    return found


def pages(app: QApplication, root: QWidget):
    """Open every page of every tab widget under `root`, recursively; yield each page's name."""
    tabs = [t for t in [root, *root.findChildren(QTabWidget)] if isinstance(t, QTabWidget) and t.isVisible()]
    outer = [t for t in tabs if not any(o is not t and o.isAncestorOf(t) for o in tabs)]
    for tab_widget in outer:
        for i in range(tab_widget.count()):
            tab_widget.setCurrentIndex(i)
            app.processEvents()
            name = tab_widget.tabText(i)
            yield name
            for inner in pages(app, tab_widget.currentWidget()):
                yield f"{name} ▸ {inner}"


@pytest.fixture
def loaded(window, qtbot, tiny_corpus, add_watched):
    """The window with a trained model explored, the corpus scanned and a word's lines found."""
    window.corpus_panel.set_paths([str(tiny_corpus)])
    qtbot.waitUntil(lambda: window.session.corpus.scanned is not None, timeout=60_000)
    add_watched(window, 0)
    with qtbot.waitSignal(window.word_info.lines_found, timeout=30_000):
        window.select_word("republic")
    return window


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_nothing_overlaps_or_is_squeezed(loaded, qapp, size):
    window = loaded
    window.resize(*size)
    qapp.processEvents()
    assert (window.width(), window.height()) == size, (
        f"the window cannot be {size[0]}x{size[1]}: its minimum is {window.minimumSizeHint().toTuple()}")
    problems = {}
    for page in pages(qapp, window):
        found = offenders(window)
        if found:
            problems[page] = found
    report = "\n".join(f"{page}:\n  " + "\n  ".join(lines) for page, lines in problems.items())
    assert not problems, report


def test_get_a_corpus_shows_every_entry_whole(qtbot, tmp_path, monkeypatch):
    from w2vstudio.gui.corpus_download import GetCorpusDialog

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    dialog = GetCorpusDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    entries = dialog.findChild(QListWidget)
    assert entries.horizontalScrollBar().maximum() == 0 and entries.verticalScrollBar().maximum() == 0
    assert not offenders(dialog)


def test_region_legend_lists_every_region_unscrolled(qtbot):
    from PySide6.QtGui import QColor

    from w2vstudio.gui.map.legend import RegionLegend
    from w2vstudio.gui.map.word_labels import REGIONS

    legend = RegionLegend()
    qtbot.addWidget(legend)
    names = [f"region {i} words and more words than fit" for i in range(REGIONS)]
    legend.set_regions(names, [QColor("red")] * REGIONS)
    legend.show()
    qtbot.waitExposed(legend)
    last = legend.visualItemRect(legend.item(REGIONS - 1))
    assert last.bottom() < legend.viewport().height(), (last, legend.viewport().rect())
    assert legend.verticalScrollBar().maximum() == 0
    assert legend.item(0).toolTip() == verbatim_html(names[0])  # the name, as plain text


def test_cbow_contexts_stay_on_one_line_and_whole(window, add_watched, qapp):
    view = window.inside_panel.samples_view
    add_watched(window, 1)
    window.tabs.setCurrentWidget(window.inside_panel)
    view.architecture.setCurrentIndex(1)  # CBOW: a row's input is its context words
    view.show_all()
    qapp.processEvents()
    assert not view.table.wordWrap()
    widest = max(range(view.table.rowCount()), key=lambda r: len(view.table.item(r, 0).text()))
    item = view.table.item(widest, 0)
    assert " " in item.text() and item.toolTip() == verbatim_html(item.text())
    need = view.table.fontMetrics().horizontalAdvance(item.text())
    assert view.table.columnWidth(0) >= min(need, 160)


def test_no_plot_has_a_legend_over_its_data(window):
    """Every plot's key is a row of text beside it (widgets.curve_key): a legend inside a plot covers points."""
    import pyqtgraph as pg

    inside = [f"{plot.getPlotItem().titleLabel.text or type(plot.parentWidget()).__name__}"
              for plot in window.findChildren(pg.PlotWidget)
              if any(isinstance(item, pg.LegendItem) for item in plot.scene().items())]
    assert not inside, inside


def test_every_axis_label_fits_its_axis(loaded, qapp):
    """An axis's title (with its SI prefix and units) is no longer than the axis: at 1280x800 the
    Train tab's small plots cut "alpha (x0.001)" and "speed (Mwords/s)"."""
    import pyqtgraph as pg

    window = loaded
    window.resize(1280, 800)
    qapp.processEvents()
    cut = set()
    for page in pages(qapp, window):
        for plot in window.findChildren(pg.PlotWidget):
            if not plot.isVisible():
                continue
            for name in ("left", "bottom"):
                axis = plot.getPlotItem().getAxis(name)
                if not axis.isVisible() or not axis.label.isVisible() or not axis.label.toPlainText().strip():
                    continue
                room = axis.boundingRect().height() if name == "left" else axis.boundingRect().width()
                if axis.label.boundingRect().width() > room + 4:
                    cut.add(f"{page}: {name} axis {axis.label.toPlainText()!r} needs "
                            f"{axis.label.boundingRect().width():.0f} px of {room:.0f}")
    assert not cut, "\n".join(sorted(cut))


def test_every_table_header_shows_its_whole_text(loaded, qapp):
    """Each line of a visible column header fits its column (the Probes tab's "Still moving" table
    cut "overlap (bars 0.333 to 0.667)")."""
    from PySide6.QtWidgets import QTableView

    window = loaded
    window.resize(1280, 800)
    qapp.processEvents()
    cut = set()
    for page in pages(qapp, window):
        for table in window.findChildren(QTableView):
            header = table.horizontalHeader()
            if not table.isVisible() or table.model() is None or not header.isVisible():
                continue
            metrics = header.fontMetrics()
            for column in range(header.count()):
                if header.isSectionHidden(column):
                    continue
                text = str(table.model().headerData(column, Qt.Orientation.Horizontal) or "")
                need = max((metrics.horizontalAdvance(line) for line in text.splitlines()), default=0)
                if need > header.sectionSize(column) + 4:
                    cut.add(f"{page}: {text!r} needs {need} px of {header.sectionSize(column)}")
    assert not cut, "\n".join(sorted(cut))

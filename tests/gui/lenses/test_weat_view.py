"""The Lenses tab's WEAT view: a bundled test or four files, d, p, missing words and the histogram."""

import numpy as np

from w2vstudio.core.explore.weat import bundled_lists, weat
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.lenses.lenses_panel import LensesPanel
from w2vstudio.gui.lenses.weat_view import FILES
from w2vstudio.gui.studio_session import Entry, StudioSession


def test_weat_view_runs_a_bundled_test_and_files(qtbot, tmp_path):
    session = StudioSession()
    panel = LensesPanel(session)
    qtbot.addWidget(panel)
    view = panel.weat_view
    assert not view.run_button.isEnabled()
    x, y, a, b = bundled_lists("flowers-insects")
    words = x[:-1] + y + a + b  # "zinnia" missing
    rng = np.random.default_rng(0)
    kv = KeyedVectors(words, rng.normal(size=(len(words), 8)).astype(np.float32))
    session.add(Entry("m", kv))
    view.test.setCurrentText("flowers-insects")
    with qtbot.waitSignal(view._call.succeeded, timeout=30_000):
        view.run()
    expected = weat(kv, x, y, a, b)
    assert view.result.effect_size == expected.effect_size and view.result.p_value == expected.p_value
    assert f"d = {expected.effect_size:+.3f}" in view.headline.text() and "zinnia" in view.headline.text()
    assert len(view.plot.getPlotItem().items) == 2  # the histogram and the observed statistic
    view.test.setCurrentText(FILES)
    view.run()
    assert "four word-list files" in view.headline.text()
    for edit, words in zip(view.paths, (x[:3], y[:3], a[:3], ["<b>bold</b>"])):
        path = tmp_path / f"{len(edit.placeholderText())}-{words[0][:3]}.txt"
        path.write_text("\n".join(words))
        edit.setText(str(path))
    with qtbot.waitSignal(view._call.failed, timeout=30_000):
        view.run()
    assert "none of the B words" in view.headline.text()
    assert view.headline.textFormat() == view.headline.textFormat().PlainText

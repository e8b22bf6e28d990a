"""The corpus panel's "Join phrases": the phrases found listed, the session's corpus follows."""

from tests.core.corpus.test_phrases import _lines


def test_join_phrases_lists_them(qtbot, window, tmp_path):
    corpus = tmp_path / "phr.txt"
    corpus.write_text("\n".join(" ".join(line) for line in _lines()) + "\n")
    w = window
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=60_000):
        w.open_paths([str(corpus)])
    panel = w.corpus_panel
    assert not panel.phrase_list.isVisible()
    panel.join_phrases.setChecked(True)
    assert w.session.corpus.phrases
    listed = lambda: [panel.phrase_list.item(i).text() for i in range(panel.phrase_list.count())]
    qtbot.waitUntil(lambda: any(t.startswith("new_york ") for t in listed()), timeout=60_000)
    assert panel.phrase_list.isVisible()
    panel.join_phrases.setChecked(False)
    assert not w.session.corpus.phrases and not panel.phrase_list.isVisible()
    assert w.errors == []

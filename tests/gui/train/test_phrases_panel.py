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


def test_training_with_join_phrases(qtbot, window, tmp_path, train):
    """Training starts while the panel still counts the same scan's pairs: the run joins into a scan
    of its own and leaves the session's intact (it trains again, and lists its phrases again)."""
    corpus = tmp_path / "phr.txt"
    corpus.write_text("\n".join(" ".join(line) for line in _lines()) + "\n")
    w = window
    w.corpus_panel.join_phrases.setChecked(True)
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=60_000):
        w.open_paths([str(corpus)])
    scanned = w.session.corpus.scanned
    before = [chunk.copy() for chunk in scanned.stream]
    outcome = train(w)  # at once: the panel's phrase finding is likely still running
    assert "new_york" in outcome.model.vocab.index and "peanut_butter" in outcome.model.vocab.index
    assert [p.token for p in outcome.model.phrases.phrases][:1]
    assert w.session.corpus.scanned is scanned and not scanned.stream.consumed
    assert all((a == b).all() for a, b in zip(before, scanned.stream))
    again = train(w)
    assert again.model.vocab.words == outcome.model.vocab.words
    listed = lambda: [w.corpus_panel.phrase_list.item(i).text() for i in range(w.corpus_panel.phrase_list.count())]
    qtbot.waitUntil(lambda: any(t.startswith("new_york ") for t in listed()), timeout=60_000)
    assert w.errors == []

"""A fastText model in the studio: opened as a drop would, its unknown words looked
up from their character n-grams and marked as such."""

import pytest

gensim_utils = pytest.importorskip("gensim.test.utils")

TIMEOUT = 60_000


def test_unknown_words_are_built_from_ngrams_and_marked(window, qtbot):
    with qtbot.waitSignal(window.files.vectors_opened, timeout=TIMEOUT):
        window.open_paths([gensim_utils.datapath("lee_fasttext.bin")])
    panel = window.neighbours_panel
    with qtbot.waitSignal(panel.results_shown, timeout=TIMEOUT) as shown:
        panel.search("nightz - day")
    assert len(shown.args[0]) == panel.topn.value()
    assert panel.results.message.text() == "Not in the vocabulary, built from character n-grams: nightz"
    with qtbot.waitSignal(panel.results_shown, timeout=TIMEOUT):
        panel.search("night")
    assert panel.results.message.text() == "" and window.errors == []

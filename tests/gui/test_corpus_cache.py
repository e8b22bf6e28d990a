"""File ▸ Encoded corpus cache…: the entries listed on a worker, Clear removes them."""

from w2vstudio.core.corpus import cache as corpus_cache
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun
from w2vstudio.gui.corpus_cache import CorpusCacheDialog

TIMEOUT = 30_000


def test_the_dialog_lists_and_clears_the_cache(window, qtbot, tiny_corpus, tmp_path, monkeypatch):
    folder = tmp_path / "corpora"
    monkeypatch.setattr(corpus_cache, "default_folder", lambda: folder)
    TrainingRun([str(tiny_corpus)], TrainParams(dim=8, epochs=1, min_count=2, threads=1), cache=folder).train()
    assert window.actions.corpus_cache in window.menuBar().actions()[0].menu().actions()
    window.actions.corpus_cache.trigger()
    dialog = window.findChild(CorpusCacheDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TIMEOUT)
    assert len(dialog.entries()) == 1 and str(tiny_corpus) in dialog.entries()[0] and "words" in dialog.entries()[0]
    assert dialog.status.startswith("1 entry")
    dialog.clear()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TIMEOUT)
    assert dialog.entries() == [] and dialog.status.startswith("Removed 1 entry")
    assert list(folder.iterdir()) == []
    dialog.reject()

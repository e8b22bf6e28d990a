"""The studio at scale: its runs and ensembles read and write the encoded corpus cache (one scan,
one encoding, reused by runs with other training parameters); a corpus whose encoding is in the
cache is not read again when opened (estimated and trained from the entry), unless its files
changed or it is read with another case folding; the run's memory and time are estimated and
shown before it starts, and a run beyond the memory available is not started; the scan shows
bytes and words and Cancel stops it."""

import contextlib
import os
import shutil
import time

import pytest

from w2vstudio.core import run as run_module
from w2vstudio.core.corpus.cache import CorpusCache
from w2vstudio.core.params import TrainParams
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.run import TrainingRun
from w2vstudio.core.train import estimate
from w2vstudio.gui import workers
from w2vstudio.gui.train import corpus_panel as corpus_panel_module
from w2vstudio.gui.train.corpus_panel import human_bytes
from tests.gui.conftest import TINY_PARAMS

TIMEOUT = 120_000


def test_studio_runs_and_an_ensemble_share_one_cached_encoding(qtbot, window, tiny_corpus, train, tmp_path):
    w, panel = window, window.train_panel
    folder = tmp_path / "corpora"
    panel.cache = folder
    scans = []
    w.corpus_panel.scan_finished.connect(scans.append)
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=TIMEOUT):
        w.open_paths([str(tiny_corpus)])
    qtbot.waitUntil(lambda: panel.estimate.text().startswith("Estimate"), timeout=TIMEOUT)  # shown once read
    shown_at_start = []
    w.session.run_started.connect(lambda _run: shown_at_start.append(panel.estimate.text()))

    first = train(w, dim=16, epochs=2)
    assert first.cache["used"] is False and first.cache["path"] is not None
    assert len(CorpusCache(folder).entries()) == 1
    vocab, tokens = len(first.model.vocab), int(first.model.vocab.counts.sum())  # before the held-out slice
    assert shown_at_start[0].startswith(f"Estimate: {vocab:,} words kept, {tokens:,} tokens per epoch")
    assert "not yet measured" in shown_at_start[0]  # no run yet: the default speed, named

    second = train(w, dim=8, epochs=1)  # other training parameters, the same vocabulary settings
    assert second.cache == {"used": True, "path": first.cache["path"]}
    assert len(CorpusCache(folder).entries()) == 1 and len(scans) == 1
    assert panel.progress.format().endswith("corpus read from the cache")
    assert "this computer's speed so far" in shown_at_start[1]  # the first run's speed
    assert len(second.model.vocab) == vocab and second.model.params.dim == 8

    panel.runs_form.runs.setValue(2)  # an ensemble reads it too
    panel.form.set_values({"dim": 4, "epochs": 1})
    with qtbot.waitSignal(w.session.current_changed, timeout=TIMEOUT):
        panel.start_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_busy, timeout=TIMEOUT)
    assert panel.progress.format().startswith("Done: 2 runs") and "read from the cache" in panel.progress.format()
    assert len(CorpusCache(folder).entries()) == 1 and len(scans) == 1 and w.errors == []
    assert panel.estimate.text().startswith("The last ensemble, measured: 2 runs in ")  # not the estimate before it

    panel.runs_form.runs.setValue(1)
    third = train(w, min_count=3)  # another vocabulary: another entry
    assert third.cache["used"] is False and len(CorpusCache(folder).entries()) == 2


def test_a_run_beyond_the_memory_available_is_not_started(qtbot, window, tiny_corpus, monkeypatch):
    w, panel = window, window.train_panel
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=TIMEOUT):
        w.open_paths([str(tiny_corpus)])
    monkeypatch.setattr(estimate, "available_memory", lambda: 100_000)
    started = []
    w.session.run_started.connect(started.append)
    panel.form.set_values({"dim": 300, "min_count": 1, "threads": 1})
    with qtbot.waitSignal(panel.failed, timeout=TIMEOUT) as failed:
        panel.start_action.trigger()
    message = failed.args[0]
    assert "more than the memory available" in message and "--max-vocab" in message and "Min count" in message
    assert panel.estimate.text() == message and started == []
    assert panel.start_action.isEnabled() and not panel.is_busy


def test_the_scan_shows_bytes_and_words_and_cancel_stops_it(qtbot, window, tiny_corpus, tmp_path):
    w, corpus_panel, panel = window, window.corpus_panel, window.train_panel
    big = tmp_path / "big.txt"
    text = tiny_corpus.read_text(encoding="utf-8")
    with big.open("w", encoding="utf-8") as f:
        for _ in range(150):  # about 3 M words: read for long enough to be cancelled
            f.write(text)
    w.open_paths([str(big)])
    qtbot.waitUntil(lambda: corpus_panel.is_scanning and corpus_panel.progress.format().endswith(" words"),
                    timeout=TIMEOUT)
    assert " MB of " in corpus_panel.progress.format() and corpus_panel.cancel_button.isVisible()
    panel.start_action.trigger()  # Train while reading: it waits for the scan, Stop cancels it
    assert panel.is_busy and panel.stop_action.isEnabled()
    panel.stop_action.trigger()
    assert not corpus_panel.is_scanning and not panel.is_busy and panel.start_action.isEnabled()
    assert corpus_panel.summary.text() == "Reading the corpus was cancelled." and w.session.corpus.scanned is None

    corpus_panel.scan()  # the Cancel button alone stops it too
    assert corpus_panel.is_scanning
    corpus_panel.cancel_button.click()
    assert not corpus_panel.is_scanning and not corpus_panel.cancel_button.isVisible()
    assert w.session.corpus.scanned is None and w.errors == []


def test_the_estimate_follows_the_form(qtbot, window, tiny_corpus):
    w, panel = window, window.train_panel
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=TIMEOUT):
        w.open_paths([str(tiny_corpus)])
    qtbot.waitUntil(lambda: panel.estimate.text().startswith("Estimate"), timeout=TIMEOUT)
    panel.form.set_values({"epochs": 7})
    qtbot.waitUntil(lambda: "7 epochs" in panel.estimate.text(), timeout=TIMEOUT)  # not the first form's
    panel.form.set_values({"epochs": 3})
    qtbot.waitUntil(lambda: "3 epochs" in panel.estimate.text(), timeout=TIMEOUT)


def test_after_a_run_the_estimate_line_says_what_was_measured(qtbot, window, tiny_corpus, train):
    w, panel = window, window.train_panel
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=TIMEOUT):
        w.open_paths([str(tiny_corpus)])
    qtbot.waitUntil(lambda: panel.estimate.text().startswith("Estimate"), timeout=TIMEOUT)
    assert "not yet measured" in panel.estimate.text()
    outcome = train(w)
    said = panel.estimate.text()
    assert said.startswith("The last run, measured:") and "not yet measured" not in said  # not the estimate before it
    assert f"{outcome.train.raw_words_per_sec:,.0f} words/s" in said and f"{len(outcome.model.vocab):,} words" in said
    assert "estimated" in said and "measured" in panel.estimate.toolTip()
    panel.form.set_values({"epochs": 4})  # a change to the form: the next run's estimate, at the speed measured
    qtbot.waitUntil(lambda: "4 epochs" in panel.estimate.text(), timeout=TIMEOUT)
    assert "this computer's speed so far" in panel.estimate.text() and "estimated" in panel.estimate.toolTip()
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)

    panel.form.set_values({"epochs": 500})
    with qtbot.waitSignal(w.session.run_started, timeout=TIMEOUT):
        panel.start_action.trigger()
    qtbot.waitUntil(lambda: panel.progress_fraction() > 0.001, timeout=TIMEOUT)
    with qtbot.waitSignal(w.session.run_finished, timeout=TIMEOUT) as finished:
        panel.stop_action.trigger()
    assert finished.args[0].train.cancelled
    assert panel.estimate.text().startswith("The last run, stopped and measured:"), panel.estimate.text()
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)  # what the run's end set going


def _opened(qtbot, w, path):
    """Open the corpus at `path` and wait for its listing and cache look-up to end."""
    w.open_corpus([str(path)])
    qtbot.waitUntil(lambda: not w.corpus_panel._lister.busy and w.session.corpus.paths == (path,), timeout=TIMEOUT)


@contextlib.contextmanager
def _refusing_scans():
    """Within it, a scan (by the corpus panel or a run) fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the corpus was scanned")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(run_module, "scan_corpus", refuse)
        m.setattr(corpus_panel_module, "scan_corpus", refuse)
        yield


def test_a_corpus_whose_encoding_is_cached_is_not_read_again(qtbot, window, tiny_corpus, train, tmp_path):
    w, corpus_panel, panel = window, window.corpus_panel, window.train_panel
    path = tmp_path / "tiny.txt"
    shutil.copy(tiny_corpus, path)
    panel.cache = tmp_path / "corpora"
    assert w.session.cache == tmp_path / "corpora"  # the one choice both panels use
    scans = []
    corpus_panel.scan_finished.connect(scans.append)
    with qtbot.waitSignal(corpus_panel.scan_finished, timeout=TIMEOUT):
        w.open_corpus([str(path)])
    first = train(w)  # writes the entry
    assert first.cache["used"] is False and first.cache["path"] is not None and len(scans) == 1
    [entry] = CorpusCache(tmp_path / "corpora").entries()

    with _refusing_scans():
        _opened(qtbot, w, path)  # opened again: found in the cache, not read
        assert len(scans) == 1 and not corpus_panel.is_scanning and w.session.corpus.scanned is None
        assert [e.path for e in w.session.corpus.cached] == [entry.path]
        made = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.created))
        vocab = len(first.model.vocab)
        assert corpus_panel.summary.text() == (
            f"1 file, {human_bytes(path.stat().st_size)}: {first.raw_words:,} words; its encoding ({vocab:,} words of "
            f"min count 2) is in the cache from {made}: not read again. Read it to change the vocabulary settings.")
        assert corpus_panel.read_button.isVisible()
        qtbot.waitUntil(lambda: panel.estimate.text().startswith("Estimate"), timeout=TIMEOUT)
        assert panel.estimate.text().startswith(f"Estimate: {vocab:,} words kept, {entry.words:,} tokens per epoch")

        second = train(w, dim=8)  # the form's vocabulary settings are the entry's: the run reads it
        assert second.cache == {"used": True, "path": first.cache["path"]}
        assert len(second.model.vocab) == vocab and len(scans) == 1 and w.session.corpus.scanned is None
        assert panel.progress.format().endswith("corpus read from the cache") and w.errors == []

        panel.form.set_values({"min_count": 3})  # other vocabulary settings: the corpus must be read
        qtbot.waitUntil(lambda: panel.estimate.text().startswith("The corpus must be read"), timeout=TIMEOUT)
        assert "min count 2" in panel.estimate.text()
    third = train(w, min_count=3)
    assert third.cache["used"] is False and len(scans) == 2 and w.session.corpus.scanned is not None
    assert "distinct" in corpus_panel.summary.text() and not corpus_panel.read_button.isVisible()

    _opened(qtbot, w, path)  # Read reads it anyway
    assert len(w.session.corpus.cached) == 2 and corpus_panel.read_button.isVisible()
    with qtbot.waitSignal(corpus_panel.scan_finished, timeout=TIMEOUT):
        corpus_panel.read_button.click()
    assert len(scans) == 3 and w.errors == []


def test_a_touched_file_or_another_case_folding_is_read_as_before(qtbot, window, tiny_corpus, train, tmp_path):
    w, corpus_panel, panel = window, window.corpus_panel, window.train_panel
    path = tmp_path / "tiny.txt"
    shutil.copy(tiny_corpus, path)
    folder = tmp_path / "corpora"
    TrainingRun([str(path)], TrainParams(min_count=2, lowercase=True), cache=folder).prepare()  # an entry
    panel.cache = folder
    corpus_panel.lowercase.setChecked(False)
    scans = []
    corpus_panel.scan_finished.connect(scans.append)
    with qtbot.waitSignal(corpus_panel.scan_finished, timeout=TIMEOUT):  # another case folding: read
        w.open_corpus([str(path)])
    assert w.session.corpus.cached == () and "distinct" in corpus_panel.summary.text()

    corpus_panel.lowercase.setChecked(True)  # the entry's case folding: looked up again, not read
    qtbot.waitUntil(lambda: "in the cache" in corpus_panel.summary.text(), timeout=TIMEOUT)
    assert len(scans) == 1 and not corpus_panel.is_scanning and len(w.session.corpus.cached) == 1

    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # touched after the look-up
    outcome = train(w)  # the run's key is no longer the entry's: read first, as before
    assert len(scans) == 2 and outcome.cache["used"] is False and outcome.cache["path"] is not None

    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000))  # touched before opening
    with qtbot.waitSignal(corpus_panel.scan_finished, timeout=TIMEOUT):
        w.open_corpus([str(path)])
    assert len(scans) == 3 and w.session.corpus.cached == () and w.errors == []


def _tree_words(corpus_panel) -> dict:
    tree = corpus_panel.tree
    return {tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(2) for i in range(tree.topLevelItemCount())}


def test_a_corpus_found_in_the_cache_lists_the_words_of_each_file(qtbot, window, tiny_corpus, tmp_path):
    w, corpus_panel = window, window.corpus_panel
    folder, first, second = tmp_path / "texts", tmp_path / "texts" / "a.txt", tmp_path / "texts" / "b.txt"
    folder.mkdir()
    shutil.copy(tiny_corpus, first)
    second.write_text("a second file\nof six words\n", encoding="utf-8")
    TrainingRun([str(folder)], TrainParams(min_count=2), cache=tmp_path / "corpora").prepare()  # an entry
    w.session.cache = tmp_path / "corpora"
    scanned = scan_corpus([folder])
    with _refusing_scans():
        _opened(qtbot, w, folder)
        assert "in the cache" in corpus_panel.summary.text() and w.session.corpus.scanned is None
        assert _tree_words(corpus_panel) == {f"texts/{f.path.name}": f"{f.words:,}" for f in scanned.files}
        assert _tree_words(corpus_panel)["texts/b.txt"] == "6"

        corpus_panel.lowercase.setChecked(False)  # no entry for this case folding: no words known
        qtbot.waitUntil(lambda: not corpus_panel._lister.busy, timeout=TIMEOUT)
        assert w.session.corpus.cached == () and set(_tree_words(corpus_panel).values()) == {""}
    assert w.errors == []


def test_the_corpus_box_learns_of_the_encoding_a_run_cached(qtbot, window, tiny_corpus, train, tmp_path):
    w, corpus_panel, panel = window, window.corpus_panel, window.train_panel
    path = tmp_path / "tiny.txt"
    shutil.copy(tiny_corpus, path)
    panel.cache = tmp_path / "corpora"
    with qtbot.waitSignal(corpus_panel.scan_finished, timeout=TIMEOUT):
        w.open_corpus([str(path)])
    assert "in the cache" not in corpus_panel.summary.text()
    panel.form.set_values(TINY_PARAMS)  # the form's own estimate shown before the run, none after it
    qtbot.waitUntil(lambda: " 2 epochs " in panel.estimate.text() and not workers.running(), timeout=TIMEOUT)
    first = train(w)  # writes the entry
    assert first.cache["used"] is False and first.cache["path"] is not None
    qtbot.waitUntil(lambda: bool(w.session.corpus.cached), timeout=TIMEOUT)  # not opened again
    assert [str(e.path) for e in w.session.corpus.cached] == [first.cache["path"]]
    assert corpus_panel.summary.text().endswith(
        " distinct. Its encoding for min count 2 is in the cache: a run with those settings reads it.")
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)
    assert panel.estimate.text().startswith("The last run, measured:")  # the run's figures stay
    with _refusing_scans():
        second = train(w, dim=8)
    assert second.cache == {"used": True, "path": first.cache["path"]} and w.errors == []
    qtbot.waitUntil(lambda: not workers.running(), timeout=TIMEOUT)

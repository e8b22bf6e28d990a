"""The studio at scale: its runs and ensembles read and write the encoded corpus cache (one scan,
one encoding, reused by runs with other training parameters); the run's memory and time are
estimated and shown before it starts, and a run beyond the memory available is not started; the
scan shows bytes and words and Cancel stops it."""

from w2vstudio.core.corpus.cache import CorpusCache
from w2vstudio.core.train import estimate
from w2vstudio.gui import workers

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

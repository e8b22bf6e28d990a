"""The studio's observable session: models, the one explored, pins and probe, the run, the moment of
training shown and the corpus, each change signalled once."""

from pathlib import Path

import numpy as np

from w2vstudio.core.watch.pinned import AnalogyProbe
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui import main_window, settings
from w2vstudio.gui.studio_session import Entry, RestoredSession, StudioSession


def kv(n=5):
    return KeyedVectors([f"w{i}" for i in range(n)], np.eye(n, dtype=np.float32))


def test_models_the_one_explored_pins_and_probe(qtbot):
    session = StudioSession()
    heard = {name: [] for name in ("models", "current", "pins", "probe")}
    session.models_changed.connect(lambda: heard["models"].append(len(session.entries)))
    session.current_changed.connect(heard["current"].append)
    session.pins_changed.connect(heard["pins"].append)
    session.probe_changed.connect(heard["probe"].append)

    first, second = session.add(Entry("run", kv())), session.add(Entry("run", kv(), saved=False))
    assert [e.name for e in session.entries] == ["run", "run #2"] and session.current is second
    assert heard["models"] == [1, 2] and heard["current"] == [first, second]
    assert session.unsaved() == [second]
    session.choose(second)  # no change, no signal
    session.mark_saved([second])
    assert session.unsaved() == [] and heard["models"] == [1, 2, 2]
    session.remove(second)
    assert session.current is first and heard["current"][-1] is first

    session.set_pins(["a", "b", "a"])
    session.toggle_pin("b")
    session.set_pins(["a"])  # no change, no signal
    assert heard["pins"] == [["a", "b"], ["a"]] and settings.get("watch/pins") == ["a"]
    probe = AnalogyProbe("a", "b", "c", "d")
    session.set_probe(probe)
    session.set_probe(AnalogyProbe("a", "b", "c", "d"))  # equal: no signal
    assert heard["probe"] == [probe] and session.probe == probe

    loaded = RestoredSession([Entry("x", kv()), Entry("y", kv())], ["p"], None, None)
    session.replace(loaded)
    assert [e.name for e in session.entries] == ["x", "y"] and session.current is loaded.entries[-1]
    assert session.pins == ["p"] and session.probe is None and StudioSession().pins == ["p"]  # pins remembered


def test_the_run_in_progress_is_signalled_as_it_starts_progresses_and_finishes(qtbot):
    session = StudioSession()
    heard = []
    session.run_started.connect(lambda run: heard.append(("started", run)))
    session.run_progressed.connect(lambda run: heard.append(("progressed", run)))
    session.run_finished.connect(lambda outcome: heard.append(("finished", outcome)))
    session.advance_run()  # no run: nothing to tell
    assert session.run is None and heard == []
    run, outcome = object(), object()
    session.start_run(run)
    assert session.run is run
    session.advance_run()
    session.finish_run(outcome)
    assert session.run is None
    assert heard == [("started", run), ("progressed", run), ("finished", outcome)]


def test_the_moment_is_told_once_per_change_and_the_latest_last(qtbot):
    session = StudioSession()
    heard, late = [], []
    session.moment_changed.connect(heard.append)
    session.moment_changed.connect(lambda epochs: epochs == 0.8 and session.set_moment(1.0))  # snapped, as the map does
    session.moment_changed.connect(late.append)
    session.set_moment(0.8)
    assert session.moment == 1.0 and heard == late == [0.8, 1.0]  # every listener ends on the latest
    session.set_moment(1.0)  # no change, no signal
    session.add(Entry("m", kv()))  # another model explored: a moment of its training is not shown yet
    assert session.moment is None and heard == [0.8, 1.0, None]


def test_the_corpus_its_scan_and_its_lines(qtbot, tmp_path):
    session = StudioSession()
    assert session.corpus.paths == () and session.corpus.name == "corpus" and session.corpus.lowercase
    heard, asked = [], []
    session.corpus_changed.connect(heard.append)
    session.word_lines_changed.connect(asked.append)
    session.scan_requested.connect(lambda: asked.append("scan"))
    session.scan_cancel_requested.connect(lambda: asked.append("cancel"))

    session.set_corpus([str(tmp_path / "a.txt.gz"), tmp_path / "b.txt"], lowercase=False)
    corpus = session.corpus
    assert corpus.paths == (tmp_path / "a.txt.gz", tmp_path / "b.txt") and corpus.name == "a.txt.gz +1"
    assert not corpus.lowercase and settings.get("corpus/lowercase") is False  # remembered
    assert corpus.scanned is None and not corpus.scanning
    session.request_scan()
    session.set_scanning(True)
    session.cancel_scan()
    session.set_scanning(False)
    scanned = object()
    session.set_scanning(True)
    session.set_scanned(scanned)
    assert [(c.scanning, c.scanned) for c in heard] == [(False, None), (True, None), (False, None), (True, None),
                                                        (False, scanned)]
    assert all(c.paths == corpus.paths for c in heard) and asked == ["scan", "cancel"]
    session.set_word_lines(["a line"])
    assert session.word_lines == ["a line"] and asked[-1] == ["a line"]


def test_the_window_opens_a_corpus_into_the_session(qtbot, window, tiny_corpus):
    with qtbot.waitSignal(window.corpus_panel.scan_finished, timeout=60_000) as scanned:
        window.open_corpus([tiny_corpus])
    corpus = window.session.corpus
    assert corpus.paths == (tiny_corpus,) and corpus.scanned is scanned.args[0] and not corpus.scanning
    window.corpus_panel.lowercase.setChecked(not corpus.lowercase)  # read again when training
    assert window.session.corpus.scanned is None and window.session.corpus.lowercase != corpus.lowercase


def test_the_main_window_passes_no_state_between_panels():
    """Panels follow the session: the window holds no relay of the run, the moment or the corpus."""
    source = (Path(main_window.__file__)).read_text(encoding="utf-8")
    for relay in ("follow_training", "stop_following", "show_progress", "set_corpus_lines", "set_corpus",
                  "mark_moment", "moment_shown", "training_progressed", "training_finished", "lines_found"):
        assert relay not in source, relay


def test_a_models_words_are_left_out_of_the_garbage_collectors_walks(qtbot, tmp_path):
    """Millions of words in lists: every full collection would walk them (200 ms and
    more, holding the GIL); once a model or a corpus joins the session, they are frozen out of it."""
    import gc

    session = StudioSession()
    kv = KeyedVectors([f"w{i}" for i in range(50)], np.zeros((50, 2), np.float32))
    assert any(o is kv._words for o in gc.get_objects())
    session.add(Entry("m", kv))
    assert not any(o is kv._words for o in gc.get_objects())
    from w2vstudio.core.corpus.scan import scan_corpus

    (tmp_path / "c.txt").write_text("a b c\n")
    session.set_corpus([tmp_path / "c.txt"], True)
    scanned = scan_corpus([tmp_path / "c.txt"])
    session.set_scanned(scanned)
    assert not any(o is scanned.words for o in gc.get_objects())

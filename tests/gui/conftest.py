"""GUI test setup: offscreen Qt, settings in a temporary file, no job left running, small data."""

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before Qt is imported anywhere

import gc
import gzip
import itertools

import pytest
from PySide6.QtCore import QSettings

from w2vstudio.resources import SAMPLE_CORPUS
from w2vstudio.resources import path as resource_path

TINY_LINES = 500  # about 22,000 words of the sample corpus


@pytest.fixture(autouse=True)
def settings_file(tmp_path, monkeypatch):
    """Every test reads and writes its settings in its own temporary file."""
    from w2vstudio.gui import settings

    path = tmp_path / "settings.ini"
    store = QSettings(str(path), QSettings.Format.IniFormat)
    monkeypatch.setattr(settings, "store", lambda: store)
    return path


@pytest.fixture(autouse=True)
def no_dangling_jobs(qapp):
    """Fail a test that leaves a background call running (pytest-qt has closed its widgets by now)."""
    yield
    from w2vstudio.gui import workers

    running = workers.running()
    workers.stop_all()
    qapp.processEvents()  # the calls' last signals
    gc.collect()  # the test's widgets freed here, on the GUI thread, not by a collection on a worker
    assert not running, f"background calls still running after the test: {running}"


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory):
    """A small plain-text corpus cut from the bundled sample."""
    path = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    with gzip.open(resource_path(SAMPLE_CORPUS), "rt", encoding="utf-8") as f:
        path.write_text("".join(itertools.islice(f, TINY_LINES)), encoding="utf-8")
    return path


TINY_PARAMS = {"dim": 16, "epochs": 2, "min_count": 2, "threads": 1, "window": 3, "negative": 3}


@pytest.fixture
def window(qtbot, monkeypatch):
    """The main window, shown; errors are collected in `window.errors`, questions answered yes."""
    from w2vstudio.gui.main_window import MainWindow

    w = MainWindow()
    w.errors = []
    w.questions = []
    monkeypatch.setattr(w, "show_error", w.errors.append)
    monkeypatch.setattr(w, "ask_discard", lambda text: w.questions.append(text) or True)
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def train(qtbot):
    """train(window, **params): train through the Train action with tiny parameters -> RunResult."""

    def run(w, timeout=120_000, **params):
        panel = w.train_panel
        panel.form.set_values({**TINY_PARAMS, **params})
        outcomes = []
        w.session.run_finished.connect(outcomes.append)
        panel.start_action.trigger()
        qtbot.waitUntil(lambda: not panel.is_busy, timeout=timeout)
        w.session.run_finished.disconnect(outcomes.append)
        assert outcomes and outcomes[0] is not None, f"training failed: {w.errors}"
        return outcomes[0]

    return run


@pytest.fixture(scope="session")
def watched(tiny_corpus):
    """Two models trained (without Qt) with snapshots of 300 words and "republic", and per-epoch
    quality: [(skip-gram model, its RunResult), (CBOW model, its RunResult)]."""
    from w2vstudio.core.params import TrainParams
    from w2vstudio.core.run import TrainingRun, WatchOptions
    from w2vstudio.core.corpus.scan import scan_corpus

    scanned = scan_corpus([tiny_corpus])
    trained = []
    for sg in (True, False):
        params = TrainParams(sg=sg, dim=16, epochs=2, min_count=2, threads=1, window=3, negative=3, batch_words=2_000)
        result = TrainingRun(scanned, params, WatchOptions(per_epoch=4, tracked=300, pinned=("republic",))).train()
        trained.append((result.model, result))
    return trained


@pytest.fixture
def add_watched(watched):
    """add_watched(window, i=0): put watched model i in the window's session, explored -> its Entry."""
    from w2vstudio.gui.studio_session import Entry

    def add(w, i=0):
        model, watch = watched[i]
        name = f"tiny {'skip-gram' if model.params.sg else 'CBOW'}"
        return w.session.add(Entry(name, model.keyed_vectors(), model, watch.recorder))

    return add


@pytest.fixture
def map_panel(qtbot):
    """A Map panel of its own, shown at 900 x 700."""
    from w2vstudio.gui.map.map_panel import MapPanel

    p = MapPanel()
    qtbot.addWidget(p)
    p.resize(900, 700)
    p.show()
    qtbot.waitExposed(p)
    return p

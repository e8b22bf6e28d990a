"""An ensemble folder dropped on the studio opens as one entry; its neighbours show agreement bars."""

import numpy as np
from PySide6.QtCore import Qt

from tests.gui.test_files import drop
from w2vstudio.core.files.ensemble import Ensemble, EnsembleWriter
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.widgets.qt_models import BAR_ROLE


def test_an_ensemble_opens_as_one_entry_with_agreement_bars(qtbot, window, tmp_path):
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(30)]
    base = rng.standard_normal((30, 8))
    writer = EnsembleWriter(tmp_path / "ens", "txt")
    writer.prepare()
    for seed in (1, 2, 3):
        kv = KeyedVectors(words, (base + 0.5 * rng.standard_normal(base.shape)).astype(np.float32))
        writer.add(lambda path, kv=kv: save_vectors(kv, path, "txt"), seed, {})
    writer.finish()
    with qtbot.waitSignal(window.session.current_changed, timeout=30_000) as changed:
        assert drop(window, [tmp_path / "ens"]).isAccepted()
    entry = changed.args[0]
    assert len(window.session.entries) == 1 and entry.name == "ens"
    assert isinstance(entry.kv, Ensemble) and entry.kv.k == 3 and entry.models() == []  # plain vectors: no weights
    panel = window.neighbours_panel
    with qtbot.waitSignal(panel.results_shown, timeout=30_000) as shown:
        panel.search("w1")
    rows = shown.args[0]
    assert len(rows) == panel.topn.value() and all(len(r) == 6 and r[5] == 3 for r in rows)
    model = panel.results.model
    assert model.columnCount() == 4 and "agreement" in model.headerData(3, Qt.Orientation.Horizontal)
    for i, row in enumerate(rows):
        assert model.data(model.index(i, 3), BAR_ROLE) == row[4] / 3
        assert model.data(model.index(i, 3)) == f"{row[4]}/3"
        assert "\u00b1" in model.data(model.index(i, 1))


def test_the_train_forms_runs_train_an_ensemble(qtbot, window, tiny_corpus):
    from tests.gui.conftest import TINY_PARAMS

    with qtbot.waitSignal(window.corpus_panel.scan_finished, timeout=60_000):
        window.open_paths([tiny_corpus])
    panel = window.train_panel
    panel.form.set_values(TINY_PARAMS)
    panel.runs_form.runs.setValue(2)
    panel.runs_form.bootstrap.setChecked(True)
    with qtbot.waitSignal(window.session.current_changed, timeout=120_000) as changed:
        panel.start_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_busy, timeout=120_000)
    entry = changed.args[0]
    assert isinstance(entry.kv, Ensemble) and entry.kv.k == 2 and entry.kv.seeds == (1, 2)
    assert "× 2 runs (bootstrap)" in entry.name and not window.errors


def test_an_ensemble_of_models_opens_with_its_runs_models(qtbot, window, tmp_path):
    """Its runs' weights come with it, for the senses and likelihood lenses; a folder of plain vectors has none."""
    rng = np.random.default_rng(6)
    words = [f"w{i}" for i in range(20)]
    writer = EnsembleWriter(tmp_path / "models")
    writer.prepare()
    for seed in (1, 2):
        kv = KeyedVectors(words, rng.standard_normal((20, 4)).astype(np.float32), np.arange(20, 0, -1))
        writer.add(lambda path, kv=kv: save_vectors(kv, path, "model"), seed, {})
    writer.finish()
    with qtbot.waitSignal(window.session.current_changed, timeout=30_000) as changed:
        assert drop(window, [tmp_path / "models"]).isAccepted()
    entry = changed.args[0]
    assert isinstance(entry.kv, Ensemble) and entry.kv.k == 2 and len(entry.models()) == 2
    np.testing.assert_array_equal(entry.models()[1].vectors, entry.kv.runs[1].vectors)

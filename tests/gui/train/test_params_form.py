"""The parameters form's advanced fields: final learning rate, sampling exponent, CBOW context and
batch size, with the command line's defaults, remembered, checked, and used for training."""

import numpy as np
from PySide6.QtGui import QValidator

from w2vstudio.core.params import PARAMS, TrainParams
from w2vstudio.gui import settings, workers
from w2vstudio.gui.train.params_form import ParamsForm

ADVANCED = {"min_alpha": 0.001, "ns_exponent": 0.5, "cbow_mean": False, "batch_words": 4_000}


def test_advanced_fields_default_are_remembered_and_depend_on_the_architecture(qtbot):
    form = ParamsForm()
    qtbot.addWidget(form)
    default = TrainParams()
    assert {name: getattr(form.params(), name) for name in ADVANCED} == \
        {name: getattr(default, name) for name in ADVANCED}
    assert all(form.editors[name].toolTip() for name in ADVANCED)
    form.set_values({"sg": True, "hs": False})
    assert not form.editors["cbow_mean"].isEnabled() and form.editors["ns_exponent"].isEnabled()
    form.set_values({"sg": False, "hs": True})
    assert form.editors["cbow_mean"].isEnabled() and not form.editors["ns_exponent"].isEnabled()

    form.set_values({"sg": True, "hs": False, **ADVANCED})
    assert form.preset.currentText() == "Default"  # presets leave the advanced fields alone
    form.remember()
    assert {name: settings.get(f"train/{name}") for name in ADVANCED} == ADVANCED
    again = ParamsForm()
    qtbot.addWidget(again)
    assert {name: getattr(again.params(), name) for name in ADVANCED} == ADVANCED
    min_alpha = again.editors["min_alpha"]
    assert min_alpha.validate("-0.001", 0)[0] != QValidator.State.Acceptable
    assert min_alpha.validate("abc", 0)[0] != QValidator.State.Acceptable


def test_a_final_learning_rate_above_the_starting_one_is_refused(qtbot, window, tiny_corpus):
    w = window
    w.open_corpus([tiny_corpus])
    w.train_panel.form.set_values({"alpha": 0.01, "min_alpha": 0.02})
    w.train_panel.start_action.trigger()
    assert w.errors == ["Final learning rate 0.02: must not be above the starting learning rate"]
    assert not w.train_panel.is_busy
    qtbot.waitUntil(lambda: not workers.running(), timeout=60_000)  # the corpus scan


def test_the_advanced_fields_reach_training(qtbot, window, tiny_corpus, train):
    w = window
    w.open_corpus([tiny_corpus])
    outcome = train(w, sg=False, **ADVANCED)
    params = outcome.model.params
    assert {name: getattr(params, name) for name in ADVANCED} == ADVANCED and not params.sg
    history = outcome.model.loss_history  # batches of about 4,000 words, the rate falling to min_alpha
    total = 2 * outcome.model.info["epoch_words"]
    assert len(history) >= total // ADVANCED["batch_words"]
    start = np.r_[0, history[:-1, 0]] / total
    np.testing.assert_allclose(history[:, 1], params.alpha - (params.alpha - ADVANCED["min_alpha"]) * start)


def test_the_form_and_its_settings_come_from_the_parameter_spec(qtbot):
    form = ParamsForm()
    qtbot.addWidget(form)
    fields = [p for p in PARAMS if p.group != "corpus"]  # the corpus panel's Lowercase reads the text
    assert list(form.editors) == [p.name for p in fields]
    assert {k for k in settings.DEFAULTS if k.startswith("train/")} == {f"train/{p.name}" for p in fields}
    for p in fields:
        editor = form.editors[p.name]
        assert editor.toolTip().startswith(p.help)
        if p.type is not bool:
            assert (editor.minimum(), editor.specialValueText()) == (p.low, p.special)
    assert form.params() == TrainParams()

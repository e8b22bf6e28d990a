"""The Train form's engine: this computer or Spark MLlib (master URL, partitions). Without pyspark
the run fails in one line and the tab is ready again; a flag MLlib cannot honour is refused before
anything starts; with Spark (`pytest -m spark`) the model joins the session and its loss plot says
Spark reports no loss."""

import importlib.util

import pytest

from w2vstudio.core.spark.engine import SparkOptions
from w2vstudio.gui.train.engine_form import EngineForm
from w2vstudio.gui.train.plots import NO_LOSS_TITLE

from tests.core.spark.standalone import skip_unless_spark_runs
from tests.gui.conftest import TINY_PARAMS


def test_the_engine_form_gives_spark_options(qtbot):
    form = EngineForm()
    qtbot.addWidget(form)
    assert form.options() is None and not form.master.isEnabled()
    form.engine.setCurrentIndex(1)
    form.master.setText("local[2]")
    form.partitions.setValue(3)
    assert form.options() == SparkOptions("local[2]", 3) and form.master.isEnabled()


def _spark_window(qtbot, w, corpus, **params):
    with qtbot.waitSignal(w.corpus_panel.scan_finished, timeout=60_000):
        w.open_paths([str(corpus)])
    panel = w.train_panel
    panel.form.set_values({**TINY_PARAMS, "threads": 0, "negative": 5, **params})
    panel.engine_form.engine.setCurrentIndex(1)
    panel.engine_form.master.setText("local[1]")
    return panel


def test_without_pyspark_the_run_fails_in_one_line(qtbot, window, tiny_corpus, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    panel = _spark_window(qtbot, window, tiny_corpus)
    panel.start_action.trigger()
    qtbot.waitUntil(lambda: not panel.is_busy, timeout=60_000)
    assert len(window.errors) == 1 and 'needs pyspark: pip install "w2vstudio[spark]"' in window.errors[0]
    assert panel.start_action.isEnabled() and panel.engine_form.isEnabled()


def test_a_flag_mllib_cannot_honour_is_refused_before_starting(qtbot, window, tiny_corpus):
    panel = _spark_window(qtbot, window, tiny_corpus, sample=1e-4)
    panel.start_action.trigger()
    assert not panel.is_busy and len(window.errors) == 1
    assert "--sample 0.0001: not with --engine spark" in window.errors[0]


@pytest.mark.spark
def test_a_run_on_spark_joins_the_session(qtbot, window, tiny_corpus, train):
    skip_unless_spark_runs()
    panel = _spark_window(qtbot, window, tiny_corpus)
    outcome = train(window, timeout=300_000, threads=0, negative=5)
    assert outcome.model.info["engine"]["name"] == "spark" and window.session.current.model is outcome.model
    assert not panel.pause_action.isEnabled() and window.errors == []
    assert panel.plots.loss_plot.getPlotItem().titleLabel.text == NO_LOSS_TITLE

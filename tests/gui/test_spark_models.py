"""Models saved by Spark in the studio: File ▸ Open Spark model folder (any other folder refused in
one sentence), their MLlib parameters in the model's status, one line where a view would use the most
frequent words (the Map, Evaluate's restriction, the Frequency view), and the Train form's engine
remembered. The folders are written with pyarrow (`write_model`): no Spark needed."""

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from w2vstudio.core.files.sparkfiles import ML, read_metadata, read_spark_model
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.explore.evaluate_panel import EvaluatePanel
from w2vstudio.gui.lenses.frequency_view import FrequencyView
from w2vstudio.gui.map.map_panel import MapPanel
from w2vstudio.gui.studio_session import Entry, StudioSession
from w2vstudio.gui.train.engine_form import EngineForm

from tests.core.spark_layouts import write_model

TIMEOUT = 60_000
UNRANKED = "This model keeps no word counts and its words are in no order of frequency (a Spark model): "
WORDS = ["king", "queen", "man", "woman", "paris", "france", "rome", "italy"] + [f"w{i}" for i in range(40)]


@pytest.fixture
def spark_folder(tmp_path):
    vectors = np.random.default_rng(0).standard_normal((len(WORDS), 8)).astype(np.float32)
    meta = {"class": ML, "timestamp": 1, "sparkVersion": "4.3.0", "uid": "Word2Vec_x",
            "paramMap": {"vectorSize": 8, "inputCol": "<b>tokens</b>", "seed": 1},
            "defaultParamMap": {"vectorSize": 100, "windowSize": 5, "minCount": 5, "maxIter": 1}}
    return write_model(tmp_path / "spark_model", WORDS, vectors, meta=meta)


@pytest.fixture
def spark_entry(spark_folder):
    return Entry("spark_model", read_spark_model(spark_folder), spark=read_metadata(spark_folder))


def _choose_folder(monkeypatch, folder):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(folder)))


def test_open_spark_model_folder_opens_it_with_its_params_shown(qtbot, window, spark_folder, monkeypatch):
    _choose_folder(monkeypatch, spark_folder)
    with qtbot.waitSignal(window.files.vectors_opened, timeout=TIMEOUT) as opened:
        window.actions.open_spark.trigger()
    entry = opened.args[0]
    assert window.session.current is entry and entry.kv.words == WORDS and not entry.kv.ranked
    assert entry.spark.spark_version == "4.3.0" and entry.spark.params["windowSize"] == 5
    status = window.model_status
    assert status.source_label.text() == "Spark 4.3.0 model" and status.source_label.isVisibleTo(status)
    tip = status.toolTip()
    assert "Saved by Spark 4.3.0, pyspark.ml; no word counts." in tip
    for line in ("vectorSize: 8", "windowSize: 5", "minCount: 5", "maxIter: 1", "seed: 1"):
        assert line in tip
    assert "&lt;b&gt;tokens&lt;/b&gt;" in tip and "<b>tokens" not in tip  # the file's values as plain text
    assert window.errors == []


def test_a_dropped_spark_folder_shows_its_params_and_others_do_not(qtbot, window, spark_folder, tmp_path):
    with qtbot.waitSignal(window.files.vectors_opened, timeout=TIMEOUT):
        window.open_paths([str(spark_folder)])
    assert window.model_status.source_label.text() == "Spark 4.3.0 model"
    window.session.add(Entry("plain", KeyedVectors(["a", "b"], np.ones((2, 3), np.float32))))
    assert window.model_status.source_label.isHidden() and window.model_status.toolTip() == ""


def test_open_spark_model_folder_refuses_any_other_folder_in_one_sentence(qtbot, window, tmp_path, monkeypatch):
    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "a.txt").write_text("some words here\n")
    _choose_folder(monkeypatch, corpus)
    with qtbot.waitSignal(window.files.failed, timeout=TIMEOUT) as failed:
        window.actions.open_spark.trigger()
    message = failed.args[0]
    assert "texts" in message and "Spark" in message and "\n" not in message
    assert window.session.entries == [] and str(corpus) not in map(str, window.session.corpus.paths)


def test_the_map_says_a_spark_model_has_no_most_frequent_words(qtbot, spark_entry):
    panel = MapPanel()
    qtbot.addWidget(panel)
    panel.configure(method="pca", n=30)
    with qtbot.waitSignal(panel.projected, timeout=TIMEOUT):
        panel.set_vectors(spark_entry.kv)
    assert panel.status == UNRANKED + "the map shows its first 30 words by PCA, not the most frequent."
    assert panel.words == WORDS[:30]
    ranked = KeyedVectors(WORDS, spark_entry.kv.vectors, np.arange(len(WORDS), 0, -1))
    with qtbot.waitSignal(panel.projected, timeout=TIMEOUT):
        panel.set_vectors(ranked)
    assert panel.status == "30 most frequent words by PCA"


def test_evaluate_answers_among_all_words_of_a_spark_model_and_says_so(qtbot, spark_entry):
    session = StudioSession()
    panel = EvaluatePanel(session)
    qtbot.addWidget(panel)
    assert panel.unranked_note.isHidden() and panel.restrict.isEnabled()
    session.add(spark_entry)
    assert not panel.unranked_note.isHidden() and not panel.restrict.isEnabled()
    assert panel.unranked_note.text() == UNRANKED + "analogies are answered among all its words, not the most frequent."
    panel.restrict.setValue(3)  # would leave no question: not used
    with qtbot.waitSignal(panel.evaluated, timeout=TIMEOUT) as evaluated:
        panel.run()
    analogies = evaluated.args[0].analogies
    assert analogies.total > 0  # questions with words past the third row asked too
    session.add(Entry("plain", KeyedVectors(["a", "b"], np.ones((2, 3), np.float32))))
    assert panel.unranked_note.isHidden() and panel.restrict.isEnabled()


def test_the_frequency_view_says_a_spark_model_has_no_counts(qtbot, spark_entry):
    session = StudioSession()
    view = FrequencyView(session)
    qtbot.addWidget(view)
    session.add(spark_entry)
    view.refresh()
    assert view.note.text() == UNRANKED + "this lens needs the counts a model trained here has."
    assert len(view.rows) == 0 and not view.busy


def test_the_engine_choice_is_remembered(qtbot):
    form = EngineForm()
    qtbot.addWidget(form)
    form.engine.setCurrentIndex(1)
    form.master.setText("spark://host:7077")
    form.partitions.setValue(4)
    form.remember()
    again = EngineForm()
    qtbot.addWidget(again)
    assert again.engine.currentIndex() == 1 and again.options() == form.options()
    assert again.master.isEnabled()

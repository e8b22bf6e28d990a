"""The Inside tab: slide the window, apply a step (on a copy), train the tiny model 100 samples."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from w2vstudio.core.inside.samples import SEED_SENTENCE
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.vocab import Vocabulary
from w2vstudio.gui.inside.inside_panel import InsidePanel
from w2vstudio.gui.studio_session import Entry, StudioSession, model_entry


def _panel(qtbot, session=None):
    panel = InsidePanel(session or StudioSession())
    qtbot.addWidget(panel)
    return panel


def _model(tmp_path):
    rng = np.random.default_rng(0)
    words = SEED_SENTENCE.lower().replace(".", "").split() + ["nurse", "doctor", "hospital", "the", "a"]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(rng.choice(words, 12)) for _ in range(300)) + "\n")
    corpus = scan_corpus([path]).encode(min_count=1)
    model = Model.create(corpus.vocab, TrainParams(dim=8, epochs=1, threads=1, min_count=1, sample=0.0))
    Trainer(model, corpus).train()
    return model


def test_slide_the_window_over_the_seed_sentence(qtbot):
    panel = _panel(qtbot)
    view = panel.samples_view
    assert view.sentence.text() == SEED_SENTENCE and view.table.rowCount() == 0
    qtbot.mouseClick(view.step_button, Qt.MouseButton.LeftButton)
    assert [(s.inputs, s.output) for s in view.rows()] == [(("the",), "nurse"), (("the",), "assisted")]
    qtbot.mouseClick(view.step_button, Qt.MouseButton.LeftButton)
    assert view.table.rowCount() == 5 and view.table.item(4, 1).text() == "the"
    assert view.tokens.item(1).background().color().name() == "#f4a259"  # the centre, "nurse"
    qtbot.mouseClick(view.all_button, Qt.MouseButton.LeftButton)
    assert view.table.rowCount() == 42 and view.count.text().endswith("CBOW: 12 positive")
    view.architecture.setCurrentIndex(1)
    view.show_all()
    assert view.table.rowCount() == 12 and view.table.item(0, 0).text() == "nurse assisted"
    assert not view.model_draws.isEnabled()


def test_apply_a_step_changes_a_copy_never_the_model(qtbot, tmp_path):
    model = _model(tmp_path)
    weights = [model.vectors.copy(), model.syn1neg.copy()]
    session = StudioSession()
    panel = _panel(qtbot, session)
    session.add(model_entry("m", model, saved=False))
    samples, step = panel.samples_view, panel.step_view
    assert samples.model_draws.isEnabled()
    samples.model_draws.setChecked(True)
    samples.show_all()
    assert any(s.label == 0 for s in samples.rows())
    samples.table.selectRow(0)
    assert step.step is not None and step.apply_button.isEnabled()
    qtbot.mouseClick(step.apply_button, Qt.MouseButton.LeftButton)
    assert len(step.step.history) == 2 and "→" in step.change.text()
    qtbot.mouseClick(step.apply10_button, Qt.MouseButton.LeftButton)
    assert len(step.step.history) == 12
    assert np.array_equal(model.vectors, weights[0]) and np.array_equal(model.syn1neg, weights[1])


@pytest.mark.parametrize("change", ["cbow", "draws", "sentence"])
def test_a_rebuilt_samples_table_leaves_no_old_step(qtbot, tmp_path, change):
    session = StudioSession()
    panel = _panel(qtbot, session)
    session.add(model_entry("m", _model(tmp_path), saved=False))
    samples, step = panel.samples_view, panel.step_view
    samples.show_all()
    samples.table.selectRow(0)
    qtbot.mouseClick(step.apply_button, Qt.MouseButton.LeftButton)
    assert step.step is not None and step.change.text()
    if change == "cbow":
        samples.architecture.setCurrentIndex(1)
    elif change == "draws":
        samples.model_draws.setChecked(True)
    else:
        samples.sentence.setText("the doctor saw the nurse")
        samples.sentence.editingFinished.emit()
    assert step.step is None and not step.apply_button.isEnabled() and not step.apply10_button.isEnabled()
    assert step.change.text() == "" and step.headline.text() == "Pick a row of the samples table."


def test_the_step_plots_say_what_they_show(qtbot, tmp_path):
    session = StudioSession()
    panel = _panel(qtbot, session)
    words = [f"w{i}" for i in range(300)]
    model = Model.create(Vocabulary(words, np.arange(300, 0, -1) * 10), TrainParams(dim=8, sample=0.0))
    model.syn1neg[:] = np.random.default_rng(0).standard_normal(model.syn1neg.shape)
    session.add(model_entry("m", model, saved=False))
    samples, step = panel.samples_view, panel.step_view
    samples.set_sentence(" ".join(words[::15]))
    samples.show_all()
    ranks = []
    for row in range(samples.table.rowCount()):
        samples.table.selectRow(row)
        lk = step.step.likelihood(topn=10)
        ranks.append(lk.rank)
        low, high = step.rounds.getPlotItem().getViewBox().viewRange()[1]
        assert low >= 0 and high > 0  # before Apply: p from 0, never negative
        ticks = [t for _, t in step.bars.getAxis("bottom")._tickLevels[0]]
        if lk.rank > 10:
            break
    assert ranks[-1] > 10, ranks
    assert ticks[-1] == samples.rows()[row].output and f"rank {ranks[-1]:,} " in step.headline.text()
    assert "then the true word" in step.bars.getPlotItem().titleLabel.text


def test_the_tiny_models_heatmaps_have_scales_names_and_controls(qtbot):
    panel = _panel(qtbot)
    tiny = panel.tiny_view
    tiny.dim.setValue(5)
    tiny.alpha.setValue(0.5)
    tiny.reset()
    assert tiny.tiny.dim == 5 and tiny.tiny.vectors.shape[1] == 5
    assert tiny.e_scale.levels() == tuple(float(v) for v in tiny.e_image.levels)
    words = tiny.tiny.vocab.words
    named = [t for _, t in tiny.c_plot.getAxis("bottom")._tickLevels[0]]
    assert named and set(named) <= set(words) and len(named) <= 12 and named[0] == words[0]
    tiny.objective.setCurrentIndex(2)
    tiny.reset()
    assert "inner node" in tiny.c_plot.getPlotItem().titleLabel.text


def test_random_line_shows_that_it_is_busy(qtbot):
    panel = _panel(qtbot)
    view = panel.samples_view
    panel.show()
    with qtbot.waitSignal(view.samples_changed, timeout=20_000):
        qtbot.mouseClick(view.line_button, Qt.MouseButton.LeftButton)
        assert view.line_busy.isVisible() and not view.line_button.isEnabled()
    assert not view.line_busy.isVisible() and view.line_button.isEnabled()


def test_a_vectors_file_has_no_context_matrix(qtbot):
    session = StudioSession()
    panel = _panel(qtbot, session)
    session.add(Entry("v", KeyedVectors(["the", "nurse"], np.ones((2, 3), np.float32))))
    panel.samples_view.show_all()
    panel.samples_view.table.selectRow(0)
    assert panel.step_view.step is None and "no context matrix C" in panel.step_view.headline.text()


def test_train_the_tiny_model_100_samples(qtbot):
    panel = _panel(qtbot)
    tiny = panel.tiny_view
    before = tiny.tiny.vectors.copy()
    qtbot.mouseClick(tiny.next_buttons[2], Qt.MouseButton.LeftButton)
    assert len(tiny.tiny.losses) == 100 and tiny.tiny.position == 100
    assert not np.array_equal(tiny.tiny.vectors, before)
    tiny.objective.setCurrentIndex(2)
    qtbot.mouseClick(tiny.reset_button, Qt.MouseButton.LeftButton)
    assert tiny.tiny.objective == "hs" and tiny.tiny.losses == []
    tiny.train(10)
    assert len(tiny.tiny.losses) == 10


def test_a_random_line_of_the_sample_corpus_fills_the_sentence_box(qtbot):
    panel = _panel(qtbot)
    view = panel.samples_view
    with qtbot.waitSignal(view.samples_changed, timeout=20_000):
        qtbot.mouseClick(view.line_button, Qt.MouseButton.LeftButton)
    assert view.sentence.text() != SEED_SENTENCE and view.samples.samples


def test_the_tiny_models_sample_is_marked_in_the_text(qtbot):
    panel = _panel(qtbot)
    tiny = panel.tiny_view
    tiny.train(1)
    marks = tiny.text.extraSelections()
    assert [m.cursor.selectedText() for m in marks] == ["nurse", "The"]  # the output, then the centre


def test_a_line_of_the_word_in_the_corpus_panel_becomes_the_sentence(qtbot, tmp_path):
    from w2vstudio.core.corpus.kwic import ContextLine

    session = StudioSession()
    panel = _panel(qtbot, session)
    view = panel.samples_view
    assert not view.corpus_lines.isEnabled()
    session.set_word_lines([ContextLine(tmp_path / "c.txt", 3, "the <b>old ", "doctor", " treated her")])
    assert view.corpus_lines.isEnabled()
    with qtbot.waitSignal(view.samples_changed):
        view.corpus_lines.textActivated.emit(view.corpus_lines.itemText(0))
    assert view.sentence.text() == "the <b>old doctor treated her"
    assert [t.text for t in view.samples.tokens] == ["the", "b", "old", "doctor", "treated", "her"]


def test_a_long_text_is_refused_in_one_line(qtbot):
    from w2vstudio.gui.inside.samples_view import MAX_WORDS

    panel = _panel(qtbot)
    view = panel.samples_view
    view.set_sentence("word " * (MAX_WORDS + 1))
    assert view.samples is None and view.table.rowCount() == 0 and "up to" in view.direction.text()
    view.set_sentence(SEED_SENTENCE)
    assert view.samples is not None


def _hs_or_softmax_model(tmp_path, **kw):
    model = _model(tmp_path)
    corpus = scan_corpus([tmp_path / "corpus.txt"]).encode(min_count=1)
    model = Model.create(corpus.vocab, TrainParams(dim=8, epochs=1, threads=1, min_count=1, sample=0.0, **kw))
    Trainer(model, corpus).train()
    return model


def _step_view_on(qtbot, tmp_path, **kw):
    from w2vstudio.core.inside.samples import Sample
    session = StudioSession()
    panel = _panel(qtbot, session)
    session.add(model_entry("m", _hs_or_softmax_model(tmp_path, **kw), saved=False))
    view = panel.step_view
    view.set_sample(Sample(0, (1,), ("nurse",), "doctor", 1))
    assert view.step is not None
    return panel, view


def test_the_step_view_prints_the_huffman_factors_as_used(qtbot, tmp_path):
    _panel_kept, view = _step_view_on(qtbot, tmp_path, hs=True, negative=0)
    headers = [view.units.horizontalHeaderItem(c).text() for c in range(view.units.columnCount())]
    factor = headers.index("factor")
    factors = [float(view.units.item(r, factor).text()) for r in range(view.units.rowCount())]
    assert factors and np.prod(factors) == pytest.approx(view.step.readout().p, rel=0.05)
    assert "multiply to" in view.cost.text()


def test_a_full_softmax_step_shows_no_negative_sampling(qtbot, tmp_path):
    _panel_kept, view = _step_view_on(qtbot, tmp_path, softmax=True)
    assert view.units.rowCount() == 0 and view.units.isHidden()
    assert "negative sampling loss" not in view.cost.text() and "σ(v·u_o)" not in view.headline.text()


def test_a_cbow_step_is_scored_over_corpus_windows_the_single_vector_only_when_asked(qtbot, tmp_path):
    from w2vstudio.core.corpus.windows import corpus_windows
    from w2vstudio.core.inside.samples import Sample
    from w2vstudio.core.inside.step import SINGLE_NOTE
    from w2vstudio.core.run import NO_WATCH, TrainingRun

    rng = np.random.default_rng(1)
    words = SEED_SENTENCE.lower().replace(".", "").split() + ["nurse", "doctor", "hospital", "the", "a"]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(rng.choice(words, 12)) for _ in range(300)) + "\n")
    params = TrainParams(dim=8, epochs=1, threads=1, min_count=1, sample=0.0, sg=False, window=2)
    model = TrainingRun([path], params, NO_WATCH).train().model
    session = StudioSession()
    panel = _panel(qtbot, session)
    session.add(model_entry("cbow", model, saved=False))
    view = panel.step_view
    view.set_sample(Sample(0, (1,), ("nurse",), "doctor", 1))
    assert view.step is None and "finding the windows" in view.headline.text()
    qtbot.waitUntil(lambda: view.step is not None, timeout=30_000)
    index = model.vocab.index
    rows = corpus_windows([str(path)], index, True, 2, index["nurse"], index["doctor"])
    assert view.context.kind == "corpus" and np.array_equal(view.context.rows, rows)
    c = model.syn1neg.astype(np.float64)
    pn = model.vocab.counts ** model.params.ns_exponent
    ps = []
    for row in rows:  # numpy: p(doctor | the window's mean) under softmax(C·v + log Pn), averaged
        logits = c @ model.vectors[row[row >= 0]].astype(np.float64).mean(0) + np.log(pn / pn.sum())
        ps.append(np.exp(logits[index["doctor"]] - logits.max()) / np.exp(logits - logits.max()).sum())
    text = view.headline.text()
    assert f"p = {np.mean(ps):.4g}," in text and f"mean over {len(rows):,} windows" in text
    assert SINGLE_NOTE not in text and not view.single.isHidden() and not view.single.isChecked()
    assert view.step.inputs == view.context.first()

    view.single.setChecked(True)  # asked for: the one-vector figure, labelled
    assert view.context.kind == "single" and view.step.inputs == [index["nurse"]]
    assert SINGLE_NOTE in view.headline.text() and "mean over" not in view.headline.text()

    view.single.setChecked(False)
    model.info["corpus"] = []  # a CBOW model without a corpus: no single-vector figure shown unasked
    view.set_sample(Sample(0, (1,), ("nurse",), "hospital", 1))
    assert view.step is None and "open the model's corpus" in view.headline.text()

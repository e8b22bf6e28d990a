"""Sentence → samples: the seeds' tables without a model, our kernel's draws with one."""

import numpy as np
import pytest

from tests.core import naive
from tests.core.naive import Rng
from w2vstudio.core.kernels.random import alias_table, seed_states
from w2vstudio.core.inside.samples import SEED_SENTENCE, make_samples
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.sampling import keep_probabilities
from w2vstudio.core.vocab import Vocabulary

TOKENS = ["the", "nurse", "assisted", "the", "doctor", "with", "the", "patient's", "treatment", "at", "the",
          "hospital"]

SKIP_GRAM = """the nurse|the assisted|nurse the|nurse assisted|nurse the|assisted the|assisted nurse|assisted the
|assisted doctor|the nurse|the assisted|the doctor|the with|doctor assisted|doctor the|doctor with|doctor the
|with the|with doctor|with the|with patient's|the doctor|the with|the patient's|the treatment|patient's with
|patient's the|patient's treatment|patient's at|treatment the|treatment patient's|treatment at|treatment the
|at patient's|at treatment|at the|at hospital|the treatment|the at|the hospital|hospital at|hospital the"""

CBOW = [
    (["nurse", "assisted"], "the"),
    (["the", "assisted", "the"], "nurse"),
    (["the", "nurse", "the", "doctor"], "assisted"),
    (["nurse", "assisted", "doctor", "with"], "the"),
    (["assisted", "the", "with", "the"], "doctor"),
    (["the", "doctor", "the", "patient's"], "with"),
    (["doctor", "with", "patient's", "treatment"], "the"),
    (["with", "the", "treatment", "at"], "patient's"),
    (["the", "patient's", "at", "the"], "treatment"),
    (["patient's", "treatment", "the", "hospital"], "at"),
    (["treatment", "at", "hospital"], "the"),
    (["at", "the"], "hospital"),
]


def test_seed_sentence_skip_gram_is_the_seeds_table():
    result = make_samples(SEED_SENTENCE, window=2, sg=True)
    expected = [dict(zip(("input", "output"), pair.split())) | {"label": 1}
                for pair in SKIP_GRAM.replace("\n", "").split("|")]
    assert result.to_json() == {"tokens": TOKENS, "samples": expected}
    assert len(expected) == 42


def test_seed_sentence_cbow_is_the_seeds_table():
    result = make_samples(SEED_SENTENCE, window=2, sg=False)
    expected = [{"context": c, "target": t, "label": 1} for c, t in CBOW]
    assert result.to_json() == {"tokens": TOKENS, "samples": expected}


def test_windows_do_not_cross_lines():
    result = make_samples("a b\nc d", window=5)
    assert [(s.inputs[0], s.output) for s in result.samples] == [("a", "b"), ("b", "a"), ("c", "d"), ("d", "c")]


def _model(**kw):
    words = ["the", "a", "nurse", "doctor", "with", "assisted", "at", "hospital", "treatment"]
    counts = [500, 300, 40, 30, 25, 20, 15, 10, 5]
    params = dict(dim=8, window=2, sample=1e-2, negative=3, min_count=1)
    params.update(kw)
    return Model.create(Vocabulary(words, counts), TrainParams(**params))


def _reference(model, text, seed):
    """The kernel's draws, in its order, with the test suite's own xorshift."""
    p, vocab = model.params, model.vocab
    keep = keep_probabilities(vocab.counts, p.sample)
    thresholds, aliases = alias_table(vocab.counts.astype(np.float64) ** p.ns_exponent)
    rng = Rng(int(seed_states(seed, 1)[0][0]))
    ids = [vocab.index.get(w) for w in text.lower().replace(".", "").replace("'s", "").split()]
    kept = [w for w in ids if w is not None and (keep[w] >= 1 or not keep[w] < rng.uniform())]
    shared = p.sg and p.shared_negatives and not p.hs
    rows = []
    for i, word in enumerate(kept):
        b = rng.below(p.window) if p.shrink_window else 0
        ctx = [kept[j] for j in range(max(0, i - p.window + b), min(len(kept), i + p.window + 1 - b)) if j != i]
        window_negs = [rng.negative(thresholds, aliases) for _ in range(p.negative)] if shared and ctx else []
        for inputs in ([[c] for c in ctx] if p.sg else [ctx] if ctx else []):
            negs = window_negs if shared else [rng.negative(thresholds, aliases) for _ in range(p.negative)]
            rows.append((tuple(inputs), word, 1, p.window - b))
            rows.extend((tuple(inputs), n, 0, p.window - b) for n in negs if n != word)
    return rows


MODELS = [dict(sg=True), dict(sg=True, shared_negatives=False), dict(sg=False),
          dict(sg=True, hs=True)]  # shared negatives need skip-gram with negative sampling alone


@pytest.mark.parametrize("kw", MODELS, ids=str)
def test_with_a_model_rows_follow_the_kernel_draw_for_draw(kw):
    model = _model(**kw)
    text = "The nurse assisted the doctor with the treatment at the hospital."
    for seed in (1, 2, 3):
        result = make_samples(text, model=model, seed=seed)
        got = [(s.input_ids, s.output_id, s.label, s.window) for s in result.samples]
        assert got == _reference(model, text, seed)
    assert result.shared == (model.params.sg and model.params.shared_negatives and not model.params.hs)
    assert any(not t.kept for t in result.tokens)  # "the" is dropped now and then
    assert make_samples(text, model=model, seed=5).to_json() == make_samples(text, model=model, seed=5).to_json()


def test_with_a_model_unknown_tokens_are_marked_and_skipped():
    model = _model(sample=0.0, shrink_window=False)
    result = make_samples("the zebra nurse", model=model)
    zebra = result.tokens[1]
    assert zebra.id is None and zebra.kept is False and zebra.keep_p is None
    positives = [(s.inputs, s.output) for s in result.samples if s.label == 1]
    assert positives == [(("nurse",), "the"), (("the",), "nurse")]  # the kernel's way round
    data = result.to_json()
    assert data["kept"] == [True, False, True] and data["keep_p"] == [1.0, None, 1.0]
    assert all(row["window"] == 2 for row in data["samples"])
    assert sum(row["label"] == 0 for row in data["samples"]) <= 2 * 3


def test_the_table_exports_as_csv(tmp_path):
    out = tmp_path / "samples.csv"
    make_samples(SEED_SENTENCE, window=2, sg=False).write_csv(out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "context,target,label,window"
    assert lines[1] == "nurse assisted,the,1," and len(lines) == 13


def test_tokens_know_where_they_are_in_the_text():
    text = "The Nurse's\nshift, is over."
    result = make_samples(text)
    assert [text[a:b] for a, b in (t.span for t in result.tokens)] == ["The", "Nurse's", "shift", "is", "over"]
    assert [t.text for t in result.tokens] == ["the", "nurse's", "shift", "is", "over"]


class _Recorder(Rng):
    """naive.Rng keeping every negative it draws."""

    def __init__(self, state):
        super().__init__(state)
        self.negatives = []

    def negative(self, thresholds, aliases):
        self.negatives.append(super().negative(thresholds, aliases))
        return self.negatives[-1]


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_shared_negatives_are_the_numpy_references_window_draws(seed, monkeypatch):
    model = _model(sg=True, shared_negatives=True, window=3)
    text = "the nurse assisted the doctor\nhospital\nthe a with the treatment at zebra the hospital"
    windows = []  # (contexts, centre, its negatives) of each window the reference trains
    train_window = naive.shared_window

    def record(ctx, word, w, t, p, alpha, rng):
        before = len(rng.negatives)
        loss = train_window(ctx, word, w, t, p, alpha, rng)
        windows.append((ctx, word, rng.negatives[before:]))
        return loss

    monkeypatch.setattr(naive, "shared_window", record)
    p, vocab = model.params, model.vocab
    thresholds, aliases = alias_table(vocab.counts.astype(np.float64) ** p.ns_exponent)
    tables = {"keep": keep_probabilities(vocab.counts, p.sample), "thresholds": thresholds, "aliases": aliases}
    weights = {"syn0": model.vectors.copy(), "syn1neg": model.syn1neg.copy()}
    sentences = [[vocab.index[w] for w in line.split() if w in vocab.index] for line in text.splitlines()]
    rng = _Recorder(int(seed_states(seed, 1)[0][0]))
    naive.train_sentences(sentences, weights, tables, dict(vars(p)), 0.025, rng)
    assert len(rng.negatives) == p.negative * len(windows)  # a window without contexts draws none

    result = make_samples(text, model=model, seed=seed)
    expected = [((c,), out, label) for ctx, word, negs in windows for c in ctx
                for out, label in [(word, 1)] + [(n, 0) for n in negs if n != word]]
    assert [(s.input_ids, s.output_id, s.label) for s in result.samples] == expected
    assert result.shared and result.to_json()["shared_negatives"] is True
    assert result.negatives.startswith("Negatives shared by the window: 3 drawn once per centre")
    assert make_samples(text, model=_model(hs=True, negative=0)).negatives == ""
    per_pair = make_samples(text, model=_model(sg=True, shared_negatives=False, window=3), seed=seed)
    assert not per_pair.shared and "afresh" in per_pair.negatives

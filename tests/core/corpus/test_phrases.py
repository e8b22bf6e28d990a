"""Phrases: the Numba counting and joining against plain-Python references of gensim's rules,
against gensim itself on a small generated corpus, in a model file, in queries and in corpus readers."""

import random
from collections import Counter

import numpy as np
import pytest

from w2vstudio.core.corpus import phrases as ph
from w2vstudio.core.corpus import stream
from w2vstudio.core.corpus.kwic import keyword_in_context
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.corpus.windows import corpus_windows
from w2vstudio.core.errors import Cancelled
from w2vstudio.core.explore.query import parse_terms
from w2vstudio.core.kernels import phrases as kernel
from w2vstudio.core.lenses.mirror import mirror
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import NO_WATCH, TrainingRun
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.model import Model
from w2vstudio.core.vectors import KeyedVectors

CONNECTORS = tuple(sorted(ph.ENGLISH_CONNECTOR_WORDS))


def _lines(seed=3, n=1500):
    """Sentences of Zipf-ish random words with planted collocations, connectors among them."""
    rng = random.Random(seed)
    words = ["of", "the", "and"] + [f"w{i}" for i in range(3000)]
    planted = [["new", "york"], ["united", "states"], ["bank", "of", "america"], ["peanut", "butter"],
               ["new", "york", "city"]]
    lines = []
    for _ in range(n):
        line = []
        for _ in range(rng.randint(3, 14)):
            line += rng.choice(planted) if rng.random() < 0.04 else [words[min(int(rng.paretovariate(0.3)) - 1, 3002)]]
        lines.append(line)
    return lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("phr") / "c.txt"
    lines = _lines()
    path.write_text("\n".join(" ".join(line) for line in lines) + "\n")
    return path, lines


def _reference(lines, connectors=frozenset(), min_count=5, threshold=10.0, scoring="default"):
    """gensim's `_learn_vocab` and `export_phrases` in plain Python."""
    vocab, total = Counter(), 0
    for line in lines:
        start, between = None, []
        for w in line:
            total += 1
            if w not in connectors:
                vocab[w] += 1
                if start is not None:
                    vocab[(start, *between, w)] += 1
                start, between = w, []
            elif start is not None:
                between.append(w)
    out = {}
    for key, c in vocab.items():
        if isinstance(key, tuple):
            ca, cb = vocab[key[0]], vocab[key[-1]]
            if scoring == "npmi":
                if c < min_count:
                    continue
                pa, pb, pab = ca / total, cb / total, c / total
                s = np.log(pab / (pa * pb)) / -np.log(pab)
            else:
                s = (c - min_count) / float(ca * cb) * len(vocab)
            if s > threshold:
                out["_".join(key)] = (c, s)
    return out


@pytest.mark.parametrize("connectors,scoring,threshold", [((), "default", 10.0), (CONNECTORS, "default", 10.0),
                                                          ((), "npmi", 0.3)])
def test_export_equals_the_reference(corpus, connectors, scoring, threshold):
    path, lines = corpus
    options = ph.PhraseOptions(threshold=threshold, scoring=scoring, connectors=connectors)
    found = ph.export_phrases(scan_corpus([path]), options)
    expected = _reference(lines, frozenset(connectors), threshold=threshold, scoring=scoring)
    assert {p.token: (p.count, pytest.approx(p.score)) for p in found} == expected
    assert "new_york" in expected and (not connectors or "bank_of_america" in expected)


def test_join_kernel_equals_join_phrases(corpus):
    path, lines = corpus
    options = ph.PhraseOptions(connectors=CONNECTORS)
    scanned = scan_corpus([path])
    table, joined = ph.find_phrases(scanned, options)
    ids = np.concatenate(list(joined.stream))
    tokens = [joined.words[i] if i >= 0 else "\n" for i in ids.tolist()]
    got = " ".join(tokens).split("\n")
    want = [" ".join(table.join_phrases(line)) for line in lines]
    assert [g.strip() for g in got if g.strip()] == [w for w in want if w]
    assert joined.counts.sum() == sum(len(table.join_phrases(line)) for line in lines)


def test_count_kernel_grows_its_table():
    ids = np.array([0, 1, 2, 3, -1, 0, 1, 4, 5, 6, 7, 8, 9, -1], np.int32)
    connector = np.zeros(10, np.int32)
    keys = np.full(4, kernel.EMPTY, np.int64)
    counts = np.zeros(4, np.int32)
    state = np.array([-1, 0, 0], np.int64)
    runs = np.zeros(0, np.int64)
    pos, n_used, size = 0, 0, 4
    while pos < len(ids):
        used, n_used = kernel.count_pairs(ids[pos:], connector, 1, 0, state, keys, runs, counts, n_used, size // 2)
        pos += used
        if n_used >= size // 2:
            size *= 2
            keys, runs, counts = kernel.rehash_pairs(keys, runs, counts, size)
    pairs = {(int(k >> 32), int(k & 0xFFFFFFFF)): int(c) for k, c in zip(keys, counts) if k != kernel.EMPTY}
    want = Counter()
    for line in ([0, 1, 2, 3], [0, 1, 4, 5, 6, 7, 8, 9]):
        want.update(zip(line, line[1:]))
    assert pairs == dict(want)


def test_equal_to_gensim(corpus):
    gensim = pytest.importorskip("gensim.models.phrases")
    path, lines = corpus
    for connectors in ((), CONNECTORS):
        g = gensim.Phrases(lines, min_count=5, threshold=10, connector_words=frozenset(connectors))
        found = ph.export_phrases(scan_corpus([path]), ph.PhraseOptions(connectors=connectors))
        assert {p.token: pytest.approx(p.score) for p in found} == g.export_phrases()
        table, _ = ph.find_phrases(scan_corpus([path]), ph.PhraseOptions(connectors=connectors))
        assert all(table.join_phrases(line) == g[line] for line in lines)


def test_second_pass_finds_three_words(corpus):
    path, _ = corpus
    table, _ = ph.find_phrases(scan_corpus([path]), ph.PhraseOptions(passes=2, threshold=1.0))
    assert "new_york_city" in table.tokens
    assert table.join_phrases("in new york city".split()) == ["in", "new_york_city"]


def test_the_model_keeps_its_table_and_readers_apply_it(corpus, tmp_path):
    path, _ = corpus
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=1, phrases=True)
    model = TrainingRun([path], params, NO_WATCH).train().model
    assert {"new_york", "peanut_butter"} <= set(model.vocab.words)
    model.save(tmp_path / "m.npz")
    back = Model.load(tmp_path / "m.npz")
    assert back.phrases.tokens == model.phrases.tokens and back.info["phrases"]["threshold"] == 10.0
    ids = np.concatenate([b.ids for b in stream.blocks([path], back.vocab.index, phrases=back.phrases)])
    assert back.vocab.index["new_york"] in ids
    assert keyword_in_context([path], "new_york", n=1)[0].word == "new york"
    more = TrainingRun([path], params, NO_WATCH, continue_from=back).train().model  # the same table applied
    assert more.phrases.tokens == back.phrases.tokens and len(more.vocab) == len(back.vocab)


def test_an_old_model_has_no_phrases(tmp_path):
    model = Model.create(KeyedVectors(["a", "b"], np.zeros((2, 4), np.float32))
                         and __import__("w2vstudio.core.vocab", fromlist=["Vocabulary"]).Vocabulary(
                             ["a", "b"], np.array([3, 2])), TrainParams(dim=4))
    model.save(tmp_path / "old.npz")
    assert Model.load(tmp_path / "old.npz").phrases is None


def test_typed_words_name_the_phrase_token():
    kv = KeyedVectors(["peanut", "butter", "peanut_butter", "peanut_butter_jelly", "jelly", "king"],
                      np.eye(6, dtype=np.float32))
    assert parse_terms("peanut butter - king", kv) == (["peanut_butter"], ["king"])
    assert parse_terms("peanut butter jelly", kv) == (["peanut_butter_jelly"], [])
    assert parse_terms("peanut +butter", kv) == (["peanut", "butter"], [])
    assert parse_terms("peanut butter") == (["peanut", "butter"], [])
    assert kv.index("peanut butter") == 2 and "peanut butter" in kv and kv.key_of("king") == "king"


@pytest.mark.parametrize("threshold", [10.0, 1e8])  # phrases found, none found
def test_a_scan_shared_between_runs_is_left_intact(corpus, threshold):
    path, _ = corpus
    scanned = scan_corpus([path])
    before = np.concatenate(list(scanned.stream))
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=1, phrases=True, phrase_threshold=threshold)
    seen = []
    first = TrainingRun(scanned, params, NO_WATCH, task=Task(lambda f, _t: seen.append(f))).train().model
    assert ("new_york" in first.vocab.index) == (threshold == 10.0) == bool(len(first.phrases))
    assert not scanned.stream.consumed and (np.concatenate(list(scanned.stream)) == before).all()
    assert seen and seen == sorted(seen)
    again = TrainingRun(scanned, params, NO_WATCH).train().model
    assert again.vocab.words == first.vocab.words


def test_find_phrases_hears_its_task_and_stops(corpus):
    path, _ = corpus
    scanned = scan_corpus([path])
    seen = []
    table, joined = ph.find_phrases(scanned, ph.PhraseOptions(passes=2, threshold=1.0), Task(lambda f, _t: seen.append(f)))
    assert len(table) and joined is not scanned and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    task = Task()
    task.cancel()
    with pytest.raises(Cancelled):
        ph.export_phrases(scanned, ph.PhraseOptions(), task)
    assert table.apply(scanned).words == joined.words


def test_the_mirror_and_the_windows_read_the_corpus_joined(corpus):
    path, _ = corpus
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=1, window=3, phrases=True)
    model = TrainingRun([path], params, NO_WATCH).train().model
    found = mirror(model, [path], "new_york", top=50)
    assert found.occurrences == model.vocab.counts[model.vocab.index["new_york"]]
    york = model.vocab.index.get("york")
    assert york is None or "york" not in [c.word for c in found.contexts]  # every "york" there was joined
    rows = corpus_windows([path], model.vocab.index, True, 3, model.vocab.index["new_york"],
                          model.vocab.index["new_york"], phrases=model.phrases)
    plain = corpus_windows([path], model.vocab.index, True, 3, model.vocab.index["new_york"],
                           model.vocab.index["new_york"])
    assert len(rows) and not len(plain)

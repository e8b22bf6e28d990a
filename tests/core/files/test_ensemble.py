"""Ensembles: the shared vocabulary, agreement and sd against plain numpy, axis scores across runs,
the folder's manifest, bootstrap resamples of an encoded corpus."""

import json

import numpy as np
import pytest

from w2vstudio.core.corpus.bootstrap import CHUNK, documents, resample
from w2vstudio.core.errors import FormatError
from w2vstudio.core.explore import agreement
from w2vstudio.core.files.dropped import sort_paths
from w2vstudio.core.files.ensemble import MANIFEST, Ensemble, EnsembleWriter
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors, save_vectors
from w2vstudio.core.lenses.axes import poles_across, scores_across
from w2vstudio.core.vectors import KeyedVectors

WORDS = [f"w{i}" for i in range(40)]


def runs(k=4, seed=0, dim=6):
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((len(WORDS), dim))
    return [KeyedVectors(WORDS, (base + 0.6 * rng.standard_normal(base.shape)).astype(np.float32),
                         np.arange(1000, 1000 - len(WORDS), -1)) for _ in range(k)]


def unit(m):
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_the_shared_vocabulary_is_the_intersection_in_the_first_runs_order():
    rng = np.random.default_rng(1)
    a = KeyedVectors(["x", "y", "z", "q"], rng.standard_normal((4, 3)).astype(np.float32), [9, 8, 7, 6])
    b = KeyedVectors(["q", "z", "x"], rng.standard_normal((3, 3)).astype(np.float32), [5, 4, 3])
    e = Ensemble([a, b])
    assert e.words == ["x", "z", "q"] and list(e.counts) == [9, 7, 6]
    assert np.array_equal(e.vectors, a.vectors[[0, 2, 3]])  # as one model: the first run
    assert np.array_equal(e.runs[1].vectors, b.vectors[[2, 1, 0]])
    assert [kv.words for kv in e.runs] == [e.words, e.words]


def test_neighbour_agreement_and_sd_match_numpy():
    kvs = runs()
    e, topn, query = Ensemble(kvs), 5, "w3"
    found = agreement.neighbours(e, [query], topn=topn)
    cos = np.stack([unit(kv.vectors) @ unit(kv.vectors)[3] for kv in kvs])  # (K, V)
    cos[:, 3] = -np.inf
    mean = cos.mean(axis=0)
    best = np.argsort(-mean, kind="stable")[:topn]
    tops = [set(np.argsort(-c)[:topn]) for c in cos]
    assert found.runs == 4
    assert [r.word for r in found.results] == [WORDS[i] for i in best]
    np.testing.assert_allclose([r.score for r in found.results], mean[best], rtol=1e-5)
    np.testing.assert_allclose([r.sd for r in found.results], cos[:, best].std(axis=0, ddof=1), atol=1e-6)
    assert [r.agreement for r in found.results] == [sum(i in t for t in tops) for i in best]


def test_analogy_mean_and_sd_match_numpy():
    kvs = runs(3, seed=2)
    found = agreement.analogy(Ensemble(kvs), "w1", "w2", "w3", topn=4)
    scores = []
    for kv in kvs:
        u = unit(kv.vectors)
        q = (u[2] + u[3] - u[1]) / 3
        s = u @ (q / np.linalg.norm(q))
        s[[1, 2, 3]] = -np.inf
        scores.append(s)
    scores = np.stack(scores)
    best = np.argsort(-scores.mean(axis=0), kind="stable")[:4]
    assert [r.word for r in found.results] == [WORDS[i] for i in best]
    np.testing.assert_allclose([r.sd for r in found.results], scores[:, best].std(axis=0, ddof=1), atol=1e-6)


def test_a_single_model_is_an_ensemble_of_one():
    kv = runs(1)[0]
    found = agreement.neighbours(kv, ["w0"], topn=3)
    assert found.runs == 1 and all(r.agreement == 1 and r.sd == 0 for r in found.results)
    assert [(r.word, round(r.score, 5)) for r in found.results] == [(w, round(s, 5)) for w, s in
                                                                    kv.most_similar(["w0"], topn=3)]


def test_axis_scores_across_runs_match_numpy():
    kvs = runs(3, seed=4)
    got = scores_across(Ensemble(kvs), ["w0"], ["w1"], ["w5", "w6"])
    per = []
    for kv in kvs:
        u = unit(kv.vectors.astype(np.float64))
        d = u[1] - u[0]
        per.append(u[[5, 6]] @ (d / np.linalg.norm(d)))
    per = np.stack(per)
    np.testing.assert_allclose(got.mean, per.mean(axis=0), atol=1e-5)
    np.testing.assert_allclose(got.sd, per.std(axis=0, ddof=1), atol=1e-5)
    low, high = poles_across(Ensemble(kvs), ["w0"], ["w1"], top=3)
    assert low.runs == 3 and len(high.words) == 3 and not {"w0", "w1"} & set(low.words + high.words)
    assert list(high.mean) == sorted(high.mean, reverse=True)


def test_a_written_ensemble_reads_back_as_one_entry(tmp_path):
    kvs = runs(3)
    writer = EnsembleWriter(tmp_path / "ens", "txt")
    writer.prepare()
    for seed, kv in enumerate(kvs, 1):
        writer.add(lambda path, kv=kv: save_vectors(kv, path, "txt"), seed, {"dim": 6})
    writer.finish()
    manifest = json.loads((tmp_path / "ens" / MANIFEST).read_text())
    assert manifest["format"] == "w2vstudio-ensemble" and [r["seed"] for r in manifest["runs"]] == [1, 2, 3]
    assert detect_format(tmp_path / "ens") == "ensemble"
    e = load_vectors(tmp_path / "ens")
    assert isinstance(e, Ensemble) and e.k == 3 and e.seeds == (1, 2, 3)
    np.testing.assert_allclose(e.runs[2].vectors, kvs[2].vectors, atol=1e-5)
    for dropped in (tmp_path / "ens", tmp_path / "ens" / MANIFEST):
        assert sort_paths([dropped]).vectors == [tmp_path / "ens"]


def test_a_damaged_manifest_is_one_line_naming_it(tmp_path):
    folder = tmp_path / "ens"
    folder.mkdir()
    (folder / MANIFEST).write_text('{"format": "w2vstudio-ensemble", "version": 1, "runs": [{"file": "../x", "seed": 1}]}')
    with pytest.raises(FormatError, match="manifest.json: run 1"):
        load_vectors(folder)
    (folder / MANIFEST).write_text('{"format": "w2vstudio-ensemble", "version": 1, "runs": [{"file": "run-1.npz", "seed": 1}]}')
    with pytest.raises(FormatError, match="run-1.npz: listed in"):
        load_vectors(folder)


def test_the_writer_refuses_a_folder_that_is_not_an_ensemble(tmp_path):
    (tmp_path / "other.txt").write_text("x")
    with pytest.raises(Exception, match="neither empty nor an ensemble"):
        EnsembleWriter(tmp_path)


def test_bootstrap_resamples_documents_of_the_encoded_corpus(topic_corpus):
    starts, ends, what = documents(topic_corpus)
    assert what == "lines" and len(starts) == topic_corpus.n_sentences
    again = resample(topic_corpus, 7)
    assert again.vocab is topic_corpus.vocab and again.n_sentences == topic_corpus.n_sentences
    picked = np.random.default_rng(7).integers(0, len(starts), len(starts))
    expected = np.concatenate([topic_corpus.tokens[starts[i]:ends[i]] for i in picked])
    assert np.array_equal(again.tokens, expected)
    assert not np.array_equal(resample(topic_corpus, 8).tokens, again.tokens)


def test_few_long_lines_are_resampled_in_chunks(topic_corpus):
    from w2vstudio.core.corpus.scan import EncodedCorpus

    n = 3 * CHUNK + 10
    long = EncodedCorpus(topic_corpus.vocab, np.arange(n, dtype=np.int32) % 5, np.array([0, n], np.int64), n)
    starts, ends, what = documents(long)
    assert what.startswith("chunks") and list(ends - starts) == [CHUNK] * 3 + [10]
    assert resample(long, 1).n_tokens <= 4 * CHUNK


def test_a_session_keeps_an_ensemble_whole(tmp_path):
    from w2vstudio.core.files.sessionfile import SESSION_FILE, load_session, save_session

    e = Ensemble(runs(3), [4, 5, 6])
    save_session(tmp_path / "s", [("ens", e), ("one", runs(1)[0])], current=0)
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "model-1-run-2.npz", "model-1-run-3.npz", "model-1.npz", "model-2.npz", SESSION_FILE]
    (name, back), _ = load_session(tmp_path / "s").models
    assert name == "ens" and isinstance(back, Ensemble) and back.seeds == (4, 5, 6)
    for a, b in zip(back.runs, e.runs):
        np.testing.assert_array_equal(a.vectors, b.vectors)
    save_session(tmp_path / "s", [("one", runs(1)[0])])  # the ensemble's files go with it
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == ["model-1.npz", SESSION_FILE]
    index = json.loads((tmp_path / "s" / SESSION_FILE).read_text())
    index["models"][0].update(kind="ensemble", runs=["../x.npz"], seeds=[1, 2])
    (tmp_path / "s" / SESSION_FILE).write_text(json.dumps(index))
    with pytest.raises(FormatError, match="the runs of model 1"):
        load_session(tmp_path / "s")


def test_a_corpus_folder_with_another_manifest_stays_a_corpus(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / MANIFEST).write_text('{"name": "my corpus"}')
    (tmp_path / "texts" / "a.txt").write_text("some words here\n")
    assert sort_paths([tmp_path / "texts"]).corpus == [tmp_path / "texts"]

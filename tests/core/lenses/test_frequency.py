"""Frequency lens: deciles of a tiny model against plain-numpy references; per-word statistics."""

import json

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.errors import W2VError
from w2vstudio.core.files.ensemble import Ensemble, EnsembleWriter
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.lenses.frequency import agreement, bounds, decile_sample, deciles, norms, stability
from w2vstudio.core.vectors import KeyedVectors

KEYS = {"rank_from", "rank_to", "count_min", "count_max", "norm_mean", "analogy_accuracy",
        "analogy_questions", "drop_share", "norm_mean_sd", "analogy_accuracy_sd"}
QUESTIONS = """: capital-common-countries
athens greece berlin germany
athens greece paris france
berlin germany paris france
paris france rome italy
: family
boy girl brother sister
brother sister father mother
"""


@pytest.fixture
def kv():
    words = ["athens", "greece", "berlin", "germany", "boy", "girl", "brother", "sister", "paris", "france",
             "rome", "italy", "father", "mother"] + [f"w{i}" for i in range(26)]
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(len(words), 8)).astype(np.float32)
    # make some analogies work: b - a + c = d exactly for the capitals
    for a, b, c, d in (("athens", "greece", "berlin", "germany"), ("athens", "greece", "paris", "france")):
        i = {w: words.index(w) for w in (a, b, c, d)}
        vectors[i[d]] = vectors[i[b]] - vectors[i[a]] + vectors[i[c]]
    counts = np.array(sorted(rng.integers(1, 5000, len(words)), reverse=True), dtype=np.int64)
    return KeyedVectors(words, vectors, counts)


def _solves(kv, q, limit):
    unit = kv.vectors[:limit].astype(np.float64)
    unit /= np.linalg.norm(unit, axis=1, keepdims=True)
    a, b, c, d = (kv.word_rows[w] for w in q)
    scores = unit @ (unit[b] - unit[a] + unit[c])
    scores[[a, b, c]] = -np.inf
    return int(scores.argmax()) == d


def test_deciles_against_numpy(kv, tmp_path):
    qfile = tmp_path / "q.txt"
    qfile.write_text(QUESTIONS)
    sample = 1e-2
    found = deciles(kv, sample, qfile)
    assert len(found) == 10 and all(set(d.to_dict()) == KEYS for d in found)
    counts = kv.counts.astype(np.float64)
    threshold = sample * counts.sum()
    keep = np.minimum((np.sqrt(counts / threshold) + 1) * threshold / counts, 1)
    lengths = np.linalg.norm(kv.vectors.astype(np.float64), axis=1)
    questions = [line.split() for line in QUESTIONS.splitlines() if not line.startswith(":")]
    for k, d in enumerate(found):
        lo, hi = 4 * k, 4 * k + 4
        assert (d.rank_from, d.rank_to) == (lo + 1, hi)
        assert (d.count_min, d.count_max) == (counts[lo:hi].min(), counts[lo:hi].max())
        assert d.norm_mean == pytest.approx(lengths[lo:hi].mean(), rel=1e-5)
        assert d.drop_share == pytest.approx((counts[lo:hi] * (1 - keep[lo:hi])).sum() / counts[lo:hi].sum())
        mine = [q for q in questions if lo <= max(kv.word_rows[w] for w in q) < hi]
        assert d.analogy_questions == len(mine)
        want = np.mean([_solves(kv, q, hi) for q in mine]) if mine else None
        assert d.analogy_accuracy == (pytest.approx(want) if mine else None)
    assert [d.analogy_questions for d in found][:5] == [1, 1, 3, 1, 0]  # by their rarest word's row
    assert found[0].analogy_accuracy == 1.0 and found[4].analogy_accuracy is None


def test_bounds_and_small_vocabularies():
    assert bounds(25).tolist() == [0, 2, 5, 8, 10, 12, 15, 18, 20, 22, 25]
    kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32), np.array([5, 3, 1]))
    assert [(d.rank_from, d.rank_to) for d in deciles(kv, 0.0)] == [(1, 1), (2, 2), (3, 3)]
    assert all(d.drop_share == 0 and d.analogy_questions == 0 for d in deciles(kv, 0.0))
    with pytest.raises(W2VError, match="no word counts"):
        deciles(KeyedVectors(["a"], np.ones((1, 2), np.float32)), 1e-3)


def test_per_word_statistics():
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(30, 5)).astype(np.float32)
    kv = KeyedVectors([f"w{i}" for i in range(30)], vectors)
    np.testing.assert_allclose(norms(kv), np.linalg.norm(vectors, axis=1), rtol=1e-5)
    snaps = np.stack([vectors, vectors, vectors + rng.normal(scale=0.5, size=vectors.shape).astype(np.float32)])
    assert np.all(stability(snaps[:2]) == 1.0) and np.isnan(stability(snaps[:1])).all()
    moved = stability(snaps, last=2)
    assert moved.shape == (30,) and moved.min() < 1 and np.all(stability(snaps) >= moved - 1e-12)
    assert np.all(agreement(kv, kv) == 1.0)
    other = KeyedVectors(kv.words[::-1], vectors[::-1].copy())
    assert np.all(agreement(kv, other, ["w3", "w7"]) == 1.0)
    shuffled = KeyedVectors(kv.words, rng.normal(size=(30, 5)).astype(np.float32))
    assert agreement(kv, shuffled).mean() < 0.9
    picked = decile_sample(1000, per_decile=5, seed=2)
    assert len(picked) == 50 and np.all(np.bincount(picked // 100, minlength=10) == 5)
    assert decile_sample(7, per_decile=5).tolist() == list(range(7))


def test_frequency_command(topic_file, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert main(["train", str(topic_file), "-o", str(model), "--dim", "8", "--epochs", "1", "--min-count", "2",
                 "--threads", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["frequency", str(model), "--json"]) == 0
    got = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert len(got["deciles"]) == 10 and all(set(d) == KEYS for d in got["deciles"])
    assert got["deciles"][0]["rank_from"] == 1 and got["deciles"][-1]["rank_to"] == 20
    assert main(["frequency", str(model)]) == 0 and "dropped" in capsys.readouterr().out
    plain = tmp_path / "v.txt"
    save_vectors(KeyedVectors(["a", "b"], np.ones((2, 3), np.float32)), plain, "txt")
    assert main(["frequency", str(plain)]) == 1
    err = capsys.readouterr().err
    assert "no word counts" in err and str(plain) in err and len(err.strip().splitlines()) == 1


def _runs(kv, k=3):
    """`kv` and k - 1 more runs of its words and counts: its vectors with seeded noise, enough to
    change some analogy answers and every norm."""
    rng = np.random.default_rng(11)
    noisy = [kv.vectors + rng.normal(scale=0.6, size=kv.vectors.shape) for _ in range(k - 1)]
    return [kv] + [KeyedVectors(kv.words, v.astype(np.float32), kv.counts) for v in noisy]


def test_deciles_of_an_ensemble_mean_and_sd_against_numpy(kv, tmp_path):
    qfile = tmp_path / "q.txt"
    qfile.write_text(QUESTIONS)
    runs = _runs(kv)
    found = deciles(Ensemble(runs), 1e-2, qfile)
    questions = [line.split() for line in QUESTIONS.splitlines() if not line.startswith(":")]
    spread_seen = False
    for k, d in enumerate(found):
        lo, hi = 4 * k, 4 * k + 4
        per_run = [np.linalg.norm(run.vectors[lo:hi].astype(np.float64), axis=1).mean() for run in runs]
        assert d.norm_mean == pytest.approx(np.mean(per_run), rel=1e-5)
        assert d.norm_mean_sd == pytest.approx(np.std(per_run, ddof=1), rel=1e-4)
        mine = [q for q in questions if lo <= max(kv.word_rows[w] for w in q) < hi]
        if not mine:
            assert d.analogy_accuracy is None and d.analogy_accuracy_sd is None
            continue
        hits = [np.mean([_solves(run, q, hi) for q in mine]) for run in runs]
        assert d.analogy_accuracy == pytest.approx(np.mean(hits))
        assert d.analogy_accuracy_sd == pytest.approx(np.std(hits, ddof=1))
        spread_seen |= np.std(hits) > 0
    assert spread_seen  # the runs disagree on some band, so the sd is tested off zero
    one = deciles(kv, 1e-2, qfile)  # one model: sd 0 where measured
    assert all(d.norm_mean_sd == 0 and d.analogy_accuracy_sd in (0, None) for d in one)


def test_frequency_command_on_an_ensemble(kv, tmp_path, capsys):
    writer = EnsembleWriter(tmp_path / "ens")
    writer.prepare()
    for seed, run in enumerate(_runs(kv), 1):
        writer.add(lambda path, run=run: save_vectors(run, path, "model"), seed, {})
    writer.finish()
    assert main(["frequency", str(tmp_path / "ens"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert got["runs"] == 3 and all(set(d) == KEYS for d in got["deciles"])
    assert any(d["norm_mean_sd"] > 0 for d in got["deciles"])
    assert main(["frequency", str(tmp_path / "ens")]) == 0
    out = capsys.readouterr().out
    assert "mean ± sd over its 3 runs" in out and " ± " in out.splitlines()[-1]

"""Two models side by side per decile band: word-pair correlation and analogy accuracy within each
band against a plain-numpy reference; `frequency --compare`'s JSON."""

import json

import numpy as np
import pytest
from scipy.stats import spearmanr

from w2vstudio.cli import main
from w2vstudio.core.files.ensemble import Ensemble
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.lenses.frequency import bounds, compare, verdict
from w2vstudio.core.vectors import KeyedVectors

N, DIM = 60, 6


@pytest.fixture
def models(tmp_path):
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(N)]
    counts = np.arange(N, 0, -1, dtype=np.int64) * 10
    a = KeyedVectors(words, rng.normal(size=(N, DIM)).astype(np.float32), counts)
    order = rng.permutation(N)  # the other model knows the words in another order, one word less
    order = order[order != 59]
    b = KeyedVectors([words[i] for i in order], rng.normal(size=(N - 1, DIM)).astype(np.float32), counts[order])
    questions = [": all"] + [" ".join(f"w{x}" for x in rng.choice(np.arange(lo, hi), 4, replace=False))
                             for lo, hi in zip(bounds(N)[:-1], bounds(N)[1:]) for _ in range(3)]
    questions += ["w0 w1 w30 w31", "w54 w55 w56 w59"]  # across bands; a word unknown to b
    qfile = tmp_path / "q.txt"
    qfile.write_text("\n".join(questions) + "\n")
    pairs = [(f"w{x}", f"w{y}", float(rng.uniform(0, 10))) for x, y in rng.integers(0, N, (300, 2)) if x != y]
    pfile = tmp_path / "p.tsv"
    pfile.write_text("".join(f"{x}\t{y}\t{s}\n" for x, y, s in pairs))
    return a, b, qfile, pfile, questions[1:], pairs


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _reference(kv, band_words, questions, pairs):
    vec = {w: _unit(kv[w].astype(np.float64)) for w in band_words}
    hits = []
    for q in questions:
        a, b, c, d = q.split()
        target = vec[b] - vec[a] + vec[c]
        scores = {w: float(vec[w] @ target) / np.linalg.norm(target) for w in band_words if w not in (a, b, c)}
        hits.append(max(scores, key=scores.get) == d)
    accuracy = float(np.mean(hits)) if hits else None
    rho = spearmanr([s for _, _, s in pairs], [float(vec[x] @ vec[y]) for x, y, _ in pairs]).statistic \
        if len(pairs) >= 5 else None
    return accuracy, rho


def test_each_band_against_numpy(models):
    a, b, qfile, pfile, questions, pairs = models
    found = compare(a, b, analogies=qfile, pairs=pfile)
    edges = bounds(N)
    assert [r.decile for r in found] == list(range(1, 11))
    for r, lo, hi in zip(found, edges[:-1], edges[1:]):
        band = [w for w in a.words[lo:hi] if w in b]
        mine = [q for q in questions if all(w in band for w in q.split())]
        inside = [p for p in pairs if p[0] in band and p[1] in band]
        assert (r.rank_from, r.rank_to, r.questions, r.pair_count) == (lo + 1, hi, len(mine), len(inside))
        for got_acc, got_rho, kv in zip(r.analogy, r.pairs, (a, b)):
            accuracy, rho = _reference(kv, band, mine, inside)
            assert got_acc == pytest.approx(accuracy) if accuracy is not None else got_acc is None
            assert got_rho == pytest.approx(rho) if rho is not None else got_rho is None
    assert sum(r.questions for r in found) < 30  # questions across bands, or with w59 (unknown to b), left out
    assert "rarest" in verdict(found, "skip-gram", "CBOW") or "too little" in verdict(found, "skip-gram", "CBOW")


def test_frequency_compare_json(models, tmp_path, capsys):
    a, b, *_ = models
    fa, fb = tmp_path / "a.npz", tmp_path / "b.npz"
    save_vectors(a, fa, "model")  # a model file keeps the counts
    save_vectors(b, fb, "model")
    assert main(["frequency", str(fa), "--compare", str(fb), "--json"]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert len(data["compare"]) == 10 and isinstance(data["verdict"], str)
    row = data["compare"][0]
    assert set(row) >= {"decile", "pairs", "analogy", "questions"}
    assert len(row["pairs"]) == len(row["analogy"]) == 2
    assert main(["frequency", str(fa), "--compare", str(tmp_path / "nope.txt")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_each_band_over_an_ensembles_runs_against_numpy(models):
    a, b, qfile, pfile, questions, pairs = models
    rng = np.random.default_rng(3)
    runs = [a] + [KeyedVectors(a.words, (a.vectors + rng.normal(scale=0.5, size=a.vectors.shape)).astype(np.float32),
                               a.counts) for _ in range(2)]
    found = compare(Ensemble(runs), b, analogies=qfile, pairs=pfile)
    edges = bounds(N)
    for r, lo, hi in zip(found, edges[:-1], edges[1:]):
        band = [w for w in a.words[lo:hi] if w in b]
        mine = [q for q in questions if all(w in band for w in q.split())]
        inside = [p for p in pairs if p[0] in band and p[1] in band]
        per_run = [_reference(run, band, mine, inside) for run in runs]
        for i, got, got_sd in ((0, r.analogy, r.analogy_sd), (1, r.pairs, r.pairs_sd)):
            values = [v[i] for v in per_run]
            if values[0] is None:
                assert got[0] is None and got_sd[0] is None
            else:
                assert got[0] == pytest.approx(np.mean(values)) and got_sd[0] == pytest.approx(np.std(values, ddof=1))
            assert got_sd[1] in (0, None)  # b is one model
    assert any(r.pairs_sd[0] for r in found)


def test_frequency_compare_json_sd_keys(models, tmp_path, capsys):
    a, b, *_ = models
    fa, fb = tmp_path / "a.npz", tmp_path / "b.npz"
    save_vectors(a, fa, "model")
    save_vectors(b, fb, "model")
    assert main(["frequency", str(fa), "--compare", str(fb), "--json"]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["runs"] == 1
    assert all(len(row["pairs_sd"]) == len(row["analogy_sd"]) == 2 for row in data["compare"])

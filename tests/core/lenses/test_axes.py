"""Bias axes: scores against a numpy reference, poles, scores over snapshots, corpus evidence."""

import json

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.errors import UnknownWordError, W2VError
from w2vstudio.core.files.vectorfiles import load_vectors, save_vectors
from w2vstudio.core.corpus import stream
from w2vstudio.core.explore.isotropy import anisotropy, anisotropy_warning, centred
from w2vstudio.core.lenses.axes import (baseline, spread_labels, coordinates, evidence, make_axis, occupations, poles, scores,
                                        scores_over_snapshots)
from w2vstudio.core.vectors import KeyedVectors


@pytest.fixture
def kv():
    rng = np.random.default_rng(3)
    words = ["he", "she", "him", "her", "doctor", "nurse", "table", "sea", "sky", "tree"]
    return KeyedVectors(words, rng.normal(size=(len(words), 6)).astype(np.float32))


def reference_score(kv, source, target, word):
    """A word's score on the axis source -> target, computed plainly in float64."""
    unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
    direction = (np.mean([unit(kv[w].astype(np.float64)) for w in target], axis=0)
                 - np.mean([unit(kv[w].astype(np.float64)) for w in source], axis=0))
    return float(unit(kv[word].astype(np.float64)) @ unit(direction))


def test_scores_match_numpy(kv):
    for source, target in ((["he"], ["she"]), (["he", "him"], ["she", "her"])):
        axis = make_axis(kv, source, target)
        got = scores(kv, axis, ["doctor", "nurse", "sea"])
        want = [reference_score(kv, source, target, w) for w in ("doctor", "nurse", "sea")]
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert scores(kv, make_axis(kv, ["he"], ["she"]), []).shape == (0,)


def test_poles_rank_all_words_but_the_axis_own(kv):
    axis = make_axis(kv, ["he", "him"], ["she", "her"])
    low, high = poles(kv, axis, top=3)
    others = [w for w in kv.words if w not in ("he", "him", "she", "her")]
    ref = sorted(others, key=lambda w: reference_score(kv, ["he", "him"], ["she", "her"], w))
    assert [w for w, _ in low] == ref[:3] and [w for w, _ in high] == ref[::-1][:3]
    assert [s for _, s in low] == sorted(s for _, s in low)
    assert poles(kv, axis, top=3, restrict_vocab=6)[1][0][0] in ("doctor", "nurse")


def test_bad_axes(kv):
    with pytest.raises(UnknownWordError):
        make_axis(kv, ["he"], ["zzz"])
    with pytest.raises(W2VError, match="no direction"):
        make_axis(kv, ["he"], ["he"])
    with pytest.raises(W2VError, match="at least one"):
        make_axis(kv, [], ["she"])


def test_scores_over_snapshots_take_each_snapshot_own_axis(kv):
    snaps = np.stack([kv.vectors, kv.vectors[::-1].copy()])
    got = scores_over_snapshots(kv.words, snaps, ["he"], ["she"], ["doctor", "nurse"])
    assert got.shape == (2, 2)
    np.testing.assert_allclose(got[0], scores(kv, make_axis(kv, ["he"], ["she"]), ["doctor", "nurse"]), rtol=1e-6)
    second = KeyedVectors(kv.words, snaps[1])
    np.testing.assert_allclose(got[1], scores(second, make_axis(second, ["he"], ["she"]), ["doctor", "nurse"]),
                               rtol=1e-6)


def test_evidence_counts_pole_words_within_the_window(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("the doctor said he was late\n"
                      "a b c d e f doctor g h i j k she\n"
                      "she and the nurse and her friend\n"
                      "Doctor She\n")
    ev = evidence([corpus], "doctor", ["he", "him"], ["she", "her"], window=5)
    assert (ev.occurrences, ev.source_count, ev.target_count) == (3, 1, 1)
    assert ev.source_lines == ["the doctor said he was late"] and ev.target_lines == ["Doctor She"]
    wide = evidence([corpus], "doctor", ["he"], ["she"], window=6)
    assert wide.target_count == 2 and len(wide.target_lines) == 2
    assert evidence([corpus], "nurse", ["he"], ["she", "her"], n=0).target_count == 2
    with pytest.raises(W2VError):
        evidence([corpus], "he", ["he"], ["she"])


def test_axis_command(kv, tmp_path, capsys):
    path = tmp_path / "v.txt"
    save_vectors(kv, path, "txt")
    assert main(["axis", str(path), "--from", "he", "--to", "she", "--words", "doctor", "nurse", "--json"]) == 0
    got = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    want = [reference_score(kv, ["he"], ["she"], w) for w in ("doctor", "nurse")]
    assert [d["word"] for d in got["words"]] == ["doctor", "nurse"]
    np.testing.assert_allclose([d["score"] for d in got["words"]], want, rtol=1e-4, atol=1e-5)
    assert main(["axis", str(path), "--from", "he", "--to", "she", "--top", "2", "--json"]) == 0
    ranked = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["words"]
    assert len(ranked) == 4 and [d["score"] for d in ranked] == sorted(d["score"] for d in ranked)
    assert main(["axis", str(path), "--from", "he", "--to", "she"]) == 0
    assert "toward she" in capsys.readouterr().out
    assert main(["axis", str(path), "--from", "he", "--to", "zzz"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("w2vstudio: error:") and len(err.strip().splitlines()) == 1


def test_baseline_and_percentiles_match_numpy(kv):
    axis = make_axis(kv, ["he"], ["she"])
    every = np.array([reference_score(kv, ["he"], ["she"], w) for w in kv.words])
    base = baseline(kv, axis)
    assert base.mean == pytest.approx(every.mean(), abs=1e-6) and base.sd == pytest.approx(every.std(), abs=1e-6)
    ordered = np.sort(every)
    between = (ordered[1:] + ordered[:-1]) / 2
    np.testing.assert_allclose(base.percentiles(between), 100 * np.arange(1, len(every)) / len(every))
    own = scores(kv, axis, ["doctor"])[0]  # a word among all: half of itself below
    rank = np.sum(every < own - 1e-6)
    assert base.percentiles([own])[0] == pytest.approx(100 * (rank + 0.5) / len(every))
    assert base.percentiles([-9, 9]).tolist() == [0, 100]


def test_centring_and_anisotropy_match_numpy(kv):
    leaning = kv.with_vectors(kv.vectors + np.float32(5))  # every vector pushed one way
    x = leaning.vectors.astype(np.float64)
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    pairs = [(i, j) for i in range(len(x)) for j in range(len(x)) if i != j]
    mean_cos = np.mean([unit[i] @ unit[j] for i, j in pairs])
    assert anisotropy(leaning, pairs=200_000) == pytest.approx(mean_cos, abs=0.01) and mean_cos > 0.9
    assert "Train longer, or centre" in anisotropy_warning(mean_cos) and anisotropy_warning(0.1) is None
    flat = centred(leaning)
    np.testing.assert_allclose(flat.vectors, x - x.mean(axis=0), atol=1e-4)
    assert abs(anisotropy(flat, pairs=200_000)) < 0.3 and flat.words == kv.words
    top = centred(leaning, 2)
    c = x - x.mean(axis=0)
    vt = np.linalg.svd(c, full_matrices=False)[2][:2]
    np.testing.assert_allclose(top.vectors, c - c @ vt.T @ vt, atol=1e-4)
    np.testing.assert_allclose(top.vectors.astype(np.float64) @ vt.T, 0, atol=1e-4)


def test_axis_command_reads_scores_against_all_words(kv, tmp_path, capsys):
    path = tmp_path / "v.txt"
    save_vectors(kv.with_vectors(kv.vectors + np.float32(5)), path, "txt")
    assert main(["axis", str(path), "--from", "he", "--to", "she", "--words", "doctor", "--json"]) == 0
    captured = capsys.readouterr()
    assert "lean one way" in captured.err and "Train longer" in captured.err
    got = json.loads(captured.out.strip().splitlines()[-1])
    loaded = load_vectors(path)
    axis = make_axis(loaded, ["he"], ["she"])
    every = np.array([reference_score(loaded, ["he"], ["she"], w) for w in loaded.words])
    assert got["baseline"]["mean"] == pytest.approx(every.mean(), abs=1e-5)
    assert got["baseline"]["sd"] == pytest.approx(every.std(), abs=1e-5)
    assert got["words"][0]["percentile"] == pytest.approx(baseline(loaded, axis).percentiles([got["words"][0]["score"]])[0])
    assert main(["axis", str(path), "--from", "he", "--to", "she", "--words", "doctor", "--centre", "1", "--json"]) == 0
    captured = capsys.readouterr()
    flat = centred(loaded, 1)
    assert "lean one way" not in captured.err
    got = json.loads(captured.out.strip().splitlines()[-1])
    assert got["centred"] == 1
    assert got["words"][0]["score"] == pytest.approx(reference_score(flat, ["he"], ["she"], "doctor"), abs=1e-5)
    assert main(["axis", str(path), "--from", "he", "--to", "she", "--words", "doctor"]) == 0
    assert "(the zero line)" in capsys.readouterr().out


def test_neighbours_warn_of_a_leaning_space(kv, tmp_path, capsys):
    path = tmp_path / "v.txt"
    save_vectors(kv.with_vectors(kv.vectors + np.float32(5)), path, "txt")
    assert main(["neighbours", str(path), "doctor"]) == 0
    err = capsys.readouterr().err
    assert "mean cosine of" in err and "short training" in err and "centre" in err
    save_vectors(kv, path, "txt")
    assert main(["neighbours", str(path), "doctor"]) == 0
    assert "lean one way" not in capsys.readouterr().err


def test_bundled_occupations():
    words = occupations()
    assert len(words) > 100 and {"doctor", "nurse", "engineer"} <= set(words)
    assert len(set(words)) == len(words) and all(w == w.strip().lower() and " " not in w for w in words)


def test_evidence_in_a_corpus_starting_with_empty_lines(tmp_path):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n\n\nhe doctor\n")
    ev = evidence([corpus], "doctor", ["he"], ["she"])
    assert (ev.occurrences, ev.source_count, ev.source_lines) == (1, 1, ["he doctor"])


def test_text_around_a_word_keeps_whole_words():
    line = "one two three four five six seven eight nine ten"
    assert stream.around(line, "five", 0, width=9) == "four five six"
    assert stream.around("a  Five\tb five", "five", 1) == "a Five b five"
    assert stream.around("no match here", "five", 0) == "no match here"


def test_axes_coordinates_are_the_scores_on_both_axes(kv):
    x, y = make_axis(kv, ["he"], ["she"]), make_axis(kv, ["him"], ["her"])
    xy = coordinates(kv.vectors, x, y)
    assert xy.shape == (len(kv), 2) and xy.dtype == np.float32
    np.testing.assert_allclose(xy[:, 0], scores(kv, x, kv.words), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(xy[:, 1], scores(kv, y, kv.words), rtol=1e-5, atol=1e-6)
    assert np.all(coordinates(np.zeros((2, 6)), x, y) == 0)


def test_labels_spread_apart_keep_their_order():
    got = spread_labels([0.10, 0.11, 0.12, 0.50], gap=0.05)
    assert np.all(np.diff(got[:3]) >= 0.05 - 1e-12) and got[3] - got[2] >= 0.05 - 1e-12
    assert np.argsort(got).tolist() == [0, 1, 2, 3]
    assert spread_labels([0.3, 0.9], gap=0.1).tolist() == pytest.approx([0.3, 0.9])  # apart already


def test_anisotropy_of_a_large_unranked_space_reads_a_sample_only():
    """Millions of words: the mean cosine from a sample of rows, never the norms of them all."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((50_000, 8)).astype(np.float32) + np.float32(1.5)
    big = KeyedVectors([f"w{i}" for i in range(len(x))], x)  # no counts: unranked
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    a, b = rng.integers(len(x), size=(2, 100_000))
    keep = a != b
    expected = float(np.einsum("ij,ij->i", unit[a[keep]], unit[b[keep]]).mean())
    assert anisotropy(big) == pytest.approx(expected, abs=0.02)
    assert big._inv_norms is None  # the whole vocabulary's norms were not computed

"""Analogy and word-pair evaluation: planted answers, hand-computed values, gensim's numbers."""

import gzip
import itertools
import math

import numpy as np
import pytest

from w2vstudio.core.explore import evaluate
from w2vstudio.core.errors import FormatError
from w2vstudio.core.explore.evaluate import (
    SectionScore,
    evaluate_analogies,
    evaluate_pairs,
    read_analogies,
)
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.resources import ANALOGIES, SAMPLE_CORPUS, WORDSIM, path

DIM = 32


def unit(v):
    return v / np.linalg.norm(v)


def planted(outcomes, rng, extra=()):
    """Words q{i}a..q{i}d per question; d answers the analogy exactly (True) or is its opposite."""
    words, vectors = [], []
    for i, right in enumerate(outcomes):
        a, b, c = (unit(rng.standard_normal(DIM)) for _ in range(3))
        d = b - a + c
        words += [f"q{i}a", f"q{i}b", f"q{i}c", f"q{i}d"]
        vectors += [a, b, c, d if right else -d]
    for word in extra:
        words.append(word)
        vectors.append(rng.standard_normal(DIM))
    return words, np.array(vectors, dtype=np.float32)


def question(i):
    return f"q{i}a q{i}b q{i}c q{i}d\n"


def test_counts_sections_and_semantic_split(tmp_path, monkeypatch):
    outcomes = [True, False, True, True, False, True, True, False]
    words, vectors = planted(outcomes, np.random.default_rng(1), extra=["known"])
    kv = KeyedVectors(words, vectors)
    sections = [f": s{k}\n" for k in range(6)]
    text = (
        sections[0]
        + question(0)
        + question(1)
        + "q0a q0b only-three\n\n"  # invalid line: ignored
        + sections[1]
        + question(2)
        + "q0a q0b q0c missing\n"  # out of vocabulary: skipped
        + sections[2]
        + question(3)
        + sections[3]
        + sections[4]
        + question(4)
        + sections[5]
        + question(5)
        + question(6)
        + question(7).upper()  # upper case still matches
    )
    f = tmp_path / "q.txt"
    f.write_text(text)
    score = evaluate_analogies(kv, f)
    assert (score.correct, score.total, score.skipped) == (5, 8, 1)
    assert score.accuracy == 5 / 8
    assert list(score.sections) == [f"s{k}" for k in range(6)]
    assert score.sections["s0"] == SectionScore(1, 2)
    assert score.sections["s3"] == SectionScore(0, 0) and score.sections["s3"].accuracy == 0.0
    assert score.semantic == SectionScore(3, 5) and score.syntactic == SectionScore(2, 3)
    assert score.to_dict()["sections"]["s5"] == {"correct": 2, "total": 3, "accuracy": 2 / 3}

    strict = evaluate_analogies(kv, f, case_insensitive=False)
    assert (strict.total, strict.skipped) == (7, 2)
    restricted = evaluate_analogies(kv, f, restrict_vocab=4 * 5)  # questions 0..4 only
    assert (restricted.correct, restricted.total, restricted.skipped) == (3, 5, 4)
    monkeypatch.setattr(evaluate, "_BUDGET", 2 * len(kv))  # chunks of one or two questions
    assert evaluate_analogies(kv, f) == score


def test_case_variants_follow_gensim(tmp_path):
    """The first case variant supplies the vector; a case variant of an input is not an answer."""
    rng = np.random.default_rng(2)
    man, king, woman, athens, greece, paris1, paris2 = (
        unit(rng.standard_normal(DIM)) for _ in range(7)
    )
    answer = king - man + woman
    words = [
        "man",
        "king",
        "woman",
        "queen",
        "King",
        "athens",
        "greece",
        "Paris",
        "france",
        "paris",
        "spain",
    ]
    vectors = np.array(
        [
            man,
            king,
            woman,
            answer + 0.05 * rng.standard_normal(DIM),
            answer,
            athens,
            greece,
            paris1,
            greece - athens + paris1,
            paris2,
            greece - athens + paris2,
        ],
        dtype=np.float32,
    )
    kv = KeyedVectors(words, vectors)
    f = tmp_path / "q.txt"
    f.write_text(": family\nman king woman queen\nathens greece paris france\n")
    assert evaluate_analogies(kv, f).correct == 2  # King skipped; PARIS is "Paris", the first
    strict = evaluate_analogies(kv, f, case_insensitive=False)  # answers: King, spain
    assert (strict.correct, strict.total) == (0, 2)


def test_malformed_analogy_files(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("\na b c d\n")
    with pytest.raises(FormatError, match="line 2"):
        read_analogies(f)
    f.write_bytes(b": s\na b c d\na \xff c d\n")
    with pytest.raises(FormatError, match="line 3"):
        read_analogies(f)
    f.write_text(": s\na b c\n")
    with pytest.raises(FormatError, match="no analogy questions"):
        read_analogies(f)


def test_bundled_sets_are_the_defaults():
    words = ["athens", "greece", "baghdad", "iraq", "love", "sex"]
    kv = KeyedVectors(words, np.eye(6, dtype=np.float32))
    lines = path(ANALOGIES).read_text().splitlines()
    asked = sum(1 for line in lines if set(line.lower().split()) <= set(words) and line[0] != ":")
    score = evaluate_analogies(kv)
    assert (score.total, score.total + score.skipped, len(score.sections)) == (asked, 19544, 14)
    assert evaluate_pairs(kv).used == 1


def pair_kv():
    angles = np.array([0.1, 0.5, 0.9, 1.2, 0.3])
    words, vectors = ["base"], [[1.0, 0.0]]
    for i, t in enumerate(angles):
        words.append(f"p{i}")
        vectors.append([math.cos(t), math.sin(t)])
    return KeyedVectors(words, np.array(vectors, dtype=np.float32)), np.cos(angles)


def test_pairs_correlations_hand_computed(tmp_path):
    kv, cos = pair_kv()
    gold = [9.0, 6.0, 6.0, 1.0, 7.0]  # a tie in the gold scores
    lines = ["# comment", "word1\tword2\tscore"]  # the header is not a pair: ignored
    lines += [f"base\tp{i}\t{g}" for i, g in enumerate(gold[:3])]
    lines += [f"base p{i} {g}" for i, g in enumerate(gold[3:], 3)]  # space-separated too
    lines += ["base\tunknown\t5.0", ""]
    f = tmp_path / "pairs.tsv"
    f.write_text("\n".join(lines))
    score = evaluate_pairs(kv, f)
    assert (score.used, score.oov, score.oov_ratio) == (5, 1, 1 / 6)
    # ranks: gold 9,6,6,1,7 -> 5,2.5,2.5,1,4 ; model angles .1,.5,.9,1.2,.3 -> 5,3,2,1,4
    rg, rm = np.array([5, 2.5, 2.5, 1, 4]), np.array([5, 3, 2, 1, 4])
    assert score.spearman == pytest.approx(np.corrcoef(rg, rm)[0, 1], abs=1e-12)
    assert score.pearson == pytest.approx(np.corrcoef(gold, cos)[0, 1], abs=1e-6)
    stats = pytest.importorskip("scipy.stats")
    assert score.spearman == pytest.approx(stats.spearmanr(gold, cos).statistic, abs=1e-9)


def test_pairs_degenerate_cases(tmp_path):
    kv, _ = pair_kv()
    f = tmp_path / "pairs.tsv"
    f.write_text("base\tp0\t1\nbase\tnope\t2\n")
    one = evaluate_pairs(kv, f)
    assert math.isnan(one.spearman) and one.to_dict()["spearman"] is None and one.oov_ratio == 0.5
    f.write_text("base\tp0\t1\nbase\tp1\t1\n")
    assert math.isnan(evaluate_pairs(kv, f).spearman)  # constant gold scores
    f.write_text("just words\n")
    with pytest.raises(FormatError, match="no word pairs"):
        evaluate_pairs(kv, f)


# ---- gensim's numbers -------------------------------------------------------------------------


def gensim_numbers(kv, analogies, pairs, restrict, case_insensitive):
    gensim = pytest.importorskip("gensim")
    g = gensim.models.KeyedVectors(kv.dim)
    g.add_vectors(kv.words, kv.vectors.copy())
    _, sections = g.evaluate_word_analogies(
        str(analogies), restrict_vocab=restrict, case_insensitive=case_insensitive
    )
    counts = {
        s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections
    }
    pearson, spearman, oov = g.evaluate_word_pairs(
        str(pairs), restrict_vocab=restrict, case_insensitive=case_insensitive
    )
    return counts, pearson.statistic, spearman.statistic, oov / 100


def assert_same_as_gensim(kv, analogies, pairs, restrict, case_insensitive):
    counts, pearson, spearman, oov = gensim_numbers(
        kv, analogies, pairs, restrict, case_insensitive
    )
    ours = evaluate_analogies(
        kv, analogies, restrict_vocab=restrict, case_insensitive=case_insensitive
    )
    assert (ours.correct, ours.total) == counts.pop("Total accuracy")
    assert {name: (s.correct, s.total) for name, s in ours.sections.items()} == counts
    p = evaluate_pairs(kv, pairs, restrict_vocab=restrict, case_insensitive=case_insensitive)
    assert p.spearman == pytest.approx(spearman, abs=1e-6)
    assert p.pearson == pytest.approx(pearson, abs=1e-6)
    assert p.oov_ratio == pytest.approx(oov, abs=1e-12)
    return ours


@pytest.fixture(scope="module")
def question_subset(tmp_path_factory):
    """Every 12th question of the bundled set (all 14 sections) and WordSim-353."""
    lines = path(ANALOGIES).read_text().splitlines(keepends=True)
    kept = [line for i, line in enumerate(lines) if line.startswith(":") or i % 12 == 0]
    f = tmp_path_factory.mktemp("eval") / "questions.txt"
    f.write_text("".join(kept))
    return f


def test_planted_vectors_match_gensim(question_subset, monkeypatch):
    rng = np.random.default_rng(3)
    questions = [
        line.split() for line in question_subset.read_text().splitlines() if line[0] != ":"
    ]
    pair_words = [
        w
        for line in path(WORDSIM).read_text().splitlines()
        if line[0] != "#"
        for w in line.split("\t")[:2]
    ]
    vocab = list(
        dict.fromkeys(w if rng.random() < 0.5 else w.lower() for q in questions for w in q)
    )
    vocab += [w.upper() for w in vocab[:100]] + pair_words + [f"filler{i}" for i in range(800)]
    words = list(dict.fromkeys(vocab))
    rng.shuffle(words)
    index = {w: i for i, w in enumerate(words)}
    vectors = rng.standard_normal((len(words), DIM)).astype(np.float32)
    offset = rng.standard_normal(DIM).astype(np.float32)
    for a, b, c, d in questions[::2]:  # plant part of the answers, so that accuracy is not ~0
        for x, y in ((a, b), (c, d)):
            for xx, yy in ((x, y), (x.lower(), y.lower())):
                if xx in index and yy in index:
                    vectors[index[yy]] = (
                        vectors[index[xx]] + offset + 0.5 * rng.standard_normal(DIM)
                    )
    kv = KeyedVectors(words, vectors)
    for restrict, case_insensitive in ((len(words), True), (len(words), False), (700, True)):
        ours = assert_same_as_gensim(kv, question_subset, path(WORDSIM), restrict, case_insensitive)
        assert ours.correct > 10
    assert ours.skipped > 1000  # the restricted run
    reference = evaluate_analogies(kv, question_subset, restrict_vocab=None)
    monkeypatch.setattr(evaluate, "_BUDGET", 20 * len(words))  # many chunks, several blocks each
    assert evaluate_analogies(kv, question_subset, restrict_vocab=None) == reference


def test_small_trained_model_matches_gensim():
    gensim = pytest.importorskip("gensim")
    with gzip.open(path(SAMPLE_CORPUS), "rt", encoding="utf-8") as f:
        sentences = [line.split() for line in itertools.islice(f, 2500)]
    model = gensim.models.Word2Vec(
        sentences, vector_size=DIM, min_count=2, workers=1, seed=1, epochs=1
    )
    kv = KeyedVectors(model.wv.index_to_key, model.wv.vectors)
    ours = assert_same_as_gensim(kv, path(ANALOGIES), path(WORDSIM), 30_000, True)
    assert ours.total > 500


def test_analogy_file_is_parsed_once_per_version(tmp_path):
    f = tmp_path / "q.txt"
    f.write_text(": s\na b c d\n")
    first = read_analogies(f)
    assert read_analogies(f) is first  # cached
    f.write_text(": s\na b c d\ne f g h\n")  # a new version (size changes) is read again
    assert [len(q) for _, q in read_analogies(f)] == [2]

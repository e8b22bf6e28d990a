"""`w2vstudio neighbours | analogy | eval`: tables, JSON last lines, one-line errors."""

import json

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.explore.evaluate import evaluate_analogies, evaluate_pairs
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.resources import ANALOGIES, WORDSIM, path

WORDS = [
    "king",
    "queen",
    "man",
    "woman",
    "athens",
    "greece",
    "baghdad",
    "iraq",
    "love",
    "sex",
    "tiger",
]


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(3)
    return KeyedVectors(WORDS, rng.standard_normal((len(WORDS), 8)).astype(np.float32))


@pytest.fixture(scope="module")
def vectors_file(kv, tmp_path_factory):
    f = tmp_path_factory.mktemp("cli") / "vectors.bin"
    save_vectors(kv, f, "bin")
    return str(f)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def last_json(out):
    return json.loads(out.strip().splitlines()[-1])


def as_results(pairs, sd_key="cosine_sd"):
    """A single model's answers: agreement 1 and sd 0 (the keys an ensemble fills in)."""
    return [{"word": w, "score": pytest.approx(s, abs=1e-6), "agreement": 1, sd_key: 0.0} for w, s in pairs]


def test_neighbours(capsys, kv, vectors_file):
    code, out, err = run(capsys, "neighbours", vectors_file, "king", "--topn", "3", "--json")
    assert code == 0 and err == ""
    assert last_json(out) == {"query": [{"word": "king", "sign": "+", "built_from_ngrams": False}], "runs": 1,
                              "results": as_results(kv.most_similar("king", topn=3))}
    code, out, _ = run(capsys, "neighbours", vectors_file, "king", "--topn", "3")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["#", "word", "score"] and len(lines) == 4
    best, score = kv.most_similar("king", topn=1)[0]
    assert lines[1].split() == ["1", best, f"{score:.4f}"]


def test_neighbours_of_a_sum(capsys, kv, vectors_file):
    """The command line takes what the studio's search box does."""
    code, out, _ = run(capsys, "neighbours", vectors_file, "king - man + woman", "--topn", "3", "--json")
    answer = last_json(out)
    assert code == 0 and [(q["word"], q["sign"]) for q in answer["query"]] == [
        ("king", "+"), ("woman", "+"), ("man", "-")]
    assert answer["results"] == as_results(kv.most_similar(["king", "woman"], ["man"], topn=3))


def test_analogy(capsys, kv, vectors_file):
    argv = ["analogy", vectors_file, "man", "king", "woman", "--topn", "4", "--json"]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and last_json(out)["results"] == as_results(
        kv.analogy("man", "king", "woman", topn=4).results, "sd"
    )
    code, out, _ = run(capsys, *argv, "--method", "mul")
    expected = kv.analogy("man", "king", "woman", method="mul", topn=4).results
    assert code == 0 and last_json(out)["results"] == as_results(expected, "sd")


def test_eval_with_given_files(capsys, kv, vectors_file, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text(
        ": capitals\nathens greece baghdad iraq\nbaghdad iraq athens greece\n"
        ": other\nman king woman queen\n"
    )
    pairs1, pairs2 = tmp_path / "p1.tsv", tmp_path / "p2.txt"
    pairs1.write_text("king\tqueen\t8\nman\twoman\t7\nlove\tsex\t6.5\ntiger\tnope\t1\n")
    pairs2.write_text("# space separated\nking man 5\nqueen tiger 1\nathens iraq 2\n")
    code, out, err = run(
        capsys,
        "eval",
        vectors_file,
        "--analogies",
        str(questions),
        "--pairs",
        str(pairs1),
        str(pairs2),
        "--json",
    )
    assert code == 0 and err == ""
    result = last_json(out)
    analogy = evaluate_analogies(kv, questions)
    assert result["analogy"] == analogy.to_dict()  # floats survive JSON exactly
    assert (
        set(result["analogy"]["sections"]) == {"capitals", "other"}
        and result["analogy"]["total"] == 3
    )
    assert result["pairs"] == {str(p): evaluate_pairs(kv, p).to_dict() for p in (pairs1, pairs2)}
    assert result["pairs"][str(pairs1)]["oov_ratio"] == 0.25

    code, out, _ = run(capsys, "eval", vectors_file, "--pairs", str(pairs1), "--json")
    assert (
        code == 0
        and last_json(out)["analogy"] is None
        and list(last_json(out)["pairs"]) == [str(pairs1)]
    )
    code, out, _ = run(
        capsys, "eval", vectors_file, "--analogies", str(questions), "--restrict", "4"
    )
    assert code == 0 and "total" in out and "semantic" in out
    assert "skipped (a word out of the vocabulary): 2" in out


def test_eval_defaults_to_bundled_sets(capsys, kv, vectors_file):
    code, out, _ = run(capsys, "eval", vectors_file, "--json")
    result = last_json(out)
    assert code == 0 and list(result["pairs"]) == [str(path(WORDSIM))]
    assert result["analogy"]["total"] == evaluate_analogies(kv, path(ANALOGIES)).total > 0
    code, out, _ = run(capsys, "eval", vectors_file)
    assert code == 0 and "capital-common-countries" in out and "wordsim353.tsv" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["neighbours", "{vectors}", "kingg"],
            '"kingg" is not in the vocabulary (did you mean: king',
        ),
        (["analogy", "{vectors}", "man", "king", "womann"], '"womann" is not in the vocabulary'),
        (["neighbours", "{missing}", "king"], "missing.bin does not exist"),
        (["neighbours", "{bad}", "king"], "line 1: not a vectors file"),
        (["eval", "{vectors}", "--analogies", "{bad}"], "line 1: expected a section header"),
    ],
)
def test_errors_are_one_line(capsys, vectors_file, tmp_path, argv, message):
    bad = tmp_path / "bad.txt"
    bad.write_text("this is not a vectors file\n")
    names = {"vectors": vectors_file, "missing": str(tmp_path / "missing.bin"), "bad": str(bad)}
    code, out, err = run(capsys, *(a.format(**names) for a in argv))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("w2vstudio: error: ") and message in err


def test_analogy_says_it_leaves_the_inputs_out_and_can_keep_them(capsys, kv, vectors_file):
    code, out, _ = run(capsys, "analogy", vectors_file, "man", "king", "woman", "--topn", "11", "--json")
    data = last_json(out)
    assert code == 0 and data["inputs_excluded"] is True
    assert not {"man", "king", "woman"} & {r["word"] for r in data["results"]}
    code, out, _ = run(capsys, "analogy", vectors_file, "man", "king", "woman")
    assert code == 0 and "left out" in out and "--include-inputs" in out
    code, out, _ = run(capsys, "analogy", vectors_file, "man", "king", "woman", "--topn", "11", "--include-inputs",
                       "--json")
    data = last_json(out)
    assert code == 0 and data["inputs_excluded"] is False
    assert data["results"] == as_results(kv.analogy("man", "king", "woman", topn=11, include_inputs=True).results,
                                         "sd")
    assert {"man", "king", "woman"} <= {r["word"] for r in data["results"]}

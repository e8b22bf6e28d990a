"""`w2vstudio phrases` and `train --phrases`: JSON keys, trigrams only with --phrase-passes, one-line errors."""

import json

import pytest

from tests.cli.cli_checks import one_error_line
from tests.core.corpus.test_phrases import _lines
from w2vstudio.cli import main


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli-phr") / "c.txt"
    path.write_text("\n".join(" ".join(line) for line in _lines()) + "\n")
    return path


def test_phrases_json(corpus, capsys):
    assert main(["phrases", str(corpus), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and set(rows[0]) == {"phrase", "count", "score"}
    assert {"new_york", "peanut_butter"} <= {r["phrase"] for r in rows}
    assert "new_york_city" not in {r["phrase"] for r in rows}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert main(["phrases", str(corpus), "--json", "--top", "1"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    assert main(["phrases", str(corpus), "--json", "--phrase-passes", "2", "--phrase-threshold", "1"]) == 0
    assert "new_york_city" in {r["phrase"] for r in json.loads(capsys.readouterr().out)}


def test_phrases_errors(corpus, capsys, tmp_path):
    assert "--top" in one_error_line(capsys, "phrases", corpus, "--top", "0")
    assert "--phrase-passes" in one_error_line(capsys, "phrases", corpus, "--phrase-passes", "0")
    assert "--phrase-min-count" in one_error_line(capsys, "phrases", corpus, "--phrase-min-count", "0")
    assert "missing.txt" in one_error_line(capsys, "phrases", tmp_path / "missing.txt")


def test_train_phrases(corpus, capsys, tmp_path):
    out = tmp_path / "m.npz"
    assert main(["train", str(corpus), "--phrases", "--epochs", "1", "--dim", "8", "--threads", "1",
                 "--min-count", "2", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["neighbours", str(out), "peanut butter", "--json"]) == 0
    text = capsys.readouterr().out
    assert "peanut_butter" in text
    assert "--phrase-threshold" in one_error_line(capsys, "train", corpus, "--phrases", "--phrase-threshold", "nan",
                                                  "-o", tmp_path / "x.npz")

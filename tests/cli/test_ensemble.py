"""`train --runs K [--bootstrap]` and the commands on the ensemble it writes."""

import json

from tests.cli.cli_checks import one_error_line
from w2vstudio.cli import main
from w2vstudio.core.files.ensemble import MANIFEST

SMALL = ("--dim", "12", "--epochs", "2", "--min-count", "2", "--threads", "1", "--quiet")


def _json(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_train_runs_then_neighbours_with_agreement(topic_file, tmp_path, capsys):
    out = tmp_path / "ens"
    summary = _json(capsys, "train", topic_file, "-o", out, "--runs", "2", "--bootstrap", "--seed", "5", *SMALL)
    assert summary["runs"] == 2 and summary["seeds"] == [5, 6] and summary["documents"] == "lines"
    manifest = json.loads((out / MANIFEST).read_text())
    assert [(r["file"], r["seed"], r["bootstrap"]) for r in manifest["runs"]] == [("run-1.npz", 5, True),
                                                                                  ("run-2.npz", 6, True)]
    assert manifest["runs"][1]["params"]["seed"] == 6 and manifest["runs"][0]["params"]["dim"] == 12
    answer = _json(capsys, "neighbours", out, "sea1", "--topn", "5", "--json")
    assert answer["runs"] == 2 and len(answer["results"]) == 5
    assert all({"word", "score", "agreement", "cosine_sd"} <= set(r) for r in answer["results"])
    assert all(0 <= r["agreement"] <= 2 and r["cosine_sd"] >= 0 for r in answer["results"])
    single = _json(capsys, "neighbours", out / "run-1.npz", "sea1", "--json")
    assert single["runs"] == 1 and all(r["agreement"] == 1 and r["cosine_sd"] == 0 for r in single["results"])
    analogy = _json(capsys, "analogy", out, "sea1", "sea2", "sky1", "--json")
    assert analogy["runs"] == 2 and all("sd" in r for r in analogy["results"])
    assert analogy["inputs_excluded"] and not {"sea1", "sea2", "sky1"} & {r["word"] for r in analogy["results"]}
    kept = _json(capsys, "analogy", out, "sea1", "sea2", "sky1", "--include-inputs", "--topn", "50", "--json")
    assert not kept["inputs_excluded"] and {"sea2", "sky1"} <= {r["word"] for r in kept["results"]}
    axis = _json(capsys, "axis", out, "--from", "sea1", "--to", "sky1", "--words", "sea2", "sky2", "--json")
    assert axis["runs"] == 2 and [w["word"] for w in axis["words"]] == ["sea2", "sky2"]
    assert all("sd" in w for w in axis["words"])
    assert axis["words"][0]["score"] < axis["words"][1]["score"]
    assert set(axis["baseline"]) == {"mean", "sd"} and axis["centred"] is None
    assert all(0 <= w["percentile"] <= 100 for w in axis["words"])
    centred = _json(capsys, "axis", out, "--from", "sea1", "--to", "sky1", "--top", "3", "--centre", "1", "--json")
    assert centred["runs"] == 2 and centred["centred"] == 1 and len(centred["words"]) == 6
    assert all({"word", "score", "sd", "percentile"} <= set(w) for w in centred["words"])
    assert abs(centred["baseline"]["mean"]) < 0.2  # centred: the mean word near zero
    info = _json(capsys, "info", out, "--json")
    assert info["ensemble"]["seeds"] == [5, 6] and info["path"].endswith("run-1.npz")


def test_runs_of_seeds_and_bad_input(topic_file, tmp_path, capsys):
    summary = _json(capsys, "train", topic_file, "-o", tmp_path / "e", "--runs", "2", *SMALL)
    assert summary["bootstrap"] is False and summary["documents"] is None
    assert "--runs" in one_error_line(capsys, "train", topic_file, "-o", tmp_path / "x", "--runs", "0", *SMALL)
    assert "must not be one of the corpus" in one_error_line(capsys, "train", topic_file, "-o", topic_file,
                                                             "--runs", "2", *SMALL)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a.txt").write_text("x")
    assert "neither empty nor an ensemble" in one_error_line(capsys, "train", topic_file, "-o", tmp_path / "full",
                                                             "--runs", "2", *SMALL)
    (tmp_path / "e" / MANIFEST).write_text("{")
    assert "manifest.json" in one_error_line(capsys, "neighbours", tmp_path / "e", "sea1")


def test_a_run_file_of_the_ensemble_may_not_be_an_input(topic_file, tmp_path, capsys):
    out = tmp_path / "e"
    _json(capsys, "train", topic_file, "-o", out, "--runs", "2", "--format", "txt", *SMALL)
    error = one_error_line(capsys, "train", out / "run-1.txt", "-o", out, "--runs", "2", "--format", "txt", *SMALL)
    assert "one of the inputs" in error
    assert (out / "run-1.txt").stat().st_size > 0

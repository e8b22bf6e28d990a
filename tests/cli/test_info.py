"""`w2vstudio info`: a readable table, or one JSON object, for models with and without snapshots."""

import json

from w2vstudio.cli import main

SMALL = ("--dim", "12", "--epochs", "2", "--min-count", "2", "--threads", "1", "--quiet")


def _run(capsys, *argv):
    code = main([*map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_info_json_reports_snapshots_and_epoch_quality(topic_file, tmp_path, capsys):
    model = tmp_path / "m.npz"
    code, out, err = _run(capsys, "train", topic_file, "-o", model, *SMALL, "--snapshots", "5", "--eval-each-epoch")
    assert code == 0, err
    trained = json.loads(out.strip().splitlines()[-1])
    code, out, err = _run(capsys, "info", model, "--json")
    assert code == 0 and err == ""
    info = json.loads(out.strip().splitlines()[-1])
    assert info["vocab_size"] == 20 and info["dim"] == 12 and info["epochs_trained"] == 2
    # the CLI's batches (50,000 words) hold the whole tiny corpus: one snapshot per epoch, and the start
    assert info["snapshots"] == trained["snapshots"] == 3
    assert info["snapshots_per_epoch"] == 5 and info["tracked_words"] == 20
    assert info["epoch_quality"] == trained["epoch_quality"]
    assert [q["epoch"] for q in info["epoch_quality"]] == [1, 2]
    assert set(info["epoch_quality"][0]) == {"epoch", "analogy", "ws353"}
    assert info["epoch_losses"] == trained["epoch_losses"] and info["params"]["dim"] == 12


def test_info_table_for_a_model_without_snapshots(topic_file, tmp_path, capsys):
    model = tmp_path / "m.npz"
    assert _run(capsys, "train", topic_file, "-o", model, *SMALL)[0] == 0
    code, out, err = _run(capsys, "info", model)
    assert code == 0 and err == ""
    rows = {line[:16].strip(): line[16:] for line in out.strip().splitlines()}  # names are 16 wide
    assert rows["vocabulary"] == "20 words" and rows["dimensions"] == "12"
    assert rows["epochs trained"] == "2" and rows["snapshots"] == "none" and rows["epoch quality"] == "none"
    assert len(rows["epoch losses"].split()) == 2
    info = json.loads(_run(capsys, "info", model, "--json")[1])
    assert info["snapshots"] == 0 and info["epoch_quality"] == []


def test_info_table_lists_epoch_quality(topic_file, tmp_path, capsys):
    model = tmp_path / "m.npz"
    _run(capsys, "train", topic_file, "-o", model, *SMALL, "--eval-each-epoch")
    out = _run(capsys, "info", model)[1].splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("epoch quality"))
    assert out[start].split()[2:] == ["epoch", "analogy", "WS-353"]
    assert [line.split() for line in out[start + 1:]] == [["1", "n/a", "n/a"], ["2", "n/a", "n/a"]]


def test_info_on_a_file_that_is_not_a_model(tmp_path, capsys):
    (tmp_path / "v.txt").write_text("2 2\na 1 2\nb 3 4\n")
    for path in (tmp_path / "v.txt", tmp_path / "missing.npz"):
        code, out, err = _run(capsys, "info", path)
        assert code == 1 and out == ""
        assert len(err.strip().splitlines()) == 1 and err.startswith("w2vstudio: error: ")

"""`train` refuses impossible parameters, a huge dimension and an unwritable output in one line;
a result that cannot be written is rescued; the summary is valid JSON."""

import errno
import json
import os
from pathlib import Path

import pytest

from w2vstudio.cli import main
from w2vstudio.core import run as run_module
from w2vstudio.core.train.model import Model

SMALL = ("--dim", "8", "--epochs", "1", "--min-count", "1", "--threads", "1", "--quiet")


def _train(capsys, *argv):
    code = main(["train", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def _strict_json(text: str):
    def refuse(name):
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("flag,value,says", [
    ("--threads", "-1", "--threads -1: must be from 0 to"),
    ("--alpha", "inf", "--alpha inf: must be a finite number"),
    ("--alpha", "1e30", "--alpha 1e+30: must be from"),
    ("--min-alpha", "1", "--min-alpha 1: the final learning rate must not be above the starting one (--alpha 0.025)"),
    ("--ns-exponent", "nan", "--ns-exponent nan: must be a finite number"),
    ("--sample", "nan", "--sample nan: must be a finite number"),
    ("--max-vocab", "-1", "--max-vocab -1: must be from 0"),
    ("--seed", "-1", "--seed -1: must be from 0"),
    ("--epochs", "0", "--epochs 0: must be from 1"),
    ("--window", "0", "--window 0: must be from 1"),
])
def test_impossible_parameters_are_refused_naming_the_flag_and_value(topic_file, tmp_path, capsys, flag, value, says):
    code, out, err = _train(capsys, topic_file, "-o", tmp_path / "m.npz", "--quiet", flag, value)
    assert code == 1 and out == ""
    assert err.splitlines() == [f"w2vstudio: error: {err.splitlines()[0][len('w2vstudio: error: '):]}"]
    assert says in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [topic_file]


def test_max_vocab_0_means_no_limit(topic_file, tmp_path, capsys):
    code, out, err = _train(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL, "--max-vocab", "0")
    assert code == 0, err
    assert _strict_json(out)["vocab_size"] == 20
    code, out, err = _train(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL, "--max-vocab", "3")
    assert code == 0 and _strict_json(out)["vocab_size"] == 3


def test_help_says_what_max_vocab_0_means(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--max-vocab N" in text and "(0: no limit)" in text


def test_a_huge_dimension_says_how_much_memory_it_needs(topic_file, tmp_path, capsys):
    code, out, err = _train(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL, "--dim", str(10**9))
    assert code == 1 and out == "" and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert "20 words x 1,000,000,000 dimensions needs 160.0 GB of memory" in err and "lower --dim" in err


def test_memory_is_checked_against_what_is_available(topic_file, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(run_module, "available_memory", lambda: 1000)
    code, out, err = _train(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL)
    assert code == 1 and "needs 1.3 KB of memory for its weights, 1.0 KB is available" in err


def test_one_word_sentences_give_null_losses_and_say_so(tmp_path, capsys):
    corpus = tmp_path / "words.txt"
    corpus.write_text("alpha\nbeta\ngamma\n" * 20)
    code, out, err = _train(capsys, corpus, "-o", tmp_path / "m.npz", *SMALL)
    assert code == 0, err
    assert "NaN" not in out
    summary = _strict_json(out)
    assert summary["epoch_losses"] == [None]
    assert summary["note"].startswith("nothing to predict in epoch 1")
    assert "nothing to predict" in err
    assert Model.load(tmp_path / "m.npz").epochs_trained == 1


def test_an_output_folder_that_cannot_be_written_is_found_before_training(topic_file, tmp_path, capsys, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)
    trained = []
    monkeypatch.setattr(run_module.Trainer, "train", lambda self, *a: trained.append(1))
    code, out, err = _train(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL)
    assert code == 1 and out == "" and not trained
    assert err == f"w2vstudio: error: cannot write {tmp_path / 'm.npz'}: Permission denied\n"


@pytest.mark.parametrize("fmt", ["model", "txt"])
def test_a_result_that_cannot_be_written_is_rescued(topic_file, tmp_path, capsys, monkeypatch, fmt):
    out_path = tmp_path / f"m.{'npz' if fmt == 'model' else 'txt'}"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    real_replace = os.replace

    def full_disk(src, dst, *args, **kwargs):
        if str(dst) == str(out_path):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr("os.replace", full_disk)
    code, out, err = _train(capsys, topic_file, "-o", out_path, *SMALL, "--format", fmt)
    assert code == 1 and "Traceback" not in err
    summary = _strict_json(out)
    rescued = tmp_path / "data" / "w2vstudio" / "rescued"
    assert summary["rescued"] is True and summary["output"].startswith(str(rescued))
    assert err.splitlines() == [f"w2vstudio: error: cannot write {out_path}: No space left on device; "
                                f"the {'model' if fmt == 'model' else 'vectors'} were saved to {summary['output']}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "topics.txt"]  # no temporary file left
    if fmt == "model":
        assert len(Model.load(summary["output"]).vocab) == 20
    else:
        assert Path(summary["output"]).read_text().splitlines()[0] == "20 8"


def test_a_binary_file_in_a_folder_is_skipped_and_listed(tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("the sea and the sky\n" * 30)
    (folder / "b.bin").write_bytes(b"\x00\x01\x02\x03" * 100)
    code, out, err = _train(capsys, folder, "-o", tmp_path / "m.npz", *SMALL)
    assert code == 0, err
    [skipped] = _strict_json(out)["skipped"]
    assert skipped["path"] == str(folder / "b.bin") and skipped["reason"]
    assert f"w2vstudio: warning: skipped {folder / 'b.bin'}: " in err
    assert Model.load(tmp_path / "m.npz").info["corpus"] == [str((folder / "a.txt").absolute())]

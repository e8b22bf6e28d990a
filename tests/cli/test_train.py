"""`w2vstudio train` end to end."""

import json

import numpy as np
import pytest

from tests.cli.cli_checks import one_error_line
from w2vstudio.cli import main
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.snapshots import SnapshotRecorder


def _run(capsys, *argv):
    code = main(["train", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


SMALL = ("--dim", "12", "--epochs", "2", "--min-count", "2", "--threads", "1", "--quiet")


def test_train_writes_model_and_prints_json(topic_file, tmp_path, capsys):
    code, out, err = _run(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL)
    assert code == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["raw_words"] == len(topic_file.read_text().split())
    assert summary["vocab_size"] == 20 and summary["dim"] == 12
    assert len(summary["epoch_losses"]) == 2
    assert summary["train_seconds"] >= 0 and summary["raw_words_per_sec"] > 0  # 0.000 s for a tiny corpus
    model = Model.load(tmp_path / "m.npz")
    assert model.epoch_losses == summary["epoch_losses"]
    assert model.params.batch_words == 50_000


def test_batch_words_sets_the_batches(topic_file, tmp_path, capsys):
    code, _, err = _run(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL, "--batch-words", "100")
    assert code == 0, err
    model = Model.load(tmp_path / "m.npz")
    assert model.params.batch_words == 100
    batches_per_epoch = len(model.loss_history) / 2
    assert batches_per_epoch >= len(topic_file.read_text().split()) / 100 / 2  # ~one per 100 words


def test_continue_from_a_saved_model(topic_file, tmp_path, capsys):
    _run(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL)
    (tmp_path / "more.txt").write_text("sea1 whale whale whale\n" * 5)
    code, out, err = _run(capsys, tmp_path / "more.txt", "--continue-from", tmp_path / "m.npz",
                          "-o", tmp_path / "m2.npz", *SMALL)
    assert code == 0, err
    model = Model.load(tmp_path / "m2.npz")
    assert "whale" in model.vocab and model.epochs_trained == 4 and model.dim == 12


@pytest.mark.parametrize("fmt,binary", [("bin", True), ("txt", False)])
def test_word2vec_export_reads_in_gensim(topic_file, tmp_path, capsys, fmt, binary):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors")
    code, _, err = _run(capsys, topic_file, "-o", tmp_path / f"v.{fmt}", "--format", fmt, *SMALL)
    assert code == 0, err
    kv = gensim_kv.KeyedVectors.load_word2vec_format(str(tmp_path / f"v.{fmt}"), binary=binary)
    assert len(kv.index_to_key) == 20 and kv.vector_size == 12
    assert kv.index_to_key[0] in {"the", "a", "of", "and"}
    assert np.isfinite(kv.vectors).all() and np.abs(kv.vectors).sum() > 0


@pytest.mark.parametrize("argv,message", [
    (["{missing}", "-o", "{tmp}/m.npz"], "does not exist"),
    (["{binary}", "-o", "{tmp}/m.npz"], "binary file"),
    (["{empty}", "-o", "{tmp}/m.npz"], "no words"),
    (["{topics}", "-o", "{tmp}/m.npz", "--min-count", "100000"], "minimum count"),
    (["{topics}", "-o", "{tmp}/no/such/dir/m.npz"], "does not exist"),
    (["{topics}", "-o", "{tmp}", "--min-count", "1"], "is a folder"),
    (["{topics}", "-o", "{tmp}/m.npz", "--negative", "0"], "negative sampling"),
    (["{topics}", "-o", "{tmp}/m.npz", "--batch-words", "0"], "--batch-words 0"),
    (["{topics}", "-o", "{tmp}/m.txt", "--snapshots", "2", "--format", "txt"], "needs --format model"),
    (["{topics}", "-o", "{tmp}/m.npz", "--snapshots", "-1"], "must not be negative"),
    (["{topics}", "-o", "{tmp}/m.npz", "--snapshots", "2", "--pin", "whale"], '"whale" is not in the vocabulary'),
])
def test_bad_input_is_one_line_without_traceback(topic_file, tmp_path, capsys, argv, message):
    (tmp_path / "binary.dat").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "empty.txt").write_text("")
    names = dict(missing=tmp_path / "missing.txt", binary=tmp_path / "binary.dat", empty=tmp_path / "empty.txt",
                 topics=topic_file, tmp=tmp_path)
    code, out, err = _run(capsys, *[a.format(**names) for a in argv], "--quiet")
    assert code == 1
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("w2vstudio: error: ") and message in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize("uri", ["hdfs://nn:8020/corpus", "s3a://bucket/corpus/", "file://otherhost/corpus.txt"])
def test_a_uri_this_computer_cannot_read_is_one_line(tmp_path, capsys, uri):
    line = one_error_line(capsys, "train", uri, "-o", tmp_path / "m.npz", *SMALL)
    assert line == (f"w2vstudio: error: {uri}: a URI, which this computer does not read (give a local file or "
                    "folder; train --engine spark reads URIs)")
    assert not (tmp_path / "m.npz").exists()


def test_a_file_uri_of_this_computer_is_its_path(topic_file, tmp_path, capsys):
    named = tmp_path / "a b.txt"
    named.write_bytes(topic_file.read_bytes())
    code, _, err = _run(capsys, f"file://{str(named).replace(' ', '%20')}", "-o", tmp_path / "m.npz", *SMALL)
    assert code == 0, err
    assert Model.load(tmp_path / "m.npz").info["corpus"] == [str(named)]
    line = one_error_line(capsys, "train", f"file://{tmp_path}/missing.txt", "-o", tmp_path / "m2.npz", *SMALL)
    assert line == f"w2vstudio: error: {tmp_path}/missing.txt does not exist"


def test_output_under_a_file_is_one_clear_line(topic_file, tmp_path, capsys):
    code, out, err = _run(capsys, topic_file, "-o", topic_file / "m.npz", *SMALL)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_snapshots_and_epoch_quality_are_stored_and_extended(topic_file, tmp_path, capsys):
    code, out, err = _run(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL, "--snapshots", "3",
                          "--track", "4", "--pin", "sea5", "--eval-each-epoch")
    assert code == 0, err
    assert [line for line in err.splitlines() if "quality" in line] == [
        "epoch 1 quality: analogy n/a, WS-353 n/a", "epoch 2 quality: analogy n/a, WS-353 n/a"]
    model = Model.load(tmp_path / "m.npz")
    recorder = SnapshotRecorder.load_from(model)
    assert recorder.words == model.vocab.words[:4] + ["sea5"] and recorder.per_epoch == 3
    assert len(recorder) == 3  # the start, then one per batch: each epoch is one batch here
    np.testing.assert_allclose(recorder.snapshot(-1), model.vectors[recorder.tracked_ids], rtol=1e-3)
    assert [q["epoch"] for q in model.info["epoch_quality"]] == [1, 2]

    code, out, err = _run(capsys, topic_file, "--continue-from", tmp_path / "m.npz", "-o", tmp_path / "m2.npz",
                          *SMALL, "--snapshots", "3", "--eval-each-epoch")
    assert code == 0, err
    model = Model.load(tmp_path / "m2.npz")
    times = SnapshotRecorder.load_from(model).times()
    assert times["epoch"].tolist() == [0, 1, 2, 3, 4] and json.loads(out)["snapshots"] == 5
    assert [q["epoch"] for q in model.info["epoch_quality"]] == [1, 2, 3, 4]


def test_progress_goes_to_stderr_and_stdout_holds_the_summary_only(topic_file, tmp_path, capsys):
    code, out, err = _run(capsys, topic_file, "-o", tmp_path / "m.npz", *SMALL[:-1])  # not --quiet
    assert code == 0, err
    assert len(out.splitlines()) == 1 and json.loads(out)["epochs"] == 2
    assert "scanning" in err and "training" in err and "epoch 2 done: mean loss" in err
    model = Model.load(tmp_path / "m.npz")
    assert model.info["epoch_words"] == json.loads(out)["corpus_words"]
    assert model.info["corpus"] == [str(topic_file.absolute())]

"""Crafted and foreign model files: each refused in one line naming the file, before any kernel
sees an array, without loading a pickle or inflating a bomb."""

import io
import json
import os
import pickle
import struct
import tracemalloc
import zipfile

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.errors import FormatError
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.snapshots import SnapshotRecorder, stored_snapshots
from w2vstudio.core.vocab import Vocabulary

WORDS = ["the", "cat", "sat", "mat"]


def small_model(**params) -> Model:
    params = {"dim": 4, "min_count": 1, "hs": True, **params}
    return Model.create(Vocabulary(WORDS, [9, 5, 3, 2]), TrainParams(**params))


def members(tmp_path, model: Model | None = None) -> dict:
    """The arrays of a model file as written, and its metadata as a dict (under "meta")."""
    path = tmp_path / "good.npz"
    (model or small_model()).save(path)
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["meta"] = json.loads(arrays["meta"].tobytes())
    return arrays


def write(path, arrays: dict) -> None:
    """A model file of these arrays (dict metadata encoded; np.savez pickles object arrays)."""
    arrays = dict(arrays)
    if isinstance(arrays.get("meta"), dict):
        arrays["meta"] = np.frombuffer(json.dumps(arrays["meta"]).encode(), np.uint8)
    np.savez(path, **arrays)


def refused(capsys, path, *more) -> str:
    """`info PATH` (or the command given) fails with one line naming the file; that line."""
    argv = more or ("info", str(path))
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 1 and out == "", err
    assert len(err.strip().splitlines()) == 1 and err.startswith("w2vstudio: error: "), err
    assert str(path) in err
    assert "allow_pickle" not in err and "Traceback" not in err
    return err


def crafted(tmp_path, **changes) -> os.PathLike:
    """The small model's file with members replaced (None: removed) or metadata keys changed."""
    arrays = members(tmp_path)
    for key, value in changes.items():
        if key.startswith("meta_"):
            arrays["meta"][key[5:]] = value
        elif value is None:
            del arrays[key]
        else:
            arrays[key] = value
    path = tmp_path / "crafted.npz"
    write(path, arrays)
    return path


V, D = len(WORDS), 4
BAD_ARRAYS = {
    "syn1neg of the wrong width": dict(syn1neg=np.zeros((V, 3), np.float32), meta_params={
        "dim": 4, "min_count": 1, "hs": False, "negative": 5}),
    "syn1 with a row too many": dict(syn1=np.zeros((V, D), np.float32)),
    "syn1 missing from a trained model": dict(syn1=None),
    "vectors one row short": dict(vectors=np.zeros((V - 1, D), np.float32)),
    "vectors as float64": dict(vectors=np.zeros((V, D))),
    "string vectors": dict(vectors=np.array([["a"] * D] * V)),
    "vectors of one dimension": dict(vectors=np.zeros(V, np.float32)),
    "vectors with NaN": dict(vectors=np.full((V, D), np.nan, np.float32)),
    "counts of the wrong type": dict(counts=np.ones(V, np.float64)),
    "negative counts": dict(counts=-np.ones(V, np.int64)),
    "counts too short": dict(counts=np.ones(V - 1, np.int64)),
    "words repeated": dict(words=np.frombuffer(b"the\ncat\nthe\nmat", np.uint8)),
    "words not UTF-8": dict(words=np.frombuffer(b"the\ncat\n\xff\nmat", np.uint8)),
    "too few words": dict(words=np.frombuffer(b"the\ncat", np.uint8)),
    "words missing": dict(words=None),
    "loss history of the wrong shape": dict(loss_history=np.zeros((2, 4))),
    "loss history with infinite words": dict(loss_history=np.array([[np.inf, 0.02, 1.0]])),
    "an unexpected member": dict(other=np.zeros(2)),
    "an extra of strings": dict(extra_notes=np.array(["hi"])),
    "metadata of the wrong type": dict(meta=np.zeros(3, np.float32)),
    "params as a list": dict(meta_params=[1, 2, 3]),
    "params of the wrong type": dict(meta_params={"dim": "4", "hs": True}),
    "params out of range": dict(meta_params={"dim": 4, "hs": True, "window": -1}),
    "params dim unlike the vectors": dict(meta_params={"dim": 5, "hs": True}),
    "vocab size unlike the vectors": dict(meta_vocab_size=10**12),
    "epoch losses not numbers": dict(meta_epoch_losses=["low"]),
    "epochs trained negative": dict(meta_epochs_trained=-1),
    "raw words a string": dict(meta_raw_words="many"),
    "info a list": dict(meta_info=[]),
    "quality scores as text": dict(meta_info={"epoch_quality": [{"epoch": 1, "ws353": "high"}]}),
    "snapshot settings as text": dict(meta_info={"snapshots": {"per_epoch": "ten"}}),
    "a version as text": dict(meta_version="1"),
}


@pytest.mark.parametrize("case", BAD_ARRAYS)
def test_crafted_arrays_and_metadata_are_one_line(tmp_path, capsys, case):
    path = crafted(tmp_path, **BAD_ARRAYS[case])
    with pytest.raises(FormatError) as err:
        Model.load(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    refused(capsys, path)


NEIGHBOURS = ("vectors of the wrong shape", "string vectors", "vectors with NaN", "negative counts", "words repeated",
              "params as a list", "epoch losses not numbers", "quality scores as text", "an unexpected member")


@pytest.mark.parametrize("case", NEIGHBOURS)
def test_vectors_commands_refuse_them_too(tmp_path, capsys, case):
    changes = BAD_ARRAYS.get(case) or dict(vectors=np.zeros((V, D + 1, 1), np.float32))
    path = crafted(tmp_path, **changes)
    refused(capsys, path, "neighbours", str(path), "the")


def test_a_newer_format_asks_for_an_update(tmp_path, capsys):
    assert "update w2vstudio" in refused(capsys, crafted(tmp_path, meta_version=2))


def test_wrong_width_output_weights_never_reach_the_kernels(tmp_path, capsys, topic_file):
    """Reproduces "double free or corruption" (exit 134) of `train --continue-from`."""
    model = small_model(hs=False, negative=5)
    model.syn1neg = np.zeros((V, 3), np.float32)
    model.save(tmp_path / "bad.npz")
    err = refused(capsys, tmp_path / "bad.npz", "train", str(topic_file), "-o", str(tmp_path / "out.npz"),
                  "--continue-from", str(tmp_path / "bad.npz"), "--min-count", "1", "--threads", "1", "--quiet")
    assert "syn1neg" in err and not (tmp_path / "out.npz").exists()


def test_a_pickle_member_is_never_loaded(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: pytest.fail("a pickle was loaded"))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: pytest.fail("a pickle was loaded"))
    path = crafted(tmp_path, vectors=np.array([{"evil": 1}] * V, dtype=object))
    assert "pickled Python objects" in refused(capsys, path)


def test_deeply_nested_metadata_is_one_line(tmp_path, capsys):
    arrays = members(tmp_path)
    meta = json.dumps(arrays["meta"])[:-1] + ', "info": {"deep": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    arrays["meta"] = np.frombuffer(meta.encode(), np.uint8)
    write(tmp_path / "deep.npz", arrays)
    assert "nested" in refused(capsys, tmp_path / "deep.npz")
    arrays["meta"] = json.loads(json.dumps(members(tmp_path)["meta"]))
    arrays["meta"]["info"] = {"deep": json.loads("[" * 100 + "]" * 100)}  # parses, but too deep
    write(tmp_path / "deep.npz", arrays)
    assert "nested" in refused(capsys, tmp_path / "deep.npz")


def npy_bytes(header_shape: tuple, dtype=np.uint8) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": np.dtype(dtype).str, "fortran_order": False,
                                               "shape": header_shape})
    return buf.getvalue()


def bomb(path, member: str, header_shape: tuple, payload: int, others: dict) -> None:
    """A zip whose `member` announces `header_shape` and inflates to `payload` zero bytes more."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, array in others.items():
            if name != member:
                buf = io.BytesIO()
                np.lib.format.write_array(buf, array, allow_pickle=False)
                z.writestr(name + ".npy", buf.getvalue())
        with z.open(member + ".npy", "w", force_zip64=True) as f:
            f.write(npy_bytes(header_shape))
            zeros = bytes(1 << 20)
            for _ in range(payload >> 20):
                f.write(zeros)


@pytest.mark.parametrize("member, announced", [("meta", 1 << 30), ("meta", 100), ("words", 1 << 30)])
def test_a_decompression_bomb_is_refused_before_it_is_inflated(tmp_path, capsys, member, announced):
    """A small file whose member inflates to far more than the format allows (or than its own
    header says): refused from the headers, with little memory."""
    arrays = members(tmp_path)
    arrays["meta"] = np.frombuffer(json.dumps(arrays["meta"]).encode(), np.uint8)
    path = tmp_path / "bomb.npz"
    bomb(path, member, (announced,), 64 << 20, arrays)
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        with pytest.raises(FormatError, match="its member '(meta|words)' (announces|holds)"):
            Model.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20
    refused(capsys, path)


def fasttext_bin() -> bytes:
    return struct.pack("<ii", 0x2F4F16BA, 12) + bytes(64)


FOREIGN = {
    "gensim pickle": (lambda: pickle.dumps({"wv": [1.0, 2.0]}, protocol=4), "a Python pickle"),
    "fastText model": (fasttext_bin, "a fastText model"),
    "word2vec text": (lambda: b"2 3\na 1 2 3\nb 4 5 6\n", "holds word vectors (word2vec-txt)"),
    "word2vec binary": (lambda: b"1 2\na " + np.ones(2, "<f4").tobytes() + b"\n", "holds word vectors (word2vec-bin)"),
    "numpy array": (lambda: npy_bytes((3,)) + bytes(3), "a single NumPy array"),
    "plain text": (lambda: "hello world\n".encode(), "is not a w2vstudio model"),
    "empty": (lambda: b"", "is empty"),
    "gzip": (lambda: b"\x1f\x8b\x08\x00" + bytes(20), "gzip-compressed"),
}


@pytest.mark.parametrize("case", FOREIGN)
def test_a_file_that_is_not_a_model_says_what_it_is(tmp_path, capsys, case, topic_file):
    content, said = FOREIGN[case]
    path = tmp_path / "model.npz"
    path.write_bytes(content())
    assert said in refused(capsys, path)
    err = refused(capsys, path, "train", str(topic_file), "-o", str(tmp_path / "out.npz"),
                  "--continue-from", str(path), "--quiet")
    assert said in err


def test_a_zip_that_is_not_ours(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as z:
        z.writestr("cat.jpg", b"\xff\xd8")
    assert "zip or .npz file that is not a w2vstudio model" in refused(capsys, tmp_path / "photos.zip")
    np.savez(tmp_path / "other.npz", meta=np.frombuffer(b'{"format": "theirs"}', np.uint8))
    assert "not a w2vstudio model" in refused(capsys, tmp_path / "other.npz")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(tmp_path, capsys):
    os.mkfifo(tmp_path / "m.npz")
    assert "FIFO" in refused(capsys, tmp_path / "m.npz")
    with pytest.raises(FormatError, match="not a regular file"):
        Model.load(tmp_path / "m.npz")


def test_nan_is_written_as_null_and_read_back_as_nan(tmp_path, capsys):
    model = small_model()
    model.epoch_losses = [float("nan"), 1.5]
    model.info["epoch_quality"] = [{"epoch": 1, "analogy": float("nan"), "ws353": None}]
    model.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as z:
        text = z["meta"].tobytes().decode()
    assert "NaN" not in text and json.loads(text)["epoch_losses"] == [None, 1.5]
    back = Model.load(tmp_path / "m.npz")
    assert np.isnan(back.epoch_losses[0]) and back.epoch_losses[1] == 1.5
    assert main(["info", str(tmp_path / "m.npz"), "--json"]) == 0
    out = capsys.readouterr().out

    def no_constants(name):
        raise AssertionError(f"{name} in the JSON")

    info = json.loads(out, parse_constant=no_constants)
    assert info["epoch_losses"] == [None, 1.5]
    assert main(["info", str(tmp_path / "m.npz")]) == 0
    rows = {line[:16].strip(): line[16:] for line in capsys.readouterr().out.splitlines()}
    assert rows["epoch losses"].split() == ["n/a", "1.5000"]


SNAPSHOTS = {
    "ids out of range": dict(extra_snapshot_ids=np.array([0, 99])),
    "ids repeated": dict(extra_snapshot_ids=np.array([1, 1])),
    "times of another layout": dict(extra_snapshot_times=np.zeros(2)),
    "vectors of the wrong shape": dict(extra_snapshot_vectors=np.zeros((2, 2, 3), np.float16)),
    "a part missing": dict(extra_snapshot_vectors=None),
}


@pytest.mark.parametrize("case", SNAPSHOTS)
def test_damaged_snapshots_are_one_line(tmp_path, capsys, case):
    model = small_model()
    recorder = SnapshotRecorder(model, np.array([0, 1]), per_epoch=1)
    recorder.start(epochs=1)
    recorder._take(10, 1, 0.01, 1.0)  # a second snapshot, as training would take
    recorder.save_into(model)
    arrays = members(tmp_path, model)
    path = tmp_path / "snap.npz"
    for key, value in SNAPSHOTS[case].items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    write(path, arrays)
    loaded = Model.load(path)
    with pytest.raises(FormatError, match="snapshots are damaged"):
        stored_snapshots(loaded)
    with pytest.raises(FormatError, match="snapshots are damaged"):
        SnapshotRecorder.load_from(loaded)
    assert "snapshots are damaged" in refused(capsys, path)


def test_a_vectors_only_model_file_still_loads(tmp_path):
    """Files written with vectors only (no parameters, no output weights) stay readable."""
    from w2vstudio.core.files.vectorfiles import save_vectors
    from w2vstudio.core.vectors import KeyedVectors

    save_vectors(KeyedVectors(WORDS, np.eye(V, D, dtype=np.float32)), tmp_path / "v.npz", "model")
    model = Model.load(tmp_path / "v.npz")
    assert model.vocab.words == WORDS and model.params.dim == D
    model.check()  # output weights as the parameters need them: it can go on training

"""Crafted session folders: session.json is checked against its schema,
model files that are links are refused, and saving never writes through a link."""

import json
import os

import numpy as np
import pytest

from w2vstudio.core.files import sessionfile as session_module
from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.files.sessionfile import SESSION_FILE, load_session, save_session
from w2vstudio.core.vectors import KeyedVectors


def kv() -> KeyedVectors:
    return KeyedVectors(["a", "b"], np.eye(2, dtype=np.float32))


@pytest.fixture
def folder(tmp_path):
    """A valid session of two vectors entries."""
    path = tmp_path / "s"
    save_session(path, [("one", kv()), ("two", kv())], pins=["a"], probe=("a", "b", "a", "b"), current=0)
    return path


def rewrite(folder, **changes):
    index = folder / SESSION_FILE
    data = json.loads(index.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key.startswith("model_"):
            data["models"][0][key[6:]] = value
        else:
            data[key] = value
    index.write_text(json.dumps(data), encoding="utf-8")


def refused(folder, match: str) -> str:
    with pytest.raises(FormatError) as err:
        load_session(folder)
    message = str(err.value)
    assert "\n" not in message and (SESSION_FILE in message or "model-1.npz" in message), message
    assert match in message, message
    return message


SCHEMA = {
    "a name that is an object": (dict(model_name={"a": 1}), "the name of model 1 is {\"a\": 1}"),
    "an empty name": (dict(model_name=""), "the name of model 1"),
    "a name too long": (dict(model_name="x" * 5000), "not a text of 1 to 1,000 characters"),
    "a file in the parent folder": (dict(model_file="../elsewhere.npz"), "not a file name in the folder"),
    "an absolute file": (dict(model_file="/etc/passwd"), "not a file name in the folder"),
    "a file in a subfolder": (dict(model_file="sub/model.npz"), "not a file name in the folder"),
    "a hidden file": (dict(model_file=".model.npz"), "not a file name in the folder"),
    "a file that is a number": (dict(model_file=7), "not a file name in the folder"),
    "an unknown kind": (dict(model_kind="pickle"), "not one of model, vectors, fasttext"),
    "a fastText model without its source": (dict(model_kind="fasttext"), "the source of model 1 is null"),
    "a fastText model in a relative place": (dict(model_kind="fasttext", model_source="m.bin", model_size=1,
                                                  model_mtime_ns=1), "not an absolute path"),
    "models not a list": (dict(models={"a": 1}), "its models are"),
    "a model not an object": (dict(models=["model-1.npz"]), "model 1 is"),
    "pins not a list": (dict(pins="a"), "its pinned words are"),
    "a pin not text": (dict(pins=[["a"]]), "a pinned word is"),
    "too many pins": (dict(pins=["a"] * 10_001), "not a list of at most 10,000"),
    "an analogy of three words": (dict(analogy=["a", "b", "c"]), "not four words"),
    "an analogy of numbers": (dict(analogy=[1, 2, 3, 4]), "a word of its analogy is 1"),
    "current out of range": (dict(current=2), "not one of its 2 models"),
    "current negative": (dict(current=-1), "not one of its 2 models"),
    "current a boolean": (dict(current=True), "its current model is true"),
    "current as text": (dict(current="0"), "its current model is \"0\""),
    "a version as text": (dict(version="1"), "its version is \"1\""),
    "a newer version": (dict(version=2), "its version is 2"),
    "two models, one file": (dict(models=[{"name": "a", "file": "model-1.npz", "kind": "vectors"}] * 2),
                             "two models share a file"),
}


@pytest.mark.parametrize("case", SCHEMA)
def test_each_field_is_checked(folder, case):
    changes, message = SCHEMA[case]
    rewrite(folder, **changes)
    refused(folder, message)


def test_too_many_models(folder):
    rewrite(folder, models=[{"name": f"m{i}", "file": f"model-{i}.npz", "kind": "vectors"} for i in range(1001)])
    refused(folder, "not a list of at most 1,000")


@pytest.mark.parametrize("text, message", [
    ("[" * 100_000 + "]" * 100_000, "damaged (nested too deeply)"),
    ("{", "damaged"),
    ("[1, 2]", "not a w2vstudio session"),
    ('{"format": "w2vstudio-model"}', "not a w2vstudio session"),
])
def test_damaged_or_foreign_descriptions(folder, text, message):
    (folder / SESSION_FILE).write_text(text, encoding="utf-8")
    refused(folder, message)
    (folder / SESSION_FILE).write_bytes(b"\xff\xfe{}")
    refused(folder, "damaged")


def test_an_oversized_description_is_not_read(folder, monkeypatch):
    monkeypatch.setattr(session_module, "MAX_INDEX", 100)
    refused(folder, "larger than")


def test_a_session_json_that_is_a_link_is_refused(folder, tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_bytes((folder / SESSION_FILE).read_bytes())
    (folder / SESSION_FILE).unlink()
    (folder / SESSION_FILE).symlink_to(outside)
    refused(folder, "is a link")


def test_a_model_file_that_is_a_link_is_refused(folder, tmp_path):
    outside = tmp_path / "elsewhere.npz"
    os.replace(folder / "model-1.npz", outside)  # a valid model, but outside the folder
    (folder / "model-1.npz").symlink_to(outside)
    refused(folder, "is a link")
    (folder / "model-1.npz").unlink()
    refused(folder, "lists model-1.npz, which is missing")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifos_are_refused_without_blocking(folder):
    (folder / "model-1.npz").unlink()
    os.mkfifo(folder / "model-1.npz")
    refused(folder, "FIFO")
    (folder / SESSION_FILE).unlink()
    os.mkfifo(folder / SESSION_FILE)
    refused(folder, "FIFO")


def test_saving_never_writes_through_a_link(folder, tmp_path):
    """A planted session.tmp, session.json or model-N.npz link: its target stays unchanged."""
    targets = {name: tmp_path / f"outside-{name}" for name in ("session.tmp", SESSION_FILE, "model-1.npz")}
    for name, target in targets.items():
        target.write_bytes(b"precious")
        (folder / name).unlink(missing_ok=True)
        (folder / name).symlink_to(target)
    save_session(folder, [("new", kv())], pins=["b"])
    assert all(target.read_bytes() == b"precious" for target in targets.values())
    assert not (folder / SESSION_FILE).is_symlink() and not (folder / "model-1.npz").is_symlink()
    back = load_session(folder)
    assert [name for name, _ in back.models] == ["new"] and back.pins == ["b"]


def test_saving_removes_only_its_own_files(folder):
    """An old session.json listing other files: a later save leaves them alone."""
    (folder / "notes.txt").write_text("mine")
    rewrite(folder, models=[{"name": "n", "file": "notes.txt", "kind": "vectors"}], current=None)
    save_session(folder, [("new", kv())])
    assert (folder / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("models, pins, probe, current, message", [
    ([({"a": 1}, kv())], (), None, None, "the name of model 1"),
    ([("ok", kv())], ("a", 3), None, None, "a pinned word is 3"),
    ([("ok", kv())], (), ("a", "b", "c"), None, "not four words"),
    ([("ok", kv())], (), None, 1, "its current model is 1"),
])
def test_a_session_that_could_not_be_read_back_is_not_written(tmp_path, models, pins, probe, current, message):
    with pytest.raises(W2VError, match="cannot save the session: .*" + message):
        save_session(tmp_path / "s", models, pins, probe, current)
    assert not (tmp_path / "s").exists()

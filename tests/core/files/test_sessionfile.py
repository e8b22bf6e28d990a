"""Sessions on disk: models, vectors-only entries, pins, the analogy probe, the model explored and
the snapshots all come back; the format stays the one earlier versions wrote."""

import json
import os
import stat

import numpy as np
import pytest

from w2vstudio.core.errors import Cancelled, FormatError
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.files.sessionfile import SESSION_FILE, load_session, save_session
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task


@pytest.fixture
def watched(topic_corpus):
    """A trained model with snapshots stored in its extras, and its recorder."""
    model = Model.create(topic_corpus.vocab, TrainParams(dim=8, epochs=2, min_count=2, threads=1))
    recorder = SnapshotRecorder(model, np.arange(6), per_epoch=2)
    recorder.start()
    Trainer(model, topic_corpus, [recorder]).train()
    recorder.finish()
    recorder.save_into(model)
    return model, recorder


def kv(counts=True) -> KeyedVectors:
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)
    return KeyedVectors(["a", "b", "c"], vectors, np.array([5, 3, 1]) if counts else None)


def test_round_trip(tmp_path, watched):
    model, recorder = watched
    folder = tmp_path / "run.w2vsession"
    models = [("trained", model), ("vectors", kv()), ("no counts", kv(counts=False))]
    save_session(folder, models, pins=["sea1", "sky2"], probe=("sea1", "sea2", "sky1", "sky2"), current=1)
    back = load_session(folder)
    assert [name for name, _ in back.models] == ["trained", "vectors", "no counts"]
    assert back.pins == ["sea1", "sky2"] and back.probe == ("sea1", "sea2", "sky1", "sky2") and back.current == 1
    loaded = back.models[0][1]
    assert isinstance(loaded, Model) and loaded.vocab.words == model.vocab.words
    for name in ("vectors", "syn1neg", "loss_history"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(model, name))
    snapshots = SnapshotRecorder.load_from(loaded)
    assert snapshots.words == recorder.words and len(snapshots) == len(recorder)
    np.testing.assert_array_equal(snapshots.stacked(), recorder.stacked().astype(np.float16))
    vectors, bare = back.models[1][1], back.models[2][1]
    assert isinstance(vectors, KeyedVectors) and vectors.words == ["a", "b", "c"]
    np.testing.assert_array_equal(vectors.vectors, kv().vectors)
    np.testing.assert_array_equal(vectors.counts, [5, 3, 1])
    assert bare.counts is None
    assert load_session(folder / SESSION_FILE).pins == back.pins  # the folder or its session.json


def test_an_empty_session_and_defaults(tmp_path):
    save_session(tmp_path / "s", [])
    back = load_session(tmp_path / "s")
    assert back.models == [] and back.pins == [] and back.probe is None and back.current is None


def test_the_format_is_the_one_earlier_versions_wrote(tmp_path):
    folder = tmp_path / "s"
    save_session(folder, [("v", kv())], pins=["a"], probe=("a", "b", "c", "a"), current=0)
    data = json.loads((folder / SESSION_FILE).read_text(encoding="utf-8"))
    assert data == {"format": "w2vstudio-session", "version": 1, "pins": ["a"],
                    "models": [{"name": "v", "file": "model-1.npz", "kind": "vectors"}],
                    "analogy": ["a", "b", "c", "a"], "current": 0}
    assert sorted(os.listdir(folder)) == ["model-1.npz", SESSION_FILE]


def test_saving_again_replaces_the_files_and_removes_those_no_longer_listed(tmp_path):
    folder = tmp_path / "s"
    save_session(folder, [("one", kv()), ("two", kv()), ("three", kv())])
    save_session(folder, [("only", kv(counts=False))])
    assert sorted(os.listdir(folder)) == ["model-1.npz", SESSION_FILE]
    back = load_session(folder)
    assert [name for name, _ in back.models] == ["only"] and back.models[0][1].counts is None


def test_files_get_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        save_session(tmp_path / "s", [("v", kv())])
    finally:
        os.umask(old)
    for name in ("model-1.npz", SESSION_FILE):
        assert stat.S_IMODE(os.stat(tmp_path / "s" / name).st_mode) == 0o644


def test_folders_that_are_not_sessions(tmp_path):
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"")
    with pytest.raises(FormatError, match="not a session"):
        save_session(other, [("v", kv())])
    assert os.listdir(other) == ["cat.jpg"]
    with pytest.raises(FormatError, match="has no session.json"):
        load_session(other)
    with pytest.raises(FormatError, match="is a file, not a session folder"):
        save_session(other / "cat.jpg", [])


def test_opening_can_be_cancelled(tmp_path):
    save_session(tmp_path / "s", [("a", kv()), ("b", kv())])
    cancel = Task()
    cancel.cancel()
    with pytest.raises(Cancelled, match="cancelled"):
        load_session(tmp_path / "s", task=cancel)
    assert [n for n, _ in load_session(tmp_path / "s", task=Task()).models] == ["a", "b"]

"""Own model format: exact round trip, atomic writes, clear errors on bad files; fresh vectors."""

import zipfile

import numpy as np
import pytest

from w2vstudio.core.train import model as model_module
from w2vstudio.core.errors import FormatError
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.vocab import Vocabulary


def _trained(corpus):
    model = Model.create(corpus.vocab, TrainParams(dim=8, epochs=1, min_count=2, threads=1, hs=True))
    Trainer(model, corpus).train()
    return model


def test_round_trip_is_exact(topic_corpus, tmp_path):
    model = _trained(topic_corpus)
    model.extras["snapshots"] = np.arange(24, dtype=np.float16).reshape(2, 3, 4)
    model.info["epoch_quality"] = [{"epoch": 1, "analogy": 0.5}]
    model.save(tmp_path / "m.npz")
    back = Model.load(tmp_path / "m.npz")
    assert np.array_equal(back.extras["snapshots"], model.extras["snapshots"])
    assert back.extras["snapshots"].dtype == np.float16
    assert back.info == model.info
    assert back.vocab.words == model.vocab.words
    assert np.array_equal(back.vocab.counts, model.vocab.counts)
    for name in ("vectors", "syn1neg", "syn1", "loss_history"):
        assert np.array_equal(getattr(back, name), getattr(model, name)), name
    assert back.params == model.params
    assert back.epoch_losses == model.epoch_losses and back.epochs_trained == 1
    with zipfile.ZipFile(tmp_path / "m.npz") as z:  # plain arrays only: loads without pickle
        assert all(n.endswith(".npy") for n in z.namelist())


def test_failed_save_keeps_the_existing_file(topic_corpus, tmp_path, monkeypatch):
    model = _trained(topic_corpus)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "m.npz"
    model.save(target)
    before = target.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_module.np, "savez", broken)
    with pytest.raises(OSError):
        model.save(target)
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["m.npz"]  # no temporary file left


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04truncated"])
def test_garbage_is_a_format_error(tmp_path, content):
    (tmp_path / "bad.npz").write_bytes(content)
    with pytest.raises(FormatError, match="not a (readable )?w2vstudio model"):
        Model.load(tmp_path / "bad.npz")


def test_foreign_npz_is_refused(tmp_path):
    np.savez(tmp_path / "other.npz", vectors=np.zeros((2, 2)))
    with pytest.raises(FormatError, match="not a w2vstudio model"):
        Model.load(tmp_path / "other.npz")


def test_inconsistent_file_is_refused(topic_corpus, tmp_path):
    model = _trained(topic_corpus)
    model.vectors = model.vectors[:-1]
    model.save(tmp_path / "m.npz")
    with pytest.raises(FormatError, match="damaged"):
        Model.load(tmp_path / "m.npz")
    model = _trained(topic_corpus)
    model.loss_history = np.zeros(5)
    model.save(tmp_path / "h.npz")
    with pytest.raises(FormatError, match=r"damaged: its loss history is float64 \(5,\), not float64 \(batches, 3\)"):
        Model.load(tmp_path / "h.npz")


def test_corpus_paths_keeps_only_the_paths_a_model_recorded():
    from w2vstudio.core.train.model import corpus_paths

    class Stored:
        def __init__(self, info):
            self.info = info

    assert corpus_paths(Stored({"corpus": ["/a.txt", 3, None, "/b.txt"]})) == ["/a.txt", "/b.txt"]
    assert corpus_paths(Stored({"corpus": "/a.txt"})) == [] and corpus_paths(Stored({})) == []


def test_fresh_vectors_drawn_a_block_at_a_time_equal_one_draw_and_grow_keeps_the_old(monkeypatch):
    monkeypatch.setattr(model_module, "_ROWS", 7)
    vocab = Vocabulary([f"w{i}" for i in range(30)], np.arange(30, 0, -1))
    params = TrainParams(dim=6, seed=3)
    model = Model.create(Vocabulary(vocab.words[:12], vocab.counts[:12]), params)
    first = model.vectors.copy()
    model.grow(vocab)
    rng = np.random.default_rng([3, 0])  # numpy reference: gensim 4's start, one draw per growth
    np.testing.assert_array_equal(first, (rng.random((12, 6), dtype=np.float32) * 2 - 1) / 6)
    rng = np.random.default_rng([3, 12])
    np.testing.assert_array_equal(model.vectors[:12], first)
    np.testing.assert_array_equal(model.vectors[12:], (rng.random((18, 6), dtype=np.float32) * 2 - 1) / 6)
    assert model.syn1neg.shape == (30, 6) and not model.syn1neg.any()

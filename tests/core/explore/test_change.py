"""Change between corpora: Procrustes alignment, Hamilton's local measure, frequency control, and
the acceptance test: a made-up word whose contexts are swapped between two corpora ranks first."""

import numpy as np
import pytest

from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.change import change, frequency_bins, local_change, write_aligned
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import NO_WATCH, TrainingRun
from w2vstudio.core.vectors import KeyedVectors

TOPICS, PER_TOPIC = 8, 20


def swapped_text(planted_topic: int, n_lines=4000, seed=0) -> str:
    """Topic sentences; "zplanted" joins topic `planted_topic`'s, "zsteady" always topic 1's."""
    rng = np.random.default_rng(seed)
    filler = ["the", "a", "of", "and"]
    lines = []
    for _ in range(n_lines):
        t = int(rng.integers(TOPICS))
        words = list(rng.choice([f"t{t}w{i}" for i in range(PER_TOPIC)] + filler, size=int(rng.integers(8, 14))))
        if t == planted_topic and rng.random() < 0.5:
            words.insert(int(rng.integers(len(words))), "zplanted")
        if t == 1 and rng.random() < 0.5:
            words.insert(int(rng.integers(len(words))), "zsteady")
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def slices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("change")
    models = []
    for name, topic, seed in (("a", 0, 1), ("b", 4, 2)):
        path = folder / f"{name}.txt"
        path.write_text(swapped_text(topic, seed=seed))
        params = TrainParams(dim=16, epochs=5, min_count=2, threads=1, batch_words=5_000, seed=seed)
        models.append(TrainingRun([path], params, NO_WATCH).train().model.keyed_vectors())
    return models


def test_the_word_whose_contexts_were_swapped_ranks_first(slices):
    a, b = slices
    assert a.count("zplanted") == pytest.approx(a.count("zsteady"), rel=0.3)
    result = change([a, b])
    top = [r["word"] for r in result.ranked(10)]
    assert top[0] == "zplanted" and "zsteady" not in top
    first = result.ranked(1)[0]
    assert set(first) == {"word", "distance", "neighbour_change", "z"} and first["z"] > 2
    near = result.neighbours("zplanted", 5)
    assert all(w.startswith("t0") for w, _ in near[0][:3]) and all(w.startswith("t4") for w, _ in near[1][:3])
    points, labels = result.word_map("zplanted", 5)
    assert points.shape == (12, 2) and labels[:2] == [("zplanted", 0), ("zplanted", 1)]
    anchored = change([a, b], anchors=[f"t2w{i}" for i in range(20)] + ["nowhere"])
    assert anchored.anchors == 20 and anchored.ranked(1)[0]["word"] == "zplanted"
    ensemble = change([[a, a], [b, b]])  # identical runs: no seed-to-seed noise
    assert np.allclose(ensemble.noise, 0, atol=1e-5) and ensemble.ranked(1)[0]["word"] == "zplanted"


def test_alignment_undoes_a_rotation_and_measures_by_frequency():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(200)]
    base = rng.normal(size=(200, 10))
    q = np.linalg.qr(rng.normal(size=(10, 10)))[0]
    a = KeyedVectors(words, base.astype(np.float32), np.arange(200, 0, -1))
    b = KeyedVectors(words, (base @ q).astype(np.float32), np.arange(200, 0, -1))
    result = change([a, b], k=5)
    assert np.allclose(result.distance, 0, atol=1e-5) and np.allclose(result.neighbour_change, 0, atol=1e-5)
    assert np.allclose(result.aligned[1], result.aligned[0], atol=1e-5)
    assert [len(b) for b in frequency_bins(200)] == [20] * 10 and len(frequency_bins(5)) == 1
    u = np.eye(3)
    assert local_change(u, u, 1) == pytest.approx(np.zeros(3))
    with pytest.raises(W2VError, match="at least two"):
        change([a])
    with pytest.raises(W2VError, match="share 0 words"):
        change([a, KeyedVectors(["x"], np.ones((1, 10), np.float32))])


def test_aligned_vectors_are_written_with_the_vector_writer(tmp_path):
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    base = rng.normal(size=(30, 4))
    q = np.linalg.qr(rng.normal(size=(4, 4)))[0]
    a, b = KeyedVectors(words, base.astype(np.float32)), KeyedVectors(words, (base @ q).astype(np.float32))
    result = change([a, b])
    paths = write_aligned([a, b], result, tmp_path, ["a", "b"])
    assert [p.name for p in paths] == ["a.aligned.txt", "b.aligned.txt"]
    first, second = (load_vectors(p) for p in paths)
    assert np.allclose(first.vectors, second.vectors, atol=1e-5)
    with pytest.raises(W2VError, match="not a folder"):
        write_aligned([a, b], result, tmp_path / "none", ["a", "b"])

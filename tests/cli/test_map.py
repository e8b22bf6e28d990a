"""`w2vstudio map`: the studio's projection of the most frequent words as word,x,y,count CSV."""

import csv
import io

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.map.projection import project_2d
from w2vstudio.core.vectors import KeyedVectors


@pytest.fixture(scope="module")
def kv():
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(40)] + ["a,b", 'say "hi"']
    return KeyedVectors(words, rng.standard_normal((42, 6)).astype(np.float32), np.arange(42, 0, -1))


@pytest.fixture(scope="module")
def model_file(kv, tmp_path_factory):
    f = tmp_path_factory.mktemp("map") / "m.npz"
    save_vectors(kv, f, "model")
    return str(f)


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_pca_to_a_file(capsys, kv, model_file, tmp_path):
    out = tmp_path / "coords.csv"
    assert main(["map", model_file, "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("mapped 42 words by PCA in ") and said.rstrip().endswith(str(out))
    table = rows(out.read_text(encoding="utf-8"))
    assert table[0] == ["word", "x", "y", "count"] and len(table) == 43
    assert [r[0] for r in table[1:]] == kv.words and [int(r[3]) for r in table[1:]] == kv.counts.tolist()
    xy = np.array([[float(r[1]), float(r[2])] for r in table[1:]])
    np.testing.assert_allclose(xy, project_2d(kv.vectors, "pca"))


def test_tsne_to_standard_output(capsys, kv, model_file):
    assert main(["map", model_file, "--method", "tsne", "--limit", "30"]) == 0
    out, err = capsys.readouterr()
    table = rows(out)
    assert len(table) == 31 and [r[0] for r in table[1:]] == kv.words[:30]
    assert np.isfinite(np.array([[float(r[1]), float(r[2])] for r in table[1:]])).all()
    assert "mapped 30 words by t-SNE in " in err


@pytest.mark.parametrize("argv, said", [
    (["--limit", "100001"], "at most 100,000 words"),
    (["--method", "tsne", "--limit", "3"], "t-SNE needs at least 5 words"),
])
def test_bad_requests_are_one_line(capsys, model_file, tmp_path, argv, said):
    out = tmp_path / "coords.csv"
    assert main(["map", model_file, "-o", str(out), *argv]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err and not out.exists()
    assert list(tmp_path.iterdir()) == []

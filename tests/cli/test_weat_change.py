"""`weat` and `change` on the command line: JSON keys, bundled tests, bad input in one line."""

import json

import numpy as np

from tests.cli.cli_checks import one_error_line
from w2vstudio.cli import main
from w2vstudio.core.explore.weat import bundled_lists
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.vectors import KeyedVectors


def _model(tmp_path, name, words, vectors):
    path = tmp_path / f"{name}.txt"
    save_vectors(KeyedVectors(words, vectors.astype(np.float32)), path, "txt")
    return path


def test_weat_json_files_and_bundled(tmp_path, capsys):
    x, y, a, b = bundled_lists("flowers-insects")
    words = x + y + a + b[:-1]
    model = _model(tmp_path, "m", words, np.random.default_rng(0).normal(size=(len(words), 6)))
    assert main(["weat", str(model), "--test", "flowers-insects", "--permutations", "500", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"effect_size", "p_value", "permutations", "missing", "runs"} <= set(out)
    assert out["missing"] == ["prison"] and out["runs"] == [out["effect_size"]] and out["permutations"] == 500
    lists = []
    for name, group in zip("XYAB", (x[:4], y[:4], a, b)):
        lists.append(tmp_path / f"{name}.txt")
        lists[-1].write_text("# list\n\n" + "\n".join(group) + "\n")
    assert main(["weat", str(model), "--targets", *map(str, lists[:2]), "--attributes", *map(str, lists[2:])]) == 0
    text = capsys.readouterr().out
    assert "effect size d = " in text and "exact, all 70 partitions" in text and "prison" in text
    assert "--attributes" in one_error_line(capsys, "weat", model, "--targets", *lists[:2])
    assert "nothing.txt does not exist" in one_error_line(capsys, "weat", model, "--targets", lists[0],
                                                          tmp_path / "nothing.txt", "--attributes", *lists[2:])


def test_change_json_and_aligned_vectors(tmp_path, capsys):
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(60)]
    base = rng.normal(size=(60, 6))
    moved = base @ np.linalg.qr(rng.normal(size=(6, 6)))[0]
    moved[3] = rng.normal(size=6)
    one, two = _model(tmp_path, "one", words, base), _model(tmp_path, "two", words, moved)
    out_dir = tmp_path / "aligned"
    out_dir.mkdir()
    anchors = tmp_path / "anchors.txt"
    anchors.write_text("\n".join(words[10:40]))
    assert main(["change", str(one), str(two), "--top", "5", "--anchors", str(anchors), "--aligned-out",
                 str(out_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["words"]) == 5 and set(out["words"][0]) == {"word", "distance", "neighbour_change", "z"}
    assert out["words"][0]["word"] == "w3" and out["anchors"] == 30
    assert sorted(p.name for p in out_dir.iterdir()) == ["1-one.aligned.txt", "2-two.aligned.txt"]
    assert main(["change", str(one), str(two), str(one)]) == 0
    assert "w3" in capsys.readouterr().out
    assert "at least two models" in one_error_line(capsys, "change", one)
    assert "not a folder" in one_error_line(capsys, "change", one, two, "--aligned-out", tmp_path / "none")

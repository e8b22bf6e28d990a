"""The Word Embedding Association Test against a plain numpy reference on hand-made vectors."""

import itertools

import numpy as np
import pytest

from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.explore.weat import BUNDLED, bundled_lists, read_word_list, weat
from w2vstudio.core.vectors import KeyedVectors


def _kv(angles: dict[str, float]) -> KeyedVectors:
    t = np.radians(list(angles.values()))
    return KeyedVectors(list(angles), np.c_[np.cos(t), np.sin(t)].astype(np.float32))


# A near 0°, B near 90°; X leans toward A, Y toward B, with some overlap
ANGLES = {"a1": 0, "a2": 10, "b1": 90, "b2": 80, "x1": 5, "x2": 30, "x3": 60, "x4": 20,
          "y1": 85, "y2": 50, "y3": 70, "y4": 40}
X, Y, A, B = ["x1", "x2", "x3", "x4"], ["y1", "y2", "y3", "y4"], ["a1", "a2"], ["b1", "b2"]


def _reference(angles, x, y, a, b):
    """d and the exact p as Caliskan et al. write them, one word and one partition at a time."""
    def cos(u, v):
        return np.cos(np.radians(angles[u] - angles[v]))

    def s(w):
        return np.mean([cos(w, i) for i in a]) - np.mean([cos(w, j) for j in b])

    sx, sy = [s(w) for w in x], [s(w) for w in y]
    d = (np.mean(sx) - np.mean(sy)) / np.std(sx + sy, ddof=1)
    observed = sum(sx) - sum(sy)
    both = x + y
    stats = []
    for xi in itertools.combinations(both, len(x)):
        yi = [w for w in both if w not in xi]
        stats.append(sum(s(w) for w in xi) - sum(s(w) for w in yi))
    return d, np.mean(np.array(stats) > observed + 1e-9), len(stats)


def test_effect_size_and_exact_p_match_the_reference():
    d, p, partitions = _reference(ANGLES, X, Y, A, B)
    result = weat(_kv(ANGLES), X, Y, A, B)
    assert result.effect_size == pytest.approx(d, abs=1e-5) and d > 1
    assert result.exact and result.permutations == partitions == 70
    assert result.p_value == pytest.approx(p) and 0 < p < 0.2
    assert result.to_dict()["runs"] == [result.effect_size] and result.missing_words == []
    assert len(result.distribution) == 70


def test_perfect_separation_and_swapped_targets():
    result = weat(_kv(ANGLES), ["x1", "x4"], ["y1", "y3"], A, B)
    assert result.p_value == 0 and result.effect_size > 0
    swapped = weat(_kv(ANGLES), ["y1", "y3"], ["x1", "x4"], A, B)
    assert swapped.effect_size == pytest.approx(-result.effect_size) and swapped.p_value > 0.8


def test_random_partitions_approach_the_exact_p():
    rng = np.random.default_rng(1)
    angles = {f"x{i}": float(a) for i, a in enumerate(rng.uniform(0, 70, 10))}
    angles |= {f"y{i}": float(a) for i, a in enumerate(rng.uniform(20, 90, 10))}
    angles |= {"a1": 0.0, "b1": 90.0}
    x, y = [f"x{i}" for i in range(10)], [f"y{i}" for i in range(10)]
    kv = _kv(angles)
    sampled = weat(kv, x, y, ["a1"], ["b1"], permutations=20_000, seed=3)
    assert not sampled.exact and sampled.permutations == 20_000  # C(20, 10) = 184,756 > 100,000
    assert sampled.p_value == weat(kv, x, y, ["a1"], ["b1"], permutations=20_000, seed=3).p_value
    s = np.array([np.cos(np.radians(angles[w])) - np.cos(np.radians(angles[w] - 90)) for w in x + y])
    observed = s[:10].sum() - s[10:].sum()
    exact = [2 * s[list(c)].sum() - s.sum() for c in itertools.combinations(range(20), 10)]
    assert sampled.p_value == pytest.approx(np.mean(np.array(exact) > observed + 1e-9), abs=0.01)


def test_missing_words_are_reported_and_runs_give_one_d_each():
    kv = _kv(ANGLES)
    result = weat(kv, X + ["nowhere"], Y, A, B + ["B2"])
    assert result.missing_words == ["nowhere"] and result.used["B"] == ["b1", "b2"]  # B2 found as b2
    other = _kv({w: a + (7 if w.startswith("x") else 0) for w, a in ANGLES.items()})
    runs = weat([kv, other], X, Y, A, B)
    assert len(runs.effect_sizes) == 2 and runs.effect_sizes[0] == pytest.approx(result.effect_size)
    assert runs.effect_size_sd is not None and runs.to_dict()["runs"] == runs.effect_sizes
    with pytest.raises(W2VError, match="none of the X words"):
        weat(kv, ["nowhere"], Y, A, B)


def test_word_list_files_and_the_bundled_tests(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("# flowers\n\naster\n  clover \naster\n", encoding="utf-8")
    assert read_word_list(path) == ["aster", "clover"]
    (tmp_path / "empty.txt").write_text("# nothing\n\n")
    with pytest.raises(FormatError, match="empty.txt: no words"):
        read_word_list(tmp_path / "empty.txt")
    (tmp_path / "long.txt").write_text("x" * 5000)
    with pytest.raises(FormatError, match="long.txt, line 1: longer than"):
        read_word_list(tmp_path / "long.txt")
    with pytest.raises(FormatError, match="does not exist"):
        read_word_list(tmp_path / "none.txt")
    x, y, a, b = bundled_lists("flowers-insects")
    assert len(x) == len(y) == len(a) == len(b) == 25 and "aster" in x and "weevil" in y
    assert len(BUNDLED) == 10 and all(len(lists) == 4 for lists in map(bundled_lists, BUNDLED))
    assert "Chip" not in bundled_lists("names-pleasant")[0]  # left out of the paper's replication

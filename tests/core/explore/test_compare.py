"""Run comparison: neighbour lists side by side, overlaps by word, the most different words."""

import numpy as np
import pytest

from w2vstudio.core.explore.compare import compare_word, most_different
from w2vstudio.core.errors import UnknownWordError
from w2vstudio.core.vectors import KeyedVectors


def _kv(layout: dict[str, float]) -> KeyedVectors:
    """Words at angles (degrees) on a circle: the nearest angles are the nearest neighbours."""
    t = np.radians(list(layout.values()))
    return KeyedVectors(list(layout), np.c_[np.cos(t), np.sin(t)].astype(np.float32))


A = _kv({"cat": 0, "dog": 12, "fox": 27, "car": 90, "bus": 101, "van": 115, "sun": 200})
# in B "cat" has moved among the vehicles; "sun" is A's only word, "moon" B's
B = _kv({"car": 0, "bus": 11, "van": 24, "cat": 17, "dog": 90, "fox": 104, "moon": 185})


def _words(pairs):
    return [w for w, _ in pairs]


def test_neighbour_lists_side_by_side_with_their_overlap():
    same = compare_word(A, A, "dog", topn=2)
    assert _words(same.left) == _words(same.right) == ["cat", "fox"] and same.overlap == 1
    cat = compare_word(A, B, "cat", topn=2)
    assert _words(cat.left) == ["dog", "fox"] and _words(cat.right) == ["bus", "van"]
    assert cat.overlap == 0 and cat.shared == set()
    assert cat.left[0][1] == pytest.approx(np.cos(np.radians(12)))
    dog = compare_word(A, B, "dog", topn=3)
    assert _words(dog.left) == ["cat", "fox", "car"] and _words(dog.right) == ["fox", "van", "cat"]
    assert dog.overlap == pytest.approx(2 / 4) and dog.shared == {"cat", "fox"}


def test_words_only_one_model_knows_never_match():
    fox = compare_word(B, A, "fox", topn=6)
    assert _words(fox.left) == ["dog", "van", "moon", "cat", "bus", "car"]
    assert _words(fox.right) == ["dog", "cat", "car", "bus", "van", "sun"]
    assert fox.overlap == pytest.approx(5 / 7)
    with pytest.raises(UnknownWordError):
        compare_word(A, B, "sun")


def test_most_different_ranks_the_moved_word_first():
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(120)]
    base = rng.normal(size=(120, 8)).astype(np.float32)
    rotated = base @ np.linalg.qr(rng.normal(size=(8, 8)))[0].astype(np.float32)
    rotated[7] = rng.normal(size=8)  # w7 moves; the rest only turn with the whole space
    a, b = KeyedVectors(words, base), KeyedVectors(words, rotated)
    ranked = most_different(a, b, n=5)
    assert ranked[0][0] == "w7" and len(ranked) == 5
    assert [z for _, z in ranked] == sorted((z for _, z in ranked), reverse=True)
    assert most_different(a, b, top=50, n=2) == most_different(a, b, top=50, n=3)[:2]
    assert most_different(A, _kv({"x": 0, "y": 1})) == []

"""What the studio's explore tabs ask of a model (core.lookups) and word completion (core.prefix)."""

import numpy as np
import pytest

from w2vstudio.core.explore import lookups
from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.prefix import PrefixIndex
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.resources import ANALOGIES, WORDSIM
from w2vstudio.resources import path as resource_path


@pytest.fixture
def kv():
    rng = np.random.default_rng(0)
    words = ["king", "queen", "man", "woman", "paris", "france", "italy", "rome"] + [f"w{i}" for i in range(40)]
    return KeyedVectors(words, rng.standard_normal((len(words), 8)).astype(np.float32),
                        np.arange(len(words), 0, -1) * 10)


def test_unknown_words_come_back_as_suggestions(kv):
    found = lookups.neighbours(kv, "kng - man", 5)
    assert isinstance(found, lookups.Unknown) and list(found.suggestions) == ["kng"]
    assert "king" in found.suggestions["kng"]
    assert lookups.replace_word("kng -man", "kng", "king") == "king -man"
    assert lookups.replace_word("king -mna", "mna", "man") == "king -man"
    with pytest.raises(W2VError, match="Type a word"):
        lookups.neighbours(kv, "  ", 5)


def test_neighbours_analogies_and_the_odd_one_out_with_counts(kv):
    rows = lookups.neighbours(kv, "king - man + woman", 5)
    expected = kv.most_similar(["king", "woman"], ["man"], topn=5)
    assert [(w, s) for w, s, _ in rows] == expected and all(c == kv.count(w) for w, _, c in rows)
    answer = lookups.analogy(kv, "man", "king", "woman", "add", 3, "queen", exclude_inputs=True)
    reference = kv.analogy("man", "king", "woman", topn=3, expected="queen")
    assert [w for w, _, _ in answer.rows] == [w for w, _ in reference.results]
    assert answer.expected == "queen" and answer.expected_rank == reference.expected_rank
    assert isinstance(lookups.analogy(kv, "man", "king", "wmn", "add", 3, "", True), lookups.Unknown)
    assert lookups.doesnt_match(kv, "king, queen man w3") == kv.doesnt_match(["king", "queen", "man", "w3"])
    with pytest.raises(W2VError, match="at least three"):
        lookups.doesnt_match(kv, "king queen")


def test_evaluations_differences_and_corpus_lines(kv, tmp_path):
    ev = lookups.evaluate(kv, resource_path(ANALOGIES), resource_path(WORDSIM), 0, True)
    assert ev.analogies.total >= 0 and ev.pair_file == resource_path(WORDSIM)
    shifted = KeyedVectors(kv.words, kv.vectors[::-1].copy(), kv.counts)
    rows = lookups.differences(kv, shifted)
    assert rows and all(np.isfinite(z) and count == kv.count(w) for w, z, count in rows)
    assert [z for _, z, _ in rows] == sorted((z for _, z, _ in rows), reverse=True)
    corpus = tmp_path / "c.txt"
    corpus.write_text("the king spoke\nnothing here\nking and queen\n", encoding="utf-8")
    word, lines = lookups.find_lines([corpus], "king", True, None)
    assert word == "king" and [c.line for c in lines] == [1, 3]


def test_completion_offers_the_most_frequent_words_first():
    index = PrefixIndex(["the", "then", "they", "thee", "cat"])  # most frequent first
    assert index.matches("the", 3) == ["the", "then", "they"]
    assert index.matches("x") == [] and index.matches("") == []


def test_the_prefix_index_sorted_by_numpy_in_chunks_equals_pythons_sort(monkeypatch):
    from w2vstudio.core.explore import prefix
    from w2vstudio.core.support import chunked

    monkeypatch.setattr(chunked, "CHUNK", 7)  # many chunks
    rng = np.random.default_rng(0)
    words = list(dict.fromkeys("".join(rng.choice(list("abcZé日😀"), size=rng.integers(1, 6)))
                               for _ in range(400)))  # code points beyond ASCII and the BMP too
    index = prefix.PrefixIndex(words)
    assert index._sorted == sorted(words) and [words[r] for r in index._ranks] == sorted(words)
    for start in ("a", "ab", "cab", "zz"):
        expected = [w for w in words if w.startswith(start)][:prefix.SHOWN]  # most frequent: first in the list
        assert index.matches(start) == expected

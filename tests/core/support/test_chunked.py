"""Millions of words a chunk at a time: the same results as the one C call."""

import pytest

from w2vstudio.core.support import chunked


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK", 4)
    monkeypatch.setattr(chunked, "PIECE", 7)


@pytest.mark.parametrize("text", ["", "\n", "a", "a\nb", "ab\n\ncd\n", "x" * 30, "one\ntwo\nthree\nfour\nfive\nsix\n" * 3,
                                  "long-line-of-words\nb\n" + "c" * 20 + "\n\n"])
def test_split_lines_is_str_split(text):
    assert chunked.split_lines(text) == text.split("\n")


def test_the_word_index_is_a_dict_of_the_words_and_distinct_is_a_set(monkeypatch):
    monkeypatch.setattr(chunked.WordIndex, "SHARDS", 4)
    words = [f"w{i}" for i in range(19)]
    index = chunked.WordIndex(words)
    assert dict(index) == dict(zip(words, range(19))) and len(index) == 19 and index == dict(zip(words, range(19)))
    assert index["w7"] == 7 and index.get("w7") == 7 and index.get("x", -1) == -1 and "w3" in index and "x" not in index
    with pytest.raises(KeyError):
        index["x"]
    assert sorted(index) == sorted(words) and sorted(index.items()) == sorted(zip(words, range(19)))
    assert dict(chunked.WordIndex(["a", "b", "a"])) == {"a": 2, "b": 1} and len(chunked.WordIndex([])) == 0
    grown = list(words)  # numpy-free reference: a dict's setdefault, new words appended in order
    reference, expected = dict(zip(words, range(19))), []
    for text in ["w5", "new", "w0", "new", "other"]:
        expected.append(reference.setdefault(text, len(reference)))
    assert index.positions(["w5", "new", "w0", "new", "other"], grown) == expected == [5, 19, 0, 19, 20]
    assert grown == words + ["new", "other"] and index["other"] == 20 and dict(index) == reference
    assert chunked.all_distinct(words) and chunked.all_distinct([])
    assert not chunked.all_distinct(words + ["w0"]) and not chunked.all_distinct(["a", "b", "c", "d", "e", "a"])


def test_a_word_index_and_a_released_list_are_emptied_a_piece_at_a_time():
    index = chunked.WordIndex(f"w{i}" for i in range(1000))
    shards = list(index._shards)
    assert sum(map(len, shards)) == 1000
    del index  # its shards emptied one by one, not torn down in one C call
    assert not any(shards)
    words = [f"w{i}" for i in range(3 * chunked.CHUNK + 5)]
    chunked.release(words)
    assert words == []

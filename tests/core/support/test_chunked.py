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


def test_index_and_distinct():
    words = [f"w{i}" for i in range(19)]
    assert chunked.index_of(words) == dict(zip(words, range(19)))
    assert chunked.all_distinct(words) and chunked.all_distinct([])
    assert not chunked.all_distinct(words + ["w0"]) and not chunked.all_distinct(["a", "b", "c", "d", "e", "a"])
    assert chunked.index_of(["a", "b", "a"]) == {"a": 2, "b": 1}

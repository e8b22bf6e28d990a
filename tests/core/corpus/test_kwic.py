"""Corpus link: keyword-in-context lines by the tokenizer's rule, streamed, stopping early."""

import gzip

import numpy as np
import pytest

from w2vstudio.core.corpus import files as corpus
from w2vstudio.core.corpus import kwic
from w2vstudio.core.errors import Cancelled
from w2vstudio.core.corpus.kwic import keyword_in_context, word_frequency
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

TEXT = """the calm sea today
a seaside town and an undersea cable
Sea-lion? no: sea's edge, o'sea
under the SEA, by the sea_wall
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "a.txt").write_text(TEXT)
    with gzip.open(tmp_path / "d" / "sub" / "b.txt.gz", "wt") as f:
        f.write("nothing here\nthe deep sea\n")
    return tmp_path / "d"


def test_finds_whole_words_in_any_case_with_context(files):
    lines = keyword_in_context([files], "sea", width=8)
    assert [(c.path.name, c.line, c.left, c.word, c.right) for c in lines] == [
        ("a.txt", 1, "he calm ", "sea", " today"),
        ("a.txt", 4, "der the ", "SEA", ", by the"),
        ("a.txt", 4, "by the ", "sea", "_wall"),
        ("b.txt.gz", 2, "he deep ", "sea", ""),
    ]
    assert [c.word for c in keyword_in_context([files], "sea", lowercase=False)] == ["sea", "sea", "sea"]
    assert len(keyword_in_context([files], "sea", n=2)) == 2 and keyword_in_context([files], "sea", n=0) == []
    assert keyword_in_context([files], "whale") == []


def test_hits_agree_with_the_tokenizer():
    rng = np.random.default_rng(0)
    pieces = ["sea", "Sea", "seas", "-", "'", "\u2019", " ", "x", "_", "\u00e9", "1", ".", "SEA"]
    for _ in range(300):
        line = "".join(rng.choice(pieces, size=8))
        found = kwic.word_pattern("sea", True).findall(line)
        assert len(found) == corpus.words(line).count("sea"), line


def test_line_numbers_across_blocks_and_early_stop(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_text("".join(f"line {i} {'sea' if i % 7 == 0 else 'sky'}\n" for i in range(1, 2001)))
    monkeypatch.setattr(corpus, "BLOCK_BYTES", 256)
    read = []
    blocks = corpus.iter_blocks

    def counted(*args):
        for block in blocks(*args):
            read.append(len(block[0]))
            yield block

    monkeypatch.setattr(corpus, "iter_blocks", counted)
    lines = keyword_in_context([path], "sea", n=20)
    assert [c.line for c in lines] == list(range(7, 141, 7))
    assert all(c.left == f"line {c.line} " for c in lines)
    assert sum(read) < path.stat().st_size / 5  # stopped long before the end


def test_cancel(files):
    stop = Task()
    stop.cancel()
    with pytest.raises(Cancelled):
        keyword_in_context([files], "sea", task=stop)


def test_count_and_rank():
    kv = KeyedVectors(["the", "sea", "sky"], np.eye(3, dtype=np.float32), [10, 7, 3])
    assert word_frequency(kv, "sky") == (3, 3)
    assert word_frequency(KeyedVectors(["a"], np.ones((1, 2), np.float32)), "a") == (None, 1)

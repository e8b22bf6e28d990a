"""Corpus files, tokenising and encoding."""

import bz2
import gzip
import lzma

import numpy as np
import pytest

from w2vstudio.core.corpus import files as corpus_files
from w2vstudio.core.corpus import scan as scan_module
from w2vstudio.core.errors import Cancelled, CorpusError
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.support.task import Task

TEXT = "The cat sat on the mat.\nThe dog didn't sit; the x-ray Café's café!\n\nÉTÉ été 42 _under_ score\n"


def _sentences(corpus):
    words = corpus.vocab.words
    return [[words[i] for i in corpus.tokens[a:b]] for a, b in zip(corpus.offsets[:-1], corpus.offsets[1:])]


def test_tokenizer_rules():
    assert corpus_files.words(TEXT) == [
        "the", "cat", "sat", "on", "the", "mat", "the", "dog", "didn't", "sit", "the", "x-ray",
        "café's", "café", "été", "été", "42", "under", "score"]
    assert corpus_files.words("Don’t STOP", lowercase=False) == ["Don’t", "STOP"]


def test_a_blocks_new_words_folded_together_fold_as_each_alone(tmp_path):
    """New strings are decoded and lower-cased a block at a time (one call); Greek final sigma,
    dotted capitals and title-case digraphs fold as `str.lower` folds each word alone."""
    rng = np.random.default_rng(7)
    letters = list("ΣσςΑαΟΔİıIiǄǅǆẞßaB")
    words = ["ΟΔΟΣ", "Σ", "ΑΣ", "ΣΑ", "İstanbul", "ǅemal", "ΌΣΟΣ"] + [
        "".join(rng.choice(letters, rng.integers(1, 7))) for _ in range(3000)]
    (tmp_path / "c.txt").write_text(" ".join(words) + "\n")
    expected = list(dict.fromkeys(w.lower() for w in corpus_files.words(" ".join(words), lowercase=False)))
    assert scan_corpus([tmp_path / "c.txt"]).words == expected


@pytest.mark.parametrize("opener", [open, gzip.open, bz2.open, lzma.open])
def test_compression_detected_by_content_not_name(tmp_path, opener):
    path = tmp_path / "corpus.dat"  # no telling extension
    with opener(path, "wb") as fh:
        fh.write(TEXT.encode("utf-8"))
    corpus = scan_corpus([path]).encode(min_count=1)
    assert _sentences(corpus) == [
        ["the", "cat", "sat", "on", "the", "mat"],
        ["the", "dog", "didn't", "sit", "the", "x-ray", "café's", "café"],
        ["été", "été", "42", "under", "score"]]
    assert corpus.raw_words == 19


def test_keep_case(tmp_path):
    (tmp_path / "a.txt").write_text("Paris paris PARIS\n")
    scanned = scan_corpus([tmp_path / "a.txt"], lowercase=False)
    assert sorted(scanned.encode(min_count=1).vocab.words) == ["PARIS", "Paris", "paris"]


def test_folders_are_read_recursively(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_text("one two\n")
    (tmp_path / "sub" / "b.txt").write_text("three\n")
    with gzip.open(tmp_path / "sub" / "deeper" / "c.gz", "wb") as fh:
        fh.write(b"four five six\n")
    scanned = scan_corpus([tmp_path])
    assert scanned.raw_words == 6
    assert [f.words for f in scanned.files] == [2, 1, 3]


def test_long_lines_are_split_never_truncated(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "BLOCK_BYTES", 4096)  # the line also spans many blocks
    words = [f"w{i % 50}" for i in range(25_001)]
    (tmp_path / "long.txt").write_text(" ".join(words))  # one line, no newline at the end
    corpus = scan_corpus([tmp_path / "long.txt"]).encode(min_count=1)
    lengths = np.diff(corpus.offsets)
    assert lengths.tolist() == [10_000, 10_000, 5_001]
    assert [corpus.vocab.words[i] for i in corpus.tokens] == words


def test_invalid_utf8_is_replaced_and_counted(tmp_path):
    (tmp_path / "bad.txt").write_bytes(b"good \xff\xfe words caf\xc3\xa9\n")
    scanned = scan_corpus([tmp_path / "bad.txt"])
    assert scanned.invalid_utf8 == 2
    assert sorted(scanned.encode(min_count=1).vocab.words) == ["café", "good", "words"]


@pytest.mark.parametrize("content,message", [
    (b"\x00\x01\x02binary", "binary file"),
    (b"  ... !!! \n", "no words"),
    (b"", "no words"),
])
def test_bad_corpora_give_one_clear_error(tmp_path, content, message):
    (tmp_path / "x").write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        scan_corpus([tmp_path / "x"])


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        scan_corpus([tmp_path / "nope.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no corpus files"):
        scan_corpus([tmp_path / "empty"])


def test_min_count_leaves_nothing(tmp_path):
    (tmp_path / "a.txt").write_text("a b c\n")
    with pytest.raises(CorpusError, match="minimum count"):
        scan_corpus([tmp_path / "a.txt"]).encode(min_count=5)


def test_disk_spill_memory_map_and_in_place_give_the_same_corpus(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "BLOCK_BYTES", 2048)
    rng = np.random.default_rng(0)
    lines = [" ".join(f"w{int(x)}" for x in rng.zipf(1.5, size=rng.integers(1, 40)) % 300) for _ in range(400)]
    (tmp_path / "c.txt").write_text("\n".join(lines) + "\n")
    ram = scan_corpus([tmp_path / "c.txt"]).encode(min_count=2)
    disk_scan = scan_corpus([tmp_path / "c.txt"], budget=1000, cache_dir=str(tmp_path))
    assert disk_scan.stream.file is not None
    disk = disk_scan.encode(min_count=2, budget=1000)
    assert isinstance(disk.tokens, np.memmap)
    assert ram.vocab.words == disk.vocab.words
    np.testing.assert_array_equal(ram.tokens, disk.tokens)
    np.testing.assert_array_equal(ram.offsets, disk.offsets)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("w2vstudio-")]  # nothing left behind
    in_place_scan = scan_corpus([tmp_path / "c.txt"])
    in_place = in_place_scan.encode(min_count=2, in_place=True)
    np.testing.assert_array_equal(ram.tokens, in_place.tokens)
    np.testing.assert_array_equal(ram.offsets, in_place.offsets)
    with pytest.raises(RuntimeError):
        in_place_scan.encode(min_count=2)


def test_vocabulary_sorted_by_frequency_with_max_vocab(tmp_path):
    (tmp_path / "a.txt").write_text("c c c a a b d d d d\nb e\n")
    corpus = scan_corpus([tmp_path / "a.txt"]).encode(min_count=2, max_vocab=3)
    assert corpus.vocab.words == ["d", "c", "a"]
    assert corpus.vocab.counts.tolist() == [4, 3, 2]
    assert _sentences(corpus) == [["c", "c", "c", "a", "a", "d", "d", "d", "d"]]


def test_progress_and_cancel(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_files, "BLOCK_BYTES", 1024)
    (tmp_path / "a.txt").write_text(("word " * 10 + "\n") * 500)
    seen = []
    scan_corpus([tmp_path / "a.txt"], task=Task(lambda fraction, text: seen.append((fraction, text))))
    assert len(seen) > 5
    assert seen[-1] == (1.0, "5,000 words")
    assert [s[0] for s in seen] == sorted(s[0] for s in seen)
    words = [int(text.split()[0].replace(",", "")) for _, text in seen]
    assert words == sorted(words)
    task = Task()
    task.cancel()
    with pytest.raises(Cancelled):
        scan_corpus([tmp_path / "a.txt"], task=task)



def test_encoding_reports_its_progress(tmp_path, monkeypatch):
    """Encoding a billion tokens takes a minute: it says how far it is."""
    monkeypatch.setattr(scan_module._Stream, "CHUNK", 256)
    (tmp_path / "a.txt").write_text(("a b c d e f g h i j\n") * 300)
    seen = []
    corpus = scan_corpus([tmp_path / "a.txt"]).encode(min_count=1, task=Task(lambda f, text: seen.append((f, text))))
    assert len(seen) > 5 and seen[-1] == (1.0, "encoding the corpus") and corpus.n_tokens == 3000
    assert [f for f, _ in seen] == sorted(f for f, _ in seen)

def test_vocabulary_extension_keeps_ids(tmp_path):
    (tmp_path / "a.txt").write_text("a a a b b\n")
    (tmp_path / "b.txt").write_text("b new new new rare\n")
    base = scan_corpus([tmp_path / "a.txt"]).encode(min_count=2).vocab
    grown = scan_corpus([tmp_path / "b.txt"]).encode(min_count=2, base_vocab=base)
    assert grown.vocab.words == ["a", "b", "new"]
    assert grown.vocab.counts.tolist() == [3, 3, 3]
    assert _sentences(grown) == [["b", "new", "new", "new"]]
    assert scan_module.MAX_SENTENCE == 10_000

"""The scan on two cores (a reading thread, two tokenizers) counts and numbers words as a plain
Python count does."""

import threading
from collections import Counter

import numpy as np
import pytest

from w2vstudio.core.corpus import files as corpus_files
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.errors import Cancelled
from w2vstudio.core.support.task import Task


def write_corpus(folder, n_files=3, n_lines=3000, seed=0):
    """Files of Zipf-distributed words (letters and digits only, mixed case, so that str.split of
    the lowercased text is the tokenizer's rule) with a tail of words seen once or twice."""
    rng = np.random.default_rng(seed)
    texts = []
    for f in range(n_files):
        lines = []
        for k in range(n_lines):
            ranks = rng.zipf(1.3, size=rng.integers(0, 15))
            words = [("W" if r % 3 == 0 else "w") + str(r % 5000) for r in ranks]
            if k % 7 == 0:
                words.append(f"once{f}x{k}")
            lines.append(" ".join(words))
        text = "\n".join(lines) + "\n"
        (folder / f"part{f}.txt").write_text(text)
        texts.append(text)
    return [folder / f"part{f}.txt" for f in range(n_files)], texts


def truth_of(texts) -> Counter:
    return Counter(word for text in texts for word in text.lower().split())


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(corpus_files, "BLOCK_BYTES", 4096)  # many blocks, so many pairs


def test_exact_counts_and_first_appearance_order(tmp_path, small_blocks):
    paths, texts = write_corpus(tmp_path)
    truth = truth_of(texts)
    scanned = scan_corpus(paths)
    assert scanned.counting == {"method": "exact", "max_lost_count": 0}
    assert scanned.words == list(truth)  # a Counter keeps the order words were first seen
    assert scanned.counts.tolist() == list(truth.values())
    assert scanned.raw_words == sum(truth.values())
    assert [f.words for f in scanned.files] == [len(text.split()) for text in texts]
    corpus = scanned.encode(min_count=1)
    words = corpus.vocab.words
    got = [[words[i] for i in corpus.tokens[a:b]] for a, b in zip(corpus.offsets[:-1], corpus.offsets[1:])]
    want = [line.lower().split() for text in texts for line in text.splitlines() if line.split()]
    assert got == want


def test_pruned_counts_are_bounded_and_match_the_stream(tmp_path, small_blocks):
    paths, texts = write_corpus(tmp_path, n_lines=6000)
    truth = truth_of(texts)
    scanned = scan_corpus(paths, scan_memory=1 << 20)
    assert scanned.counting["method"] == "pruned"
    lost = scanned.counting["max_lost_count"]
    assert len(scanned.words) < len(truth)
    for word, count in zip(scanned.words, scanned.counts.tolist()):
        assert truth[word] - lost <= count <= truth[word], word
    corpus = scanned.encode(min_count=1)
    seen = np.bincount(corpus.tokens, minlength=len(corpus.vocab))
    assert seen.tolist() == corpus.vocab.counts.tolist()  # each kept occurrence is in the stream once
    kept = dict(zip(scanned.words, scanned.counts.tolist()))
    assert dict(zip(corpus.vocab.words, corpus.vocab.counts.tolist())) == kept


def _scan_threads():
    return [t for t in threading.enumerate() if t.name.startswith(("w2vstudio-prefetch", "w2vstudio-tokenize"))]


def test_cancel_during_the_scan_stops_its_threads(tmp_path, small_blocks):
    paths, _ = write_corpus(tmp_path)
    task = Task(lambda fraction, text: calls.append(fraction) or (len(calls) == 3 and task.cancel()))
    calls = []
    with pytest.raises(Cancelled):
        scan_corpus(paths, task=task)
    assert len(calls) == 3
    assert not _scan_threads()


def test_a_read_error_in_the_reading_thread_is_raised_by_the_scan(tmp_path, small_blocks):
    paths, _ = write_corpus(tmp_path, n_files=2)
    paths[1].write_bytes(b"\x00\x01binary")
    with pytest.raises(Exception, match="binary"):
        scan_corpus(paths)
    assert not _scan_threads()

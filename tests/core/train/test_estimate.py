"""A run's memory and time estimated before it starts (core/train/estimate.py), against the
vocabulary and encoded corpus a real run makes of the same scan."""

import numpy as np
import pytest

from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.params import TrainParams
from w2vstudio.core.train.estimate import DEFAULT_SPEED, estimate_run, kept_vocabulary


@pytest.mark.parametrize("min_count, max_vocab", [(1, 0), (2, 0), (3, 7), (1, 5), (50, 0)])
def test_the_kept_vocabulary_is_what_encoding_keeps(topic_file, min_count, max_vocab):
    scanned = scan_corpus([topic_file])
    words, tokens = kept_vocabulary(scanned.counts, min_count, max_vocab)
    counts = np.sort(scanned.counts[scanned.counts >= min_count])[::-1]  # numpy reference
    counts = counts[:max_vocab] if max_vocab else counts
    assert (words, tokens) == (len(counts), int(counts.sum()))
    if words:
        corpus = scanned.encode(min_count, max_vocab or None)
        assert (words, tokens) == (len(corpus.vocab), corpus.n_tokens)


def test_memory_and_time_follow_the_corpus_and_the_weights():
    counts = np.array([50, 30, 20, 5, 1, 1])
    params = TrainParams(dim=10, epochs=3, min_count=2, negative=5)
    e = estimate_run(params, counts, raw_words=107, speed=10.0, available=10**9)
    assert (e.vocab_size, e.kept_words) == (4, 105)
    assert e.token_bytes == 4 * 105 and e.weight_bytes == 4 * 10 * 4 * 2  # input and output matrices
    assert e.total_bytes == e.token_bytes + e.weight_bytes and e.fits
    assert e.seconds == pytest.approx(3 * 107 / 10.0) and e.measured
    assert "an estimate" not in e.text() and "Estimate" in e.text() and "speed so far" in e.text()
    hs = estimate_run(TrainParams(dim=10, min_count=2, hs=True, negative=0), counts, 107, available=None)
    assert hs.weight_bytes == 4 * 10 * 4 * 2 and hs.fits  # unknown memory: no refusal


def test_without_a_measured_speed_the_default_is_used_and_named():
    e = estimate_run(TrainParams(sg=False, epochs=2), np.array([10] * 100), 1000, speed=None)
    assert not e.measured and e.speed == DEFAULT_SPEED["CBOW"]
    assert "not yet measured" in e.text()


def test_beyond_the_memory_available_the_estimate_says_so_and_suggests_the_vocabulary_flags():
    e = estimate_run(TrainParams(dim=300, min_count=1), np.array([100] * 1000), 100_000, available=1_000_000)
    assert not e.fits
    text = e.text()
    assert "more than the memory available" in text and "--min-count" in text and "--max-vocab" in text
    small = estimate_run(TrainParams(dim=300, min_count=1, max_vocab=10), np.array([100] * 1000), 100_000,
                         available=1_000_000)
    assert small.fits and "more than" not in small.text()

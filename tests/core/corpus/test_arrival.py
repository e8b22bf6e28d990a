"""Cached tokens read while training reads them (core/corpus/arrival.py): waits, checks, abandon;
a run that starts training before its cached corpus has arrived, trained (and its probes' sightings
counted) as if read whole; PMI pairs from a prefix and CBOW windows from a growing one equal
numpy's."""

import os
import threading

import numpy as np
import pytest

from w2vstudio.core.corpus import arrival as arrival_module
from w2vstudio.core.corpus.arrival import Arrival
from w2vstudio.core.corpus.heldout import carve, heldout_ranges
from w2vstudio.core.corpus.scan import EncodedCorpus, scan_corpus
from w2vstudio.core.corpus.windows import windows_of
from w2vstudio.core.errors import W2VError
from w2vstudio.core.lenses import pair_likelihood
from w2vstudio.core.lenses.pair_likelihood import first_windows, pmi_pairs
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.core.train.callbacks import TrainingCallback

PARAMS = TrainParams(dim=8, epochs=2, min_count=2, threads=1, batch_words=300)
PAIRS = (("sea1", "sea2"), ("sky0", "the"))


def _arrival(tmp_path, ids, limit=100, **kw):
    path = tmp_path / "ids.i32"
    np.asarray(ids, np.int32).tofile(path)
    return Arrival(os.open(path, os.O_RDONLY), np.empty(len(ids), np.int32), limit, str(path), **kw)


def test_ids_arrive_whole_and_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(arrival_module, "PIECE", 7)
    ids = np.arange(50) % 100
    a = _arrival(tmp_path, ids)
    assert a.wait(50, timeout=10) and a.complete and np.array_equal(a.out, ids)
    assert _arrival(tmp_path, []).wait(0)


def test_an_id_outside_the_vocabulary_fails_every_wait_beyond_it(tmp_path, monkeypatch):
    monkeypatch.setattr(arrival_module, "PIECE", 10)
    reasons = []
    a = _arrival(tmp_path, [1] * 25 + [100] + [1] * 10, on_failure=reasons.append)
    with pytest.raises(W2VError, match=r"ids\.i32 is damaged: it holds an id outside the vocabulary"):
        a.wait(36, timeout=10)
    assert a.arrived == 20 and a.wait(20) and len(reasons) == 1
    with pytest.raises(W2VError, match="damaged"):
        a.wait(21)


def test_an_abandoned_reading_stops_and_fails_the_waits_beyond_it(tmp_path, monkeypatch):
    monkeypatch.setattr(arrival_module, "PIECE", 10)
    gate = threading.Event()
    checked = Arrival._check

    def held(self, ids):
        gate.wait(10)
        checked(self, ids)

    monkeypatch.setattr(Arrival, "_check", held)
    a = _arrival(tmp_path, [1] * 40)
    a.abandon()
    gate.set()
    with pytest.raises(W2VError, match="stopped"):
        a.wait(40, timeout=10)
    assert a.arrived <= 10


def _cached_run(topic_file, folder, watch=None, callbacks=()):
    return TrainingRun([str(topic_file)], PARAMS, watch or WatchOptions(per_epoch=0, quality=False),
                       callbacks=callbacks, cache=folder)


class ArrivedAtBatch(TrainingCallback):
    """The tokens arrived when each batch ended, until `gate` opens."""

    def __init__(self, gate: threading.Event):
        self.gate, self.arrived, self.run = gate, [], None

    def on_batch(self, report):
        if not self.gate.is_set():
            self.arrived.append(self.run.corpus.arrival.arrived)


def test_training_starts_before_the_cached_tokens_have_arrived_and_ends_as_if_read_whole(topic_file, tmp_path,
                                                                                        monkeypatch):
    folder = tmp_path / "cache"
    watch = WatchOptions(per_epoch=4, quality=False, probe_pairs=PAIRS, heldout=0.05)
    whole = _cached_run(topic_file, folder, watch).train()  # scans and writes the entry
    monkeypatch.setattr(arrival_module, "PIECE", 1000)
    gate, checked = threading.Event(), Arrival._check
    pieces = []

    def held(self, ids):
        if len(pieces) >= 2:
            assert gate.wait(20)  # the held-out slice and the first piece pass, the others wait for the test
        pieces.append(len(ids))
        checked(self, ids)

    monkeypatch.setattr(Arrival, "_check", held)
    watcher = ArrivedAtBatch(gate)
    run = watcher.run = _cached_run(topic_file, folder, watch, [watcher])
    done = []
    worker = threading.Thread(target=lambda: done.append(run.train()))
    worker.start()
    for _ in range(400):
        if watcher.arrived:
            break
        threading.Event().wait(0.05)
    gate.set()
    worker.join(60)
    again = done[0]
    assert again.cache["used"] and run.corpus.arrival is not None
    assert watcher.arrived and watcher.arrived[0] == 1000 < run.corpus.n_tokens  # trained while the rest was read
    np.testing.assert_allclose(again.model.vectors, whole.model.vectors, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(again.probes.seen(), whole.probes.seen())
    assert again.corpus_words == whole.corpus_words < run.corpus.arrival.out.size  # the held-out slice left out


def test_a_stopped_run_abandons_the_reading(topic_file, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    _cached_run(topic_file, folder).train()
    monkeypatch.setattr(arrival_module, "PIECE", 1000)
    gate, checked = threading.Event(), Arrival._check

    def held(self, ids):
        gate.wait(20)
        checked(self, ids)

    monkeypatch.setattr(Arrival, "_check", held)
    run = _cached_run(topic_file, folder)
    run.prepare()
    run.cancel()
    result = run.train()
    gate.set()
    assert result.train.cancelled and result.train.words_done == 0
    with pytest.raises(W2VError, match="stopped"):
        run.corpus.whole()


def _arriving(corpus: EncodedCorpus, tmp_path, monkeypatch, piece=97) -> EncodedCorpus:
    monkeypatch.setattr(arrival_module, "PIECE", piece)
    a = _arrival(tmp_path, corpus.tokens, limit=len(corpus.vocab))
    return EncodedCorpus(corpus.vocab, a.out, corpus.offsets, corpus.raw_words, corpus.files, a)


@pytest.mark.parametrize("fraction", [0.01, 0.2])
def test_a_slice_held_out_of_a_corpus_still_to_arrive_equals_one_cut_from_the_whole(topic_file, tmp_path,
                                                                                  monkeypatch, fraction):
    corpus = scan_corpus([topic_file]).encode(min_count=2)
    train, held = carve(_arriving(corpus, tmp_path, monkeypatch), fraction)
    expected_train, expected_held = carve(corpus, fraction)
    assert train.arrival is not None and held.arrival is None
    np.testing.assert_array_equal(train.whole().tokens, expected_train.tokens)
    np.testing.assert_array_equal(train.offsets, expected_train.offsets)
    np.testing.assert_array_equal(held.tokens, expected_held.tokens)
    np.testing.assert_array_equal(held.offsets, expected_held.offsets)
    mask = np.zeros(corpus.n_tokens, bool)  # numpy reference: the held-out positions
    for a, b in heldout_ranges(corpus.n_tokens, fraction).tolist():
        mask[a:b] = True
    np.testing.assert_array_equal(expected_train.tokens, corpus.tokens[~mask])
    np.testing.assert_array_equal(expected_held.tokens, corpus.tokens[mask])


def test_pmi_pairs_and_cbow_windows_read_a_prefix_equal_numpy_on_it(topic_file, tmp_path, monkeypatch):
    corpus = scan_corpus([topic_file]).encode(min_count=2)
    arriving = _arriving(corpus, tmp_path, monkeypatch)
    monkeypatch.setattr(pair_likelihood, "PMI_TOKENS", 1000)
    last = int(np.searchsorted(corpus.offsets, 1000))
    head = EncodedCorpus(corpus.vocab, corpus.tokens[:corpus.offsets[last]], corpus.offsets[:last + 1],
                         corpus.raw_words)
    monkeypatch.setattr(pair_likelihood, "PMI_TOKENS", 10**9)
    expected = pmi_pairs(head, 3, 5, 20, 2)
    monkeypatch.setattr(pair_likelihood, "PMI_TOKENS", 1000)
    assert pmi_pairs(arriving, 3, 5, 20, 2) == expected and expected
    a, b = corpus.vocab.index["sea1"], corpus.vocab.index["sea2"]
    for cap in (3, 200, 10**6):  # within the first prefix, in a grown one, the whole corpus
        np.testing.assert_array_equal(first_windows(arriving, 5, a, b, cap),
                                      windows_of(corpus.tokens, corpus.offsets, 5, a, b, cap))

"""Held-out likelihood: the slice carved, its pairs and the scores against numpy loops over
`inside.likelihood` (softmax, HS, NS estimate), the NS loss with the same negatives; CBOW's probes
over real windows against numpy; pair sightings against a loop; the CLI."""

import json
import math

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.corpus.heldout import carve, held_before, heldout_ranges, split
from w2vstudio.core.corpus.scan import EncodedCorpus
from w2vstudio.core.corpus.windows import context_matrix, sentence_ids, windows_of
from w2vstudio.core.inside.likelihood import likelihood, windows_likelihood
from w2vstudio.core.lenses import heldout
from w2vstudio.core.lenses.pair_likelihood import sightings
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.core.vocab import Vocabulary


def heldout_mask(n_tokens, fraction):
    """The held-out ranges as a mask (numpy reference)."""
    return _mask(heldout_ranges(n_tokens, fraction), n_tokens)


def _mask(ranges, n):
    mask = np.zeros(n, bool)
    for a, b in ranges.tolist():
        mask[a:b] = True
    return mask


def _ranges(mask):
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return edges.reshape(-1, 2).astype(np.int64)


def test_mask_chunks_spread_through_one_long_line():
    mask = heldout_mask(1_000_000, 0.01)
    assert mask.sum() == 10_000
    starts = np.flatnonzero(np.diff(mask.astype(int)) == 1) + 1
    assert len(starts) == 10 and np.all(np.diff(starts) == 100_000)
    assert heldout_mask(100_000_000, 0.01).sum() == 200_000
    assert not heldout_mask(10, 0.01).any()


def test_carve_keeps_bounds_and_words(topic_corpus):
    train, held = carve(topic_corpus, 0.05)
    assert train.n_tokens + held.n_tokens == topic_corpus.n_tokens
    mask = heldout_mask(topic_corpus.n_tokens, 0.05)
    assert np.array_equal(held.tokens, topic_corpus.tokens[mask])
    assert np.array_equal(train.tokens, topic_corpus.tokens[~mask])
    cut = np.flatnonzero(np.diff(mask.astype(int)) != 0) + 1  # no sentence spans a chunk's edge
    kept = np.cumsum(np.concatenate([[0], ~mask]))
    assert set(kept[cut].tolist()) <= set(train.offsets.tolist())


def test_split_offsets_match_the_cumulative_counts():
    rng = np.random.default_rng(5)
    n = 5_000
    offsets = np.unique(np.concatenate([[0, n], rng.integers(1, n, 300)]))
    corpus = EncodedCorpus(Vocabulary(["a", "b"], np.array([3, 2])), rng.integers(0, 2, n).astype(np.int32),
                           offsets, n)
    mask = np.zeros(n, bool)
    for start in rng.integers(0, n - 40, 12):
        mask[start:start + rng.integers(1, 40)] = True
    ranges = _ranges(mask)
    np.testing.assert_array_equal(held_before(ranges, np.arange(n + 1)), np.cumsum(np.concatenate([[0], mask])))
    train, held = split(corpus, ranges)
    bounds = np.unique(np.concatenate([offsets, np.flatnonzero(np.diff(mask.astype(int))) + 1]))
    kept = np.cumsum(np.concatenate([[0], ~mask]))  # numpy reference: kept positions before each bound
    assert np.array_equal(train.offsets, np.unique(kept[bounds]))
    assert np.array_equal(held.offsets, np.unique((np.arange(n + 1) - kept)[bounds]))
    assert np.array_equal(held.tokens, corpus.tokens[mask]) and held.n_tokens == mask.sum()


def _rows_loop(corpus, sg, window):
    rows = []
    for a, b in zip(corpus.offsets[:-1], corpus.offsets[1:]):
        s = corpus.tokens[a:b].tolist()
        for c in range(len(s)):
            ctx = [s[j] for j in range(max(0, c - window), min(len(s), c + window + 1)) if j != c]
            if sg:
                rows += [([s[c]], o) for o in ctx]
            elif ctx:
                rows.append((ctx, s[c]))
    return rows


@pytest.mark.parametrize("kind", ["softmax", "hs", "negative", "cbow-softmax", "cbow-hs", "cbow-negative"])
def test_scores_match_a_loop_over_likelihood(topic_file, kind):
    extra = {"softmax": {"softmax": True, "negative": 0}, "hs": {"hs": True, "negative": 0}, "negative": {}}
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=1, batch_words=500, window=2,
                         sg=not kind.startswith("cbow"), **extra[kind.split("-")[-1]])
    run = TrainingRun([topic_file], params, WatchOptions(per_epoch=2, quality=False, heldout=0.05))
    result = run.train()
    model, scorer = result.model, result.heldout
    rows = _rows_loop(held_slice(run), params.sg, params.window)
    assert scorer.pairs == len(rows) == scorer.scored
    ref = np.mean([likelihood(model, i, o, topn=0).neg_log_p for i, o in rows])
    ours = heldout.neg_log_p(model, scorer.inputs, scorer.outputs).mean()
    assert ours == pytest.approx(ref, rel=1e-5)
    if kind.endswith("negative"):
        c = model.syn1neg.astype(np.float64)
        losses = []
        for (i, o), neg in zip(rows, scorer.negatives):
            v = np.mean(model.vectors[i].astype(np.float64), axis=0) if model.params.cbow_mean else model.vectors[i].sum(0)
            loss = np.logaddexp(0, -(c[o] @ v)) + sum(np.logaddexp(0, c[k] @ v) for k in neg if k != o)
            losses.append(loss)
        assert scorer.records()[-1]["ns_loss"] == pytest.approx(np.mean(losses), rel=1e-5)
        est = [likelihood(model, *rows[i], topn=0).neg_log_p for i in scorer.est_rows]
        assert 0 < len(est) <= len(rows)
        assert scorer.records()[-1]["neg_log_p"] == pytest.approx(np.mean(est), rel=1e-5)
    else:
        assert scorer.records()[-1]["neg_log_p"] == pytest.approx(ref, rel=1e-5)
    progress = [r["progress"] for r in scorer.records()]
    assert len(progress) == 3 and progress[0] == 0.0 and progress[-1] == 1.0
    assert heldout.stored_heldout(model) == scorer.records()


def held_slice(run):
    """The run's slice, carved again the same way."""
    from w2vstudio.core.corpus.scan import scan_corpus

    corpus = scan_corpus([run.model.info["corpus"][0]]).encode(min_count=2)
    return carve(corpus, 0.05)[1]


def test_budget_samples_positions_evenly(topic_corpus):
    from w2vstudio.core.train.model import Model

    model = Model.create(topic_corpus.vocab, TrainParams(dim=8, min_count=2, window=2))
    scorer = heldout.HeldOutScorer(model, topic_corpus, budget=56 * 100)
    assert 0 < scorer.scored <= 100 < scorer.pairs


def test_rows_scored_are_capped(topic_corpus, monkeypatch):
    from w2vstudio.core.train.model import Model

    monkeypatch.setattr(heldout, "MAX_ROWS", 50)
    model = Model.create(topic_corpus.vocab, TrainParams(dim=8, min_count=2, window=2))
    assert heldout.HeldOutScorer(model, topic_corpus).scored == 50


def test_the_normaliser_read_in_blocks_equals_numpy_at_once():
    rng = np.random.default_rng(2)
    c = rng.normal(size=(40_000, 8)).astype(np.float32)  # three blocks of words
    v = rng.normal(size=(300, 8))  # two blocks of rows
    shift = rng.normal(size=40_000)
    scores = (v.astype(np.float32) @ c.T).astype(np.float64) + shift
    peak = scores.max(axis=1)
    np.testing.assert_allclose(heldout._log_z(c, v, shift), peak + np.log(np.exp(scores - peak[:, None]).sum(axis=1)),
                               rtol=1e-12)
    zero = np.zeros_like(c)  # a fresh model's output weights
    np.testing.assert_allclose(heldout._log_z(zero, v, shift), np.log(np.exp(shift).sum()), rtol=1e-12)


def test_cbow_windows_and_their_mean_p_match_numpy(topic_file):
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=1, sg=False, window=2, batch_words=500)
    run = TrainingRun([topic_file], params, WatchOptions(per_epoch=1, quality=False, probe_pairs=(("sea0", "sea1"),)))
    result = run.train()
    model = result.model
    i, o = model.vocab.index["sea0"], model.vocab.index["sea1"]
    toks, offs = run.corpus.tokens, run.corpus.offsets
    found = []  # the loop: every centre o with i within 2 on its line
    for a, b in zip(offs[:-1], offs[1:]):
        s = toks[a:b].tolist()
        for c in range(len(s)):
            ctx = [s[j] for j in range(max(0, c - 2), min(len(s), c + 3)) if j != c]
            if s[c] == o and i in ctx:
                found.append(ctx)
    rows = windows_of(toks, offs, 2, i, o, cap=10_000)
    assert [sorted(r[r >= 0].tolist()) for r in rows] == [sorted(f) for f in found]
    c, pn = model.syn1neg.astype(np.float64), model.vocab.counts ** model.params.ns_exponent
    ps = []
    for ctx in found:
        logits = c @ model.vectors[ctx].astype(np.float64).mean(0) + np.log(pn / pn.sum())
        ps.append(np.exp(logits[o] - logits.max()) / np.exp(logits - logits.max()).sum())
    assert windows_likelihood(model, rows, o, 0).p == pytest.approx(np.mean(ps), rel=1e-5)
    stored = result.probes.contexts()[0]
    assert stored == {"context": "corpus", "windows": min(len(found), 64)}
    _, p, _, _ = result.probes.values()
    assert p[-1, 0] == pytest.approx(np.mean(ps[:64]), rel=1e-5)


def test_sightings_match_a_loop():
    rng = np.random.default_rng(3)
    tokens = rng.integers(0, 4, 300).astype(np.int32)
    offsets = np.array([0, 50, 51, 170, 300])
    sent = sentence_ids(offsets)
    for a, b in [(0, 1), (2, 2)]:
        loop = []
        for p in range(300):
            for q in range(max(0, p - 3), p):
                if sent[p] == sent[q] and {tokens[p], tokens[q]} == {a, b} and (a != b or tokens[p] == a):
                    loop.append(p)
        assert sightings(tokens, offsets, 3, a, b).tolist() == sorted(loop)
    assert context_matrix(tokens, offsets, 1)[50].tolist() == [-1, -1]


def test_train_heldout_info_and_step_contexts(topic_file, tmp_path, capsys):
    out = tmp_path / "m.npz"
    small = ["--dim", "8", "--epochs", "2", "--min-count", "2", "--threads", "1", "--quiet", "--cbow"]
    assert main(["train", str(topic_file), "-o", str(out), *small, "--heldout", "1.5"]) == 1
    assert capsys.readouterr().err.strip() == "w2vstudio: error: --heldout must be at least 0 and below 1, not 1.5"
    assert main(["train", str(topic_file), "-o", str(out), *small, "--heldout", "0.05"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [h["progress"] for h in summary["heldout"]] == [0.0, 1.0, 2.0]
    assert main(["info", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["heldout"] == summary["heldout"] and set(info["heldout"][0]) == {"progress", "neg_log_p", "ns_loss"}
    assert all(math.isfinite(h["ns_loss"]) for h in info["heldout"])
    answers = {}
    for flags in ([], ["--context", "sea2 the"], ["--single"], ["--corpus", str(topic_file), "--windows", "3"]):
        assert main(["step", str(out), "sea0", "sea1", "--json", *flags]) == 0
        answers[tuple(flags)] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert answers[()]["context"] == "corpus" and answers[()]["windows"] > 3
    assert answers[("--context", "sea2 the")]["context"] == "typed"
    assert answers[("--single",)]["context"] == "single" and "outside" in answers[("--single",)]["note"]
    assert answers[("--corpus", str(topic_file), "--windows", "3")]["windows"] == 3
    assert main(["step", str(out), "sea0", "sea1", "--corpus", str(tmp_path / "none.txt")]) == 1
    assert capsys.readouterr().err.count("\n") == 1

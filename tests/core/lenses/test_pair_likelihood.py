"""Likelihood probes: p and rank at each snapshot against numpy's softmax (negative sampling, with
log Pn) and the Huffman path product; storage with the model; default pairs by PMI; the CLI."""

import json

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.kernels.training import huffman_tree
from w2vstudio.core.errors import FormatError, UnknownWordError
from w2vstudio.core.lenses.pair_likelihood import (LikelihoodProbes, final_across, parse_pair, pmi_pairs,
                                                     probe_summaries, stored_probes)
from w2vstudio.core.train.model import Model
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.core.corpus.scan import scan_corpus

PAIRS = (("sea0", "sea1"), ("sky2", "the"))


def _reference_ns(model, i, o):
    scores = model.syn1neg.astype(np.float64) @ model.vectors[i].astype(np.float64)
    pn = model.vocab.counts.astype(np.float64) ** model.params.ns_exponent
    logits = scores + np.log(pn / pn.sum())
    logp = logits - np.log(np.exp(logits - logits.max()).sum()) - logits.max()
    return np.exp(logp[o]), 1 + int(np.count_nonzero(logp > logp[o]))


def _reference_hs(model, i, o):
    codes, points, lengths = huffman_tree(model.vocab.counts.astype(np.float64))
    v = model.vectors[i].astype(np.float64)
    logp = np.zeros(len(model.vocab))
    for w in range(len(model.vocab)):
        for d in range(lengths[w]):
            s = (1 - 2 * int(codes[w, d])) * (model.syn1[points[w, d]].astype(np.float64) @ v)
            logp[w] += -np.logaddexp(0, -s)
    return np.exp(logp[o]), 1 + int(np.count_nonzero(logp > logp[o]))


def _run(topic_file, **params):
    params = TrainParams(dim=10, epochs=2, min_count=2, threads=1, batch_words=500, **params)
    return TrainingRun([topic_file], params, WatchOptions(per_epoch=3, quality=False, probe_pairs=PAIRS)).train()


@pytest.mark.parametrize("hs", [False, True])
def test_probes_at_the_first_and_last_snapshot_match_numpy(topic_file, hs):
    result = _run(topic_file, **({"hs": True, "negative": 0} if hs else {}))
    model, probes = result.model, result.probes
    words, p, rank, sigmoid = probes.values()
    assert len(words) == len(result.recorder) > 2
    assert words.tolist() == result.recorder.times()["words"].tolist()
    reference = _reference_hs if hs else _reference_ns
    fresh = Model.create(model.vocab, model.params)  # the weights before the first batch
    for k, (a, b) in enumerate(PAIRS):
        i, o = model.vocab.index[a], model.vocab.index[b]
        for row, weights in ((0, fresh), (-1, model)):
            want_p, want_rank = reference(weights, i, o)
            assert p[row, k] == pytest.approx(want_p, rel=1e-5) and rank[row, k] == want_rank
        if not hs:
            assert sigmoid[-1, k] == pytest.approx(1 / (1 + np.exp(-(model.syn1neg[o] @ model.vectors[i]))), rel=1e-5)
    assert np.isnan(sigmoid).all() == hs
    assert p[-1, 0] > p[0, 0]  # sea1 follows sea0 more often than the noise says, once trained


def test_probes_are_saved_and_extended_by_continued_training(topic_file, tmp_path):
    result = _run(topic_file)
    path = tmp_path / "m.npz"
    result.model.save(path)
    stored = stored_probes(Model.load(path))
    assert stored["pairs"] == list(PAIRS) and np.array_equal(stored["p"], result.probes.values()[1])
    params = TrainParams(dim=10, epochs=1, min_count=2, threads=1, batch_words=500)
    more = TrainingRun([topic_file], params, WatchOptions(per_epoch=2, quality=False, probe_pairs=(("sea2", "sea3"),)),
                       continue_from=path).train()
    words, p, rank, _ = more.probes.values()
    assert more.probes.pairs == [*PAIRS, ("sea2", "sea3")]
    assert len(words) == len(more.recorder) and np.all(np.diff(words) > 0)
    old = len(stored["words"])
    assert np.isnan(p[:old, 2]).all() and (rank[:old, 2] == 0).all() and not np.isnan(p[old:]).any()
    np.testing.assert_array_equal(p[:old, :2], stored["p"])
    summary = probe_summaries(more.model, 100.0)
    assert summary[2]["p"][:old] == [None] * old and summary[0]["progress"] == (words / 100).tolist()


def test_damaged_or_bad_probes(topic_file):
    result = _run(topic_file)
    model = result.model
    model.extras["probe_p"] = model.extras["probe_p"][:, :1]
    with pytest.raises(FormatError, match="likelihood probes are damaged"):
        stored_probes(model)
    with pytest.raises(UnknownWordError, match="zzz"):
        LikelihoodProbes(model, [("sea0", "zzz")], result.recorder)
    assert parse_pair("peanut:butter") == ("peanut", "butter")
    for bad in ("peanut", "a:b:c", ":b", "a:"):
        with pytest.raises(ValueError):
            parse_pair(bad)


def test_default_pairs_have_the_highest_pmi(tmp_path):
    rng = np.random.default_rng(0)
    lines = []
    for _ in range(400):
        words = list(rng.choice([f"w{i}" for i in range(30)], size=10))
        k = int(rng.integers(0, 9))
        words[k:k] = ["peanut", "butter"] if rng.random() < 0.5 else ["jelly", "toast"]
        lines.append(" ".join(words))
    path = tmp_path / "c.txt"
    path.write_text("\n".join(lines) + "\n")
    corpus = scan_corpus([path]).encode(min_count=1)
    pairs = pmi_pairs(corpus, n=2, window=1)
    assert sorted(pairs) == [("jelly", "toast"), ("peanut", "butter")]  # the word coming first is the input
    assert pmi_pairs(corpus, n=5, window=1, min_count=10**6) == []


def test_train_probe_pair_and_info(topic_file, tmp_path, capsys):
    model = tmp_path / "m.npz"
    small = ["--dim", "8", "--epochs", "2", "--min-count", "2", "--threads", "1", "--quiet"]
    assert main(["train", str(topic_file), "-o", str(model), *small, "--probe-pair", "sea0:sea1"]) == 1
    assert "--probe-pair needs --snapshots" in capsys.readouterr().err
    assert main(["train", str(topic_file), "-o", str(model), *small, "--snapshots", "2",
                 "--probe-pair", "sea0:sea1", "--probe-pair", "sky1:the"]) == 0
    capsys.readouterr()
    assert main(["info", str(model), "--json"]) == 0
    info = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert info["snapshots"] == 3
    assert [(p["input"], p["output"]) for p in info["probes"]] == [("sea0", "sea1"), ("sky1", "the")]
    for probe in info["probes"]:
        assert set(probe) == {"input", "output", "objective", "progress", "p", "rank", "seen", "context"}
        assert probe["context"] == "single" and probe["seen"][0] == 0 and probe["seen"][1] < probe["seen"][2]
        assert probe["objective"] == "negative" and probe["progress"] == [0.0, 1.0, 2.0]
        assert len(probe["p"]) == len(probe["rank"]) == 3 and all(0 < p < 1 for p in probe["p"])
    assert main(["train", str(topic_file), "-o", str(model), *small, "--snapshots", "2",
                 "--probe-pair", "sea0:nope"]) == 1
    err = capsys.readouterr().err
    assert "nope" in err and len(err.strip().splitlines()) == 1


def test_info_on_a_model_with_damaged_probes_is_one_line(topic_file, tmp_path, capsys):
    result = _run(topic_file)
    path = tmp_path / "m.npz"
    result.model.extras["probe_rank"] = result.model.extras["probe_rank"][:-1]
    result.model.save(path)
    assert main(["info", str(path), "--json"]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "likelihood probes are damaged" in err and len(err.strip().splitlines()) == 1
    result.model.extras["probe_rank"] = np.zeros(0, np.int64)
    result.model.info["probes"] = {"pairs": "sea0 sea1"}
    result.model.save(path)
    assert main(["info", str(path)]) == 1
    assert "not lists of two words" in capsys.readouterr().err


def test_probes_survive_a_session(topic_file, tmp_path):
    from w2vstudio.core.files.sessionfile import load_session, save_session

    result = _run(topic_file)
    save_session(tmp_path / "s", [("run", result.model)])
    (name, model), = load_session(tmp_path / "s").models
    stored = stored_probes(model)
    assert name == "run" and stored["pairs"] == list(PAIRS)
    np.testing.assert_array_equal(stored["p"], result.probes.values()[1])


def test_a_pair_side_of_several_words_is_its_phrase_token():
    from w2vstudio.core.lenses.pair_likelihood import parse_pair

    assert parse_pair("peanut butter:jelly") == ("peanut_butter", "jelly")
    assert parse_pair(" king : queen ") == ("king", "queen")


def test_final_across_is_each_runs_last_probe_with_mean_and_sd(topic_file, tmp_path):
    first = _run(topic_file).model
    runs = [first]
    for i, scale in ((2, 0.5), (3, 2.0)):
        first.save(tmp_path / f"r{i}.npz")
        run = Model.load(tmp_path / f"r{i}.npz")
        run.extras["probe_p"] = run.extras["probe_p"] * scale
        runs.append(run)
    found = final_across(runs)
    assert [(q["input"], q["output"]) for q in found] == list(PAIRS)
    for k, q in enumerate(found):
        last = np.array([m.extras["probe_p"][-1, k] for m in runs])
        assert q["runs"] == pytest.approx(last.tolist())
        assert q["p"] == pytest.approx(last.mean()) and q["p_sd"] == pytest.approx(last.std(ddof=1)) and q["p_sd"] > 0
    assert final_across(runs[:1])[0]["p_sd"] == 0  # one model
    runs[2].info["probes"]["pairs"] = [list(PAIRS[1]), list(PAIRS[0])]  # another order: matched by pair
    runs[2].extras["probe_p"] = runs[2].extras["probe_p"][:, ::-1].copy()
    assert final_across(runs)[0]["p"] == pytest.approx(found[0]["p"])
    runs[2].info["probes"]["pairs"] = [list(PAIRS[0]), ["sea2", "sea3"]]  # a run without the second pair
    second = final_across(runs)[1]
    assert np.isnan(second["runs"][2]) and np.isnan(second["p"]) and np.isnan(second["p_sd"])


def test_info_on_an_ensemble_gives_each_pairs_p_over_its_runs(topic_file, tmp_path, capsys):
    folder = tmp_path / "ens"
    assert main(["train", str(topic_file), "-o", str(folder), "--dim", "8", "--epochs", "2", "--min-count", "2",
                 "--threads", "1", "--quiet", "--runs", "2", "--snapshots", "2", "--probe-pair", "sea0:sea1"]) == 0
    capsys.readouterr()
    assert main(["info", str(folder), "--json"]) == 0
    info = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    [probe] = info["ensemble"]["probes"]
    assert set(probe) == {"input", "output", "runs", "p", "p_sd"} and len(probe["runs"]) == 2
    each = [stored_probes(Model.load(folder / f"run-{k}.npz"))["p"][-1, 0] for k in (1, 2)]
    assert probe["runs"] == pytest.approx(each) and probe["p"] == pytest.approx(np.mean(each))
    assert probe["p_sd"] == pytest.approx(np.std(each, ddof=1))
    assert info["probes"][0]["p"][-1] == pytest.approx(each[0])  # the first run's curve, as before
    assert main(["info", str(folder)]) == 0
    assert "mean ± sd over 2 runs" in capsys.readouterr().out

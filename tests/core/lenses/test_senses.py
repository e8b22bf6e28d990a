"""Word senses on generated corpora: a made-up word planted in two unrelated topics splits into two
senses, each at least 80% of one topic; one planted in a single topic reads as one blended meaning
(its clusters still shown). Eight topics of ten words each, filler words everywhere, "zorp" in two
topics and "blick" in one; and "strum", whose contexts split in two registers around the same core
words, is one meaning though its clusters split cleanly."""

import dataclasses
import json

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.errors import Cancelled, CorpusError, UnknownWordError, W2VError
from w2vstudio.core.lenses.senses import (_Reservoir, kmeans, sample_occurrences, senses,
                                          silhouette, standing)
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.train.sampling import keep_probabilities
from w2vstudio.core.support.task import Task


def planted_text(n_lines=3000, topics=8, seed=0) -> str:
    rng = np.random.default_rng(seed)
    vocab = [[f"t{t}w{i}" for i in range(10)] for t in range(topics)]
    lines = []
    for _ in range(n_lines):
        t = int(rng.integers(topics))
        words = list(rng.choice(vocab[t] + ["the", "a", "of", "and"], size=rng.integers(6, 13)))
        if (t in (0, 1) and rng.random() < 0.4) or (t == 2 and rng.random() < 0.4):
            words.insert(int(rng.integers(len(words) + 1)), "Zorp" if t < 2 else "blick")
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    path = tmp_path_factory.mktemp("senses") / "planted.txt"
    path.write_text(planted_text())
    corpus = scan_corpus([path]).encode(min_count=1)
    model = Model.create(corpus.vocab, TrainParams(dim=20, epochs=5, threads=1, min_count=1, seed=1))
    Trainer(model, corpus).train()
    return model, path


def registers_text(n_lines=6000, seed=0) -> str:
    """Eight topics as in `planted_text`, and a ninth whose 40 core words come in two registers of ten
    words each: "strum" occurs among the core words in both, as guitar does in bands and in playing."""
    rng = np.random.default_rng(seed)
    topics = [[f"t{t}w{i}" for i in range(10)] for t in range(8)]
    core, registers = [f"cw{i}" for i in range(40)], [[f"ra{i}" for i in range(10)], [f"rb{i}" for i in range(10)]]
    lines = []
    for _ in range(n_lines):
        t = int(rng.integers(9))
        if t == 8:
            words = list(rng.choice(core, size=rng.integers(3, 6))) + list(rng.choice(registers[int(rng.integers(2))],
                                                                                       size=rng.integers(3, 7)))
            words += list(rng.choice(["the", "a", "of", "and"], size=2))
            rng.shuffle(words)
            if rng.random() < 0.4:
                words.insert(int(rng.integers(len(words) + 1)), "strum")
        else:
            words = list(rng.choice(topics[t] + ["the", "a", "of", "and"], size=rng.integers(6, 13)))
        lines.append(" ".join(words))
    return "\n".join(lines) + "\n"


def test_a_word_whose_contexts_split_in_two_registers_but_keep_their_stand_ins_is_blended(tmp_path):
    """The clusters split as clearly as a planted word's (the silhouette alone would call it two
    senses); what could take its place is the same core words in both: one meaning."""
    path = tmp_path / "registers.txt"
    path.write_text(registers_text())
    corpus = scan_corpus([path]).encode(min_count=1)
    model = Model.create(corpus.vocab, TrainParams(dim=20, epochs=5, threads=1, min_count=1, seed=1))
    Trainer(model, corpus).train()
    found = senses(model, [path], "strum", max_occurrences=200)
    assert found.z >= 2 and found.percentile == 100
    assert found.blended and found.stand_ins["z"] < 2
    assert all(c.startswith("cw") for c in found.stand_ins["candidates"])
    for c in range(2):
        lines = [line for line, label in zip(found.all_lines, found.labels) if label == c]
        kinds = [{w[:2] for w in line.split()} & {"ra", "rb"} for line in lines]
        assert max(sum(k == {"ra"} for k in kinds), sum(k == {"rb"} for k in kinds)) >= 0.8 * len(lines)


def _topics(line: str) -> set[str]:
    return {w[:2] for w in line.split() if w.startswith("t") and len(w) == 4}


def _purity(found, c: int) -> tuple[str, float]:
    """The commonest topic of sense `c`'s occurrences and its share of them."""
    topics = [sorted(_topics(line)) for line, label in zip(found.all_lines, found.labels) if label == c]
    names, counts = np.unique([t[0] if len(t) == 1 else "?" for t in topics], return_counts=True)
    return str(names[counts.argmax()]), float(counts.max() / counts.sum())


def test_a_word_in_two_topics_has_two_senses_each_at_least_80_percent_pure(planted):
    model, path = planted
    found = senses(model, [path], "zorp", max_occurrences=200)
    assert found.occurrences == 200 and not found.blended and len(found.senses) == 2
    assert found.z >= 2 and found.percentile == 100 and len(found.baseline["words"]) == 30
    assert found.stand_ins["z"] >= 2 and found.stand_ins["percentile"] == 100 and len(found.stand_ins["candidates"]) == 30
    assert "several senses" in found.verdict() and "2 clusters shown" in found.verdict() and "z = +" in found.verdict()
    assert found.points.shape == (200, 2) and found.word_point.shape == (2,) and len(found.all_lines) == 200
    topics = []
    for c, sense in enumerate(found.senses):
        topic, purity = _purity(found, c)
        assert purity >= 0.8 and sense.share == pytest.approx(np.mean(found.labels == c))
        assert 0.3 < sense.share < 0.7 and len(sense.lines) == 5 and sense.cosine_with_word > 0
        assert all(_topics(line) == {topic} and "zorp" in line.lower() for line in sense.lines)
        assert all(w.startswith(topic) for w in sense.nearest[:5] + sense.distinctive[:5] + sense.stand_ins[:3])
        topics.append(topic)
    assert sorted(topics) == ["t0", "t1"]
    assert sum(s.share for s in found.senses) == pytest.approx(1)


def test_a_word_in_one_topic_is_one_blended_meaning_with_its_clusters_shown(planted):
    model, path = planted
    found = senses(model, [path], "blick", max_occurrences=300)
    assert found.blended and found.z < 2 and len(found.senses) >= 2 and "one blended meaning" in found.verdict()
    assert all(_topics(line) == {"t2"} for sense in found.senses for line in sense.lines)
    undecided = dataclasses.replace(found, stand_ins={**found.stand_ins, "percentile": 80.0})
    assert "the data cannot tell" in undecided.verdict() and "one blended meaning" not in undecided.verdict()
    forced = senses(model, [path], "blick", max_occurrences=300, k=3)
    assert forced.blended and len(forced.senses) == 3  # the user's k is shown, with the verdict


def test_kmeans_silhouette_and_standing_match_references():
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (40, 5)), rng.normal(6, 1, (30, 5))])
    labels = kmeans(x, 2, seed=0)
    assert sorted(np.bincount(labels).tolist()) == [30, 40] and len(set(labels[:40])) == 1
    for k in (2, 3, 4):
        labels = kmeans(x, k, seed=1)
        assert silhouette(x, labels) == pytest.approx(silhouette_score(x, labels), abs=1e-9)
    base = np.array([0.1, 0.2, 0.3, 0.4])
    z, pct = standing(0.3, base)  # median 0.25, median absolute deviation 0.1
    assert z == pytest.approx((0.3 - 0.25) / (1.4826 * 0.1)) and pct == pytest.approx(62.5)
    outlier = np.array([0.1, 0.2, 0.3, 0.4, 50.0])  # one word of the baseline far out widens nothing
    assert standing(1.0, outlier)[0] == pytest.approx((1.0 - 0.3) / (1.4826 * 0.1))
    assert standing(0.3, np.full(4, 0.2))[0] == 0  # no spread: no z
    assert standing(1.0, base)[1] == 100 and standing(0.0, base)[1] == 0


def test_contexts_are_the_line_s_words_within_the_window_weighted_by_subsampling(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("a b word c word\nd e\n" * 5 + "f\n" * 3000)
    corpus = scan_corpus([path]).encode(min_count=1)
    model = Model.create(corpus.vocab, TrainParams(dim=4, min_count=1, window=2, sample=1e-3))
    row = model.vocab.index["word"]
    pool = sample_occurrences(model, [path], [row], 10, text_for=row, window=3)[row]
    ids = model.vocab.index
    keep = keep_probabilities(model.vocab.counts, 1e-3)
    first = {c: w for c, w in zip(pool.contexts[0].tolist(), pool.weights[0].tolist()) if c >= 0}
    # "a b [word] c word": three words on each side within the line, not the next line's d and e
    assert first == pytest.approx({ids["a"]: keep[ids["a"]], ids["b"]: keep[ids["b"]], ids["c"]: keep[ids["c"]],
                                   row: 0.0})  # itself: nothing
    assert keep[ids["a"]] == 1.0 and keep[ids["f"]] < 1.0  # only a frequent word is down-weighted
    x = pool.vectors(model.syn1neg)
    assert x.shape == (10, 4)


def test_the_reservoir_samples_evenly_and_is_seeded(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("".join(f"x{i % 7} word x{(i + 3) % 7}\n" for i in range(2000)))
    corpus = scan_corpus([path]).encode(min_count=1)
    model = Model.create(corpus.vocab, TrainParams(dim=4, min_count=1))
    row = model.vocab.index["word"]
    pool = sample_occurrences(model, [path], [row], 100, seed=3, text_for=row)[row]
    assert pool.seen == 2000 and len(pool) == 100 and all(line.count("word") == 1 for line in pool.lines)
    again = sample_occurrences(model, [path], [row], 100, seed=3, text_for=row)[row]
    assert pool.lines == again.lines
    draws = np.zeros(1000)
    for seed in range(200):
        reservoir = _Reservoir(10, 1, 1)
        rng = np.random.default_rng(seed)
        held = np.full(10, -1)
        for first in range(0, 1000, 100):  # blocks of 100 occurrences
            chosen, slots = reservoir.draw(rng, 100)
            held[slots] = first + chosen
        draws[held] += 1
    # each occurrence is kept with probability 10 / 1000: first and last halves alike
    assert abs(draws[:500].sum() - draws[500:].sum()) < 0.15 * draws.sum()


def test_bad_requests(planted, tmp_path):
    model, path = planted
    with pytest.raises(UnknownWordError):
        senses(model, [path], "nonword")
    with pytest.raises(CorpusError, match="does not exist"):
        senses(model, [tmp_path / "gone.txt"], "zorp")
    stop = Task()
    stop.cancel()
    with pytest.raises(Cancelled):
        senses(model, [path], "zorp", task=stop)
    same = tmp_path / "same.txt"
    same.write_text("t0w1 zorp t0w2\n" * 30)
    with pytest.raises(W2VError, match="30 occurrences in 1 distinct contexts are too few"):
        senses(model, [same], "zorp")
    other = tmp_path / "other.txt"
    other.write_text("zorp t0w1\n")
    with pytest.raises(W2VError, match="too rarely"):
        senses(model, [other], "zorp")
    untrained = Model(model.vocab, model.params, model.vectors.copy(), np.zeros_like(model.syn1neg),
                      model.syn1)  # a vectors file saved as a model: no output weights
    with pytest.raises(W2VError, match="no context matrix C"):
        senses(untrained, [path], "zorp")


def test_senses_command(planted, tmp_path, capsys):
    model, path = planted
    saved = tmp_path / "m.npz"
    model.save(saved)
    assert main(["senses", str(saved), "zorp"]) == 1
    assert "--corpus" in capsys.readouterr().err
    assert main(["senses", str(saved), "zorp", "--corpus", str(path), "--max", "100", "--json"]) == 0
    got = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"word", "occurrences", "silhouette", "baseline", "senses", "blended", "z", "percentile"} <= set(got)
    assert {"mean", "sd", "median", "scale"} <= set(got["baseline"]) and got["occurrences"] == 100 and got["blended"] is False
    assert got["z"] >= 2 and 0 <= got["percentile"] <= 100
    assert all(set(s) == {"share", "nearest", "distinctive", "lines", "cosine_with_word", "stand_ins"} for s in got["senses"])
    verdict = got["stand_ins"]
    assert {"divergence", "z", "percentile", "baseline", "candidates", "runs", "z_sd"} <= set(verdict)
    assert verdict["z"] >= 2 and {"mean", "sd", "median", "scale"} <= set(verdict["baseline"])
    assert all(len(s["lines"]) >= 5 for s in got["senses"])
    model.info["corpus"] = [str(path)]
    model.save(saved)
    assert main(["senses", str(saved), "zorp", "--max", "100", "--k", "2"]) == 0
    assert "sense 2:" in capsys.readouterr().out
    model.info["corpus"] = [str(tmp_path / "moved.txt")]
    model.save(saved)
    assert main(["senses", str(saved), "zorp"]) == 1
    err = capsys.readouterr().err
    assert "moved.txt does not exist" in err and len(err.strip().splitlines()) == 1


def test_nearest_words_are_nearest_the_sense_centroid_in_the_clustered_space(planted):
    """Reference: each frequent word's own context-space row and the sense's centroid, both seen
    from the mean of the word's occurrences; the largest cosines name the sense."""
    from w2vstudio.core.lenses.senses import NAMES, context_space, similar_frequency

    model, path = planted
    found = senses(model, [path], "zorp", max_occurrences=200)
    row = model.vocab.index["zorp"]
    space = context_space(model)[1]
    pools = sample_occurrences(model, [path], [row] + similar_frequency(model, row), 200)
    pooled = np.vstack([v - v.mean(axis=0) for r, p in pools.items() if r != row for v in [p.vectors(space, 200)]])
    eigenvalues, basis = np.linalg.eigh(pooled.T @ pooled / len(pooled))
    space = space @ (basis / np.sqrt(eigenvalues + eigenvalues.mean()))  # whitened within words, ridged
    x = pools[row].vectors(space)
    for c, sense in enumerate(found.senses):
        direction = x[found.labels == c].mean(axis=0) - x.mean(axis=0)
        offsets = space - x.mean(axis=0)
        cos = offsets @ direction / (np.linalg.norm(offsets, axis=1) * np.linalg.norm(direction))
        cos[row] = -np.inf
        assert sense.nearest == [model.vocab.words[i] for i in np.argsort(-cos, kind="stable")[:NAMES]]
    # the cosine with the word: its input vector against the sense's mean context through the metric
    raw = pools[row].vectors(context_space(model)[1])
    own = model.vectors[row].astype(np.float64)
    for c, sense in enumerate(found.senses):
        centroid = raw[found.labels == c].mean(axis=0)
        assert sense.cosine_with_word == pytest.approx(own @ centroid / np.linalg.norm(own) / np.linalg.norm(centroid),
                                                       rel=1e-6, abs=1e-9)


@pytest.fixture(scope="module")
def runs(planted, tmp_path_factory):
    """The planted model and two more runs: its weights with seeded noise (so each run's z differs)."""
    model, _ = planted
    folder = tmp_path_factory.mktemp("senses-runs")
    rng = np.random.default_rng(4)
    out = [model]
    for i in (2, 3):
        model.save(folder / f"run-{i}.npz")
        run = Model.load(folder / f"run-{i}.npz")
        for weights in (run.vectors, run.syn1neg):
            weights += rng.normal(scale=0.4 * float(weights.std()), size=weights.shape).astype(weights.dtype)
        out.append(run)
    return out


def test_the_verdict_over_an_ensembles_runs_is_the_mean_and_sd_of_each_runs(planted, runs):
    _, path = planted
    found = senses(runs, [path], "zorp", max_occurrences=200)
    alone = [senses(run, [path], "zorp", max_occurrences=200) for run in runs]
    z, sil = [a.z for a in alone], [a.silhouette for a in alone]
    assert found.runs == pytest.approx(z) and found.silhouettes == pytest.approx(sil)
    assert found.z == pytest.approx(np.mean(z)) and found.z_sd == pytest.approx(np.std(z, ddof=1))
    assert found.silhouette == pytest.approx(np.mean(sil))
    assert found.silhouette_sd == pytest.approx(np.std(sil, ddof=1)) and found.z_sd > 0
    assert found.percentile == pytest.approx(np.mean([a.percentile for a in alone]))
    assert [s.nearest for s in found.senses] == [s.nearest for s in alone[0].senses]  # the first run's senses
    assert "over 3 runs" in found.verdict() and "the senses shown: the first run's" in found.verdict()
    assert alone[0].runs == [alone[0].z] and alone[0].z_sd == 0
    verdicts = [a.stand_ins["z"] for a in alone]
    assert found.stand_ins["runs"] == pytest.approx(verdicts) and found.stand_ins["z"] == pytest.approx(np.mean(verdicts))
    assert found.stand_ins["z_sd"] == pytest.approx(np.std(verdicts, ddof=1))
    assert found.blended == (np.mean(verdicts) < 2)


def test_senses_command_on_an_ensemble(planted, runs, tmp_path, capsys):
    from w2vstudio.core.files.ensemble import EnsembleWriter

    _, path = planted
    writer = EnsembleWriter(tmp_path / "ens")
    writer.prepare()
    for seed, run in enumerate(runs, 1):
        writer.add(run.save, seed, {})
    writer.finish()
    assert main(["senses", str(tmp_path / "ens"), "zorp", "--corpus", str(path), "--max", "100", "--json"]) == 0
    got = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"word", "silhouette", "z", "percentile", "senses"} <= set(got)  # the keys of one model, kept
    assert len(got["runs"]) == len(got["silhouettes"]) == 3 and got["z_sd"] > 0 and got["silhouette_sd"] > 0
    assert got["z"] == pytest.approx(np.mean(got["runs"]))
    assert main(["senses", str(tmp_path / "ens"), "zorp", "--corpus", str(path), "--max", "100"]) == 0
    out = capsys.readouterr().out
    assert "z per run (stand-ins): " in out and "z per run (silhouette): " in out

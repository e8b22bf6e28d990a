"""The mirror against a plain Python count of weighted co-occurrences, and the model's p against
`inside.likelihood`; the `mirror` command's JSON and its one-line errors."""

import json

import numpy as np
import pytest
from scipy.stats import spearmanr

from w2vstudio.cli import main
from w2vstudio.core.corpus import stream
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.errors import Cancelled, UnknownWordError
from w2vstudio.core.inside.likelihood import likelihood
from w2vstudio.core.lenses.mirror import Context, leapfrogs, mirror
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.train.sampling import keep_probabilities
from w2vstudio.core.train.trainer import Trainer
from tests.conftest import topic_text


def _text() -> str:
    # words seen once (out of the vocabulary) inside windows: training drops them before windows are taken
    lines = topic_text(300, seed=3).splitlines()
    return "\n".join(line.replace(" of ", f" zz{i} of ", 1) if i % 3 == 0 else line
                     for i, line in enumerate(lines)) + "\n"


@pytest.fixture(scope="module", params=[{}, {"hs": True, "negative": 0}, {"shrink_window": False}])
def trained(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("mirror") / "corpus.txt"
    path.write_text(_text())
    corpus = scan_corpus([path]).encode(min_count=5)
    params = dict(dim=12, epochs=2, threads=1, min_count=5, window=3, sample=0.01, seed=2)
    model = Model.create(corpus.vocab, TrainParams(**{**params, **request.param}))
    Trainer(model, corpus).train()
    return model, path


def reference(model, path, word, subsampling=True):
    """Weighted co-occurrences counted word by word in plain Python."""
    vocab, p = model.vocab.index, model.params
    keep = keep_probabilities(model.vocab.counts, p.sample) if subsampling else np.ones(len(vocab))
    w = p.window
    total = {}
    for line in path.read_text().splitlines():
        ids = [vocab[t] for t in line.lower().split() if t in vocab]
        for i, x in enumerate(ids):
            if x != vocab[word]:
                continue
            for j, y in enumerate(ids):
                d = abs(i - j)
                if 0 < d <= w:
                    weight = ((w - d + 1) / w if p.shrink_window else 1.0) * keep[x] * keep[y]
                    total[y] = total.get(y, 0.0) + weight
    s = sum(total.values())
    return {model.vocab.words[y]: v / s for y, v in total.items()}


@pytest.mark.parametrize("subsampling", [True, False])
def test_corpus_p_is_the_weighted_count_and_model_p_the_likelihood(trained, subsampling):
    model, path = trained
    found = mirror(model, [path], "sea1", top=1000, subsampling=subsampling)
    expected = reference(model, path, "sea1", subsampling)
    assert {c.word: c.corpus_p for c in found.contexts} == pytest.approx(expected, rel=1e-9)
    assert [c.corpus_rank for c in found.contexts] == list(range(1, len(expected) + 1))
    assert all(a.corpus_p >= b.corpus_p for a, b in zip(found.contexts, found.contexts[1:]))
    index = model.vocab.index
    for c in found.contexts:
        lk = likelihood(model, index["sea1"], index[c.word], topn=0)
        assert c.model_p == pytest.approx(lk.p, rel=1e-6)
        assert c.model_rank == lk.rank
    rho = spearmanr([c.corpus_p for c in found.contexts], [c.model_p for c in found.contexts]).statistic
    assert found.spearman == pytest.approx(rho)
    assert found.occurrences == sum(line.split().count("sea1") for line in path.read_text().splitlines())
    assert not found.capped


def test_top_cap_unknown_and_cancel(trained):
    model, path = trained
    assert len(mirror(model, [path], "SEA1", top=3).contexts) == 3
    capped = mirror(model, [path], "sea1", max_occurrences=5)
    assert capped.occurrences == 5
    with pytest.raises(UnknownWordError):
        mirror(model, [path], "zz3")
    stop = Task()
    stop.cancel()
    with pytest.raises(Cancelled):
        mirror(model, [path], "sea1", task=stop)


def test_leapfrogs_are_the_discordant_pairs():
    ctx = [Context("butter", 0.052, 0.0001, 1, 548), Context("oil", 0.041, 0.002, 2, 66),
           Context("brittle", 0.01, 0.00001, 3, 900)]
    found = leapfrogs(ctx)
    assert [(f.corpus_first, f.model_first) for f in found] == [("butter", "oil")]
    assert found[0].corpus_ranks == [1, 2] and found[0].model_ranks == [548, 66]


def test_command_json_and_errors(trained, capsys, tmp_path):
    model, path = trained
    saved = tmp_path / "m.npz"
    model.info["corpus"] = [str(path)]
    model.save(saved)
    assert main(["mirror", str(saved), "sea1", "--top", "5", "--json"]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(data) >= {"word", "contexts", "spearman", "leapfrogs"}
    assert len(data["contexts"]) == 5
    assert set(data["contexts"][0]) == {"word", "corpus_p", "model_p", "corpus_rank", "model_rank"}
    assert [c["corpus_rank"] for c in data["contexts"]] == [1, 2, 3, 4, 5]
    assert main(["mirror", str(saved), "sea1", "--corpus", str(path), "--no-subsampling"]) == 0
    assert "Spearman" in capsys.readouterr().out
    assert main(["mirror", str(saved), "nosuchword"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_corpus_over_the_lens_budget_is_read_in_spread_stretches_and_says_so(trained, capsys, tmp_path,
                                                                              monkeypatch):
    model, path = trained
    saved = tmp_path / "m.npz"
    model.info["corpus"] = [str(path)]
    model.save(saved)
    assert main(["mirror", str(saved), "sea1", "--json"]) == 0
    whole = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["corpus_read"]
    assert whole == {"bytes_read": path.stat().st_size, "bytes": path.stat().st_size, "whole": True}
    everything = mirror(model, [path], "sea1", max_occurrences=10**6)
    monkeypatch.setattr(stream, "LENS_BUDGET", path.stat().st_size // 3)
    found = mirror(model, [path], "sea1", max_occurrences=10**6)
    assert not found.reading.whole and found.reading.read < path.stat().st_size // 2
    assert 0 < found.occurrences < everything.occurrences / 2
    assert main(["mirror", str(saved), "sea1"]) == 0
    assert "stretches spread evenly through it" in capsys.readouterr().out

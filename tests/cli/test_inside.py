"""`w2vstudio pairs` and `w2vstudio step`: JSON with the keys the commands document, one line for bad input."""

import json

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.inside import likelihood
from w2vstudio.core.inside.samples import SEED_SENTENCE, make_samples
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.train.model import Model

SMALL = ("--dim", "12", "--epochs", "2", "--min-count", "2", "--threads", "1", "--quiet")


def _run(capsys, *argv):
    code = main([*map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def _last_json(out):
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def model_path(topic_file, tmp_path, capsys):
    path = tmp_path / "m.npz"
    code, _, err = _run(capsys, "train", topic_file, "-o", path, *SMALL, "--sample", "0")
    assert code == 0, err
    return path


def test_pairs_without_a_model_prints_the_seeds_table(capsys):
    code, out, err = _run(capsys, "pairs", SEED_SENTENCE, "--window", "2", "--cbow", "--json")
    assert code == 0 and err == ""
    data = _last_json(out)
    assert data == make_samples(SEED_SENTENCE, 2, False).to_json()
    assert data["samples"][0] == {"context": ["nurse", "assisted"], "target": "the", "label": 1}
    code, out, _ = _run(capsys, "pairs", SEED_SENTENCE)
    assert code == 0 and "42 samples" in out and "[" not in out.splitlines()[0]


def test_pairs_with_a_model_adds_the_kernels_draws(model_path, capsys):
    text = "the sea1 zebra sky2 of sea3 and"
    code, out, err = _run(capsys, "pairs", text, "--model", model_path, "--seed", "4", "--json")
    assert code == 0, err
    data = _last_json(out)
    assert len(data["kept"]) == len(data["keep_p"]) == len(data["tokens"]) == 7
    assert data["kept"][2] is False and data["keep_p"][2] is None
    assert {row["label"] for row in data["samples"]} == {0, 1}
    assert all(1 <= row["window"] <= 5 for row in data["samples"])
    assert data == _last_json(_run(capsys, "pairs", text, "--model", model_path, "--seed", "4", "--json")[1])
    code, out, _ = _run(capsys, "pairs", text, "--model", model_path)
    assert code == 0 and "[zebra: not in the vocabulary]" in out


def test_pairs_shows_the_negatives_a_window_shares(model_path, topic_file, tmp_path, capsys):
    text = "the sea1 sea2 of sea3 and sea4 a sea5"
    code, out, err = _run(capsys, "pairs", text, "--model", model_path, "--seed", "3", "--json")
    assert code == 0, err
    data = _last_json(out)
    result = make_samples(text, model=Model.load(model_path), seed=3)
    assert data["shared_negatives"] is True and data == result.to_json()
    by_centre: dict = {}
    for s in result.samples:
        if s.label == 0:
            by_centre.setdefault(s.centre, {}).setdefault(s.context, []).append(s.output)
    assert by_centre  # every context of a centre has the same negatives
    assert all(len({tuple(negs) for negs in sets.values()}) == 1 for sets in by_centre.values())
    assert "Negatives shared by the window" in _run(capsys, "pairs", text, "--model", model_path)[1]
    per_pair = tmp_path / "per_pair.npz"
    code, _, err = _run(capsys, "train", topic_file, "-o", per_pair, *SMALL, "--sample", "0",
                        "--no-shared-negatives")
    assert code == 0, err
    data = _last_json(_run(capsys, "pairs", text, "--model", per_pair, "--json")[1])
    assert data["shared_negatives"] is False
    assert "Negatives drawn afresh for every prediction" in _run(capsys, "pairs", text, "--model", per_pair)[1]


def test_pairs_with_a_vectors_file_works_without_the_extras(model_path, tmp_path, capsys):
    vec = tmp_path / "v.txt"
    save_vectors(Model.load(model_path).keyed_vectors(), vec, "txt")
    code, out, err = _run(capsys, "pairs", "sea1 sea2 sea3", "--model", vec, "--json")
    assert code == 0 and "no word counts" in err
    assert _last_json(out) == make_samples("sea1 sea2 sea3").to_json()


def test_step_reports_p_rank_and_the_negative_sampling_figures(model_path, capsys):
    code, out, err = _run(capsys, "step", model_path, "SEA1", "sea2", "--topn", "3", "--json")
    assert code == 0, err
    data = _last_json(out)
    model = Model.load(model_path)
    lk = likelihood(model, model.vocab.index["sea1"], model.vocab.index["sea2"], topn=3)
    assert data["objective"] == "negative"
    assert data["p"] == pytest.approx(lk.p) and data["rank"] == lk.rank
    assert data["neg_log_p"] == pytest.approx(lk.neg_log_p) and data["sigmoid"] == pytest.approx(lk.sigmoid)
    assert [t["word"] for t in data["top"]] == [w for w, _ in lk.top]
    assert data["negatives"][0] == {"word": "sea2", "label": 1, "sigmoid": pytest.approx(lk.sigmoid)}
    assert len(data["negatives"]) <= 6 and np.isfinite(data["ns_loss"])
    code, out, _ = _run(capsys, "step", model_path, "sea1 sea3", "sea2")
    assert code == 0 and "rank" in out and "σ(v·u_o)" in out


def test_step_on_a_hierarchical_softmax_model_shows_the_path(topic_file, tmp_path, capsys):
    path = tmp_path / "hs.npz"
    assert _run(capsys, "train", topic_file, "-o", path, *SMALL, "--hs", "--negative", "0")[0] == 0
    code, out, err = _run(capsys, "step", path, "sky1", "sky2", "--json")
    assert code == 0, err
    data = _last_json(out)
    assert data["objective"] == "hs" and "sigmoid" not in data
    assert np.prod([u["sigmoid"] if u["label"] else 1 - u["sigmoid"] for u in data["path"]]) == pytest.approx(
        data["p"], rel=1e-5)


def test_step_refuses_what_it_cannot_do_in_one_line(model_path, tmp_path, capsys):
    vec = tmp_path / "v.txt"
    save_vectors(Model.load(model_path).keyed_vectors(), vec, "txt")
    for argv, words in [((vec, "sea1", "sea2"), "no context matrix C"),
                        ((model_path, "zebra", "sea2"), '"zebra" is not in the vocabulary'),
                        ((model_path, "sea1", "sea2 sea3"), "OUTPUT must be one word")]:
        code, out, err = _run(capsys, "step", *argv)
        assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and words in err, err


def test_step_on_a_vectors_file_saved_as_a_model_says_there_is_no_c(model_path, tmp_path, capsys):
    out = tmp_path / "v.npz"
    save_vectors(Model.load(model_path).keyed_vectors(), out, "model")
    code, out_text, err = _run(capsys, "step", out, "sea1", "sea2")
    assert code == 1 and "no context matrix C" in err and len(err.strip().splitlines()) == 1


def test_step_prints_the_hierarchical_softmax_factors_as_used(topic_file, tmp_path, capsys):
    path = tmp_path / "hs.npz"
    assert _run(capsys, "train", topic_file, "-o", path, *SMALL, "--hs", "--negative", "0")[0] == 0
    data = _last_json(_run(capsys, "step", path, "sky1", "sky2", "--json")[1])
    assert np.prod([u["factor"] for u in data["path"]]) == pytest.approx(data["p"], rel=1e-5)
    code, out, _ = _run(capsys, "step", path, "sky1", "sky2")
    assert code == 0 and "product of the factors" in out and "factor" in out


def test_a_full_softmax_step_shows_only_the_softmax(topic_file, tmp_path, capsys):
    path = tmp_path / "soft.npz"
    assert _run(capsys, "train", topic_file, "-o", path, *SMALL, "--softmax")[0] == 0
    data = _last_json(_run(capsys, "step", path, "sky1", "sky2", "--json")[1])
    assert data["objective"] == "softmax"
    assert "negatives" not in data and "ns_loss" not in data and "sigmoid" not in data
    code, out, _ = _run(capsys, "step", path, "sky1", "sky2")
    assert code == 0 and "negative sampling:" not in out


def test_step_json_lists_the_gradient(model_path, capsys):
    data = _last_json(_run(capsys, "step", model_path, "sea1", "sea2", "--json")[1])
    rows = data["gradient"]
    assert rows and all(set(g) >= {"matrix", "word", "delta_norm"} for g in rows)
    assert {"E", "C"} <= {g["matrix"] for g in rows}
    assert [g["delta_norm"] for g in rows] == sorted((g["delta_norm"] for g in rows), reverse=True)
    assert any(g["matrix"] == "E" and g["word"] == "sea1" and g["delta_norm"] > 0 for g in rows)

"""KeyedVectors: lookups, neighbours, analogies and similarities, against brute force and gensim."""

import threading
import warnings

import numpy as np
import pytest

from w2vstudio.core.errors import UnknownWordError, W2VError
from w2vstudio.core.vectors import KeyedVectors

SPELLED = ["king", "queen", "kings", "man", "woman", "King"]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    words = SPELLED + [f"w{i}" for i in range(600)]
    vectors = rng.standard_normal((len(words), 24)).astype(np.float32)
    counts = np.arange(len(words), 0, -1) * 10
    return words, vectors, counts


@pytest.fixture()
def kv(data):
    words, vectors, counts = data
    return KeyedVectors(words, vectors.copy(), counts)


@pytest.fixture(scope="module")
def gensim_kv(data):
    gensim = pytest.importorskip("gensim")
    words, vectors, _ = data
    g = gensim.models.KeyedVectors(vectors.shape[1])
    g.add_vectors(words, vectors.copy())
    return g


def brute_cosines(vectors, query):
    return vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query))


def assert_same_answers(ours, theirs):
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5, atol=1e-6)


def test_lookups(kv, data):
    words, vectors, counts = data
    assert len(kv) == len(words) and kv.dim == 24
    assert "queen" in kv and "nope" not in kv and 3 not in kv
    assert kv.index("man") == 3
    np.testing.assert_array_equal(kv["woman"], vectors[4])
    np.testing.assert_array_equal(kv[4], vectors[4])
    assert kv.count("kings") == counts[2]
    assert KeyedVectors(["a"], np.ones((1, 2))).count("a") is None


def test_constructor_rejects_bad_shapes():
    with pytest.raises(ValueError):
        KeyedVectors(["a", "a"], np.ones((2, 3)))
    with pytest.raises(ValueError):
        KeyedVectors(["a", "b"], np.ones((3, 3)))
    with pytest.raises(ValueError):
        KeyedVectors(["a"], np.ones((1, 3)), counts=[1, 2])


def test_unknown_word_names_it_with_closest_spellings(kv):
    with pytest.raises(UnknownWordError) as err:
        kv["kingg"]
    assert str(err.value) == '"kingg" is not in the vocabulary (did you mean: king, kings?)'
    assert isinstance(err.value, (KeyError, W2VError))
    with pytest.raises(UnknownWordError) as err:
        kv.most_similar("zzzzzzzzzz")
    assert str(err.value) == '"zzzzzzzzzz" is not in the vocabulary'


def test_suggest_case_variants_first_then_edits_by_frequency(kv):
    assert kv.suggest("KING")[:2] == ["king", "King"]
    assert kv.suggest("kign")[0] == "king"
    assert kv.suggest("quen") == ["queen"]
    assert kv.suggest("w1000", n=1) == ["w100"]
    fuzzy = KeyedVectors(["the", "saxophonist", "xylophone", "saxophone"], np.eye(4))
    assert fuzzy.suggest("xylophonist") == ["saxophonist", "xylophone"]  # two edits and more
    assert fuzzy.suggest("qqqq") == []


def test_most_similar_matches_brute_force(kv, data):
    words, vectors, _ = data
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    query = unit[0] + unit[1] - unit[3]
    cos = brute_cosines(vectors, query)
    cos[[0, 1, 3]] = -np.inf
    best = np.argsort(-cos)[:7]
    expected = [(words[i], cos[i]) for i in best]
    assert_same_answers(kv.most_similar(["king", "queen"], ["man"], topn=7), expected)


def test_inputs_excluded_unless_asked(kv):
    assert all(w != "man" for w, _ in kv.most_similar("man", topn=50))
    first, score = kv.most_similar("man", topn=3, include_inputs=True)[0]
    assert first == "man" and score == pytest.approx(1.0, abs=1e-6)


def test_weighted_and_vector_inputs(kv):
    weighted = kv.most_similar([("king", 2.0), "queen"], [("man", 0.5)], topn=5)
    query = 2 * kv.unit_vector("king") + kv.unit_vector("queen") - 0.5 * kv.unit_vector("man")
    cos = brute_cosines(kv.vectors, query)
    cos[[0, 1, 3]] = -np.inf
    assert [w for w, _ in weighted] == [kv.words[i] for i in np.argsort(-cos)[:5]]
    assert kv.similar_by_vector(kv["w10"] * 3, topn=1)[0][0] == "w10"
    with pytest.raises(W2VError):
        kv.most_similar([np.ones(3)])
    with pytest.raises(W2VError):
        kv.most_similar()


def test_restrict_vocab_and_topn_limits(kv):
    results = kv.most_similar("w5", topn=20, restrict_vocab=50)
    assert len(results) == 20 and all(kv.index(w) < 50 for w, _ in results)
    assert kv.most_similar("w5", topn=0) == []
    assert len(kv.most_similar("w5", topn=10**6)) == len(kv) - 1
    assert sorted(w for w, _ in kv.most_similar("king", topn=10, restrict_vocab=3)) == [
        "kings",
        "queen",
    ]


def test_batch_equals_single_queries(kv):
    matrix = kv.vectors[10:40] + 0.1
    batch = kv.most_similar_batch(matrix, topn=5)
    assert len(batch) == 30
    for row, got in zip(matrix, batch):
        assert_same_answers(got, kv.similar_by_vector(row, topn=5))


def test_small_and_large_batches_score_alike(kv):
    queries = kv.vectors[:20]
    np.testing.assert_allclose(kv.cosines(queries[:3]), kv.cosines(queries)[:3], atol=1e-5)


def test_top_similar_exclusions(kv):
    idx, scores = kv.top_similar(kv.vectors[:2], topn=3, exclude=np.array([[0, -1], [1, 7]]))
    assert 0 not in idx[0] and not {1, 7} & set(idx[1])
    assert np.all(np.diff(scores, axis=1) <= 0)


def test_analogy_add_is_most_similar_and_ranks_expected(kv):
    result = kv.analogy("man", "king", "woman", topn=len(kv))
    assert_same_answers(result.results[:10], kv.most_similar(["king", "woman"], ["man"]))
    expected = result.results[4][0]
    rank = kv.analogy("man", "king", "woman", expected=expected).expected_rank
    assert rank == 5
    assert kv.analogy("man", "king", "woman", expected="king").expected_rank is None
    included = kv.analogy("man", "king", "woman", topn=len(kv), include_inputs=True)
    assert {"man", "king", "woman"} <= {w for w, _ in included.results}
    assert (
        kv.analogy("man", "king", "woman", expected="king", include_inputs=True).expected_rank >= 1
    )


def test_analogy_mul_matches_formula(kv):
    unit = kv.vectors / np.linalg.norm(kv.vectors, axis=1, keepdims=True)
    a, b, c = (unit @ kv.unit_vector(w) for w in ("man", "king", "woman"))
    scores = ((1 + b) / 2) * ((1 + c) / 2) / ((1 + a) / 2 + 1e-6)
    scores[[3, 0, 4]] = -np.inf
    expected = [(kv.words[i], scores[i]) for i in np.argsort(-scores)[:5]]
    assert_same_answers(kv.analogy("man", "king", "woman", method="mul", topn=5).results, expected)
    with pytest.raises(W2VError):
        kv.analogy("man", "king", "woman", method="nope")


def test_queries_match_gensim(kv, gensim_kv):
    def cosmul(*args, **kwargs):
        with warnings.catch_warnings():  # gensim calls its own deprecated init_sims() here
            warnings.simplefilter("ignore", DeprecationWarning)
            return gensim_kv.most_similar_cosmul(*args, **kwargs)

    assert_same_answers(
        kv.most_similar(["king", "woman"], ["man"], topn=8),
        gensim_kv.most_similar(["king", "woman"], ["man"], topn=8),
    )
    assert_same_answers(
        kv.most_similar("w3", topn=8, restrict_vocab=100),
        gensim_kv.most_similar("w3", topn=8, restrict_vocab=100),
    )
    assert_same_answers(
        kv.analogy("man", "king", "woman", method="mul", topn=8).results,
        cosmul(["king", "woman"], ["man"], topn=8),
    )
    vec = kv["w9"] + kv["w11"]
    assert_same_answers(kv.similar_by_vector(vec, topn=5), gensim_kv.similar_by_vector(vec, topn=5))
    group = ["king", "queen", "w1", "w2", "man"]
    assert kv.doesnt_match(group) == gensim_kv.doesnt_match(group)
    assert kv.similarity("king", "w4") == pytest.approx(
        gensim_kv.similarity("king", "w4"), abs=1e-6
    )
    assert kv.n_similarity(["king", "w1"], ["w2"]) == pytest.approx(
        gensim_kv.n_similarity(["king", "w1"], ["w2"]), abs=1e-6
    )


def test_similarity_errors(kv):
    with pytest.raises(W2VError):
        kv.n_similarity([], ["king"])
    with pytest.raises(W2VError):
        kv.doesnt_match([])
    with pytest.raises(UnknownWordError):
        kv.similarity("king", "kingg")


def test_unit_cache_and_invalidate(kv):
    assert np.allclose(np.linalg.norm(kv.unit, axis=1), 1, atol=1e-6)
    before = kv.most_similar("w1", topn=1)[0][0]
    kv.vectors[kv.index(before)] = kv["w1"] * 5  # in place: stale norms until invalidate()
    kv.invalidate()
    assert kv.most_similar("w1", topn=1)[0] == (before, pytest.approx(1.0, abs=1e-6))
    assert np.allclose(np.linalg.norm(kv.unit, axis=1), 1, atol=1e-6)
    kv.vectors = np.zeros_like(kv.vectors)  # replacing the matrix refreshes the caches
    assert not kv.unit.any()


def test_zero_vectors_never_rank_and_cannot_be_asked():
    kv = KeyedVectors(["a", "b", "c", "d"], np.array([[1, 0], [0, 0], [1, 1], [-1, 0]], dtype=np.float32))
    assert dict(kv.most_similar("a")) == pytest.approx({"c": 2**-0.5, "d": -1.0})
    assert sorted(w for w, _ in kv.analogy("a", "c", "d", include_inputs=True).results) == ["a", "c", "d"]
    assert kv.cosines(np.array([1, 0]))[0, 1] == 0.0  # the cosine itself stays 0
    for ask in (lambda: kv.most_similar("b"), lambda: kv.analogy("a", "b", "c"),
                lambda: kv.similar_by_vector(np.zeros(2))):
        with pytest.raises(W2VError, match="zero vector"):
            ask()


def test_queries_are_reentrant(kv):
    queries = kv.words[:40]
    expected = [kv.most_similar(w, topn=5) for w in queries]
    fresh = KeyedVectors(kv.words, kv.vectors)  # its caches get built concurrently
    results, errors = {}, []

    def work(offset):
        try:
            for i in range(offset, len(queries), 4):
                results[i] = fresh.most_similar(queries[i], topn=5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert [results[i] for i in range(len(queries))] == expected


def test_with_vectors_shares_words_not_vectors(kv):
    other = kv.with_vectors(kv.vectors[::-1].copy())
    assert other.words is kv.words and other.word_rows is kv.word_rows
    assert other.case_folded() is kv.case_folded()
    assert np.array_equal(other["w1"], kv.vectors[-1 - kv.index("w1")])
    assert other.most_similar("w1", topn=1) != kv.most_similar("w1", topn=1) or len(kv) < 3
    with pytest.raises(ValueError):
        kv.with_vectors(kv.vectors[:2])


def test_case_folded_maps_variants_to_their_first_row():
    kv = KeyedVectors(["paris", "the", "Paris", "PARIS", "The"], np.eye(5, dtype=np.float32))
    first, canon = kv.case_folded()
    assert first == {"PARIS": 0, "THE": 1}
    assert canon.tolist() == [0, 1, 0, 0, 1]


def test_the_word_index_is_every_word_at_its_row_and_a_models_shares_its_vocabularys():
    from w2vstudio.core import vectors
    from w2vstudio.core.train.model import Model, TrainParams
    from w2vstudio.core.vocab import Vocabulary

    words = [f"w{i}" for i in range(23)]
    kv = vectors.KeyedVectors(words, np.zeros((23, 2), np.float32))
    assert [kv.index(w) for w in words] == list(range(23)) and dict(kv.word_rows) == {w: i for i, w in enumerate(words)}
    with pytest.raises(ValueError, match="repeats"):
        vectors.KeyedVectors(words + ["w3"], np.zeros((24, 2), np.float32))
    model = Model.create(Vocabulary(words, np.arange(23, 0, -1)), TrainParams(dim=4))
    assert model.keyed_vectors().word_rows is model.vocab.index  # no second index of millions of words

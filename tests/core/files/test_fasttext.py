"""fastText binary models: vectors equal gensim's `load_facebook_vectors` in and out of the
vocabulary, the n-gram matrix memory-mapped, hostile files refused in one line."""

from __future__ import annotations

import gzip
import json
import pickle
import struct
import tracemalloc

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.explore import lookups
from w2vstudio.core.files.dropped import sort_paths
from w2vstudio.core.errors import FormatError, UnknownWordError
from w2vstudio.core.files.fasttext import FastTextVectors, ngram_buckets
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors
from w2vstudio.core.explore.query import ngram_note

gensim_fasttext = pytest.importorskip("gensim.models.fasttext")
from gensim.test.utils import datapath  # noqa: E402

UNSUPERVISED = ["lee_fasttext.bin", "lee_fasttext_new.bin", "non_ascii_fasttext.bin", "cp852_fasttext.bin"]
UNKNOWN = ["someoovword", "nights", "xyz", "a", "který", "été", "中文", "q"]


@pytest.mark.parametrize("name", UNSUPERVISED)
def test_vectors_equal_gensims_in_and_out_of_the_vocabulary(name):
    path = datapath(name)
    kv, g = load_vectors(path), gensim_fasttext.load_facebook_vectors(path)
    assert detect_format(path) == "fasttext" and isinstance(kv, FastTextVectors)
    assert kv.words == g.index_to_key
    np.testing.assert_allclose(kv.vectors, g.vectors, atol=1e-5)
    for word in UNKNOWN:
        if word not in kv:
            assert kv.built_from_ngrams(word)
            np.testing.assert_allclose(kv[word], g[word], atol=1e-5)
    assert kv.counts.tolist() == [g.get_vecattr(w, "count") for w in kv.words]


def test_words_not_utf8_are_written_as_gensim_does():
    kv = load_vectors(datapath("cp852_fasttext.bin"))
    assert kv.notes == ("69 words are not valid UTF-8: their bad bytes are shown as \\xNN",)
    assert "kter\\xec" in kv.words


def test_hashes_are_fasttexts():
    """FNV-1a over the bytes taken as int8 (fastText's quirk) and n-grams counted in characters."""
    ids, indptr = ngram_buckets(["été"], 1, 2, 2_000_000)
    ngrams = gensim_fasttext.compute_ngrams_bytes("été", 1, 2)
    assert ids.tolist() == [gensim_fasttext.ft_hash_bytes(n) % 2_000_000 for n in ngrams]
    assert indptr.tolist() == [0, len(ngrams)]


def test_a_supervised_model_gives_its_words_vectors():
    """Labels are not words; without n-grams (maxn 0) an unknown word fails as in gensim."""
    kv = load_vectors(datapath("pang_lee_polarity_fasttext.bin"))
    vec = load_vectors(datapath("pang_lee_polarity_fasttext.vec"))
    assert len(kv) == 1694 and not any(w.startswith("__label__") for w in kv.words)
    common = [w for w in kv.words if w in vec]
    assert len(common) > 1600
    np.testing.assert_allclose(kv.vectors[[kv.index(w) for w in common]],
                               vec.vectors[[vec.index(w) for w in common]], atol=1e-4)
    assert not kv.built_from_ngrams("someoovword")
    with pytest.raises(UnknownWordError, match="not in the vocabulary"):
        kv["someoovword"]
    with pytest.raises(KeyError):
        kv["someoovword"]


def test_neighbours_and_analogy_accept_unknown_words(capsys):
    path = datapath("lee_fasttext.bin")
    assert main(["neighbours", path, "nightz - day", "--topn", "3", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert answer["query"] == [{"word": "nightz", "sign": "+", "built_from_ngrams": True},
                               {"word": "day", "sign": "-", "built_from_ngrams": False}]
    kv = load_vectors(path)
    expected = kv.most_similar([kv["nightz"] / np.linalg.norm(kv["nightz"])], ["day"], topn=3)
    assert [r["word"] for r in answer["results"]] == [w for w, _ in expected]
    for method in ("add", "mul"):
        assert main(["analogy", path, "day", "nightz", "mornin", "--method", method, "--topn", "3"]) == 0
        out = capsys.readouterr().out
        assert '"nightz" is not in the vocabulary: its vector is built from its character n-grams' in out


# ---- files made here ---------------------------------------------------------------------------


def fasttext_file(words, dim=4, bucket=16, minn=2, maxn=3, matrix=None, version=12, quant=False,
                  pruned=-1, rows=None, header=None, model=2) -> bytes:
    """A fastText model's bytes (new format unless version is None); output matrix left out."""
    args = struct.pack("<12id", dim, 5, 5, 1, 5, 1, 2, model, bucket, minn, maxn, 100, 1e-4)
    head = b"" if version is None else struct.pack("<2i", 0x2F4F16BA, version)
    size = len(words) if header is None else header
    out = [head, args, struct.pack("<3iq", size, size, 0, 100)]
    if version is not None:
        out.append(struct.pack("<q", pruned))
    out += [w.encode() + b"\0" + struct.pack("<qb", len(words) - i, 0) for i, w in enumerate(words)]
    if version is not None:
        out.append(struct.pack("<?", quant))
    n = len(words) + bucket if rows is None else rows
    out.append(struct.pack("<2q", n, dim))
    if matrix is None:
        matrix = np.arange(n * dim, dtype="<f4").reshape(n, dim) / (n * dim)
    out.append(np.asarray(matrix, "<f4").tobytes())
    return b"".join(out)


def test_a_word_is_the_mean_of_its_row_and_its_ngrams(tmp_path):
    path = tmp_path / "m.bin"
    path.write_bytes(fasttext_file(["ab", "c"], bucket=8))
    kv = load_vectors(path)
    matrix = np.frombuffer(path.read_bytes()[-10 * 16:], "<f4").reshape(10, 4)
    ids, indptr = ngram_buckets(["ab"], 2, 3, 8)  # <a ab b> <ab ab>
    assert indptr.tolist() == [0, 5]
    np.testing.assert_allclose(kv["ab"], (matrix[0] + matrix[2 + ids].sum(axis=0)) / 6, rtol=1e-6)
    np.testing.assert_allclose(kv["zz"], matrix[2 + ngram_buckets(["zz"], 2, 3, 8)[0]].mean(axis=0), rtol=1e-6)
    assert load_vectors(path, limit=1).words == ["ab"]


def test_the_ngram_matrix_is_memory_mapped(tmp_path):
    """A model with 2^26 buckets (1 GiB of rows, a sparse file here) opens without reading them."""
    bucket, dim = 1 << 26, 4
    path = tmp_path / "big.bin"
    with open(path, "wb") as f:
        f.write(fasttext_file(["a", "b"], dim=dim, bucket=bucket, matrix=np.zeros((0, dim))))
        f.truncate(f.tell() + (bucket + 2) * dim * 4)
    tracemalloc.start()
    try:
        kv = load_vectors(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20 and len(kv.ngrams) == bucket and not kv.ngrams.flags.owndata
    assert not kv["somewhere"].any()


HOSTILE = {
    "truncated in the dictionary": (lambda: fasttext_file(["alpha", "beta"])[:110],
                                    "truncated"),
    "truncated in the matrix": (lambda: fasttext_file(["a", "b"])[:-8], "only"),
    "a dictionary of 2^31 - 1 entries": (lambda: fasttext_file(["a"], header=2**31 - 1),
                                         "more than the file can hold"),
    "a matrix of the wrong size": (lambda: fasttext_file(["a"], rows=5), "the input matrix is 5 x 4"),
    "a huge matrix": (lambda: fasttext_file(["a"], bucket=2**31 - 9, matrix=np.zeros((0, 4))),
                      "but only"),
    "quantized": (lambda: fasttext_file(["a"], quant=True), "a quantized fastText model (.ftz)"),
    "pruned": (lambda: fasttext_file(["a"], pruned=3), "a quantized fastText model (.ftz)"),
    "an unknown version": (lambda: fasttext_file(["a"], version=99), "version 99"),
    "impossible args": (lambda: fasttext_file(["a"], model=9), "impossible values"),
    "compressed": (lambda: gzip.compress(fasttext_file(["a"])), "gzip-compressed fastText model"),
    "gensim pickle": (lambda: pickle.dumps({"wv": [1.0]}, protocol=4),
                      "model.wv.save_word2vec_format(path, binary=True)"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_are_one_line(tmp_path, capsys, case):
    content, said = HOSTILE[case]
    path = tmp_path / "model.bin"
    path.write_bytes(content())
    with pytest.raises(FormatError):
        load_vectors(path)
    assert main(["neighbours", str(path), "a"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and said in err and "Traceback" not in err


def test_an_old_format_model_is_read(tmp_path):
    path = tmp_path / "old.bin"
    path.write_bytes(fasttext_file(["ab", "c"], version=None))
    assert detect_format(path) == "fasttext" and load_vectors(path).words == ["ab", "c"]


def test_the_studios_lookups_accept_unknown_words():
    kv = load_vectors(datapath("lee_fasttext.bin"))
    rows = lookups.neighbours(kv, "nightz - day", 3)
    assert [w for w, _, _ in rows] == [w for w, _ in kv.most_similar([kv["nightz"] / np.linalg.norm(kv["nightz"])],
                                                                     ["day"], topn=3)]
    assert ngram_note(kv, "nightz - day") == "Not in the vocabulary, built from character n-grams: nightz"
    assert ngram_note(kv, "night") == ""
    assert isinstance(lookups.analogy(kv, "day", "nightz", "mornin", "add", 3, None, True), lookups.AnalogyAnswer)
    supervised = load_vectors(datapath("pang_lee_polarity_fasttext.bin"))
    assert isinstance(lookups.neighbours(supervised, "someoovword", 3), lookups.Unknown)


def test_a_dropped_pickle_or_compressed_model_is_refused_not_taken_for_a_corpus(tmp_path):
    pickled, packed = tmp_path / "word2vec.model", tmp_path / "model.bin.gz"
    pickled.write_bytes(pickle.dumps({"wv": [1.0]}, protocol=4))
    packed.write_bytes(gzip.compress(fasttext_file(["a"])))
    sorted_paths = sort_paths([pickled, packed])
    assert sorted_paths.corpus == [] and sorted_paths.vectors == []
    assert "save_word2vec_format" in sorted_paths.errors[0] and "decompress it first" in sorted_paths.errors[1]

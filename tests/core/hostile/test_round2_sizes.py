"""Sizes a file announces are the file's own numbers: what they ask for is held to what the file's
bytes can hold and to the memory available, before anything is allocated."""

import tracemalloc

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.core.files.test_fasttext import fasttext_file
from tests.core.spark_layouts import write_model
from w2vstudio.core.errors import FormatError
from w2vstudio.core.files.fasttext import ngram_buckets
from w2vstudio.core.files.vectorfiles import load_vectors


def test_a_spark_file_announcing_more_than_it_holds_is_refused(tmp_path):
    """A small parquet file whose rows are all alike (a few KB, dictionary and run-length encoded)
    announces 50,000 vectors of 1,000 floats: 200 MB the file could not hold were they real."""
    n, dim = 50_000, 1_000
    folder = write_model(tmp_path / "m", ["w"], np.zeros((1, dim)))
    rows = pa.ListArray.from_arrays(pa.array(np.arange(0, n * dim + 1, dim, dtype=np.int32)),
                                    pa.array(np.zeros(n * dim, np.float32)))
    table = pa.table({"word": pa.array([f"w{i}" for i in range(n)]), "vector": rows})
    pq.write_table(table, next((folder / "data").glob("*.parquet")), compression="zstd")
    with pytest.raises(FormatError) as err:
        load_vectors(folder)
    assert str(folder) in str(err.value) and "more than the file can hold" in str(err.value)


def test_a_word2vec_text_header_is_held_to_the_file(tmp_path):
    import gzip

    path = tmp_path / "v.txt.gz"
    path.write_bytes(gzip.compress(b"5000000 1000\n" + b"a" + b" 0" * 1000 + b"\n"))
    with pytest.raises(FormatError) as err:
        load_vectors(path)
    assert str(path) in str(err.value) and "more than the file can hold" in str(err.value)


def test_the_ngrams_of_long_words_are_counted_before_they_are_allocated(tmp_path):
    """16 words of 16,000 characters with n-grams of 1 to 100 characters: 25 million n-grams,
    computed a bounded group at a time."""
    path = tmp_path / "long.bin"
    words = [f"{i:02d}" + "x" * 16_000 for i in range(16)]
    path.write_bytes(fasttext_file(words, dim=1, bucket=16, minn=1, maxn=100))
    (tmp_path / "small.bin").write_bytes(fasttext_file(["ab"], dim=1))
    load_vectors(tmp_path / "small.bin")  # the kernels compiled before memory is traced
    tracemalloc.start()
    try:
        kv = load_vectors(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 120 << 20, peak
    ids, indptr = ngram_buckets([words[3]], 1, 100, 16)
    rows = np.frombuffer(path.read_bytes()[-(16 + 16) * 4:], "<f4")
    expected = (np.float64(rows[3]) + rows[16 + ids].astype(np.float64).sum()) / (len(ids) + 1)
    assert kv[words[3]][0] == pytest.approx(expected, rel=1e-4)

"""Word2Vec models saved by Spark, read with pyarrow alone: the three layouts, the commands that
open them, and hostile folders (one line naming the file). `test_spark_mllib.py` checks the
same reader on models Spark itself saves."""

import json
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli.cli_checks import one_error_line
from tests.core.spark_layouts import write_model
from w2vstudio.cli import main
from w2vstudio.core.files.dropped import sort_paths
from w2vstudio.core.errors import FormatError
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors
from w2vstudio.core.files.sparkfiles import ML, is_spark_model, read_metadata, read_spark_model

WORDS = ["king", "queen", "man", "woman", "sea", "ocean"]
VECTORS = np.random.default_rng(3).standard_normal((len(WORDS), 4)).astype(np.float32)


@pytest.mark.parametrize("api, version, files", [("ml", "4.3.0", 1), ("ml", "3.5.1", 3), ("mllib", "", 2)])
def test_rows_in_hash_order_open_unranked_without_counts(tmp_path, api, version, files):
    folder = write_model(tmp_path / "m", WORDS, VECTORS, api, version, files=files)
    assert is_spark_model(folder) and detect_format(folder) == "spark"
    kv = load_vectors(folder)
    assert kv.words == WORDS and kv.vectors.dtype == np.float32 and np.array_equal(kv.vectors, VECTORS)
    assert kv.counts is None and not kv.ranked
    assert load_vectors(folder, limit=4).words == WORDS[:4]


def test_the_layout_before_spark_2_2_keeps_the_rank_of_each_word(tmp_path):
    folder = write_model(tmp_path / "m", WORDS, VECTORS, "ml", "2.1.0")
    order = [3, 0, 5, 1, 4, 2]  # wordIndex: rank of each word
    table = pa.table({"wordIndex": pa.array([[(WORDS[i], r) for r, i in enumerate(order)]],
                                            pa.map_(pa.string(), pa.int32())),
                      "wordVectors": pa.array([VECTORS.reshape(-1).tolist()], pa.list_(pa.float32()))})
    pq.write_table(table, folder / "data" / "part-00000.parquet")
    kv = read_spark_model(folder)
    assert kv.ranked and kv.words == [WORDS[i] for i in order]
    assert np.array_equal(kv.vectors, VECTORS)  # row r of wordVectors: the word of rank r


def test_metadata_give_the_params_the_defaults_filled_in(tmp_path):
    meta = read_metadata(write_model(tmp_path / "m", WORDS, VECTORS))
    assert meta.api == "ml" and meta.spark_version == "4.3.0" and meta.vector_size == 4
    assert meta.params["windowSize"] == 5 and meta.params["vectorSize"] == 4 and not meta.old


def test_commands_open_a_spark_folder(tmp_path, capsys):
    folder = write_model(tmp_path / "m", WORDS, VECTORS)
    assert main(["neighbours", str(folder), "king", "--topn", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 2
    assert main(["info", str(folder), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["vocab_size"] == 6 and info["dim"] == 4 and info["counts"] is False
    assert info["spark"]["class"] == ML and info["spark"]["params"]["windowSize"] == 5
    assert main(["info", str(folder)]) == 0
    assert "Spark 4.3.0" in capsys.readouterr().out


def test_commands_needing_frequencies_say_so_in_one_line(tmp_path, capsys):
    folder = write_model(tmp_path / "m", WORDS, VECTORS)
    assert "has no word counts" in one_error_line(capsys, "frequency", folder)
    questions = tmp_path / "q.txt"
    questions.write_text(": capital\nking queen man woman\n")
    assert main(["eval", str(folder), "--analogies", str(questions)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "no order of frequency" in warnings[0] and "all 6 words" in warnings[0]
    assert main(["axis", str(folder), "--from", "man", "--to", "woman", "--top", "1"]) == 0
    assert "no order of frequency" in capsys.readouterr().err


def test_other_folders_stay_corpora(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text("some text\n")
    other = write_model(tmp_path / "lr", WORDS, VECTORS,
                        meta={"class": "org.apache.spark.ml.classification.LogisticRegressionModel"})
    assert not is_spark_model(tmp_path / "corpus") and not is_spark_model(other)
    assert not is_spark_model(tmp_path / "corpus" / "a.txt") and not is_spark_model(tmp_path / "missing")
    with pytest.raises(FormatError, match="a saved Spark LogisticRegressionModel, not a Word2Vec model"):
        load_vectors(other)
    with pytest.raises(FormatError, match="is a folder, not a regular file"):
        load_vectors(tmp_path / "corpus")


def test_a_dropped_spark_folder_opens_as_vectors_any_other_folder_as_a_corpus(tmp_path):
    model = write_model(tmp_path / "m", WORDS, VECTORS)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "metadata").mkdir()  # a metadata folder alone names no model
    (tmp_path / "corpus" / "metadata" / "part-00000").write_text("plain text\n")
    sorted_paths = sort_paths([model, tmp_path / "corpus"])
    assert sorted_paths.vectors == [model] and sorted_paths.corpus == [tmp_path / "corpus"]
    assert not sorted_paths.errors


# ---- hostile folders ------------------------------------------------------------------------------


def _rows(folder, words, rows, vector_type=pa.list_(pa.float32())):
    (folder / "data" / "part-00000.snappy.parquet").unlink()
    pq.write_table(pa.table({"word": pa.array(words, pa.string()), "vector": pa.array(rows, vector_type)}),
                   folder / "data" / "part-00000.snappy.parquet")


HOSTILE = {
    "uneven rows": (lambda f: _rows(f, WORDS[:2], [[1.0] * 3, [1.0] * 5]), "has 3 values, vectorSize is 4"),
    "long row": (lambda f: _rows(f, WORDS[:2], [[1.0] * 4, [1.0] * 5]), "9 vector values for 2 words of 4"),
    "nan": (lambda f: _rows(f, WORDS[:2], [[1.0] * 4, [float("nan")] * 4]), "NaN or infinite"),
    "null word": (lambda f: _rows(f, [None, "b"], [[1.0] * 4] * 2), "a word is missing"),
    "null vector": (lambda f: _rows(f, ["a", "b"], [[1.0] * 4, None]), "vector values for 2 words"),
    "twice": (lambda f: _rows(f, ["a", "a"], [[1.0] * 4] * 2), '"a" repeats'),
    "doubles": (lambda f: _rows(f, ["a"], [[1.0] * 4], pa.list_(pa.float64())), "not list<float>"),
    "not parquet": (lambda f: (f / "data" / "part-00000.snappy.parquet").write_bytes(b"PAR1 nothing"),
                    "not a parquet file"),
    "no data": (lambda f: (f / "data" / "part-00000.snappy.parquet").unlink(), "no data files"),
    "no columns": (lambda f: pq.write_table(pa.table({"x": [1]}), f / "data" / "part-00000.snappy.parquet"),
                   "no column 'word'"),
    "metadata not json": (lambda f: (f / "metadata" / "part-00000").write_text("{oops"), "not one line of JSON"),
    "metadata huge": (lambda f: (f / "metadata" / "part-00000").write_bytes(b" " * (1 << 21)), "over 1,048,576 bytes"),
    "vector size": (lambda f: _meta(f, paramMap={"vectorSize": -3}), "vectorSize is -3"),
    "vector size text": (lambda f: _meta(f, paramMap={"vectorSize": "4"}), "vectorSize is '4'"),
    "deep json": (lambda f: (f / "metadata" / "part-00000").write_text("[" * 100_000 + "]" * 100_000),
                  "not one line of JSON"),
}


def _meta(folder, **changes):
    path = folder / "metadata" / "part-00000"
    meta = json.loads(path.read_text())
    meta.update(changes)
    path.write_text(json.dumps(meta))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_folders_are_one_line_naming_the_file(tmp_path, capsys, name):
    folder = write_model(tmp_path / "m", WORDS, VECTORS)
    spoil, message = HOSTILE[name]
    spoil(folder)
    line = one_error_line(capsys, "neighbours", folder, "king")
    assert str(folder) in line and message in line, line


def test_mllib_word_count_must_match_its_metadata(tmp_path, capsys):
    folder = write_model(tmp_path / "m", WORDS, VECTORS, "mllib")
    _meta(folder, numWords=1_000_000_000)
    assert "6 words in its data, 1,000,000,000 in its metadata" in one_error_line(capsys, "info", folder)


def test_links_and_special_files_inside_are_refused(tmp_path, capsys):
    folder = write_model(tmp_path / "m", WORDS, VECTORS)
    part = folder / "data" / "part-00000.snappy.parquet"
    part.rename(tmp_path / "elsewhere.parquet")
    os.symlink(tmp_path / "elsewhere.parquet", part)
    assert "is a link, not a regular file" in one_error_line(capsys, "neighbours", folder, "king")
    part.unlink()
    os.mkfifo(part)
    assert "not a regular file" in one_error_line(capsys, "neighbours", folder, "king")


def test_a_size_beyond_memory_is_refused_before_allocating(tmp_path, capsys, monkeypatch):
    folder = write_model(tmp_path / "m", WORDS, VECTORS)
    monkeypatch.setattr("w2vstudio.core.support.memory.available_memory", lambda: 64)
    assert "6 words of 4 dimensions: needs" in one_error_line(capsys, "neighbours", folder, "king")


def test_a_footer_announcing_more_than_its_rows_can_hold_is_refused(tmp_path, capsys):
    folder = write_model(tmp_path / "m", WORDS, VECTORS)
    words = ["w" * 1_500_000 + str(i) for i in range(3)]  # longer than any word may be: 4 KiB
    pq.write_table(pa.table({"word": pa.array(words),
                             "vector": pa.array([[1.0] * 4] * 3, pa.list_(pa.float32()))}),
                   folder / "data" / "part-00000.snappy.parquet", compression="zstd")
    assert "announces" in one_error_line(capsys, "neighbours", folder, "king")

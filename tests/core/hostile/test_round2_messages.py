"""Messages and values: control characters escaped in every name printed; memory errors, NaN, negative
counts and unwritable words refused in one line naming the file, the flag or the word."""

import json

import numpy as np
import pytest

from tests.core.files.test_fasttext import fasttext_file
from w2vstudio.cli import main
from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.files.fasttext import ngram_buckets
from w2vstudio.core.files.vectorfiles import _MAX_WORD, load_vectors, save_vectors
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import check_memory
from w2vstudio.core.support.printable import printable, verbatim_html
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.gui.workers import error_message


def test_printable_escapes_controls():
    assert printable("a\nw2vstudio: error: forged\x1b[31m\u2028") == "a\\nw2vstudio: error: forged\\x1b[31m\\u2028"
    assert printable("café \\n") == "café \\n"


def test_the_cli_prints_one_line(tmp_path, capsys):
    missing = tmp_path / "x\nw2vstudio: error: forged.txt"
    assert main(["map", str(missing)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\\n" in err, err


def test_gui_messages_and_tooltips():
    assert "\n" not in error_message(W2VError("bad\nname"))
    tip = verbatim_html("<b>corpus</b>.txt")
    assert "<b>corpus" not in tip and "&lt;b&gt;corpus" in tip


# ---- values a file or a flag cannot be trusted with ------------------------------------------


def test_memory_errors_name_the_flags(monkeypatch, capsys):
    from w2vstudio.core import run
    monkeypatch.setattr(run, "available_memory", lambda: 1000)
    with pytest.raises(W2VError, match="lower --dim 300 .*--max-vocab 5,000"):
        check_memory(TrainParams(dim=300, max_vocab=5000), 5000)
    from w2vstudio.core.lenses.senses import _Reservoir
    from w2vstudio.core.support import memory
    monkeypatch.setattr(memory, "available_memory", lambda: 1000)
    with pytest.raises(W2VError, match="senses --max 300,000"):
        _Reservoir(300_000, 100, 5)._grow(10)

    from w2vstudio.commands import map as map_command
    monkeypatch.setattr(map_command, "load_vectors", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    assert main(["map", "x.txt"]) == 1
    assert "map" in capsys.readouterr().err.split("error:")[1]


def test_nan_in_ngram_rows_is_refused_in_one_line(tmp_path):
    n, bucket = 2, 4096
    matrix = np.full((n + bucket, 4), 0.25, "<f4")
    matrix[n:] = np.nan  # every n-gram row, so the words' own vectors are refused on reading
    path = tmp_path / "nan.bin"
    path.write_bytes(fasttext_file(["ab", "cd"], bucket=bucket, matrix=matrix))
    with pytest.raises(FormatError, match="NaN") as info:
        load_vectors(path)
    assert "\n" not in str(info.value)
    matrix[n:] = 0.25
    known = ngram_buckets(["ab", "cd"], 2, 3, bucket)[0]
    row = int(np.setdiff1d(ngram_buckets(["elsewhere"], 2, 3, bucket)[0], known)[0])
    matrix[n + row] = np.inf  # a row only the unknown word reaches
    path.write_bytes(fasttext_file(["ab", "cd"], bucket=bucket, matrix=matrix))
    kv = load_vectors(path)
    with pytest.raises(FormatError, match=f"n-gram bucket row {row:,} holds NaN or infinite"):
        kv["elsewhere"]


def test_json_output_never_holds_nan(tmp_path, capsys, monkeypatch):
    """A NaN score (such as an unchecked file's) is written null, never a bare NaN."""
    path = tmp_path / "v.txt"
    path.write_text("3 2\na 1 0\nb 0 0\nc 0 1\n")
    monkeypatch.setattr(KeyedVectors, "most_similar", lambda self, *a, **k: [("b", float("nan"))])
    assert main(["neighbours", str(path), "a", "--json"]) == 0
    text = capsys.readouterr().out.strip().splitlines()[-1]
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)


def test_negative_counts_in_metadata_are_refused(tmp_path):
    (tmp_path / "v.tsv").write_text("1\t0\n0\t1\n")
    (tmp_path / "v-metadata.tsv").write_text("word\tcount\na\t5\nb\t-3\n")
    with pytest.raises(FormatError, match=r"line 3.*negative") as info:
        load_vectors(tmp_path / "v.tsv")
    assert "v-metadata.tsv" in str(info.value)


def test_the_writer_refuses_what_the_reader_refuses(tmp_path):
    long = "x" * (_MAX_WORD + 1)
    kv = KeyedVectors(["a", long], np.ones((2, 3), np.float32))
    out = tmp_path / "v.bin"
    with pytest.raises(W2VError, match=r"number 1\b.*longer than") as info:
        save_vectors(kv, out, "bin")
    assert not out.exists() and len(str(info.value)) < 300
    fits = KeyedVectors(["a", "x" * _MAX_WORD], np.ones((2, 3), np.float32))
    save_vectors(fits, out, "bin")
    assert load_vectors(out).words == fits.words

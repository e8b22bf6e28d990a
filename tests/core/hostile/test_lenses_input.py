"""Hostile input to the lenses' commands: damaged or binary corpora, files that are not models,
axes without direction, odd words. One clear line naming the file or the word, exit 1."""

import gzip
import os

import numpy as np
import pytest

from tests.cli.cli_checks import one_error_line
from w2vstudio.cli import main
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.train.model import Model
from w2vstudio.core.vectors import KeyedVectors

SMALL = ("--dim", "8", "--epochs", "1", "--min-count", "2", "--threads", "1", "--quiet")


@pytest.fixture
def model(topic_file, tmp_path, capsys):
    path = tmp_path / "m.npz"
    assert main(["train", str(topic_file), "-o", str(path), *SMALL]) == 0
    capsys.readouterr()
    return path


def test_senses_on_bad_corpora(model, tmp_path, capsys):
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    assert "blob.txt" in one_error_line(capsys, "senses", model, "sea1", "--corpus", binary)
    damaged = tmp_path / "cut.txt.gz"
    text = " ".join(f"sea{i % 8} w{i}" for i in range(50_000)).encode()
    packed = gzip.compress(text)
    damaged.write_bytes(packed[: len(packed) // 2])
    assert "cut.txt.gz" in one_error_line(capsys, "senses", model, "sea1", "--corpus", damaged)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "pipe" in one_error_line(capsys, "senses", model, "sea1", "--corpus", fifo)
    (tmp_path / "empty").mkdir()
    assert "empty" in one_error_line(capsys, "senses", model, "sea1", "--corpus", tmp_path / "empty")


def test_lens_commands_on_files_that_are_not_models(tmp_path, capsys):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(200))
    for argv in (("frequency", junk), ("senses", junk, "word"), ("axis", junk, "--from", "a", "--to", "b")):
        assert "junk.npz" in one_error_line(capsys, *argv)
    vectors = tmp_path / "v.txt"
    save_vectors(KeyedVectors(["he", "she", "x"], np.eye(3, dtype=np.float32)), vectors, "txt")
    assert "model" in one_error_line(capsys, "senses", vectors, "he")


def test_axes_without_direction_or_words(tmp_path, capsys):
    vectors = tmp_path / "v.txt"
    save_vectors(KeyedVectors(["he", "she", "x"], np.eye(3, dtype=np.float32)), vectors, "txt")
    assert "no direction" in one_error_line(capsys, "axis", vectors, "--from", "he", "--to", "he")
    assert '"\u00e9l\u00e8ve"' in one_error_line(capsys, "axis", vectors, "--from", "he", "--to", "\u00e9l\u00e8ve")
    assert '"nope"' in one_error_line(capsys, "axis", vectors, "--from", "he", "--to", "she", "--words", "nope")


def test_senses_of_a_word_the_corpus_lacks(model, tmp_path, capsys):
    other = tmp_path / "other.txt"
    other.write_text("nothing of the kind here\n" * 50)
    assert "too rarely" in one_error_line(capsys, "senses", model, "sea1", "--corpus", other)
    loaded = Model.load(model)
    assert loaded.info.get("corpus")  # the run remembered its corpus: no --corpus needed


def test_mirror_on_bad_corpora_junk_and_absent_words(model, tmp_path, capsys):
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    assert "blob.txt" in one_error_line(capsys, "mirror", model, "sea1", "--corpus", binary)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert "pipe" in one_error_line(capsys, "mirror", model, "sea1", "--corpus", fifo)
    other = tmp_path / "other.txt"
    other.write_text("nothing of the kind here\n" * 50)
    assert "does not occur" in one_error_line(capsys, "mirror", model, "sea1", "--corpus", other)
    assert '"zebra"' in one_error_line(capsys, "mirror", model, "zebra")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(200))
    assert "junk.npz" in one_error_line(capsys, "mirror", junk, "word")
    vectors = tmp_path / "v.txt"
    save_vectors(KeyedVectors(["he", "she", "x"], np.eye(3, dtype=np.float32)), vectors, "txt")
    assert "context matrix" in one_error_line(capsys, "mirror", vectors, "he")

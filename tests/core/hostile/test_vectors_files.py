"""Hostile vectors and evaluation files (#13 items 5, 9, 13, 14): `neighbours`, `analogy` and
`eval` on crafted or broken files end in one line naming the file (exit 1), never a traceback,
a MemoryError or a blocked read; zero vectors and unscored pairs are handled on purpose."""

import bz2
import gzip
import json
import lzma
import os
import threading

import numpy as np
import pytest

from w2vstudio.cli import main
from w2vstudio.core.errors import FormatError
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.vectors import KeyedVectors

WORDS = ["king", "queen", "man", "woman", "sea"]
RNG = np.random.default_rng(5)
VECTORS = RNG.standard_normal((len(WORDS), 4)).astype("<f4")


def binary(header: str | None = None, vectors=VECTORS) -> bytes:
    head = header or f"{len(WORDS)} {vectors.shape[1]}"
    return (head + "\n").encode() + b"".join(w.encode() + b" " + v.tobytes() + b"\n" for w, v in zip(WORDS, vectors))


def text(header: str | None = None, rows: list[str] | None = None) -> str:
    rows = rows or [w + " " + " ".join(map(str, v)) for w, v in zip(WORDS, VECTORS.tolist())]
    return "\n".join([header or f"{len(WORDS)} {VECTORS.shape[1]}", *rows]) + "\n"


def run(capsys, *argv):
    """(exit code, stdout, stderr) of the command, from a thread that must not block."""
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.update(code=main([str(a) for a in argv])), daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the command blocked"
    out, err = capsys.readouterr()
    return outcome["code"], out, err


def one_error_line(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "" and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("w2vstudio: error: "), err
    return lines[0]


def rows_with(value: str, row: int = 2) -> list[str]:
    rows = [w + " " + " ".join(map(str, v)) for w, v in zip(WORDS, VECTORS.tolist())]
    rows[row] = rows[row].rsplit(" ", 1)[0] + " " + value
    return rows


HOSTILE = {  # name: (file content, words in the one-line message)
    "truncated.bin": (binary()[:-10], "the file ends after 4 of 5 words"),
    "truncated-half.bin": (binary()[:40], "40 bytes hold at most 2: truncated, or a wrong header"),
    "truncated.bin.gz": (gzip.compress(binary()[:-30]), "the file ends after 3 of 5 words"),
    "huge-header.bin": (binary("99999999999 4"), "99,999,999,999 words of 4 dimensions announced"),
    "huge-dim.bin": (binary("5 99999999999"), "5 words of 99,999,999,999 dimensions announced"),
    "huge-header.txt": (text("99999999999 4").encode(), "99,999,999,999 words of 4 dimensions announced"),
    "huge-header.bin.gz": (gzip.compress(binary("99999999999 4")), "words"),  # memory, or the file's end
    "huge-header.txt.xz": (lzma.compress(text("99999999999 4").encode()), "words"),
    "wrong-dims.txt": (text(rows=rows_with("")[:2] + [WORDS[2] + " 1 2"] + rows_with("")[3:]).encode(),
                       "line 4: expected 4 values, found 2"),
    "nan.txt": (text(rows=rows_with("nan")).encode(), "line 4: a value is NaN or infinite"),
    "inf.bin": (binary(vectors=np.where(np.arange(4) == 1, np.inf, VECTORS).astype("<f4")), "a value is NaN"),
    "empty.txt": (b"", "the file is empty"),
    "flipped.txt.gz": (gzip.compress(text().encode() * 50)[:40] + b"\xff" * 20 + gzip.compress(b"x")[20:],
                       "the gzip data is corrupt or truncated"),
    "flipped.txt.bz2": (bz2.compress(text().encode())[:20] + b"\x00" * 30, "the bz2 data is corrupt or truncated"),
    "utf16-no-mark.txt": (text().encode("utf-16-le"), "not a vectors file"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("command", [["neighbours", "{f}", "king"], ["analogy", "{f}", "man", "king", "woman"],
                                     ["eval", "{f}"]])
def test_broken_vectors_files_are_one_line(tmp_path, capsys, name, command):
    data, message = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(data)
    line = one_error_line(capsys, *[a.format(f=path) for a in command])
    assert str(path) in line and message in line


def special_paths(tmp_path) -> dict:
    os.mkfifo(tmp_path / "fifo")
    os.symlink(tmp_path / "loop1", tmp_path / "loop2")
    os.symlink(tmp_path / "loop2", tmp_path / "loop1")
    (tmp_path / "folder").mkdir()
    return {"fifo": "is a FIFO (named pipe), not a regular file", "loop1": "too many levels of symbolic links",
            "folder": "is a folder, not a regular file", "missing": "does not exist"}


def test_non_regular_vectors_paths_are_one_line_without_blocking(tmp_path, capsys):
    for name, message in special_paths(tmp_path).items():
        for command in (["neighbours", tmp_path / name, "king"], ["eval", tmp_path / name]):
            line = one_error_line(capsys, *command)
            assert str(tmp_path / name) in line and message in line


def test_non_regular_evaluation_files_are_one_line(tmp_path, capsys):
    vectors = tmp_path / "v.bin"
    vectors.write_bytes(binary())
    messages = special_paths(tmp_path)
    for option in ("--analogies", "--pairs"):
        for name in ("fifo", "loop1", "folder"):
            assert messages[name] in one_error_line(capsys, "eval", vectors, option, tmp_path / name)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_text_vectors_are_read(tmp_path, encoding):
    path = tmp_path / "v.vec"
    bom = b"\xfe\xff" if encoding == "utf-16-be" else b""
    path.write_bytes(bom + text().encode(encoding))
    kv = load_vectors(path)
    assert kv.words == WORDS and np.array_equal(kv.vectors, VECTORS)


def test_a_huge_header_is_refused_before_allocating(tmp_path, monkeypatch):
    path = tmp_path / "v.bin"
    path.write_bytes(binary("99999999999 4"))

    def no_allocation(*args, **kwargs):
        raise AssertionError("allocated")

    monkeypatch.setattr(np, "empty", no_allocation)
    with pytest.raises(FormatError, match="99,999,999,999 words of 4 dimensions announced, but the file.s 124 bytes hold at most 6"):
        load_vectors(path)


def test_a_zero_vector_is_never_a_neighbour_and_cannot_be_asked(tmp_path, capsys):
    path = tmp_path / "v.bin"
    path.write_bytes(binary(vectors=np.where(np.arange(5)[:, None] == 1, 0, VECTORS).astype("<f4")))
    code, out, _ = run(capsys, "neighbours", path, "king", "--topn", "10")
    assert code == 0 and "queen" not in out and "sea" in out
    assert '"queen" has a zero vector' in one_error_line(capsys, "neighbours", path, "queen")
    assert '"queen" has a zero vector' in one_error_line(capsys, "analogy", path, "man", "queen", "woman")


def test_pairs_without_a_finite_score_are_skipped_and_counted(tmp_path, capsys):
    vectors = tmp_path / "v.bin"
    vectors.write_bytes(binary())
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("king\tqueen\t9\nman\twoman\tnan\nking\tman\tinf\nsea\tking\t1\nqueen\twoman\t5\n")
    code, out, _ = run(capsys, "eval", vectors, "--pairs", pairs, "--json")
    clean = tmp_path / "clean.tsv"
    clean.write_text("king\tqueen\t9\nsea\tking\t1\nqueen\twoman\t5\n")
    _, expected, _ = run(capsys, "eval", vectors, "--pairs", clean, "--json")
    got, want = json.loads(out.splitlines()[-1])["pairs"][str(pairs)], json.loads(expected.splitlines()[-1])["pairs"][str(clean)]
    assert code == 0 and got["unscored"] == 2 and want["unscored"] == 0 and got["pairs"] == want["pairs"] == 3
    assert got["spearman"] == want["spearman"] and got["pearson"] == want["pearson"]
    pairs.write_text("king\tqueen\tnan\n")
    assert "no word pairs with a finite score" in one_error_line(capsys, "eval", vectors, "--pairs", pairs)


def test_a_repeated_word_is_named():
    with pytest.raises(ValueError, match='"b" repeats'):
        KeyedVectors(["a", "b", "c", "b"], np.zeros((4, 2), np.float32))

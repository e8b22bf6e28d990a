"""Hostile corpora (#13 items 5, 9, 13, 14, 16): damaged compressed files, UTF-16 text,
non-regular files, a binary file among good ones. One clear line naming the file, or the text
read; nothing blocks."""

import bz2
import gzip
import lzma
import os
import threading

import pytest

from tests.cli.cli_checks import one_error_line
from w2vstudio.core.corpus import kwic
from w2vstudio.core.errors import CorpusError
from w2vstudio.core.corpus.scan import scan_corpus

TEXT = "the sea is blue\nthe sky is blue too\nthe café by the sea\n" * 200
PACK = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}


def words_of(paths, **kwargs):
    scanned = scan_corpus(paths, **kwargs)
    return dict(zip(scanned.words, scanned.counts.tolist())), scanned


def flipped(data: bytes) -> bytes:
    out = bytearray(data)
    for i in range(len(out) // 2, len(out) // 2 + 6):
        out[i] ^= 0xFF
    return bytes(out)


@pytest.mark.parametrize("kind", sorted(PACK))
@pytest.mark.parametrize("damage", ["flipped", "truncated"])
def test_damaged_compressed_corpus_is_one_line_naming_it(tmp_path, kind, damage):
    data = PACK[kind](TEXT.encode() * 20)
    path = tmp_path / f"corpus.{kind}"
    path.write_bytes(flipped(data) if damage == "flipped" else data[: len(data) * 2 // 3])
    with pytest.raises(CorpusError) as err:
        scan_corpus([path])
    assert str(err.value).startswith(f"{path}: the {kind} data is corrupt or truncated")


def test_train_on_a_gzip_with_flipped_bytes_is_one_line(tmp_path, capsys):
    path = tmp_path / "corpus.txt.gz"
    path.write_bytes(flipped(gzip.compress(TEXT.encode() * 20)))
    line = one_error_line(capsys, "train", path, "-o", tmp_path / "m.npz", "--quiet")
    assert f"{path}: the gzip data is corrupt or truncated" in line
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_text_with_a_byte_order_mark_is_read(tmp_path, encoding):
    plain = tmp_path / "plain.txt"
    plain.write_text(TEXT, encoding="utf-8")
    wide = tmp_path / "wide.txt.gz"
    data = TEXT.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + TEXT.encode(encoding)
    wide.write_bytes(gzip.compress(data))
    assert words_of([wide])[0] == words_of([plain])[0]


def test_utf16_without_a_byte_order_mark_says_what_to_do(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes(TEXT.encode("utf-16-le"))
    with pytest.raises(CorpusError, match="UTF-16LE text without a byte-order mark: convert it to UTF-8"):
        scan_corpus([path])


def test_a_binary_file_in_a_folder_is_skipped_and_listed(tmp_path):
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT)
    (folder / "sub" / "b.txt.gz").write_bytes(gzip.compress(TEXT.encode()))
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    (folder / ".git").mkdir()
    (folder / ".git" / "index").write_bytes(b"\x00" * 100)  # hidden folders are not read
    counts, scanned = words_of([folder])
    assert counts["sea"] == 2 * TEXT.count("sea")
    assert scanned.skipped == [{"path": str(folder / "image.png"), "reason": "looks like a binary file, not text"}]
    assert [f.path for f in scanned.files] == [folder / "a.txt", folder / "sub" / "b.txt.gz"]
    with pytest.raises(CorpusError, match="image.png looks like a binary file"):  # named: strict
        scan_corpus([folder / "a.txt", folder / "image.png"])
    assert len(kwic.keyword_in_context([folder], "café", n=500)) == 400  # kwic passes over it too


def test_a_folder_of_binary_files_only_says_so(tmp_path):
    (tmp_path / "x.bin").write_bytes(bytes(100))
    with pytest.raises(CorpusError, match="no words .files that are not text were skipped"):
        scan_corpus([tmp_path])


def scan_in_thread(paths) -> Exception | None:
    """scan_corpus(paths) from a thread that must not block; its error, if any."""
    outcome = {}

    def work():
        try:
            outcome["words"] = words_of(paths)[0]
        except CorpusError as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "the scan blocked"
    return outcome.get("error")


def test_non_regular_corpus_paths_are_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    os.symlink(tmp_path / "loop1", tmp_path / "loop2")
    os.symlink(tmp_path / "loop2", tmp_path / "loop1")
    assert "fifo is a FIFO (named pipe), not a regular file or folder" in str(scan_in_thread([tmp_path / "fifo"]))
    assert "loop1: too many levels of symbolic links" in str(scan_in_thread([tmp_path / "loop1"]))
    (tmp_path / "a.txt").write_text(TEXT)
    assert scan_in_thread([tmp_path]) is None  # in a folder, they are not corpus files


def test_train_on_a_fifo_is_one_line(tmp_path, capsys):
    os.mkfifo(tmp_path / "fifo")
    line = one_error_line(capsys, "train", tmp_path / "fifo", "-o", tmp_path / "m.npz", "--quiet")
    assert "fifo is a FIFO (named pipe)" in line

"""The one opener: compression and encodings undone, reads and lines across its buffers,
non-regular files refused without blocking, corrupt data one line naming the file."""

import bz2
import codecs
import gzip
import lzma
import os
import socket
import threading

import pytest

from w2vstudio.core.support import opener
from w2vstudio.core.errors import CorpusError, W2VError
from w2vstudio.core.support.opener import check_regular, open_input

TEXT = "the café\n日本 🙂 naïve\n\nlast line without end".encode()
COMPRESS = {"plain": lambda b: b, "gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}


@pytest.fixture(params=sorted(COMPRESS))
def compression(request):
    return request.param


def write(tmp_path, data: bytes, name="f"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_every_compression_reads_the_same_bytes(tmp_path, compression):
    path = write(tmp_path, COMPRESS[compression](TEXT))
    with open_input(path) as f:
        assert f.compression == (None if compression == "plain" else compression)
        assert f.read() == TEXT
        assert f.read() == b""
        assert f.consumed() == path.stat().st_size


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_a_byte_order_mark_is_read_as_utf8(tmp_path, compression, encoding, monkeypatch):
    monkeypatch.setattr(opener, "_RECODE_BYTES", 3)  # characters and surrogate pairs cut apart
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE,
           "utf-32-be": codecs.BOM_UTF32_BE, "utf-8": codecs.BOM_UTF8}[encoding]
    path = write(tmp_path, COMPRESS[compression](bom + TEXT.decode().encode(encoding)))
    with open_input(path) as f:
        assert f.encoding == encoding[:6]
        assert f.known_size is None or (compression, encoding) == ("plain", "utf-8")
        assert list(f) == TEXT.splitlines(keepends=True)
    with open_input(path) as f:
        assert f.read(5) + f.read(7) + f.read() == TEXT


def test_reads_and_lines_mix_across_the_buffer(tmp_path, compression):
    path = write(tmp_path, COMPRESS[compression](TEXT))
    with open_input(path) as f:
        assert f.read(2) == b"th"  # inside what the byte-order check read ahead
        assert f.readline(3) == b"e c"
        assert f.readline() == "afé\n".encode()
        assert f.readline() == "日本 🙂 naïve\n".encode()
        assert f.readline(100) == b"\n"
        assert f.read(4) == b"last"
        assert f.readline() == b" line without end"
        assert f.readline() == f.read(3) == b""


def test_plain_utf8_size_is_known(tmp_path):
    with open_input(write(tmp_path, TEXT)) as f:
        assert f.known_size == len(TEXT) and f.encoding == "utf-8"


def opened_or_refused(path, error=W2VError) -> str:
    """The opener's message for `path`, from a thread that must not block on it."""
    outcome = {}

    def attempt():
        try:
            open_input(path, error).close()
            outcome["message"] = "opened"
        except error as exc:
            outcome["message"] = str(exc)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), f"opening {path} blocked"
    return outcome["message"]


def test_non_regular_files_are_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    os.symlink(tmp_path / "loop1", tmp_path / "loop2")
    os.symlink(tmp_path / "loop2", tmp_path / "loop1")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        expected = {
            "fifo": "is a FIFO (named pipe), not a regular file",
            "folder": "is a folder, not a regular file",
            "loop1": "symbolic links",
            "sock": "is a socket, not a regular file",
            "missing": "does not exist",
        }
        for name, message in expected.items():
            text = opened_or_refused(tmp_path / name, CorpusError)
            assert message in text and str(tmp_path / name) in text
    finally:
        server.close()
    assert "character device" in opened_or_refused("/dev/null")
    with pytest.raises(W2VError, match="FIFO"):
        check_regular(tmp_path / "fifo")


def test_a_link_to_a_regular_file_is_read(tmp_path):
    os.symlink(write(tmp_path, gzip.compress(TEXT)), tmp_path / "link")
    with open_input(tmp_path / "link") as f:
        assert f.read() == TEXT


def corrupt(data: bytes) -> bytes:
    middle = bytearray(data)
    for i in range(len(middle) // 3, len(middle) // 3 + 8):
        middle[i] ^= 0xFF
    return bytes(middle)


@pytest.mark.parametrize("damage", ["flipped bytes", "truncated"])
@pytest.mark.parametrize("kind", ["gzip", "bz2", "xz"])
def test_damaged_compressed_data_is_one_line_naming_the_file(tmp_path, kind, damage):
    data = COMPRESS[kind](TEXT * 2000)
    path = write(tmp_path, corrupt(data) if damage == "flipped bytes" else data[: len(data) // 2], "x.dat")
    with pytest.raises(CorpusError) as err, open_input(path, CorpusError) as f:
        while f.read(1 << 16):
            pass
    message = str(err.value)
    assert message.startswith(f"{path}: the {kind} data is corrupt or truncated (") and "\n" not in message

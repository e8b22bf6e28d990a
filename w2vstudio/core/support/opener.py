"""The one way input files are opened: regular files only, compression and text encoding undone.

`open_input(path)` refuses anything that is not a regular file (a folder, a FIFO, a device, a
socket, a link loop) before it could block, recognises gzip, bz2 and xz by their magic bytes and
re-encodes UTF-16 and UTF-32 text (found by its byte-order mark) as UTF-8; a UTF-8 byte-order mark
is dropped. Reading returns bytes. Every failure, including corrupt or truncated compressed data
found halfway through, is raised as one `W2VError` (or the subclass asked for) naming the file.

Lines are capped: `readline()`, iteration and `read_lines()` refuse a line longer than the
`max_line` bytes the reader's format needs (`MAX_LINE` unless it says), in one line naming the
file, so a small compressed file that inflates to one huge line costs at most that cap.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import os
import stat
import zlib
from pathlib import Path

from w2vstudio.core.errors import W2VError

COMPRESSIONS = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"))
_DECOMPRESSORS = {"gzip": lambda f: gzip.GzipFile(fileobj=f, mode="rb"), "bz2": bz2.BZ2File, "xz": lzma.LZMAFile}
# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"), (codecs.BOM_UTF8, "utf-8"))
_RECODE_BYTES = 1 << 20  # encoded bytes decoded at a time
MAX_LINE = 1 << 20  # bytes of one line of a text input, unless its reader asks for more
_DECODE_ERRORS = (OSError, EOFError, zlib.error, lzma.LZMAError)
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def kind_of(mode: int) -> str:
    """What a file of this `st_mode` is, in words ("a regular file", "a FIFO (named pipe)" ...)."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def check_regular(path: str | Path, error: type[W2VError] = W2VError) -> os.stat_result:
    """The file's status, if it is a regular file (links followed); else `error`, one line."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path} does not exist") from None
    except OSError as exc:
        raise error(cannot_read(path, exc)) from None
    if not stat.S_ISREG(status.st_mode):
        raise error(f"{path} is {kind_of(status.st_mode)}, not a regular file")
    return status


def cannot_read(path, exc: OSError) -> str:
    """The one-line message for an OSError met while opening or reading `path`."""
    reason = "no such file" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc)).lower()
    return f"cannot read {path}: {reason}"


def sniff_compression(head: bytes) -> str | None:
    """"gzip", "bz2" or "xz" if `head` (the file's first bytes) starts with that format's magic."""
    return next((name for magic, name in COMPRESSIONS if head.startswith(magic)), None)


class Input:
    """A file opened for reading by `open_input`: `read(size)` and `readline(limit)` return bytes
    (decompressed, UTF-8), iteration yields lines; `consumed()` is how far into the file on disk
    reading has got (for progress); `compression` and `encoding` say what was undone; `max_line`:
    the longest line `readline()`, iteration and `read_lines()` take."""

    def __init__(self, path: Path, disk, error: type[W2VError], max_line: int = MAX_LINE):
        self.path, self.max_line = path, max_line
        self._given = 0  # bytes of content returned so far
        self.size = os.fstat(disk.fileno()).st_size  # on disk
        self._disk = disk
        self._error = error
        head = disk.read(6)
        disk.seek(0)
        self.compression = sniff_compression(head)
        self._inner = disk if self.compression is None else _DECOMPRESSORS[self.compression](disk)
        self._eof = False
        self._buffer = self._read_inner(4)  # room for the longest byte-order mark
        self.encoding = "utf-8"
        self._decoder = None
        for bom, encoding in _BOMS:
            if self._buffer.startswith(bom):
                self.encoding = encoding
                if encoding == "utf-8":
                    self._buffer = self._buffer[len(bom):]
                else:
                    self._decoder = codecs.getincrementaldecoder(encoding)("replace")
                    self._buffer = self._recode(self._buffer)
                break

    # ---- reading ---------------------------------------------------------------------------------

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all that is left if negative); fewer only at the end of the file."""
        data = self._read(size)
        self._given += len(data)
        return data

    def _read(self, size: int) -> bytes:
        head, self._buffer = self._buffer, b""
        if self._decoder is None:  # straight through, after what the byte-order check read
            if size < 0 or len(head) < size:
                return head + self._read_inner(size - len(head) if size >= 0 else -1)
            head, self._buffer = head[:size], head[size:]
            return head
        parts, have = [head], len(head)
        while (size < 0 or have < size) and (more := self._fill()):
            parts.append(more)
            have += len(more)
        data = b"".join(parts)
        if 0 <= size < len(data):
            data, self._buffer = data[:size], data[size:]
        return data

    def readline(self, limit: int = -1) -> bytes:
        """The next line with its newline: at most `limit` bytes if positive, else the whole line,
        a line longer than `max_line` being `error`."""
        if limit >= 0:
            line = self._readline(limit)
        else:
            line = self._readline(self.max_line + 1)
            if len(line) > self.max_line and not line.endswith(b"\n"):
                self._too_long(self._given)
        self._given += len(line)
        return line

    def read_lines(self, size: int) -> bytes:
        """About `size` bytes of whole lines (b"" at the end of the file; the last line may lack
        its newline there); a line longer than `max_line` is `error`."""
        data = self.read(size)
        tail = len(data) - (data.rfind(b"\n") + 1)
        if not data or not tail:
            return data
        more = self._readline(self.max_line - tail + 1)
        if len(more) + tail > self.max_line and not more.endswith(b"\n"):
            self._too_long(self._given - tail)
        self._given += len(more)
        return data + more

    def _too_long(self, start: int):
        raise self._error(f"{self.path}: a line longer than {self.max_line:,} bytes (from byte {start:,} "
                          "of its content on): not a file this reader takes")

    def _readline(self, limit: int) -> bytes:
        head, self._buffer = self._buffer, b""
        parts, have = [head], len(head)
        while b"\n" not in parts[-1] and (limit < 0 or have < limit):
            rest = -1 if limit < 0 else limit - have
            more = self._call(self._inner.readline, rest) if self._decoder is None else self._fill()
            if not more:
                break
            parts.append(more)
            have += len(more)
        data = b"".join(parts)
        end = data.find(b"\n") + 1 or len(data)
        if limit >= 0:
            end = min(end, limit)
        line, self._buffer = data[:end], data[end:]
        return line

    def __iter__(self):
        while line := self.readline():
            yield line

    @property
    def known_size(self) -> int | None:
        """Bytes that reading returns in all, at most, where known without reading: the size on
        disk of an uncompressed UTF-8 file; None otherwise."""
        return self.size if self.compression is None and self._decoder is None else None

    @property
    def position(self) -> int:
        """Bytes of content returned so far (in a straight file, where the next read begins)."""
        return self._given

    def seek(self, offset: int) -> None:
        """Read on from byte `offset` of a straight file (`known_size` not None: uncompressed
        UTF-8); ValueError for any other."""
        if self.known_size is None:
            raise ValueError("only an uncompressed UTF-8 file can be read from a place of its choosing")
        self._buffer = b""
        self._disk.seek(offset)
        self._given = offset

    def consumed(self) -> int:
        """Bytes of the file on disk read so far."""
        return self._disk.tell()

    def _fill(self) -> bytes:
        """More text, re-encoded as UTF-8 (b"" at the end of the file)."""
        while not self._eof:
            data = self._read_inner(_RECODE_BYTES)
            self._eof = not data
            if text := self._recode(data):
                return text
        return b""

    def _recode(self, data: bytes) -> bytes:
        return self._decoder.decode(data, final=not data).encode("utf-8")

    def _read_inner(self, size: int) -> bytes:
        return self._call(self._inner.read, size)

    def _call(self, read, size: int) -> bytes:
        try:
            return read(size)
        except _DECODE_ERRORS as exc:
            if self.compression is None:
                raise self._error(cannot_read(self.path, exc)) from None
            detail = str(exc) or type(exc).__name__
            raise self._error(f"{self.path}: the {self.compression} data is corrupt or truncated ({detail})") from None

    # ---- closing ---------------------------------------------------------------------------------

    def close(self) -> None:
        try:
            if self._inner is not self._disk:
                self._inner.close()
        finally:
            self._disk.close()

    def __enter__(self) -> Input:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_regular(path: str | Path, error: type[W2VError] = W2VError):
    """`path` opened for binary reading if it is a regular file; anything else (a FIFO, a device,
    even one swapped in after a check) is refused without blocking, in one line (`error`)."""
    nonblock = getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, os.O_RDONLY | nonblock | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise error(cannot_read(path, exc)) from None
    try:
        mode = os.fstat(fd).st_mode  # the file opened, should it have been swapped since a check
        if not stat.S_ISREG(mode):
            raise error(f"{path} is {kind_of(mode)}, not a regular file")
        if nonblock:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def open_input(path: str | Path, error: type[W2VError] = W2VError, max_line: int = MAX_LINE) -> Input:
    """Open a regular file for reading (see the module's docstring); failures raise `error`;
    lines are at most `max_line` bytes."""
    path = Path(path)
    check_regular(path, error)
    disk = open_regular(path, error)
    try:
        return Input(path, disk, error, max_line)
    except BaseException:
        disk.close()
        raise

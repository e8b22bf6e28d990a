"""Corpus files: find them, open them (compressed or not), stream them as tokenised blocks.

Files are read in blocks of bytes cut at line ends (or, inside a very long line, at a space),
so a corpus is never held whole. Each block is made valid UTF-8 (invalid bytes are replaced
and counted) and tokenised by a Numba kernel into words and line ends.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from w2vstudio.core import kernels
from w2vstudio.core.errors import CorpusError

BLOCK_BYTES = 1 << 20
MAX_PENDING_BYTES = 1 << 20  # a line longer than this is cut at its last space

# The same rule as kernels.tokenize_block, for short texts typed by a user or shown in context.
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
_MAGIC = {
    b"\x1f\x8b": gzip.open,
    b"BZh": bz2.open,
    b"\xfd7zXZ\x00": lzma.open,
}


@dataclass
class FileStat:
    """One corpus file: its path, size on disk and, once scanned, its word count."""

    path: Path
    bytes: int
    words: int = 0


def find_files(paths) -> list[FileStat]:
    """Expand paths (files and directories, recursively) into a list of files."""
    found = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(c for c in p.rglob("*") if c.is_file() and not c.name.startswith(".")))
        elif p.is_file():
            found.append(p)
        elif p.exists():
            raise CorpusError(f"{p} is not a regular file or folder")
        else:
            raise CorpusError(f"{p} does not exist")
    if not found:
        raise CorpusError("no corpus files found in " + ", ".join(str(p) for p in paths))
    return [FileStat(f, f.stat().st_size) for f in found]


def open_binary(path: Path):
    """Open a file for binary reading, decompressing gzip/bz2/xz detected by magic bytes."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
        for magic, opener in _MAGIC.items():
            if head.startswith(magic):
                return opener(path, "rb")
        return open(path, "rb")
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror}") from None


class ReplacementCounter:
    """A codecs error handler that replaces invalid UTF-8 and counts the bad bytes."""

    def __init__(self):
        self.count = 0
        self.name = f"w2vstudio-count-{id(self)}"
        codecs.register_error(self.name, self)

    def __call__(self, exc):
        self.count += exc.end - exc.start
        return "\ufffd", exc.end

    def clean(self, data: bytes) -> bytes:
        """The bytes as valid UTF-8, invalid sequences replaced by U+FFFD."""
        try:
            data.decode("utf-8")
            return data
        except UnicodeDecodeError:
            return data.decode("utf-8", errors=self.name).encode("utf-8")


def iter_blocks(path: Path, counter: ReplacementCounter) -> Iterator[tuple[bytes, int]]:
    """Yield (valid UTF-8 block, bytes of the file consumed so far) for one file."""
    pending = b""
    first = True
    with open_binary(path) as fh:
        raw = getattr(fh, "fileobj", None) or getattr(fh, "_fp", None) or fh
        while True:
            try:
                data = fh.read(BLOCK_BYTES)
            except (OSError, EOFError, lzma.LZMAError) as exc:
                raise CorpusError(f"{path} is damaged: {exc}") from None
            if first and b"\x00" in data[:8192]:
                raise CorpusError(f"{path} looks like a binary file, not text")
            first = False
            buf = pending + data
            cut = len(buf) if not data else _last_break(buf)
            pending = buf[cut:]
            if cut:
                yield counter.clean(buf[:cut]), raw.tell()
            if not data:
                return


def _last_break(buf: bytes) -> int:
    """Index after the last newline, or after the last space if a line runs on too long."""
    cut = buf.rfind(b"\n") + 1
    if cut == 0 and len(buf) > MAX_PENDING_BYTES:
        cut = max(buf.rfind(b" "), buf.rfind(b"\t")) + 1
        if cut == 0:  # a megabyte without whitespace: cut at a character boundary
            cut = len(buf)
            while cut > 0 and (buf[cut - 1] & 0xC0) == 0x80:
                cut -= 1
            cut = max(cut - 1, 1) if buf[cut - 1] >= 0xC0 else cut
    return cut


@cache
def alnum_table() -> np.ndarray:
    """1 for every code point Python counts as a letter or digit, else 0."""
    return np.frombuffer(bytes(chr(c).isalnum() for c in range(0x110000)), dtype=np.uint8)


def tokenize_block(block: bytes, lowercase: bool) -> tuple[np.ndarray, list[str]]:
    """Block-local ids (-1 at line ends) and the distinct words they stand for."""
    ids, starts, ends = kernels.tokenize_block(np.frombuffer(block, dtype=np.uint8), lowercase, alnum_table())
    distinct = [block[s:e].decode("utf-8") for s, e in zip(starts.tolist(), ends.tolist())]
    if lowercase:
        distinct = [w.lower() for w in distinct]
    return ids, distinct


def words(text: str, lowercase: bool = True) -> list[str]:
    """The words of a short text, by the same rule as the corpus tokenizer."""
    found = _WORD.findall(text)
    return [w.lower() for w in found] if lowercase else found

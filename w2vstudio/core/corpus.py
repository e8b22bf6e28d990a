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
_ALNUM_RUN = re.compile(r"[^\W_]+")
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
    """1 for every code point that ``_WORD`` treats as a letter or digit, else 0."""
    table = np.zeros(0x110000, dtype=np.uint8)
    for run in _ALNUM_RUN.finditer("".join(map(chr, range(0x110000)))):
        table[run.start():run.end()] = 1
    return table


class Tokenizer:
    """Turns blocks of UTF-8 text into word ids (-1 at line ends), stable across blocks.

    The Numba kernel finds each distinct byte string once; only strings never seen before are
    decoded (and lower-cased) in Python, so the per-word cost stays in compiled code.
    """

    def __init__(self, lowercase: bool = True):
        self.lowercase = lowercase
        self.words: list[str] = []  # distinct words in order of first appearance
        self._index: dict[str, int] = {}
        self._word_of = np.zeros(1024, dtype=np.int32)  # byte string id -> word id
        self._strings = 0
        self._arena = np.zeros(1 << 20, dtype=np.uint8)
        self._used = 0
        self._spans = np.zeros((1024, 2), dtype=np.int64)
        self._hashes = np.zeros(1024, dtype=np.uint64)
        self._table = np.full(2048, -1, dtype=np.int32)

    def __call__(self, block: bytes) -> np.ndarray:
        self._reserve(len(block))
        old = self._strings
        ids, self._strings, self._used = kernels.tokenize_block(
            np.frombuffer(block, dtype=np.uint8), self.lowercase, alnum_table(), self._table, self._arena,
            self._spans, self._hashes, old, self._used)
        if self._strings > old:
            self._add_strings(old)
        return np.where(ids >= 0, self._word_of[np.maximum(ids, 0)], -1).astype(np.int32)

    def _add_strings(self, first: int):
        base = int(self._spans[first, 0])
        raw = self._arena[base:self._used].tobytes()
        texts = [raw[a - base:b - base].decode("utf-8") for a, b in self._spans[first:self._strings].tolist()]
        if self.lowercase:
            texts = [t.lower() for t in texts]  # ASCII is folded already; this handles the rest
        index, words = self._index, self.words
        for k, text in enumerate(texts, first):
            w = index.get(text)
            if w is None:
                w = index[text] = len(words)
                words.append(text)
            self._word_of[k] = w

    def _reserve(self, nbytes: int):
        """Room for nbytes more arena bytes and nbytes // 2 + 1 more strings."""
        strings = self._strings + nbytes // 2 + 1
        if strings > len(self._hashes):
            size = max(2 * len(self._hashes), strings)
            self._hashes = _grown(self._hashes, size)
            self._spans = _grown(self._spans, size)
            self._word_of = _grown(self._word_of, size)
        if self._used + nbytes > len(self._arena):
            self._arena = _grown(self._arena, max(2 * len(self._arena), self._used + nbytes))
        if 2 * strings > len(self._table):
            size = len(self._table)
            while size < 2 * strings:
                size *= 2
            self._table = kernels.rehash(self._hashes, self._strings, size)


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    out = np.zeros((rows,) + array.shape[1:], dtype=array.dtype)
    out[: len(array)] = array
    return out


def words(text: str, lowercase: bool = True) -> list[str]:
    """The words of a short text, by the same rule as the corpus tokenizer."""
    found = _WORD.findall(text)
    return [w.lower() for w in found] if lowercase else found

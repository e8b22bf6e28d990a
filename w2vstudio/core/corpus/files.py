"""Corpus files: find them, stream them (through `opener`) as blocks of text, tokenise them.

Files are read in blocks of bytes cut at line ends (or, inside a very long line, at a space),
so a corpus is never held whole. Each block is made valid UTF-8 (invalid bytes are replaced
and counted) and tokenised by a Numba kernel into words and line ends. A file that is not text
(a NUL byte in its first 8 KiB) is an error when given by name; found in a folder, it is skipped
and listed (path and reason).
"""

from __future__ import annotations

import codecs
import os
import re
import stat as stat_mode
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import numpy as np

from w2vstudio.core.kernels.text import name_ids, pack_spans, rehash, tokenize_block, word_counts
from w2vstudio.core.support.chunked import CHUNK, WordIndex, release, split_lines
from w2vstudio.core.errors import CorpusError
from w2vstudio.core.support.opener import check_regular, kind_of, open_input

BLOCK_BYTES = 1 << 20
TEXT_CHECK_BYTES = 8192  # a NUL byte among the first ones makes a file binary
MAX_PENDING_BYTES = 1 << 20  # a line longer than this is cut at its last space
_STRING_BYTES = 16 + 8 + 8 + 4 + 16  # per distinct byte string: span, hash, count, word id, index slots
_WORD_BYTES = 8 + 60 + 100 + 8  # per distinct word: list entry, str object, dict entry, count

# The same rule as tokenize_block, for short texts typed by a user or shown in context.
_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
_ALNUM_RUN = re.compile(r"[^\W_]+")
# A URI's scheme and slash ("hdfs://", "s3a://", "file:///", or "file:/" once pathlib has merged the
# slashes); two letters at least, so that a Windows drive ("C:/") stays a path.
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]+:/")


@dataclass
class FileStat:
    """One corpus file: its path, size on disk and, once scanned, its word count."""

    path: Path
    bytes: int
    words: int = 0
    in_folder: bool = False  # found in a folder given (not named itself): skipped if not text


def is_uri(path) -> bool:
    """Whether `path` is a URI (hdfs://, s3a://, file:// ...) rather than a local path."""
    return _URI.match(str(path)) is not None


def _local(raw) -> Path | None:
    """The local path of a corpus path or of a file: URI of this computer ("file:///data/a%20b.txt");
    None for any other URI ("./hdfs:/x" names a local folder "hdfs:")."""
    if not is_uri(raw):
        return Path(raw)
    uri = urlsplit(str(raw))
    if uri.scheme.lower() == "file" and uri.netloc in ("", "localhost"):
        return Path(url2pathname(uri.path))
    return None


def find_files(paths) -> list[FileStat]:
    """Expand paths (files and folders, recursively; hidden ones and links to folders left out)
    into a list of regular files. file: URIs of this computer are read as paths; other URIs are
    refused: only Spark reads those."""
    paths, found = list(paths), []
    for raw in paths:
        p = _local(raw)
        if p is None:
            raise CorpusError(f"{raw}: a URI, which this computer does not read (give a local file or folder; "
                              "train --engine spark reads URIs)")
        try:
            mode = os.stat(p).st_mode
        except FileNotFoundError:
            raise CorpusError(f"{p} does not exist") from None
        except OSError:
            mode = check_regular(p, CorpusError).st_mode  # raises, saying why
        if stat_mode.S_ISDIR(mode):
            inside = (c for c in p.rglob("*") if not any(part.startswith(".") for part in c.relative_to(p).parts))
            found.extend((c, True) for c in sorted(inside) if c.is_file())
        elif stat_mode.S_ISREG(mode):
            found.append((p, False))
        else:
            raise CorpusError(f"{p} is {kind_of(mode)}, not a regular file or folder")
    if not found:
        raise CorpusError("no corpus files found in " + ", ".join(str(p) for p in paths))
    return [FileStat(f, f.stat().st_size, in_folder=in_folder) for f, in_folder in found]


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


def iter_blocks(path: Path, counter: ReplacementCounter, skipped: list | None = None) -> Iterator[tuple[bytes, int]]:
    """Yield (valid UTF-8 block, bytes of the file on disk consumed so far) for one file.

    A file that is not text raises `CorpusError`, or, given a `skipped` list, yields nothing and
    is appended to it as `{"path": str, "reason": str}`."""
    pending = b""
    with open_input(path, CorpusError) as fh:
        data = fh.read(BLOCK_BYTES)
        if b"\x00" in data[:TEXT_CHECK_BYTES]:
            reason = _not_text(data[:TEXT_CHECK_BYTES])
            if skipped is None:
                raise CorpusError(f"{path} {reason}")
            skipped.append({"path": str(path), "reason": reason})
            return
        while True:
            buf = pending + data
            cut = len(buf) if not data else _last_break(buf)
            pending = buf[cut:]
            if cut:
                yield counter.clean(buf[:cut]), fh.consumed()
            if not data:
                return
            data = fh.read(BLOCK_BYTES)


def iter_stretches(path: Path, counter: ReplacementCounter, stretches: list[tuple[int, int]],
                   skipped: list | None = None) -> Iterator[tuple[bytes, int]]:
    """`iter_blocks` of parts of a file only: for each (start, length), ascending, the whole lines
    from the first line beginning at or after `start` (the file's first at 0) holding about
    `length` bytes. A file that cannot be read from a place of its choosing (compressed, or
    re-encoded from UTF-16) gives its first lines instead, the stretches' lengths together. A
    stretch reached while reading the one before goes on from there (no line is read twice). The
    second of each pair is the bytes of text read so far."""
    with open_input(path, CorpusError) as fh:
        head = fh.read(TEXT_CHECK_BYTES)
        if b"\x00" in head:
            reason = _not_text(head)
            if skipped is None:
                raise CorpusError(f"{path} {reason}")
            skipped.append({"path": str(path), "reason": reason})
            return
        if fh.known_size is None:
            stretches = [(0, sum(length for _, length in stretches))]
        read = 0
        for start, length in stretches:
            if start > fh.position or (start > 0 and not read):  # (not back into lines already read)
                fh.seek(start - 1)
                fh.readline()  # the rest of a line begun before the stretch
                head = b""
            left = length
            while left > 0:
                data = head + fh.read_lines(max(min(BLOCK_BYTES, left) - len(head), 1))
                head = b""
                if not data:
                    break
                left -= len(data)
                read += len(data)
                yield counter.clean(data), read


def _not_text(head: bytes) -> str:
    """What a file holding NUL bytes looks like: UTF-16 without a byte-order mark, or binary."""
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if len(head) >= 16 and max(even, odd) > 0.8 * len(head) / 2 and min(even, odd) == 0:
        order = "LE" if odd > even else "BE"
        return (f"looks like UTF-16{order} text without a byte-order mark: convert it to UTF-8 "
                f"(e.g. iconv -f UTF-16{order} -t UTF-8)")
    return "looks like a binary file, not text"


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


class Lexicon:
    """The distinct words in order of first appearance, shared by the tokenizers of one scan (their
    ids in a `WordIndex`: a scan's millions of words in one dict would freeze the studio's GUI
    thread each time it grew)."""

    def __init__(self):
        self.words: list[str] = []
        self._index = WordIndex()

    def ids(self, texts: list[str]) -> list[int]:
        """The id of each text, new words appended."""
        return self._index.positions(texts, self.words)

    def memory(self) -> int:
        """Bytes the words take, about (the Python strings and the index)."""
        return len(self.words) * _WORD_BYTES

    def keep(self, kept: np.ndarray) -> np.ndarray:
        """Forget every word but `kept` (ascending), which become words 0, 1, ...; the table from
        old ids to new ones (-1: forgotten)."""
        remap = np.full(len(self.words), -1, dtype=np.int32)
        remap[kept] = np.arange(len(kept), dtype=np.int32)
        words, self.words = self.words, []
        for start in range(0, len(kept), CHUNK):  # no one C call over millions
            self.words.extend([words[i] for i in kept[start:start + CHUNK].tolist()])
        release(words)
        self._index = WordIndex(self.words)
        return remap


class Tokenizer:
    """Turns blocks of UTF-8 text into word ids (-1 at line ends), stable across blocks, and
    counts them (`counts`).

    The Numba kernel finds each distinct byte string once; only strings never seen before are
    decoded (and lower-cased) in Python, so the per-word cost stays in compiled code. A call is
    `split` (the kernel: any thread, one at a time per tokenizer) then `word_ids` (the words of
    the new strings: called in the order of the blocks when tokenizers share a `Lexicon`, so that
    ids follow the order of first appearance in the corpus).
    """

    def __init__(self, lowercase: bool = True, lexicon: Lexicon | None = None):
        self.lowercase = lowercase
        self.lexicon = lexicon or Lexicon()
        self._word_of = np.zeros(1024, dtype=np.int32)  # byte string id -> word id
        self._named = 0  # strings whose word is known
        self._strings = 0
        self._arena = np.zeros(1 << 20, dtype=np.uint8)
        self._used = 0
        self._spans = np.zeros((1024, 2), dtype=np.int64)
        self._hashes = np.zeros(1024, dtype=np.uint64)
        self._counts = np.zeros(1024, dtype=np.int64)  # occurrences of each byte string
        self._table = np.full(2048, -1, dtype=np.int32)

    @property
    def words(self) -> list[str]:
        return self.lexicon.words

    def __call__(self, block: bytes) -> np.ndarray:
        return self.word_ids(self.split(block))

    def split(self, block: bytes) -> np.ndarray:
        """The block's byte string ids (-1 at line ends), its new strings added and counted."""
        self._reserve(len(block))
        ids, self._strings, self._used = tokenize_block(
            np.frombuffer(block, dtype=np.uint8), self.lowercase, alnum_table(), self._table, self._arena,
            self._spans, self._hashes, self._counts, self._strings, self._used)
        return ids

    def word_ids(self, ids: np.ndarray) -> np.ndarray:
        """Word ids of a `split` block's string ids, written over them (every block split so far
        named in order)."""
        if self._strings > self._named:
            self._add_strings(self._named, self._strings)
        name_ids(ids, self._word_of)
        return ids

    def _add_strings(self, first: int, last: int):
        if last > len(self._word_of):
            self._word_of = _grown(self._word_of, max(2 * len(self._word_of), last))
        spans = self._spans[first:last]
        joined = np.empty(int((spans[:, 1] - spans[:, 0]).sum()) + len(spans), dtype=np.uint8)
        pack_spans(self._arena, spans, joined, 10)  # one line each: decoded and folded in one call each
        text = joined.tobytes().decode("utf-8")
        if self.lowercase:  # ASCII is folded already; this handles the rest. A newline is neither cased
            text = text.lower()  # nor case-ignorable, so each word folds as it would alone (final sigma)
        texts = split_lines(text)
        texts.pop()  # the empty rest after the last newline
        self._word_of[first:last] = self.lexicon.ids(texts)
        self._named = last

    def counts(self) -> np.ndarray:
        """Occurrences of each word in the blocks this tokenizer read (its byte strings' counts
        summed: "Été" and "été" are one word when lower-casing)."""
        return word_counts(self._word_of[:self._strings], self._counts[:self._strings], len(self.words))

    def strings_memory(self) -> int:
        """Bytes the distinct byte strings take, about (arrays and index)."""
        return self._used + self._strings * _STRING_BYTES

    def keep_strings(self, remap: np.ndarray) -> None:
        """Keep the strings of the words `remap` keeps (old word id -> new, -1: forgotten; every
        string named); the memory the others held is given back."""
        strings = np.flatnonzero(remap[self._word_of[:self._strings]] >= 0)
        spans = self._spans[strings]
        lengths = spans[:, 1] - spans[:, 0]
        ends = np.cumsum(lengths)
        rows = max(1024, 2 * len(strings))
        self._used = int(ends[-1]) if len(ends) else 0
        arena = np.zeros(max(1 << 20, 2 * self._used), dtype=np.uint8)
        pack_spans(self._arena, spans, arena)  # the kept strings' bytes, packed
        self._arena = arena
        self._spans = _grown(np.stack([ends - lengths, ends], axis=1).astype(np.int64), rows)
        self._hashes = _grown(self._hashes[strings], rows)
        self._counts = _grown(self._counts[strings], rows)
        self._word_of = _grown(remap[self._word_of[strings]], rows)
        self._strings = self._named = len(strings)
        size = 2048
        while size < 2 * rows:
            size *= 2
        self._table = rehash(self._hashes, self._strings, size)

    def _reserve(self, nbytes: int):
        """Room for nbytes more arena bytes and nbytes // 2 + 1 more strings."""
        strings = self._strings + nbytes // 2 + 1
        if strings > len(self._hashes):
            size = max(2 * len(self._hashes), strings)
            self._hashes = _grown(self._hashes, size)
            self._spans = _grown(self._spans, size)
            self._counts = _grown(self._counts, size)
        if self._used + nbytes > len(self._arena):
            self._arena = _grown(self._arena, max(2 * len(self._arena), self._used + nbytes))
        if 2 * strings > len(self._table):
            size = len(self._table)
            while size < 2 * strings:
                size *= 2
            self._table = rehash(self._hashes, self._strings, size)


def _grown(array: np.ndarray, rows: int) -> np.ndarray:
    out = np.zeros((rows,) + array.shape[1:], dtype=array.dtype)
    out[: len(array)] = array
    return out


def words(text: str, lowercase: bool = True) -> list[str]:
    """The words of a short text, by the same rule as the corpus tokenizer."""
    found = _WORD.findall(text)
    return [w.lower() for w in found] if lowercase else found


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of each of its words, as ``words`` finds them."""
    return [m.span() for m in _WORD.finditer(text)]

"""fastText binary models (`.bin`): word vectors, and vectors built from character n-grams for
words not in the vocabulary, as fastText and gensim's `load_facebook_vectors` make them.

Layout (fastText's `FastText::saveModel`, little-endian, no pickle):
- new format: int32 magic 0x2F4F16BA, int32 version (11 or 12); old format: neither.
- args: int32 dim, ws (these two are the old format's first bytes), epoch, minCount, neg,
  wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate, float64 t.
- dictionary: int32 size, nwords, nlabels, int64 ntokens, (new) int64 pruneidx_size; per entry
  the word's bytes ended by `\\0`, int64 count, int8 type (0 word, 1 label; words first);
  (new) pruneidx_size pairs of int32.
- (new) bool quant_input; the input matrix: int64 rows (nwords + bucket), int64 dim, float32
  rows: the words' own rows, then one per n-gram bucket. The output matrix follows (not read).

A word's vector is the mean of its own row and the rows of its n-grams' buckets; an unknown word's
is the mean of its n-grams' rows. The matrix is memory-mapped, never read whole: only the rows
the vocabulary's n-grams use are touched. Every size is checked against the file's length before
anything is allocated. Quantized (`.ftz`) and compressed models are refused in one line. The
vectors know their `source` (the file, its size and mtime when read, the word limit), so that a
session can reopen the model instead of copying its n-gram matrix.
"""

from __future__ import annotations

import mmap
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2vstudio.core.kernels.fasttext import fasttext_dictionary, fasttext_ngrams, fasttext_word_vectors
from w2vstudio.core.errors import FormatError
from w2vstudio.core.support.opener import check_regular, open_regular
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

MAGIC = 0x2F4F16BA
_VERSIONS = (11, 12)
_ARGS = struct.Struct("<12id")  # dim, ws ... lrUpdateRate, t (after the magic and version, if any)
_ARG_NAMES = ("dim", "ws", "epoch", "min_count", "neg", "word_ngrams", "loss", "model", "bucket",
              "minn", "maxn", "lr_update_rate", "t")
_SUPERVISED = 3  # args.model
_MAX_WORD = 1 << 16  # bytes of a word before the dictionary is called malformed
_ENTRY_BYTES = 10  # the least an entry takes: `\0`, count, type
_CHUNK_WORDS = 1 << 15  # word vectors built between two looks at the task


def sniff(head: bytes) -> bool:
    """Whether `head` (a file's first bytes) begins a fastText model, new or old format."""
    if len(head) >= 8 and struct.unpack_from("<i", head)[0] == MAGIC:
        return True
    return _plausible(head)


def _plausible(head: bytes) -> bool:
    """Whether `head` begins with args and dictionary counts that make sense (old format)."""
    if len(head) < _ARGS.size + 12:
        return False
    args = dict(zip(_ARG_NAMES, _ARGS.unpack_from(head)))
    size, nwords, nlabels = struct.unpack_from("<3i", head, _ARGS.size)
    return _sane(args) and 0 <= nwords and 0 <= nlabels and size == nwords + nlabels


def _sane(args: dict) -> bool:
    """Whether fastText's args hold values it could have written."""
    a = args
    return (0 < a["dim"] <= 100_000 and 0 < a["ws"] <= 10_000 and 0 < a["epoch"] and 0 <= a["neg"]
            and 0 < a["word_ngrams"] <= 100 and 1 <= a["loss"] <= 4 and 1 <= a["model"] <= 3
            and 0 <= a["bucket"] and 0 <= a["minn"] <= 100 and 0 <= a["maxn"] <= 100 and 0 <= a["t"] <= 1)


@dataclass(frozen=True)
class FastTextSource:
    """The model file vectors were read from (its real, absolute path), its size and mtime_ns then,
    and the word limit of that read (None: all words)."""

    path: Path
    size: int
    mtime_ns: int
    limit: int | None = None


class FastTextVectors(KeyedVectors):
    """The words' vectors of a fastText model; `self[word]` also builds an unknown word's vector
    from its character n-grams (an error where the model has none: `bucket` 0). `source`: the file
    they were read from, if they were."""

    source: FastTextSource | None = None

    def __init__(self, words, vectors, counts, ngrams: np.ndarray, minn: int, maxn: int):
        super().__init__(words, vectors, counts)
        self.ngrams, self.minn, self.maxn = ngrams, minn, maxn

    @property
    def bucket(self) -> int:
        return len(self.ngrams)

    def __getitem__(self, key):
        if isinstance(key, str) and key not in self:
            return self.ngram_vector(key)
        return super().__getitem__(key)

    def built_from_ngrams(self, word: str) -> bool:
        """Whether `word`'s vector comes from its n-grams alone (not in the vocabulary)."""
        return word not in self and self.bucket > 0

    def ngram_vector(self, word: str) -> np.ndarray:
        """The mean of the rows of `word`'s n-grams (zero if it has none, as fastText); a model
        without n-grams raises `UnknownWordError`."""
        if not self.bucket:
            self.index(word)  # raises, with spelling suggestions
        ids, _ = ngram_buckets([word], self.minn, self.maxn, self.bucket)
        vec = np.zeros(self.dim, dtype=np.float32)
        for i in ids:
            vec += self.ngrams[i]
        return vec / np.float32(len(ids)) if len(ids) else vec

    def vector_of(self, word: str) -> tuple[int | None, np.ndarray]:
        if word in self or not self.bucket:
            return super().vector_of(word)
        return None, self.ngram_vector(word)


def ngram_buckets(words: list[str], minn: int, maxn: int, bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram buckets of all `words`, one after the other, and where each word's start
    (len(words) + 1 offsets)."""
    encoded = [f"<{w}>".encode("utf-8", "surrogateescape") for w in words]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    starts = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=starts[1:])
    counts = np.zeros(len(words), dtype=np.int64)
    empty = np.zeros(0, dtype=np.int64)
    if bucket > 0 and maxn > 0:
        fasttext_ngrams(data, starts, minn, maxn, bucket, counts, empty)
    indptr = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    ids = np.empty(int(indptr[-1]), dtype=np.int64)
    if len(ids):
        fasttext_ngrams(data, starts, minn, maxn, bucket, counts, ids)
    return ids, indptr


def read_fasttext(path: str | Path, limit: int | None = None,
                  task: Task | None = None) -> tuple[FastTextVectors, list[str]]:
    """The words' vectors of the fastText model at `path` (its first `limit` words), and notes
    for the user (words whose bytes are not UTF-8); a cancelled `task` raises `Cancelled`."""
    task = task or Task.none()
    check_regular(path, FormatError)
    with open_regular(path, FormatError) as f:  # a file swapped for a FIFO since is refused, never waited on
        status = os.fstat(f.fileno())
        data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if status.st_size else b""
    kv, notes = _Reader(path, data).vectors(limit, task)
    kv.source = FastTextSource(Path(os.path.realpath(path)), status.st_size, status.st_mtime_ns, limit)
    return kv, notes


class _Reader:
    def __init__(self, path, data):
        self.path, self.data, self.pos = path, data, 0

    def fail(self, message: str):
        raise FormatError(f"{self.path}, byte offset {self.pos}: {message}")

    def take(self, layout: struct.Struct | str) -> tuple:
        layout = struct.Struct(layout) if isinstance(layout, str) else layout
        if self.pos + layout.size > len(self.data):
            self.fail("the file ends inside the fastText header: truncated")
        values = layout.unpack_from(self.data, self.pos)
        self.pos += layout.size
        return values

    def vectors(self, limit, task):
        new = len(self.data) >= 4 and self.take("<i")[0] == MAGIC
        if new:
            (version,) = self.take("<i")
            if version not in _VERSIONS:
                self.fail(f"fastText file format version {version}, not one w2vstudio reads (11 or 12)")
            args = dict(zip(_ARG_NAMES, self.take(_ARGS)))
        else:
            self.pos = 0
            args = dict(zip(_ARG_NAMES, self.take(_ARGS)))
        if not _sane(args):
            self.fail("the fastText header holds impossible values (a damaged file?)")
        if new and version == 11 and args["model"] == _SUPERVISED:
            args["maxn"] = 0  # as fastText reads supervised models of that version
        words, counts = self.dictionary(new)
        rows, dim = self.matrix_header(new)
        nwords, bucket = len(words), args["bucket"]
        if dim != args["dim"] or rows != nwords + bucket:
            self.fail(f"the input matrix is {rows:,} x {dim:,}, but the header announces "
                      f"{nwords:,} words + {bucket:,} n-gram buckets of {args['dim']:,} dimensions")
        if rows * dim * 4 > len(self.data) - self.pos:
            self.fail(f"the input matrix of {rows:,} x {dim:,} floats needs {rows * dim * 4:,} bytes, "
                      f"but only {len(self.data) - self.pos:,} remain: truncated")
        matrix = np.frombuffer(self.data, dtype="<f4", count=rows * dim, offset=self.pos).reshape(rows, dim)
        n = nwords if limit is None else min(limit, nwords)
        words, notes = _decode(words[:n])
        minn, maxn = args["minn"], args["maxn"]
        ngrams = matrix[nwords:]
        vectors = np.empty((n, dim), dtype=np.float32)
        for s in range(0, n, _CHUNK_WORDS):
            task.check("loading the vectors was cancelled")
            chunk = words[s : s + _CHUNK_WORDS]
            ids, indptr = ngram_buckets(chunk, minn, maxn, bucket)
            fasttext_word_vectors(matrix, ngrams, indptr, ids, s, vectors[s : s + len(chunk)])
        if not np.isfinite(vectors).all():
            k = int(np.flatnonzero(~np.isfinite(vectors).all(axis=1))[0])
            raise FormatError(f"{self.path}: the vector of the word {words[k]!r} holds NaN or infinite values")
        try:
            kv = FastTextVectors(words, vectors, counts[:n], ngrams, minn, maxn)
        except ValueError:  # repeated words (after their bad bytes were written out): the first kept
            first: dict[str, int] = {}
            keep = [i for i, w in enumerate(words) if first.setdefault(w, i) == i]
            kv = FastTextVectors([words[i] for i in keep], vectors[keep], counts[keep], ngrams, minn, maxn)
        return kv, notes

    def dictionary(self, new: bool) -> tuple[list[bytes], np.ndarray]:
        size, nwords, nlabels = self.take("<3i")
        self.take("<q")  # ntokens
        pruned = self.take("<q")[0] if new else -1
        if pruned > 0:
            self.fail("a quantized fastText model (.ftz): its vectors are compressed by product "
                      "quantization, which w2vstudio does not read; open the model's .bin or .vec file")
        if size < 0 or nwords < 0 or nlabels < 0 or size != nwords + nlabels:
            self.fail(f"the dictionary announces {size:,} entries: {nwords:,} words and {nlabels:,} labels")
        if size * _ENTRY_BYTES > len(self.data) - self.pos:
            self.fail(f"the dictionary announces {size:,} entries, more than the file can hold: truncated")
        data = np.frombuffer(self.data, dtype=np.uint8)
        counts, kinds = np.empty(size, np.int64), np.empty(size, np.uint8)
        empty = np.zeros(0, np.uint8)
        end, found, used = fasttext_dictionary(data, self.pos, size, _MAX_WORD, empty, counts, kinds)
        if found < size:
            self.pos = end
            self.fail(f"entry {found + 1} of the dictionary does not end: truncated or damaged")
        arena = np.empty(used, np.uint8)
        fasttext_dictionary(data, self.pos, size, _MAX_WORD, arena, counts, kinds)
        expected = np.arange(size) >= nwords  # words (0) first, then labels (1)
        if (counts < 0).any() or (kinds != expected).any():
            i = int(np.flatnonzero((counts < 0) | (kinds != expected))[0])
            self.fail(f"entry {i + 1} of the dictionary is damaged (count {counts[i]}, type {kinds[i]})")
        self.pos = end
        words = arena.tobytes().split(b"\0")[:nwords]
        return words, counts[:nwords]

    def matrix_header(self, new: bool) -> tuple[int, int]:
        if new and self.take("<?")[0]:
            self.fail("a quantized fastText model (.ftz): its vectors are compressed by product "
                      "quantization, which w2vstudio does not read; open the model's .bin or .vec file")
        return self.take("<2q")


def _decode(raw: list[bytes]) -> tuple[list[str], list[str]]:
    """Words from their bytes; bytes that are not UTF-8 are written as `\\xNN`, as gensim does."""
    try:
        return b"\0".join(raw).decode("utf-8").split("\0") if raw else [], []
    except UnicodeDecodeError:
        pass
    words, bad = [], 0
    for word in raw:
        try:
            words.append(word.decode("utf-8"))
        except UnicodeDecodeError:
            words.append(word.decode("utf-8", "backslashreplace"))
            bad += 1
    return words, [f"{bad:,} words are not valid UTF-8: their bad bytes are shown as \\xNN"]

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
is the mean of its n-grams' rows. The file is never memory-mapped (a file rewritten or truncated
meanwhile would kill the process with SIGBUS): what is needed is read with positioned reads, each
after a look at the file's size and mtime, so that a file changed since it was opened is a
`FormatError` naming it. Only the rows the vocabulary's n-grams use are read, in bounded pieces;
a word's n-grams are counted before their buckets are allocated. Every size is checked against the
file's length before anything is allocated. Quantized (`.ftz`) and compressed models are refused
in one line. The vectors know their `source` (the file, its size and mtime when read, the word
limit), so that a session can reopen the model instead of copying its n-gram matrix.
"""

from __future__ import annotations

import os
import struct
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2vstudio.core.kernels.fasttext import fasttext_add_rows, fasttext_dictionary, fasttext_ngrams
from w2vstudio.core.errors import FormatError
from w2vstudio.core.support.memory import check_available, checked_empty
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
_MAX_IDS = 1 << 22  # n-gram buckets computed at a time (more only for one word alone)
_IDS_AT_ONCE = 1 << 18  # n-gram rows summed at a time
_ROW_BYTES = 1 << 26  # bytes of n-gram rows read at a time
_GAP_BYTES = 1 << 16  # rows skipped inside one read rather than read apart
_DICTIONARY_READ = 1 << 20  # bytes of the dictionary read first (doubled until it ends)


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

    def __init__(self, words, vectors, counts, ngrams, minn: int, maxn: int):
        """`ngrams`: the bucket rows, an array or `NgramRows` (anything with len() that gives
        rows for an array of ids)."""
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
        ids, indptr = ngram_buckets([word], self.minn, self.maxn, self.bucket)
        vec = np.zeros((1, self.dim), dtype=np.float32)
        add_ngram_rows(self.ngrams, ids, indptr, vec)
        return vec[0] / np.float32(len(ids)) if len(ids) else vec[0]

    def vector_of(self, word: str) -> tuple[int | None, np.ndarray]:
        if word in self or not self.bucket:
            return super().vector_of(word)
        return None, self.ngram_vector(word)


def ngram_buckets(words: list[str], minn: int, maxn: int, bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram buckets of all `words`, one after the other, and where each word's start
    (len(words) + 1 offsets)."""
    return next(_ngram_groups(words, minn, maxn, bucket, most=None))[1:]


def _ngram_groups(words: list[str], minn: int, maxn: int, bucket: int, most: int | None = _MAX_IDS):
    """(first word, buckets, offsets) as `ngram_buckets`, for consecutive groups of `words` of at
    most `most` n-grams each (a word with more alone; None: one group). The n-grams are counted
    before their buckets are allocated, against the memory available."""
    encoded = [f"<{w}>".encode("utf-8", "surrogateescape") for w in words]
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    starts = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=starts[1:])
    counts = np.zeros(len(words), dtype=np.int64)
    if bucket > 0 and maxn > 0:
        fasttext_ngrams(data, starts, minn, maxn, bucket, counts, np.zeros(0, dtype=np.int64))
    first = 0
    while True:
        total = np.cumsum(counts[first:])
        stop = len(words) if most is None else first + max(1, int(np.searchsorted(total, most, "right")))
        indptr = np.zeros(stop - first + 1, dtype=np.int64)
        np.cumsum(counts[first:stop], out=indptr[1:])
        ids = checked_empty((int(indptr[-1]),), np.int64, f"the character n-grams of {stop - first:,} words",
                            FormatError)
        if len(ids):
            fasttext_ngrams(data, starts[first:stop + 1], minn, maxn, bucket, counts[first:stop], ids)
        yield first, ids, indptr
        first = stop
        if first >= len(words):
            return


def add_ngram_rows(ngrams, ids: np.ndarray, indptr: np.ndarray, out: np.ndarray) -> None:
    """out[k] += the rows ngrams[ids[indptr[k]:indptr[k + 1]]], in that order, the rows fetched a
    bounded piece at a time."""
    step = max(1, min(_IDS_AT_ONCE, _ROW_BYTES // max(1, out.shape[1] * 4)))
    for a in range(0, len(ids), step):
        piece = ids[a:a + step]
        owners = np.searchsorted(indptr, np.arange(a, a + len(piece)), "right") - 1
        needed, local = np.unique(piece, return_inverse=True)
        fasttext_add_rows(np.asarray(ngrams[needed], dtype=np.float32), local.reshape(-1), owners, out)


class _ModelFile:
    """A model file open for positioned reads: each read first checks that the file still has the
    size and mtime it had when opened, and that it returns every byte asked for; otherwise a
    `FormatError` naming the file (never the SIGBUS a memory map would get)."""

    def __init__(self, path, handle):
        self.path, self.handle = path, handle
        status = os.fstat(handle.fileno())
        self.size, self.mtime_ns = status.st_size, status.st_mtime_ns
        self.lock = threading.Lock()
        weakref.finalize(self, handle.close)

    def changed(self) -> FormatError:
        return FormatError(f"{self.path} has changed since it was opened (rewritten or truncated): open it again")

    def read_into(self, offset: int, out: np.ndarray) -> None:
        """Fill `out` (a contiguous array) with the file's bytes from `offset`."""
        view = memoryview(out).cast("B")
        with self.lock:
            status = os.fstat(self.handle.fileno())
            if (status.st_size, status.st_mtime_ns) != (self.size, self.mtime_ns):
                raise self.changed()
            self.handle.seek(offset)
            done = 0
            while done < len(view):
                got = self.handle.readinto(view[done:])
                if not got:
                    raise self.changed()
                done += got

    def read(self, offset: int, n: int) -> bytes:
        """Up to `n` bytes from `offset` (fewer only at the end of the file)."""
        out = np.empty(max(0, min(n, self.size - offset)), dtype=np.uint8)
        self.read_into(offset, out)
        return out.tobytes()


class NgramRows:
    """The n-gram bucket rows of a fastText model, read from its file when asked: `rows[ids]` for
    an array of ids, in runs of neighbouring rows; a row holding NaN or infinity is a `FormatError`."""

    def __init__(self, file: _ModelFile, offset: int, count: int, dim: int):
        self.file, self.offset, self.count, self.dim = file, offset, count, dim

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, ids) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        wanted = ids[order]
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        row_bytes = self.dim * 4
        gap = max(1, _GAP_BYTES // row_bytes)
        most = max(1, _ROW_BYTES // row_bytes)
        apart = np.concatenate([[True], np.diff(wanted) > gap]) if len(wanted) else np.zeros(0, bool)
        first = wanted[np.flatnonzero(apart)][np.cumsum(apart) - 1]  # each run's first row
        piece = (wanted - first) // most  # runs cut into reads of at most `most` rows
        breaks = np.flatnonzero(apart[1:] | (np.diff(piece) != 0)) + 1
        for run in np.split(np.arange(len(wanted)), breaks) if len(wanted) else ():
            low, high = int(wanted[run[0]]), int(wanted[run[-1]])
            block = np.empty((high - low + 1, self.dim), dtype="<f4")
            self.file.read_into(self.offset + low * row_bytes, block)
            rows = block[wanted[run] - low]
            bad = ~np.isfinite(rows).all(axis=1)
            if bad.any():
                raise FormatError(f"{self.file.path}: the n-gram bucket row {int(wanted[run][bad.argmax()]):,} "
                                  "holds NaN or infinite values (a damaged file?)")
            out[order[run]] = rows
        return out


def read_fasttext(path: str | Path, limit: int | None = None,
                  task: Task | None = None) -> tuple[FastTextVectors, list[str]]:
    """The words' vectors of the fastText model at `path` (its first `limit` words), and notes
    for the user (words whose bytes are not UTF-8); a cancelled `task` raises `Cancelled`. The file
    stays open for the n-gram rows."""
    task = task or Task.none()
    check_regular(path, FormatError)
    file = _ModelFile(path, open_regular(path, FormatError))  # a FIFO swapped in is refused, never waited on
    kv, notes = _Reader(path, file).vectors(limit, task)
    kv.source = FastTextSource(Path(os.path.realpath(path)), file.size, file.mtime_ns, limit)
    return kv, notes


class _Reader:
    def __init__(self, path, file: _ModelFile):
        self.path, self.file, self.pos = path, file, 0

    def fail(self, message: str):
        raise FormatError(f"{self.path}, byte offset {self.pos}: {message}")

    def take(self, layout: struct.Struct | str) -> tuple:
        layout = struct.Struct(layout) if isinstance(layout, str) else layout
        data = self.file.read(self.pos, layout.size)
        if len(data) < layout.size:
            self.fail("the file ends inside the fastText header: truncated")
        values = layout.unpack_from(data)
        self.pos += layout.size
        return values

    def vectors(self, limit, task):
        new = self.file.size >= 4 and self.take("<i")[0] == MAGIC
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
        if rows * dim * 4 > self.file.size - self.pos:
            self.fail(f"the input matrix of {rows:,} x {dim:,} floats needs {rows * dim * 4:,} bytes, "
                      f"but only {self.file.size - self.pos:,} remain: truncated")
        n = nwords if limit is None else min(limit, nwords)
        words, notes = _decode(words[:n])
        minn, maxn = args["minn"], args["maxn"]
        ngrams = NgramRows(self.file, self.pos + nwords * dim * 4, bucket, dim)
        vectors = checked_empty((n, dim), np.float32, f"{self.path}: {n:,} words of {dim:,} dimensions", FormatError)
        self.file.read_into(self.pos, vectors)  # the words' own rows
        for s in range(0, n, _CHUNK_WORDS):
            task.check("loading the vectors was cancelled")
            chunk = words[s : s + _CHUNK_WORDS]
            for first, ids, indptr in _ngram_groups(chunk, minn, maxn, bucket):
                out = vectors[s + first : s + first + len(indptr) - 1]
                add_ngram_rows(ngrams, ids, indptr, out)
                out /= (np.diff(indptr) + 1).astype(np.float32)[:, None]
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
        left = self.file.size - self.pos
        if size * _ENTRY_BYTES > left:
            self.fail(f"the dictionary announces {size:,} entries, more than the file can hold: truncated")
        counts, kinds = np.empty(size, np.int64), np.empty(size, np.uint8)
        empty = np.zeros(0, np.uint8)
        want = min(left, max(_DICTIONARY_READ, size * _ENTRY_BYTES))
        while True:  # the dictionary's bytes, read in growing pieces until its last entry ends
            check_available(want, str(self.path), FormatError)
            data = np.frombuffer(self.file.read(self.pos, want), dtype=np.uint8)
            end, found, used = fasttext_dictionary(data, 0, size, _MAX_WORD, empty, counts, kinds)
            if found == size or want == left or end + _MAX_WORD + _ENTRY_BYTES <= want:
                break  # all read, or an entry that does not end before the end of what was read
            want = min(left, 2 * want)
        end += self.pos
        if found < size:
            self.pos = end
            self.fail(f"entry {found + 1} of the dictionary does not end: truncated or damaged")
        arena = np.empty(used, np.uint8)
        fasttext_dictionary(data, 0, size, _MAX_WORD, arena, counts, kinds)
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

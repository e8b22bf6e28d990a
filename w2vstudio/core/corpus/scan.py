"""One streaming pass over a corpus, then its encoding as an int32 id array.

``scan_corpus`` tokenises every file once, giving each distinct word a provisional id in
order of first appearance, and keeps the id stream (with -1 at line ends). ``encode`` then
applies ``min_count``/``max_vocab`` with a table lookup, without reading the text again, so the
same scan serves any vocabulary settings. Large streams spill to temporary files.

The scan uses two cores: a thread reads (and decompresses, and checks the UTF-8 of) the files
ahead, while two tokenizers split two blocks at a time (`pair.PairTokenizer`); ids, counts and
the stream are those of one tokenizer reading every block in turn.

Counting is bounded: when the distinct words take more than ``scan_memory`` bytes, the rarest are
forgotten (as word2vec.c and gensim prune their vocabulary), their occurrences dropped from the
stream (lazily: the stream keeps each pruning's renumbering, applied as it is read), until they
take half of it. A word counted again after it was forgotten starts afresh, so
a kept word's count is short of the truth by at most ``max_lost_count`` (the sum of the counts
each pruning forgot at most); ``counting`` says which method served.
"""

from __future__ import annotations

import mmap
import os
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field

import numpy as np

from w2vstudio.core.corpus import files as corpus_files
from w2vstudio.core.corpus.pair import PairTokenizer
from w2vstudio.core.errors import CorpusError
from w2vstudio.core.kernels.text import encode_ids
from w2vstudio.core.support.memory import available_memory
from w2vstudio.core.support.prefetch import prefetched
from w2vstudio.core.support.task import Task
from w2vstudio.core.vocab import Vocabulary

MAX_SENTENCE = 10_000
DEFAULT_BUDGET = 512 << 20  # bytes of token ids held in RAM before spilling to disk
SCAN_MEMORY = 2 << 30  # bytes the distinct words may take while counting, at most, by default (1 B words of
# generated text, 11.2 M distinct, counted exactly within it: docs/benchmarks.md)
_LINE_END = -1
_DROPPED = -2  # in the stream: an occurrence of a word forgotten by a pruning


class _Stream:
    """An append-only int32 stream: in reserved anonymous memory (pages are committed only as
    they are written) up to a budget, then in an unlinked temporary file."""

    CHUNK = 1 << 20

    def __init__(self, budget: int, cache_dir: str | None):
        self.budget = budget
        self.cache_dir = cache_dir
        self.buffer = np.frombuffer(mmap.mmap(-1, max(budget, 4)), dtype=np.int32)
        self.file = None
        self.length = 0
        self.consumed = False
        self.renumbered: list[tuple[int, np.ndarray]] = []  # (stream length then, table): see renumber

    def append(self, ids: np.ndarray):
        end = self.length + len(ids)
        if self.file is None and end > len(self.buffer):
            self.file = tempfile.TemporaryFile(dir=self.cache_dir, prefix="w2vstudio-scan-")
            weakref.finalize(self, self.file.close)
            self.buffer[: self.length].tofile(self.file)
            self.buffer = None
        if self.file is not None:
            ids.tofile(self.file)
        else:
            self.buffer[self.length:end] = ids
        self.length = end

    def renumber(self, table: np.ndarray) -> None:
        """Word ids written so far read from now on as ``table[id]`` (line ends and dropped words
        kept). Nothing is rewritten: reading applies the tables, so a pruning costs the table's
        size, not the stream's."""
        self.renumbered.append((self.length, table))

    def _to_last(self) -> list[tuple[int, int, np.ndarray]]:
        """(start, end, table) for each stretch written before a renumbering: the table takes its
        ids to the last numbering (or _DROPPED)."""
        stretches, last = [], None
        for end, table in reversed(self.renumbered):
            if last is not None:
                table = np.where(table >= 0, last[np.maximum(table, 0)], table)
            last = table
            stretches.append((end, table))
        starts = [0] + [end for end, _ in self.renumbered[:-1]]
        return [(start, end, table) for start, (end, table) in zip(starts, reversed(stretches))]

    def __iter__(self) -> Iterator[np.ndarray]:
        if self.consumed:
            raise RuntimeError("this scan was already encoded in place")
        if self.file is not None:
            self.file.seek(0)
        stretches = self._to_last()
        for start in range(0, self.length, self.CHUNK):
            stop = min(start + self.CHUNK, self.length)
            if self.file is None:
                chunk = self.buffer[start:stop]
            else:
                chunk = np.fromfile(self.file, dtype=np.int32, count=stop - start)
            if stretches and start < stretches[-1][1]:
                chunk = _renumbered(chunk, start, stretches)
            yield chunk


def _renumbered(chunk: np.ndarray, at: int, stretches) -> np.ndarray:
    """A copy of the stream's ``chunk`` (starting at position ``at``) in the last numbering."""
    out = chunk.copy()
    for start, end, table in stretches:
        a, b = max(start - at, 0), min(end - at, len(out))
        if a < b:
            part = out[a:b]
            words = part >= 0
            part[words] = table[part[words]]
    return out


@dataclass
class EncodedCorpus:
    """A corpus as vocabulary ids: ``tokens[offsets[i]:offsets[i+1]]`` is sentence i. Read from
    the cache for training, its tokens may still be arriving (`arrival`, an `arrival.Arrival`):
    the trainer waits for each batch's; whoever reads them otherwise calls `whole()` first."""

    vocab: Vocabulary
    tokens: np.ndarray
    offsets: np.ndarray
    raw_words: int
    files: list = field(default_factory=list)
    arrival: object | None = None

    def whole(self) -> EncodedCorpus:
        """Itself, once every token has arrived (at once unless they are still being read)."""
        if self.arrival is not None:
            self.arrival.wait(self.n_tokens)
        return self

    def arrived(self, n: int, timeout: float | None = None) -> bool:
        """Whether the first `n` tokens have arrived, waiting up to `timeout` seconds for them."""
        return self.arrival is None or self.arrival.wait(n, timeout)

    @property
    def n_tokens(self) -> int:
        return int(self.offsets[-1])

    @property
    def n_sentences(self) -> int:
        return len(self.offsets) - 1


@dataclass
class ScannedCorpus:
    """Result of one pass over the text: provisional vocabulary, counts and id stream."""

    files: list
    words: list[str]
    counts: np.ndarray
    stream: _Stream
    raw_words: int
    invalid_utf8: int
    lowercase: bool
    skipped: list = field(default_factory=list)  # {"path": str, "reason": str} per file left out
    pruned: bool = False  # whether the rarest words were forgotten to keep within scan_memory
    max_lost_count: int = 0  # the most occurrences a kept word may have lost to pruning

    @property
    def counting(self) -> dict:
        """How words were counted: {"method": "exact" | "pruned", "max_lost_count": n}."""
        return {"method": "pruned" if self.pruned else "exact", "max_lost_count": self.max_lost_count}

    def encode(self, min_count: int = 5, max_vocab: int | None = None, base_vocab: Vocabulary | None = None,
               budget: int = DEFAULT_BUDGET, in_place: bool = False, task: Task | None = None) -> EncodedCorpus:
        """Map the stream onto a vocabulary (a new one, or ``base_vocab`` grown by new words);
        ``task`` hears the share of the stream encoded (a run stopped now still makes its model).

        ``in_place`` writes the ids over the stream held in RAM instead of copying it (half the
        memory); the scan cannot be encoded again afterwards.
        """
        task = task or Task.none()
        if base_vocab is None:
            vocab, remap = Vocabulary.from_counts(self.words, self.counts, min_count, max_vocab)
        else:
            vocab, remap = base_vocab.extended(self.words, self.counts, min_count)
        table = np.empty(len(remap) + 2, dtype=np.int32)  # index 0: a dropped word, 1: the line end
        table[:2] = -1, -2
        table[2:] = remap
        n_kept = int(self.counts[remap >= 0].sum())
        if n_kept == 0:
            raise CorpusError("no word of the corpus is in the vocabulary")
        stream = self.stream
        if in_place and stream.file is None:
            tokens = stream.buffer  # writing never overtakes reading: kept ids <= ids read
        else:
            tokens = _allocate(n_kept, np.int32, budget, stream.cache_dir)
        ends = []
        pos = 0
        out = np.asarray(tokens)  # a memory map as a plain array, for the kernel
        read = 0
        try:
            for chunk in stream:
                found = np.empty(len(chunk), dtype=np.int64)
                pos, n_ends = encode_ids(chunk, table, out, pos, found)
                ends.append(found[:n_ends].copy())
                read += len(chunk)
                task.progress(read / max(stream.length, 1), "encoding the corpus")
        finally:  # encoded in place, even in part (an error): the stream is gone
            stream.consumed = tokens is stream.buffer
        ends.append(np.array([0, pos], dtype=np.int64))
        return EncodedCorpus(vocab, tokens[:pos], _split_long(np.unique(np.concatenate(ends))),
                             self.raw_words, self.files)


def _split_long(offsets: np.ndarray) -> np.ndarray:
    """Cut sentences longer than MAX_SENTENCE tokens into pieces (never drop a word)."""
    lengths = np.diff(offsets)
    long = np.flatnonzero(lengths > MAX_SENTENCE)
    if len(long) == 0:
        return offsets
    extra = [np.arange(offsets[i] + MAX_SENTENCE, offsets[i + 1], MAX_SENTENCE) for i in long]
    return np.unique(np.concatenate([offsets, *extra]))


def _allocate(n: int, dtype, budget: int, cache_dir: str | None) -> np.ndarray:
    """An array of n items: in RAM, or memory-mapped on an unlinked file above the budget."""
    if n * np.dtype(dtype).itemsize <= budget:
        return np.empty(n, dtype=dtype)
    fd, name = tempfile.mkstemp(prefix="w2vstudio-corpus-", suffix=".ids", dir=cache_dir)
    os.close(fd)
    try:
        return np.memmap(name, dtype=dtype, mode="w+", shape=(n,))
    finally:
        os.unlink(name)  # the mapping keeps the data; nothing is left behind


def scan_corpus(paths, lowercase: bool = True, task: Task | None = None, budget: int = DEFAULT_BUDGET,
                cache_dir: str | None = None, scan_memory: int | None = None) -> ScannedCorpus:
    """Read and tokenise every file once: `task` hears the share of bytes read and "N words" per
    block, and stops it with `Cancelled`; ``scan_memory``: bytes the distinct words may take
    (default: `default_scan_memory()`).

    A file found in a folder that is not text is left out and listed in ``skipped``."""
    task = task or Task.none()
    scan_memory = default_scan_memory() if scan_memory is None else scan_memory
    lost = pruned = 0
    files = corpus_files.find_files(paths)
    total_bytes = sum(f.bytes for f in files)
    stream = _Stream(budget, cache_dir)
    counter = corpus_files.ReplacementCounter()
    raw_words = file_words = done_bytes = 0
    line_end = np.array([_LINE_END], dtype=np.int32)
    skipped: list[dict] = []
    batch: list[bytes] = []
    reading = prefetched(_blocks(files, counter, skipped))
    with closing(reading), PairTokenizer(lowercase) as tokenizer:
        for stat, data, position in reading:
            if data is not None:
                batch.append(data)
                if len(batch) < 2:
                    continue
            if batch:
                task.check("corpus scan cancelled")
                for block in tokenizer(batch):
                    raw_words += int(np.count_nonzero(block >= 0))
                    stream.append(block)
                batch = []
                if tokenizer.memory() > scan_memory:
                    forgot = _prune(tokenizer, stream, scan_memory // 2)
                    lost, pruned = lost + forgot, True
                task.progress((done_bytes + min(position, stat.bytes)) / total_bytes if total_bytes else 1.0,
                              f"{raw_words:,} words")
            if data is None:  # the end of a file
                stream.append(line_end)
                stat.words, file_words = raw_words - file_words, raw_words
                done_bytes += stat.bytes
        counts = tokenizer.counts()
    if skipped:
        left_out = {entry["path"] for entry in skipped}
        files = [f for f in files if str(f.path) not in left_out]
    if raw_words == 0:
        raise CorpusError("the corpus contains no words" + (" (files that are not text were skipped)" if skipped else ""))
    return ScannedCorpus(files, tokenizer.words, counts, stream, raw_words, counter.count, lowercase, skipped,
                         bool(pruned), lost)


def _blocks(files, counter, skipped: list) -> Iterator[tuple]:
    """(file, valid UTF-8 block, bytes of the file consumed) for every block of every file, and
    (file, None, its size) at the end of each."""
    for stat in files:
        with closing(corpus_files.iter_blocks(stat.path, counter, skipped if stat.in_folder else None)) as blocks:
            for data, position in blocks:  # closed here, on the reading thread, even when stopped early
                yield stat, data, position
        yield stat, None, stat.bytes


def default_scan_memory() -> int:
    """Bytes the distinct words may take while counting: an eighth of the memory available, at
    most SCAN_MEMORY."""
    free = available_memory()
    return SCAN_MEMORY if free is None else max(16 << 20, min(SCAN_MEMORY, free // 8))


def _prune(tokenizer, stream: _Stream, target: int) -> int:
    """Forget the rarest words until the rest take at most `target` bytes (ties forgotten
    together); the highest count forgotten."""
    counts = tokenizer.counts()
    per_word = tokenizer.memory() / max(len(counts), 1)
    room = min(len(counts) - 1, int(target / per_word))
    threshold = int(np.partition(counts, len(counts) - room - 1)[len(counts) - room - 1])
    kept = np.flatnonzero(counts > threshold)
    table = np.full(len(counts), _DROPPED, dtype=np.int32)
    table[kept] = np.arange(len(kept), dtype=np.int32)
    stream.renumber(table)
    tokenizer.keep(kept)
    return threshold

"""Read and write word vectors: word2vec binary and text (fastText `.vec`), GloVe text, TF Projector
TSV, our own model file, and fastText binary models and folders of Word2Vec models saved by Spark
(read only, see `fasttext` and `spark.model_files`). The format is detected from the content, never from the name; gzip, bz2
and xz compression are undone transparently.

Layouts
- word2vec binary: header `V D\\n`, then per word `word ` + D little-endian float32
  (+ an optional `\\n`).
- word2vec text / fastText `.vec`: header `V D`, then `word v1 ... vD` per line.
- GloVe: as word2vec text without the header.
- Projector TSV: `vectors.tsv` holds tab-separated values only; the words are in a metadata file
  beside it (see `metadata_path`): one word per line, or with several columns a header row naming a
  `word` column (and optionally a `count` column). Without metadata, words are the row numbers.
- model: `.npz` with `meta`, `words`, `counts`, `vectors` (docs/architecture.md); counts of 0 mean
  "unknown".

A malformed file raises `FormatError` naming the line (text) or byte offset (binary); a Python
pickle (gensim's `.save()`) is never loaded, only named. Words that are not UTF-8 have their bad
bytes replaced (as gensim's `unicode_errors="replace"`), counted in the vectors' `notes`. Loading fills
one preallocated float32 matrix chunk by chunk, so a file never needs two copies of its vectors; a
cancelled `Task` is noticed every few thousand rows and stops it with `Cancelled`.
Writers write a temporary file beside the target and rename it, so a failed write leaves any
existing file untouched. Duplicate words keep their first vector, as in gensim.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from w2vstudio.core.errors import ForeignFile, FormatError, W2VError
from w2vstudio.core.files import ensemble, fasttext
from w2vstudio.core.support.memory import checked_empty
from w2vstudio.core.support.opener import MAX_LINE, open_input
from w2vstudio.core.support.printable import printable
from w2vstudio.core.support.sniff import NotVectors, header_sizes, is_utf8, number_values, record_values, vectors_kind
from w2vstudio.core.files import sparkfiles as spark_files
from w2vstudio.core.train.model import Model
from w2vstudio.core.kernels.text import BINARY_MALFORMED, BINARY_NO_WORD, binary_records
from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.train import modelfile
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

READ_FORMATS = ("word2vec-bin", "word2vec-txt", "glove", "tsv", "model", "fasttext", "spark", "ensemble")
WRITE_FORMATS = ("bin", "txt", "tsv", "model")

_CHUNK = 1 << 24  # bytes read at a time
_HEAD = 1 << 20  # bytes looked at to detect a format
_MAX_WORD = 1 << 16  # longest word (bytes) the readers take and the writer writes
_MAX_ROW = 1 << 26  # longest line of text vectors (bytes): some four million values
_CANCEL_ROWS = 4096  # rows loaded between two looks at the task
_CANCELLED = "loading the vectors was cancelled"
_ZIP_MAGIC = b"PK\x03\x04"
_FORBIDDEN = {"bin": " \n", "txt": " \n", "tsv": "\t\n", "model": "\n"}  # per written format


# ---- detection ---------------------------------------------------------------------------------


def detect_format(path: str | Path) -> str:
    """One of READ_FORMATS, from the file's content (a folder: an ensemble or a saved Spark model)."""
    if ensemble.is_ensemble(path) or (Path(path).is_dir() and ensemble.manifest_path(path) is not None):
        ensemble.read_manifest(path)  # a folder with a manifest: what is wrong with it, in one line
        return "ensemble"
    if Path(path).is_dir():
        spark_files.read_metadata(path)
        return "spark"
    with _stream(path) as f:
        head = f.read(_HEAD)
        compression = f.compression
    if fasttext.sniff(head):
        if compression:
            raise ForeignFile(f"{path}: a {compression}-compressed fastText model: decompress it first "
                              "(its n-gram matrix is memory-mapped, never read whole)")
        return "fasttext"
    if (pickled := modelfile.pickle_note(head)) is not None:
        raise ForeignFile(f"{path} {pickled}")
    if compression is None and head.startswith(_ZIP_MAGIC):
        modelfile.read_meta(path)
        return "model"
    if not head.strip():
        raise FormatError(f"{path}: the file is empty")
    try:
        return vectors_kind(head)
    except NotVectors as e:
        raise FormatError(f"{path}, line {e.line}: {e.reason}") from None


def _stream(path: str | Path, max_line: int = MAX_LINE):
    """The file's content (see `opener`, lines of at most `max_line` bytes); a file that cannot be
    read raises `FormatError`."""
    return open_input(path, FormatError, max_line)


# ---- loading -----------------------------------------------------------------------------------


def load_vectors(
    path: str | Path,
    limit: int | None = None,
    fmt: str | None = None,
    task: Task | None = None,
) -> KeyedVectors:
    """Vectors from a file of any READ_FORMATS (detected unless `fmt`); `limit`: first N words.
    Cancelling `task` (from another thread) makes it raise `Cancelled` soon."""
    task = task or Task.none()
    if limit is not None and limit < 0:
        raise W2VError("the word limit must not be negative")
    fmt = detect_format(path) if fmt is None else fmt
    task.check(_CANCELLED)
    bad = [0]  # words whose bytes are not UTF-8
    if fmt == "fasttext":
        kv, notes = fasttext.read_fasttext(path, limit, task)
        kv.notes = tuple(notes)
        return kv
    if fmt == "spark":
        return spark_files.read_spark_model(path, limit, task)
    if fmt == "ensemble":
        return read_ensemble(path, limit, task)
    if fmt == "model":
        words, vectors, counts = _read_model(path, limit)
    elif fmt == "word2vec-bin":
        (words, vectors), counts = _read_binary(path, limit, task, bad), None
    elif fmt in ("word2vec-txt", "glove", "tsv"):
        words, vectors, counts = _read_text(path, limit, fmt, task, bad)
    else:
        raise W2VError(f'unknown vectors format "{fmt}" (one of: {", ".join(READ_FORMATS)})')
    task.check(_CANCELLED)
    try:
        kv = KeyedVectors(words, vectors, counts)
    except ValueError:  # repeated words (its index found fewer than the words)
        kv = KeyedVectors(*_unique(words, vectors, counts))
    if bad[0]:
        some = "1 word is" if bad[0] == 1 else f"{bad[0]:,} words are"
        kv.notes = (f"{path}: {some} not valid UTF-8: their bad bytes were replaced by \ufffd",)
    return kv


def read_ensemble(path: str | Path, limit: int | None = None, task: Task | None = None) -> ensemble.Ensemble:
    """An ensemble folder (or its manifest.json): each run read as `load_vectors` reads it (run k
    of K as part k of `task`), then kept on the words they share."""
    task = task or Task.none()
    folder, manifest = ensemble.read_manifest(path)
    files = ensemble.run_paths(folder, manifest)
    runs = []
    for k, file in enumerate(files):
        fmt = detect_format(file)
        if fmt not in ("model", "word2vec-bin", "word2vec-txt"):
            raise FormatError(f"{file}: a run of an ensemble must be a model or word2vec vectors, not {fmt}")
        runs.append(load_vectors(file, limit, fmt, task.part(k / len(files), (k + 1) / len(files))))
    return ensemble.Ensemble(runs, [r.seed for r in manifest.runs], manifest)


def read_models(path: str | Path) -> tuple[KeyedVectors, list[Model]]:
    """A w2vstudio model, or an ensemble folder whose runs all are: (its vectors, an `Ensemble` for
    a folder, and the trained models, run by run), for what needs more than vectors (the senses
    lens, the likelihood probes). A run that is not a model is a `FormatError` naming it."""
    files = ensemble.run_files(path)
    for file in files:
        if detect_format(file) != "model":
            raise FormatError(f"{file}: not a model saved by w2vstudio (its weights and corpus are needed)")
    models = [Model.load(file) for file in files]
    if not ensemble.is_ensemble(path):
        return models[0].keyed_vectors(), models
    manifest = ensemble.read_manifest(path)[1]
    return ensemble.Ensemble([m.keyed_vectors() for m in models], [r.seed for r in manifest.runs], manifest), models


def _fail(path, where: str, message: str):
    raise FormatError(f"{path}, {where}: {message}")


def _decode_joined(joined: bytes, bad: list[int]) -> list[str]:
    """UTF-8 words from bytes of words each followed by a newline, in one decode; bad bytes are
    replaced by U+FFFD (as gensim's `unicode_errors="replace"`) and the words holding them counted
    in bad[0]."""
    try:
        return joined.decode("utf-8").split("\n")[:-1]
    except UnicodeDecodeError:
        words = joined.split(b"\n")[:-1]
        bad[0] += sum(1 for word in words if not is_utf8(word + b"\n"))
        return joined.decode("utf-8", "replace").split("\n")[:-1]


def _check_finite(block: np.ndarray, path, where) -> None:
    if not np.isfinite(block).all():
        k = int(np.flatnonzero(~np.isfinite(block).all(axis=1))[0])
        _fail(path, where(k), "a value is NaN or infinite")


def _check_announced(path, f, start: int, rows: int, dim: int, row_bytes: int) -> None:
    """Before allocating: refuse a header announcing more rows (of at least `row_bytes` each, from
    byte `start` on) than the file can hold, where its size is known (uncompressed files)."""
    size = f.known_size
    if size is not None and rows * row_bytes > size - start:
        _fail(path, "the header", f"{rows:,} words of {dim:,} dimensions announced, but the file's "
              f"{size:,} bytes hold at most {(size - start) // row_bytes:,}: truncated, or a wrong header")


def _matrix(path, rows: int, dim: int, stored: int, dtype=np.float32) -> np.ndarray:
    """An uninitialised (rows, dim) matrix, within what the file's `stored` bytes can hold and the
    memory available (`memory.checked_empty`)."""
    return checked_empty((rows, dim), dtype, f"{path}, the header: {rows:,} words of {dim:,} dimensions announced",
                         FormatError, stored)


def _unique(words: list[str], vectors: np.ndarray, counts: np.ndarray | None):
    """Keep the first vector of a repeated word, compacting `vectors` in place (in blocks)."""
    first: dict[str, int] = {}
    keep = [i for i, w in enumerate(words) if first.setdefault(w, i) == i]
    rows = np.array(keep, dtype=np.int64)
    for s in range(0, len(rows), 1 << 16):  # destinations never overtake the rows still to move
        block = rows[s : s + (1 << 16)]
        vectors[s : s + len(block)] = vectors[block]
    return [words[i] for i in keep], vectors[: len(rows)], None if counts is None else counts[rows]


def _read_model(path, limit):
    words, vectors, counts = modelfile.read_vectors(path, limit)  # the model format is modelfile's
    return words, vectors, counts if counts.any() else None


def _read_binary(path, limit, task, bad) -> tuple[list[str], np.ndarray]:
    with _stream(path) as f:
        line = f.readline(1024)
        header = header_sizes(line.rstrip(b"\n"))
        if not header:
            _fail(path, "byte offset 0", 'expected a "words dimensions" header line')
        total, dim = header
        n = total if limit is None else min(total, limit)
        _check_announced(path, f, len(line), n, dim, 4 * dim + 2)
        out = _matrix(path, n, dim, f.size, "<f4")
        rows = out.reshape(-1).view(np.uint8).reshape(n, 4 * dim)
        words: list[str] = []
        buf, base, pos = b"", len(line), 0  # buf[0] is at file offset `base`
        while len(words) < n:
            data = f.read(_CHUNK)
            buf, base, pos = buf[pos:] + data, base + pos, 0
            array = np.frombuffer(buf, dtype=np.uint8)
            arena = np.empty(len(buf) + 1, dtype=np.uint8)
            starts = np.empty(min(_CANCEL_ROWS, n), dtype=np.int64)

            def where(k: int) -> str:  # the k-th record of the last kernel call
                return f"byte offset {base + int(starts[k])}"

            while len(words) < n:
                task.check(_CANCELLED)
                i0 = len(words)
                found, pos, used, status = binary_records(
                    array, pos, 4 * dim, _MAX_WORD + 1, rows, i0, min(n, i0 + _CANCEL_ROWS), arena, starts)
                if status == BINARY_NO_WORD:
                    _fail(path, f"byte offset {base + pos}", "no word ends here: not a word2vec binary file")
                if status == BINARY_MALFORMED:
                    _fail(path, f"byte offset {base + pos}",
                          "malformed record (does the header give the right dimension?)")
                words += _decode_joined(arena[:used].tobytes(), bad)
                _check_finite(out[i0 : len(words)], path, where)
                if found < _CANCEL_ROWS and len(words) < n:
                    break  # the next record is not all in `buf`
            if not data and len(words) < n:
                _fail(
                    path,
                    f"byte offset {base + pos}",
                    f"the file ends after {len(words)} of {total} words",
                )
        if n == total and (buf[pos:] + f.read(1024)).strip():
            _fail(
                path,
                f"byte offset {base + pos}",
                f"more data after the {total} words the header declares",
            )
    return words, out.astype(np.float32, copy=False)


def _read_text(path, limit, fmt, task, bad):
    """word2vec text / .vec (header), GloVe (no header) or Projector vectors.tsv (no words)."""
    if fmt == "word2vec-txt":
        total = dim = None
    else:
        total, dim = _count_rows(path, fmt, task)
    with _stream(path, _MAX_ROW) as f:
        first_no = 1
        if total is None:
            header = header_sizes(f.readline(1024).rstrip(b"\n"))
            if not header:
                _fail(path, "line 1", 'expected a "words dimensions" header')
            (total, dim), first_no = header, 2
            _check_announced(path, f, 0, total if limit is None else min(total, limit), dim, 2 * dim)
        n = total if limit is None else min(total, limit)
        words, vectors, rest = _parse_lines(f, path, n, dim, first_no, fmt != "tsv", task, bad)
        if n == total and (rest + f.read(1024)).strip():
            _fail(
                path,
                f"line {first_no + n}",
                f"more lines than the {total} words the header declares",
            )
    counts = None
    if fmt == "tsv":
        words, counts = _read_metadata(metadata_path(path), n)
    return words, vectors, counts


def _count_rows(path, fmt, task) -> tuple[int, int]:
    """Lines up to the last non-blank one, and the values per line (from the first line)."""
    with _stream(path, _MAX_ROW) as f:
        line = f.readline()
        first = number_values(line) if fmt == "tsv" else record_values(line)
        if first is None or not first.size:  # (only where `fmt` was forced)
            expected = "numbers" if fmt == "tsv" else "a word followed by numbers"
            _fail(path, "line 1", f"expected {expected}")
        rows = newlines = 1
        while data := f.read(_CHUNK):
            task.check(_CANCELLED)
            body = data.rstrip()
            if body:
                rows = newlines + body.count(b"\n") + 1
            newlines += data.count(b"\n")
    return rows, first.size


def _parse_lines(f, path, n, dim, first_no, with_words, task, bad):
    """n lines of `[word ]v1 ... vD` into words (if `with_words`), a float32 matrix, unread rest."""
    out = _matrix(path, n, dim, f.size)
    words: list[str] = []
    done, rest = 0, b""
    while done < n:
        block = f.read_lines(_CHUNK)
        if not block:
            _fail(path, f"line {first_no + done}", f"the file ends after {done} of {n} vectors")
        if not block.endswith(b"\n"):
            block += b"\n"
        lines = block.split(b"\n")[:-1]
        take, rest = lines[: n - done], b"\n".join(lines[n - done :] + [b""])

        def where(k: int, first: int = first_no + done) -> str:
            return f"line {first + k}"

        raw = []
        for k, line in enumerate(take):
            if (done + k) % _CANCEL_ROWS == 0:
                task.check(_CANCELLED)
            word, values = line.partition(b" ")[::2] if with_words else (None, line)
            if with_words and not word:
                _fail(
                    path,
                    where(k),
                    "empty line" if not line.strip() else "no word before the values",
                )
            vec = number_values(values)
            if vec is None:
                bad = next(t for t in values.split() if number_values(t) is None)
                _fail(path, where(k), f"{bad.decode('utf-8', 'replace')[:40]!r} is not a number")
            if vec.size != dim:
                _fail(path, where(k), f"expected {dim} values, found {vec.size}")
            out[done + k] = vec
            raw.append(word)
        _check_finite(out[done : done + len(take)], path, where)
        if with_words and raw:
            words += _decode_joined(b"\n".join(raw) + b"\n", bad)
        done += len(take)
    return words, out, rest


def metadata_path(vectors_path: str | Path) -> Path:
    """The metadata file that goes with a Projector vectors file: `vectors.tsv` -> `metadata.tsv`,
    `X-vectors.tsv` / `X_vectors.tsv` -> `X-metadata.tsv` / `X_metadata.tsv`,
    `X.tsv` -> `X-metadata.tsv`.
    """
    p = Path(vectors_path)
    name = p.name[: -len(p.suffix)] if p.suffix else p.name
    if name.endswith("vectors"):
        return p.with_name(name[: -len("vectors")] + "metadata" + p.suffix)
    return p.with_name(f"{name}-metadata{p.suffix}")


def input_files(path: str | Path) -> list[Path]:
    """The files reading the vectors at `path` may read: a Projector file's metadata too."""
    path = Path(path)
    return [path, metadata_path(path)] if path.suffix.lower() == ".tsv" else [path]


def _read_metadata(path: Path, n: int) -> tuple[list[str], np.ndarray | None]:
    """Words (and counts, given a `count` column: whole numbers, none negative) of the first n
    rows; row numbers if absent."""
    if not path.exists():
        return [str(i) for i in range(n)], None
    lines = []
    with _stream(path) as f:  # the header and n rows at most, each line capped
        while len(lines) <= n and (raw := f.readline()):
            lines.append(raw.decode("utf-8", "surrogateescape").rstrip("\n").rstrip("\r"))
    columns, first_no = [""], 1
    if lines and "\t" in lines[0]:
        columns, first_no = [c.strip().lower() for c in lines[0].split("\t")], 2
        lines = lines[1:]
    if len(lines) < n:
        _fail(path, f"line {first_no + len(lines)}", f"{len(lines)} words for {n} vectors")
    word_col = columns.index("word") if "word" in columns else 0
    rows = [line.split("\t") if len(columns) > 1 else [line] for line in lines[:n]]
    for k, row in enumerate(rows):
        if len(row) != len(columns):
            _fail(
                path, f"line {first_no + k}", f"expected {len(columns)} columns, found {len(row)}"
            )
        try:
            row[word_col].encode("utf-8")
        except UnicodeEncodeError:
            _fail(path, f"line {first_no + k}", "the word is not valid UTF-8")
    words = [row[word_col] for row in rows]
    if "count" not in columns:
        return words, None
    c, counts = columns.index("count"), np.empty(n, dtype=np.int64)
    for k, row in enumerate(rows):
        try:
            counts[k] = int(row[c])
        except (ValueError, OverflowError):
            _fail(path, f"line {first_no + k}", f"the count {row[c]!r} is not a whole number")
        if counts[k] < 0:
            _fail(path, f"line {first_no + k}", f"the count {counts[k]} is negative")
    return words, counts


# ---- writing -----------------------------------------------------------------------------------


def save_vectors(kv: KeyedVectors, path: str | Path, fmt: str) -> None:
    """Write `kv` as "bin" or "txt" (word2vec), "tsv" (Projector pair, see `metadata_path`) or
    "model". Exact round trip: float32 values are written with 9 significant digits in text."""
    if fmt not in WRITE_FORMATS:
        raise W2VError(f'unknown output format "{fmt}" (one of: {", ".join(WRITE_FORMATS)})')
    _check_words(kv.words, fmt)
    if fmt == "model":
        modelfile.write_vectors(path, kv.words, kv.vectors, kv.counts)
    elif fmt == "tsv":
        with atomic_write(path) as f, atomic_write(metadata_path(path)) as meta:
            _write_rows(kv.vectors, f, "\t")
            _write_metadata(kv, meta)
    else:
        with atomic_write(path) as f:
            f.write(f"{len(kv)} {kv.dim}\n".encode())
            (_write_binary if fmt == "bin" else _write_text)(kv, f)


def word_fault(word: str, fmt: str) -> str | None:
    """Why the readers would refuse `word` in a file of format `fmt` ("bin", "txt", "tsv",
    "model"), None if they would take it: empty (all but model), a separator in it, or longer than
    `_MAX_WORD` bytes (the binary reader's limit, kept in every format)."""
    if not word and fmt != "model":
        return "is empty"
    if any(ch in word for ch in _FORBIDDEN[fmt]):
        return f"holds a character the {fmt} format uses as a separator"
    if len(word) * 4 > _MAX_WORD and len(word.encode("utf-8", "surrogateescape")) > _MAX_WORD:
        return f"is longer than {_MAX_WORD:,} bytes, the most a word may hold"
    return None


def _check_words(words: list[str], fmt: str) -> None:
    """Refuse, before anything is written, a word the reader would refuse, naming its index."""
    bad = _FORBIDDEN[fmt]
    joined = "\x00".join(words)
    if any(ch in joined for ch in bad) or (fmt != "model" and "" in words) or any(
            len(w) * 4 > _MAX_WORD for w in words):
        for i, word in enumerate(words):
            if (fault := word_fault(word, fmt)) is not None:
                raise W2VError(f"the word {printable(word[:40])}{'…' if len(word) > 40 else ''} "
                               f"(number {i:,}) {fault}: it cannot be written in the {fmt} format")


def _write_binary(kv: KeyedVectors, f) -> None:
    vectors = kv.vectors.astype("<f4", copy=False)
    for s in range(0, len(kv), 1 << 14):
        parts = []
        for word, row in zip(kv.words[s : s + (1 << 14)], vectors[s : s + (1 << 14)]):
            parts += (word.encode(), b" ", row.tobytes(), b"\n")
        f.write(b"".join(parts))


def _write_text(kv: KeyedVectors, f) -> None:
    _write_rows(kv.vectors, f, " ", kv.words)


def _write_rows(vectors: np.ndarray, f, sep: str, words: list[str] | None = None) -> None:
    """One line per row: `[word<sep>]v1<sep>...vD`, each value with 9 significant digits."""
    line = sep.join(["%.9g"] * vectors.shape[1])
    for s in range(0, len(vectors), 1 << 12):
        rows = [line % tuple(r) for r in vectors[s : s + (1 << 12)].tolist()]
        if words is not None:
            rows = [f"{w}{sep}{r}" for w, r in zip(words[s : s + (1 << 12)], rows)]
        f.write(("\n".join(rows) + "\n").encode())


def _write_metadata(kv: KeyedVectors, f) -> None:
    if kv.counts is None:
        lines = kv.words
    else:
        lines = ["word\tcount"] + [f"{w}\t{c}" for w, c in zip(kv.words, kv.counts.tolist())]
    f.write("".join(line + "\n" for line in lines).encode())

"""Word2Vec models saved by Apache Spark, read with pyarrow alone (no JVM, no pyspark).

A saved model is a folder:
- `metadata/part-*`: one line of JSON. pyspark.ml (`Word2VecModel.save`): `"class":
  "org.apache.spark.ml.feature.Word2VecModel"`, `"sparkVersion"`, `"paramMap"` and
  `"defaultParamMap"` (vectorSize, windowSize, minCount, maxIter, stepSize, seed ...). The RDD-based
  pyspark.mllib: `"class": "org.apache.spark.mllib.feature.Word2VecModel"`, `"vectorSize"`,
  `"numWords"`.
- `data/*.parquet`: one row per word, `word` (string) and `vector` (list<float>, vectorSize long),
  in hash order; before Spark 2.2 (pyspark.ml) one row holding `wordIndex` (map<string, int>) and
  `wordVectors` (list<float>, words × vectorSize), the index being the word's rank by count.

Spark saves no counts, so the vectors come without counts, and rows in hash order are marked
unranked (`KeyedVectors.ranked`). Nothing is trusted: `metadata` and `data` must be folders and
their files regular files (links refused), the JSON at most 1 MiB; each parquet footer's rows and
column sizes are checked against vectorSize (and numWords) before a column is read, every row's
length against vectorSize, values finite, words non-null, UTF-8 and unique. Any failure is one
`FormatError` naming the file.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.support.memory import checked_empty
from w2vstudio.core.support.opener import kind_of, open_regular
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

ML = "org.apache.spark.ml.feature.Word2VecModel"
MLLIB = "org.apache.spark.mllib.feature.Word2VecModel"
MAX_METADATA = 1 << 20  # bytes of metadata JSON
MAX_DIM = 1_000_000_000  # as TrainParams.dim
_WORD_BYTES = 4096 + 16  # stored bytes a word may take in a column chunk (with its levels)
_VALUE_BYTES = 4 + 8  # stored bytes of one float or int with its repetition and definition levels
_SLACK = 1 << 20  # page headers and dictionaries
_BATCH = 4096  # rows read between two looks at the task


@dataclass(frozen=True)
class SparkMetadata:
    """What a saved model's metadata says: `api` "ml" or "mllib", `old` for the layout before
    Spark 2.2, `params` (MLlib's, the defaults filled in; mllib's metadata hold no Spark version)."""

    api: str
    spark_version: str | None
    vector_size: int
    num_words: int | None = None  # mllib only
    params: dict = field(default_factory=dict)

    @property
    def old(self) -> bool:
        return self.api == "ml" and _version(self.spark_version or "") < (2, 2)

    def to_dict(self) -> dict:
        return {"class": ML if self.api == "ml" else MLLIB, "spark_version": self.spark_version,
                "vector_size": self.vector_size, "num_words": self.num_words, "params": self.params}


def is_spark_model(path: str | Path) -> bool:
    """Whether `path` is a folder whose metadata names a Spark Word2Vec model (never raises)."""
    try:
        return Path(path).is_dir() and _class_of(_metadata_json(Path(path))) in (ML, MLLIB)
    except (W2VError, OSError):
        return False


def read_metadata(path: str | Path) -> SparkMetadata:
    """The checked metadata of a saved Spark Word2Vec model (FormatError if it is not one)."""
    path = Path(path)
    data = _metadata_json(path)
    name = _class_of(data)
    if name not in (ML, MLLIB):
        what = f"a saved Spark {name.rsplit('.', 1)[-1]}" if name else "not a saved Spark model"
        raise FormatError(f"{path}: {what}, not a Word2Vec model")
    if name == MLLIB:
        size, words = _whole(path, data, "vectorSize", 1, MAX_DIM), _whole(path, data, "numWords", 0, 2**62)
        return SparkMetadata("mllib", None, size, words, {"vectorSize": size, "numWords": words})
    params = {}
    for key in ("defaultParamMap", "paramMap"):  # set params override the defaults
        given = data.get(key, {})
        if not isinstance(given, dict):
            raise FormatError(f"{path}: its metadata's {key} is not a mapping")
        params.update(given)
    size = _whole(path, params, "vectorSize", 1, MAX_DIM)
    version = data.get("sparkVersion")
    if not isinstance(version, str) or len(version) > 100:
        raise FormatError(f"{path}: its metadata give no Spark version")
    return SparkMetadata("ml", version, size, None, params)


def read_spark_model(path: str | Path, limit: int | None = None,
                     task: Task | None = None) -> KeyedVectors:
    """The words and float32 vectors (the first `limit` rows) of a saved Spark Word2Vec model;
    a cancelled `task` raises `Cancelled`."""
    task = task or Task.none()
    path = Path(path)
    meta = read_metadata(path)
    pq = _parquet()
    handles, opened = [], []
    try:
        for file in _data_files(path):
            handles.append(open_regular(file, FormatError))
            opened.append((file, _parquet_file(pq, file, handles[-1])))
        stored = sum(os.fstat(fh.fileno()).st_size for fh in handles)  # what the announced sizes are held to
        if meta.old:
            words, vectors = _read_old(path, opened, meta, limit, stored)
        else:
            words, vectors = _read_rows(path, opened, meta, limit, task, stored)
    finally:
        for fh in handles:
            fh.close()
    try:
        kv = KeyedVectors(words, vectors)
    except ValueError as exc:  # a word twice
        raise FormatError(f"{path}: {exc}") from None
    kv.ranked = meta.old  # the old layout keeps the rank of each word; the others hash order
    return kv


# ---- metadata ------------------------------------------------------------------------------------


def unranked_warning(path, instead: str) -> str:
    """The line a command prints where it would take the most frequent words of vectors that are
    in no order of frequency (`instead`: what it does)."""
    return f"w2vstudio: warning: {path} keeps no word counts and its words are in no order of frequency " \
           f"(a Spark model): {instead}"


def _metadata_json(path: Path) -> dict:
    folder = path / "metadata"
    if not os.path.lexists(folder):
        raise FormatError(f"{path} is a folder, not a regular file (nor a saved Spark model: no metadata folder)")
    parts = [f for f in _listing(folder) if f.name.startswith("part-")]
    if not parts:
        raise FormatError(f"{folder}: no part-* file: not a saved Spark model")
    with open_regular(parts[0], FormatError) as fh:
        text = fh.read(MAX_METADATA + 1)
    if len(text) > MAX_METADATA:
        raise FormatError(f"{parts[0]}: over {MAX_METADATA:,} bytes: not Spark metadata")
    try:
        data = json.loads(text.partition(b"\n")[0].decode("utf-8"))
    except (ValueError, RecursionError):
        raise FormatError(f"{parts[0]}: not one line of JSON: not Spark metadata") from None
    if not isinstance(data, dict):
        raise FormatError(f"{parts[0]}: not a JSON object: not Spark metadata")
    return data


def _class_of(data: dict) -> str:
    name = data.get("class")
    return name if isinstance(name, str) else ""


def _whole(path: Path, data: dict, key: str, low: int, high: int) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FormatError(f"{path}: its metadata's {key} is {value!r}, not a whole number from {low:,} to {high:,}")
    return value


def _version(text: str) -> tuple[int, ...]:
    numbers = []
    for part in text.split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit())
        numbers.append(int(digits[:9]) if digits else 0)
    return tuple(numbers)


# ---- files ---------------------------------------------------------------------------------------


def _listing(folder: Path) -> list[Path]:
    """The visible entries of a folder (Spark's `_SUCCESS` and `.crc` files left out), sorted;
    a link or anything but a regular file among them is refused."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        raise FormatError(f"{folder} does not exist: not a saved Spark model") from None
    if not stat.S_ISDIR(mode):
        raise FormatError(f"{folder} is {kind_of(mode)}, not a folder")
    entries = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if entry.name.startswith((".", "_")):
            continue
        mode = entry.stat(follow_symlinks=False).st_mode
        if not stat.S_ISREG(mode):
            what = "a link" if stat.S_ISLNK(mode) else kind_of(mode)
            raise FormatError(f"{entry.path} is {what}, not a regular file (nothing in a Spark model is followed)")
        entries.append(Path(entry.path))
    return entries


def _data_files(path: Path) -> list[Path]:
    files = _listing(path / "data")
    if not files:
        raise FormatError(f"{path / 'data'}: no data files")
    return files


def _parquet_file(pq, file: Path, fh):
    try:
        return pq.ParquetFile(fh)
    except Exception as exc:  # pyarrow's own errors name no file
        raise FormatError(f"{file}: not a parquet file ({_first_line(exc)})") from None


def _parquet():
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise W2VError('reading a Spark model needs pyarrow: pip install pyarrow (or "w2vstudio[spark]")') from None
    return pq


# ---- rows ----------------------------------------------------------------------------------------


def _footer(file: Path, pf, names: tuple[str, str]):
    """The file's schema checked for the two columns, and its sizes checked against what the
    rows may hold: strings of at most 4 KiB and numbers of 4 bytes (levels aside)."""
    schema, meta = pf.schema_arrow, pf.metadata
    missing = [n for n in names if n not in schema.names]
    if missing:
        raise FormatError(f"{file}: no column {missing[0]!r} (columns: {', '.join(schema.names)[:200]})")
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            column = group.column(c)
            per_value = _WORD_BYTES if column.physical_type == "BYTE_ARRAY" else _VALUE_BYTES
            if column.total_uncompressed_size > column.num_values * per_value + _SLACK:
                raise FormatError(f"{file}: column {column.path_in_schema} announces "
                                  f"{column.total_uncompressed_size:,} bytes for {column.num_values:,} values")
    return schema, meta


def _check_vector_type(file: Path, schema, name: str) -> None:
    import pyarrow as pa

    t = schema.field(name).type
    if not (pa.types.is_list(t) or pa.types.is_large_list(t)) or t.value_type != pa.float32():
        raise FormatError(f"{file}: column {name!r} is {t}, not list<float>")


def _read_rows(path: Path, opened, meta: SparkMetadata, limit, task, stored: int):
    """The layout of one row per word: word, vector."""
    import pyarrow as pa

    dim, total = meta.vector_size, 0
    for file, pf in opened:
        schema, footer = _footer(file, pf, ("word", "vector"))
        word_type = schema.field("word").type
        if not (pa.types.is_string(word_type) or pa.types.is_large_string(word_type)):
            raise FormatError(f"{file}: column 'word' is {word_type}, not strings")
        _check_vector_type(file, schema, "vector")
        values = sum(footer.row_group(g).column(schema.names.index("vector")).num_values
                     for g in range(footer.num_row_groups))
        if values != footer.num_rows * dim:
            raise FormatError(f"{file}: {values:,} vector values for {footer.num_rows:,} words of "
                              f"{dim:,} dimensions (vectorSize in the metadata)")
        total += footer.num_rows
    if meta.num_words is not None and total != meta.num_words:
        raise FormatError(f"{path}: {total:,} words in its data, {meta.num_words:,} in its metadata (numWords)")
    n = total if limit is None else min(limit, total)
    out = _matrix(path, n, dim, stored)
    words: list[str] = []
    for file, pf in opened:
        if len(words) >= n:
            break
        for batch in pf.iter_batches(batch_size=_BATCH, columns=["word", "vector"]):
            task.check("loading the vectors was cancelled")
            batch = batch.slice(0, n - len(words))
            where = f"{file}, rows {len(words) + 1:,} to {len(words) + batch.num_rows:,}"
            out[len(words): len(words) + batch.num_rows] = _vectors(batch.column(1), dim, where)
            words += _words(batch.column(0), where)
            if len(words) >= n:
                break
    if len(words) != n:
        raise FormatError(f"{path}: its data hold {len(words):,} words, their footers announce {n:,}")
    return words, out


def _read_old(path: Path, opened, meta: SparkMetadata, limit, stored: int):
    """The layout before Spark 2.2: one row, wordIndex (word -> rank) and wordVectors."""
    import pyarrow as pa

    dim = meta.vector_size
    rows = []
    for file, pf in opened:
        schema, footer = _footer(file, pf, ("wordIndex", "wordVectors"))
        if not pa.types.is_map(schema.field("wordIndex").type):
            raise FormatError(f"{file}: column 'wordIndex' is {schema.field('wordIndex').type}, not a map")
        _check_vector_type(file, schema, "wordVectors")
        if footer.num_rows:
            rows.append((file, pf))
    if len(rows) != 1 or rows[0][1].metadata.num_rows != 1:
        raise FormatError(f"{path}: its data hold {sum(pf.metadata.num_rows for _, pf in rows)} rows, "
                          "not the one row of a model saved before Spark 2.2")
    file, pf = rows[0]
    footer = pf.metadata
    columns = {footer.row_group(0).column(c).path_in_schema: footer.row_group(0).column(c).num_values
               for c in range(footer.row_group(0).num_columns)}
    n_words = next((v for k, v in columns.items() if k.startswith("wordIndex") and k.endswith("key")), 0)
    n_values = next((v for k, v in columns.items() if k.startswith("wordVectors")), 0)
    if n_values != n_words * dim:
        raise FormatError(f"{file}: {n_values:,} vector values for {n_words:,} words of {dim:,} dimensions")
    _matrix(path, n_words, dim, stored)  # refuse a size beyond the file or the memory before reading
    table = pf.read(columns=["wordIndex", "wordVectors"])
    index, values = table.column(0).combine_chunks(), table.column(1).combine_chunks()
    if index.null_count or values.null_count:
        raise FormatError(f"{file}: its row is empty")
    words = _words(index.keys, file)
    ranks = index.items.to_numpy(zero_copy_only=False)
    if index.items.null_count or len(ranks) != len(words) or not np.array_equal(np.sort(ranks), np.arange(len(words))):
        raise FormatError(f"{file}: its word indices are not 0 to {len(words) - 1:,}, each once")
    flat = _finite(values.flatten().to_numpy(zero_copy_only=False), file)
    if flat.size != len(words) * dim:
        raise FormatError(f"{file}: {flat.size:,} vector values for {len(words):,} words of {dim:,} dimensions")
    order = np.argsort(ranks)
    n = len(words) if limit is None else min(limit, len(words))
    return [words[i] for i in order[:n]], np.ascontiguousarray(flat.reshape(-1, dim)[ranks[order[:n]]])


def _words(column, where) -> list[str]:
    if column.null_count:
        raise FormatError(f"{where}: a word is missing (null)")
    try:
        return column.to_pylist()
    except UnicodeDecodeError:
        raise FormatError(f"{where}: a word is not valid UTF-8") from None


def _vectors(column, dim: int, where) -> np.ndarray:
    """A batch's list<float> column as (rows, dim) float32, each row's length checked."""
    import pyarrow.compute as pc

    if column.null_count:
        raise FormatError(f"{where}: a vector is missing (null)")
    lengths = pc.list_value_length(column).to_numpy(zero_copy_only=False)
    if len(lengths) and (lengths != dim).any():
        k = int(np.flatnonzero(lengths != dim)[0])
        raise FormatError(f"{where}: the vector of row {k + 1:,} of this batch has {int(lengths[k]):,} values, "
                          f"vectorSize is {dim:,}")
    flat = column.flatten()
    if flat.null_count:
        raise FormatError(f"{where}: a vector value is missing (null)")
    return _finite(flat.to_numpy(zero_copy_only=False), where).reshape(-1, dim)


def _finite(values: np.ndarray, where) -> np.ndarray:
    values = np.asarray(values, dtype=np.float32)
    if not np.isfinite(values).all():
        raise FormatError(f"{where}: a value is NaN or infinite")
    return values


def _matrix(path: Path, rows: int, dim: int, stored: int) -> np.ndarray:
    """(rows, dim) float32, within what the data files' `stored` bytes hold and the memory available."""
    return checked_empty((rows, dim), np.float32, f"{path}: {rows:,} words of {dim:,} dimensions", FormatError, stored)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


"""The model file (`.npz`): written atomically, read back with everything checked.

Layout (docs/architecture.md): `meta` (UTF-8 JSON), `words` (UTF-8, joined by newlines), `counts`
int64 (V,), `vectors` float32 (V, dim), `syn1neg` float32 (V or 0, dim), `syn1` float32 (V-1 or 0,
dim), `syn1soft` float32 (V or 0, dim), `loss_history` float64 (N, 3), `extra_<name>` numeric arrays.
A file holding vectors only (`params` empty) may leave out the output weights and the loss
history; a file written before the full softmax existed may leave out `syn1soft`.

Reading trusts nothing: the file must be a regular file and a zip; every member's name is known;
its `.npy` header is read first and its dtype and shape checked against the metadata before its
data is inflated (no member is inflated beyond what the metadata allows; `meta` is capped); no
pickle is ever loaded; numbers are finite, counts not negative, words unique and valid UTF-8; the
parameters are validated as in the form. Any failure is one `FormatError` line naming the file; a
file that is not a model says what it is and what to do with it instead.
"""

from __future__ import annotations

import json
import math
import re
import struct
from dataclasses import replace

import numpy as np

from w2vstudio.core.support import jsonsafe
from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.support.chunked import all_distinct, split_lines
from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.support.npz import ZIP_MAGIC, NpzReader
from w2vstudio.core.support.sniff import NotVectors, vectors_kind
from w2vstudio.core.support.opener import cannot_read, open_regular, sniff_compression
from w2vstudio.core.params import TrainParams
from w2vstudio.core.vocab import Vocabulary

FORMAT = "w2vstudio-model"
VERSION = 1
EXTRA = "extra_"
MAX_META = 4 << 20  # bytes of JSON metadata
MAX_DEPTH = 32  # nesting of the JSON metadata
MAX_EPOCHS = 100_000  # entries of epoch_losses / epoch_quality
MAX_BATCHES = 100_000_000  # rows of the loss history
_WORD_BYTES = 4096  # mean bytes per word (newline included) the word list may hold, plus 1 MiB
_EXTRA_BYTES = 1 << 30  # an extra array may hold this much more than 64 times the vectors
_EXTRA_NAME = re.compile(r"extra_[A-Za-z0-9_]{1,64}")
_ARRAYS = ("meta", "words", "counts", "vectors", "syn1neg", "syn1", "syn1soft", "loss_history")
_SNIFF_BYTES = 1 << 16  # read to tell what a file that is not a model is
_FASTTEXT = struct.pack("<i", 0x2F4F16BA)
_CHECK_VALUES = 1 << 20  # values checked for being finite at a time


# ---- writing ------------------------------------------------------------------------------------


def write(path, meta: dict, words: list[str], arrays: dict) -> None:
    """Write a model file atomically: `meta` (JSON without NaN or infinity), `words`, and the
    named arrays (`counts`, `vectors` ... and `extra_<name>` ones)."""
    members = {"meta": _utf8(jsonsafe.dumps(meta)), "words": _utf8("\n".join(words))}
    members.update(arrays)
    for name, array in members.items():  # what `read` would refuse is never written
        if name not in _ARRAYS and not _EXTRA_NAME.fullmatch(name) or np.asarray(array).dtype.hasobject:
            raise ValueError(f"a model file cannot hold the array {name!r} ({np.asarray(array).dtype})")
    with atomic_write(path) as f:
        np.savez(f, **members)


def write_vectors(path, words: list[str], vectors: np.ndarray, counts: np.ndarray | None) -> None:
    """A model file holding vectors only (no training state); counts of 0 mean "unknown"."""
    meta = {"format": FORMAT, "version": VERSION, "params": {}, "epoch_losses": [], "epochs_trained": 0}
    counts = np.zeros(len(words), np.int64) if counts is None else np.asarray(counts, np.int64)
    write(path, meta, words, {"counts": counts, "vectors": np.asarray(vectors, np.float32)})


def _utf8(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


# ---- reading ------------------------------------------------------------------------------------


def read(path) -> dict:
    """Everything a model file holds, checked: the keyword arguments of `Model`."""
    with _Reader(path) as r:
        params = r.params
        words, counts = r.words(), r.counts()
        vectors = r.vectors()
        syn1neg = r.weights("syn1neg", r.size if params.negative > 0 else 0)
        syn1 = r.weights("syn1", max(r.size - 1, 0) if params.hs else 0)
        syn1soft = r.weights("syn1soft", r.size if params.softmax else 0)
        return dict(vocab=Vocabulary(words, counts), params=params, vectors=vectors, syn1neg=syn1neg, syn1=syn1,
                    syn1soft=syn1soft, epoch_losses=r.epoch_losses, loss_history=r.loss_history(),
                    epochs_trained=r.epochs_trained, raw_words=r.raw_words, extras=r.extras(), info=r.info)


def read_meta(path) -> dict:
    """The checked metadata of a model file (its arrays left unread)."""
    with _Reader(path) as r:
        return r.meta


def read_vectors(path, limit: int | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The words, float32 vectors and counts of a model file (the first `limit` words)."""
    with _Reader(path) as r:
        rows = r.size if limit is None else min(limit, r.size)
        return r.words()[:rows], r.vectors(rows), r.counts()[:rows]


class _Reader:
    """A model file opened for reading, its members listed and its metadata checked."""

    def __init__(self, path):
        self.path = path
        fh = open_regular(path, FormatError)
        try:
            head = fh.read(_SNIFF_BYTES)
            fh.seek(0)
        except OSError as exc:
            fh.close()
            raise FormatError(cannot_read(path, exc)) from None
        if not head.startswith(ZIP_MAGIC):
            fh.close()
            raise FormatError(f"{path} {_what_it_is(path, head)}")
        self.npz = NpzReader(path, fh, "w2vstudio model")
        try:
            if "meta" not in self.npz.members:
                raise FormatError(f"{path} is a zip or .npz file that is not a w2vstudio model (it has no metadata)")
            self.meta = self._read_meta()
            self._check_members()
            self.size, self.dim = self._sizes()
            self.params = self._params()  # the whole metadata is checked, whatever is read after
            self.epoch_losses, self.info = self._epoch_losses(), self._info()
            self.epochs_trained, self.raw_words = self._count("epochs_trained"), self._count("raw_words")
        except BaseException:
            self.npz.close()
            raise

    def __enter__(self) -> _Reader:
        return self

    def __exit__(self, *exc) -> None:
        self.npz.close()

    def _fail(self, message: str):
        raise FormatError(f"{self.path} is damaged: {message}")

    # -- the members and the metadata -------------------------------------------------------------
    def _check_members(self) -> None:
        names = self.npz.members
        for name in names:
            if name not in _ARRAYS and not _EXTRA_NAME.fullmatch(name):
                self._fail(f"it holds an unexpected member {name[:80]!r}")
        for name in ("words", "counts", "vectors"):
            if name not in names:
                self._fail(f"its {name} are missing")

    def _read_meta(self) -> dict:
        self._expect("meta", np.uint8, 1)
        raw = self.npz.read("meta", MAX_META)
        try:
            meta = json.loads(raw.tobytes().decode("utf-8"))
        except RecursionError:
            self._fail("its metadata are nested too deeply")
        except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError
            self._fail(f"its metadata are not valid JSON ({str(exc)[:120]})")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise FormatError(f"{self.path} is a zip or .npz file that is not a w2vstudio model")
        if _depth(meta) > MAX_DEPTH:
            self._fail(f"its metadata are nested more than {MAX_DEPTH} levels deep")
        version = meta.get("version", 1)
        if not _is_int(version) or version < 1:
            self._fail(f"its format version is {_shown(version)}, not a whole number")
        if version > VERSION:
            raise FormatError(f"{self.path} is a model of a newer format (version {version}): "
                              "update w2vstudio to open it")
        return meta

    def _sizes(self) -> tuple[int, int]:
        dtype, shape = self.npz.header("vectors")
        if dtype != np.float32 or len(shape) != 2:
            self._fail(f"its vectors are {_array(dtype, shape)}, not a float32 matrix")
        size, dim = shape
        if dim < 1:
            self._fail("its vectors have no dimensions")
        for key, value in (("vocab_size", size), ("dim", dim)):
            if key in self.meta and self.meta[key] != value:
                self._fail(f"its metadata give {key} {_shown(self.meta[key])} but its vectors are {size} x {dim}")
        return size, dim

    def _params(self) -> TrainParams:
        data = self.meta.get("params", {})
        try:
            params = TrainParams.from_dict(data)
        except W2VError as exc:
            self._fail(f"its training parameters are refused ({exc})")
        except TypeError as exc:  # a key that is not a string
            self._fail(f"its training parameters are malformed ({exc})")
        if isinstance(data, dict) and not data:  # vectors only: nothing was trained
            return replace(params, dim=self.dim)
        if params.dim != self.dim:
            self._fail(f"its parameters give dim {params.dim} but its vectors have {self.dim} dimensions")
        return params

    def _count(self, key: str) -> int:
        value = self.meta.get(key, 0)
        if not _is_int(value) or value < 0:
            self._fail(f"its {key} is {_shown(value)}, not a whole number")
        return value

    def _epoch_losses(self) -> list[float]:
        losses = self._list("epoch_losses")
        if not all(v is None or _is_number(v) for v in losses):
            self._fail("its epoch losses are not all numbers")
        return [math.nan if v is None else float(v) for v in losses]

    def _info(self) -> dict:
        info = self.meta.get("info", {})
        if not isinstance(info, dict):
            self._fail(f"its info is a {type(info).__name__}, not a mapping")
        quality = info.get("epoch_quality", [])
        if not (isinstance(quality, list) and len(quality) <= MAX_EPOCHS and all(map(_quality_entry, quality))):
            self._fail("its per-epoch quality is malformed")
        snapshots = info.get("snapshots")
        if snapshots is not None and not (isinstance(snapshots, dict) and _is_int(snapshots.get("per_epoch"))
                                          and snapshots["per_epoch"] >= 1):
            self._fail("its snapshot settings are malformed")
        return info

    def _list(self, key: str) -> list:
        value = self.meta.get(key, [])
        if not isinstance(value, list) or len(value) > MAX_EPOCHS:
            self._fail(f"its {key} are not a list of at most {MAX_EPOCHS:,} entries")
        return value

    # -- the arrays -------------------------------------------------------------------------------
    def words(self) -> list[str]:
        self._expect("words", np.uint8, 1)
        raw = self.npz.read("words", self.size * _WORD_BYTES + (1 << 20))
        try:
            text = raw.tobytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            self._fail(f"its words are not valid UTF-8 (byte {exc.start})")
        words = split_lines(text) if self.size else []
        if len(words) != self.size or (not self.size and text):
            self._fail(f"it holds {len(text.split(chr(10))) if text else 0} words for {self.size} vectors")
        if not all_distinct(words):
            seen: set[str] = set()
            twice = next(w for w in words if w in seen or seen.add(w))
            self._fail(f"the word {twice[:80]!r} appears twice")
        return words

    def counts(self) -> np.ndarray:
        counts = self._read("counts", np.int64, (self.size,))
        if counts.size and counts.min() < 0:
            self._fail("a word count is negative")
        return counts

    def vectors(self, rows: int | None = None) -> np.ndarray:
        vectors = self._read("vectors", np.float32, (self.size, self.dim))
        if rows is not None and rows < self.size:
            vectors = vectors[:rows].copy()
        return self._finite("vectors", vectors)

    def weights(self, name: str, rows: int) -> np.ndarray:
        if name not in self.npz.members:
            if self.meta.get("params") and rows:
                self._fail(f"its {name} output weights are missing")
            return np.zeros((rows, self.dim), np.float32)  # vectors only: never trained
        return self._finite(name, self._read(name, np.float32, (rows, self.dim)))

    def loss_history(self) -> np.ndarray:
        if "loss_history" not in self.npz.members:
            return np.zeros((0, 3))
        dtype, shape = self.npz.header("loss_history")
        if dtype != np.float64 or len(shape) != 2 or shape[1] != 3 or shape[0] > MAX_BATCHES:
            self._fail(f"its loss history is {_array(dtype, shape)}, not float64 (batches, 3)")
        history = np.ascontiguousarray(self.npz.read("loss_history", shape[0] * 24))
        self._finite("loss history's words and learning rates", history[:, :2])  # a loss is NaN where
        return history  # a batch had nothing to predict

    def extras(self) -> dict:
        cap = 64 * self.size * self.dim * 4 + _EXTRA_BYTES
        extras = {}
        for name in self.npz.members:
            if not name.startswith(EXTRA):
                continue
            dtype, shape = self.npz.header(name)
            kinds = [dtype] if dtype.names is None else [dtype.fields[f][0] for f in dtype.names]
            if not all(k.kind in "biuf" and k.shape == () for k in kinds) or len(shape) > 4:
                self._fail(f"its array {name!r} is {_array(dtype, shape)}, not numbers")
            extras[name[len(EXTRA):]] = self.npz.read(name, cap)
        return extras

    def _expect(self, name: str, dtype, ndim: int, shape: tuple | None = None) -> None:
        got, got_shape = self.npz.header(name)
        if got != dtype or len(got_shape) != ndim or (shape is not None and got_shape != shape):
            want = f"{np.dtype(dtype)} {shape}" if shape is not None else f"a {ndim}-D {np.dtype(dtype)} array"
            self._fail(f"its {name} are {_array(got, got_shape)}, not {want}")

    def _read(self, name: str, dtype, shape: tuple) -> np.ndarray:
        self._expect(name, dtype, len(shape), shape)
        return np.ascontiguousarray(self.npz.read(name, math.prod(shape) * np.dtype(dtype).itemsize))

    def _finite(self, what: str, array: np.ndarray) -> np.ndarray:
        step = max(1, _CHECK_VALUES // max(1, math.prod(array.shape[1:])))
        for s in range(0, len(array), step):
            if not np.isfinite(array[s : s + step]).all():
                self._fail(f"its {what} hold NaN or infinite values")
        return array


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _quality_entry(entry) -> bool:
    """{"epoch": N, "analogy": score or null, "ws353": score or null}, as quality.py stores it."""
    return (isinstance(entry, dict) and _is_int(entry.get("epoch"))
            and all(v is None or _is_number(v) for k, v in entry.items() if k != "epoch"))


def _depth(value) -> int:
    """How deeply lists and objects nest in parsed JSON (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack.extend((child, level + 1) for child in children)
    return deepest


def _array(dtype: np.dtype, shape: tuple) -> str:
    return f"{dtype} {shape}"


def _shown(value) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, type(None), bool)) else type(value).__name__
    return text[:80]


def pickle_note(head: bytes) -> str | None:
    """What to say (after "<path> ") of a file beginning with `head` if it is a Python pickle."""
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return ("is a Python pickle (a gensim model or KeyedVectors saved with .save()?), which w2vstudio "
                "never loads (a pickle can run code): in gensim, export its vectors with "
                "model.wv.save_word2vec_format(path, binary=True) and open that file")
    return None


def _what_it_is(path, head: bytes) -> str:
    """What a file that is not a zip is, and what to do with it instead (after "<path> ")."""
    if not head:
        return "is empty: not a w2vstudio model"
    if (pickled := pickle_note(head)) is not None:
        return pickled
    if head.startswith(_FASTTEXT):
        return ("is a fastText model, not a w2vstudio model: explore its vectors in the studio or with "
                "`w2vstudio neighbours`; to train, start a new model from a corpus")
    if head.startswith(b"\x93NUMPY"):
        return "is a single NumPy array (.npy), not a w2vstudio model"
    try:
        kind = vectors_kind(head)
    except NotVectors:
        kind = None
    if kind is None:
        compression = sniff_compression(head)
        return f"is {compression}-compressed data, not a w2vstudio model" if compression else "is not a w2vstudio model"
    return (f"holds word vectors ({kind}), not a w2vstudio model: explore them in the studio or with "
            "`w2vstudio neighbours`; to train, start a new model from a corpus")

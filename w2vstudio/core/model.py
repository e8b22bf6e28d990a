"""A word2vec model: vocabulary, weights, hyperparameters and loss history; own file format.

The file is a ``.npz`` archive read with ``allow_pickle=False``: JSON metadata and the word list
are stored as UTF-8 bytes, everything else as plain numeric arrays (docs/architecture.md).
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from w2vstudio.core.errors import FormatError
from w2vstudio.core.params import TrainParams  # noqa: F401  (re-exported: defined in params.py)
from w2vstudio.core.vocab import Vocabulary

FORMAT = "w2vstudio-model"
VERSION = 1
_EXTRA = "extra_"


@dataclass
class Model:
    """Vocabulary and weights; ``vectors`` are the input (word) vectors users explore."""

    vocab: Vocabulary
    params: TrainParams
    vectors: np.ndarray
    syn1neg: np.ndarray
    syn1: np.ndarray
    epoch_losses: list[float] = field(default_factory=list)
    loss_history: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))  # words, alpha, loss
    epochs_trained: int = 0
    raw_words: int = 0
    extras: dict = field(default_factory=dict)  # more named arrays saved with the model
    info: dict = field(default_factory=dict)  # more JSON-able metadata saved with the model

    @classmethod
    def create(cls, vocab: Vocabulary, params: TrainParams) -> Model:
        """A fresh model: small random input vectors, zero output weights."""
        model = cls(vocab, params, np.zeros((0, params.dim), np.float32),
                    np.zeros((0, params.dim), np.float32), np.zeros((0, params.dim), np.float32))
        model.grow(vocab)
        return model

    @property
    def dim(self) -> int:
        return self.vectors.shape[1]

    def grow(self, vocab: Vocabulary):
        """Adopt a vocabulary that extends the current one; new words get fresh vectors."""
        old, new = len(self.vectors), len(vocab)
        rng = np.random.default_rng([self.params.seed, old])
        fresh = (rng.random((new - old, self.dim), dtype=np.float32) - 0.5) / self.dim
        self.vectors = np.ascontiguousarray(np.concatenate([self.vectors, fresh]))
        rows = new if self.params.negative > 0 else 0
        self.syn1neg = _zero_extend(self.syn1neg, rows)
        self.syn1 = _zero_extend(self.syn1, max(new - 1, 0) if self.params.hs else 0)
        self.vocab = vocab

    def keyed_vectors(self):
        """The input vectors as a KeyedVectors object (sharing memory)."""
        from w2vstudio.core.vectors import KeyedVectors

        return KeyedVectors(self.vocab.words, self.vectors, self.vocab.counts)

    def meta(self) -> dict:
        return {
            "format": FORMAT,
            "version": VERSION,
            "params": asdict(self.params),
            "epoch_losses": list(self.epoch_losses),
            "epochs_trained": self.epochs_trained,
            "raw_words": self.raw_words,
            "vocab_size": len(self.vocab),
            "dim": self.dim,
            "info": self.info,
        }

    def save(self, path) -> None:
        """Write the model atomically: a failed save never damages an existing file."""
        path = Path(path)
        arrays = {
            "meta": _utf8(json.dumps(self.meta())),
            "words": _utf8("\n".join(self.vocab.words)),
            "counts": self.vocab.counts,
            "vectors": self.vectors,
            "syn1neg": self.syn1neg,
            "syn1": self.syn1,
            "loss_history": self.loss_history,
        }
        arrays.update({_EXTRA + k: v for k, v in self.extras.items()})
        write_npz_atomic(path, arrays)

    @classmethod
    def load(cls, path) -> Model:
        """Read a model written by ``save``."""
        arrays, meta = read_npz_model(path)
        try:
            words = _read_words(arrays)
            vocab = Vocabulary(words, arrays["counts"])
            params = TrainParams.from_dict(meta.get("params", {}))
            vectors = np.ascontiguousarray(arrays["vectors"], dtype=np.float32)
            dim = vectors.shape[1]
            model = cls(vocab, params, vectors, _weights(arrays, "syn1neg", dim), _weights(arrays, "syn1", dim),
                        [float(x) for x in meta.get("epoch_losses", [])],
                        np.asarray(arrays.get("loss_history", np.zeros((0, 3))), dtype=np.float64),
                        int(meta.get("epochs_trained", 0)), int(meta.get("raw_words", 0)),
                        {k[len(_EXTRA):]: v for k, v in arrays.items() if k.startswith(_EXTRA)},
                        dict(meta.get("info", {})))
        except (KeyError, ValueError, IndexError, TypeError) as exc:
            raise FormatError(f"{path} is not a valid w2vstudio model ({exc})") from None
        if len(vectors) != len(vocab):
            raise FormatError(f"{path} is damaged: {len(vocab)} words but {len(vectors)} vectors")
        if model.loss_history.ndim != 2 or model.loss_history.shape[1] != 3:
            raise FormatError(f"{path} is damaged: its loss history has shape {model.loss_history.shape}, "
                              "not (batches, 3)")
        return model


def read_npz_model(path) -> tuple[dict, dict]:
    """All arrays of a w2vstudio model file and its metadata, checked for the format tag."""
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
    except OSError as exc:
        raise FormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError, EOFError) as exc:
        raise FormatError(f"{path} is not a w2vstudio model ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise FormatError(f"{path} is not a w2vstudio model")
    return arrays, meta


def write_npz_atomic(path: Path, arrays: dict) -> None:
    """np.savez into a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _utf8(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _read_words(arrays: dict) -> list[str]:
    text = bytes(arrays["words"]).decode("utf-8")
    return text.split("\n") if text else []


def _weights(arrays: dict, key: str, dim: int) -> np.ndarray:
    if key not in arrays:
        return np.zeros((0, dim), np.float32)
    return np.ascontiguousarray(arrays[key], dtype=np.float32)


def _zero_extend(weights: np.ndarray, rows: int) -> np.ndarray:
    if rows <= len(weights):
        return weights[:rows]
    pad = np.zeros((rows - len(weights), weights.shape[1]), np.float32)
    return np.ascontiguousarray(np.concatenate([weights, pad]))

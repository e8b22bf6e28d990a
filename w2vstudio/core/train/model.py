"""A word2vec model: vocabulary, weights, hyperparameters and loss history.

Its file format (a ``.npz`` read without pickle, every array checked) is in `modelfile`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from w2vstudio.core.train import modelfile
from w2vstudio.core.errors import FormatError
from w2vstudio.core.train.modelfile import FORMAT, VERSION  # noqa: F401  (the format's tag and version)
from w2vstudio.core.params import TrainParams  # noqa: F401  (re-exported: defined in params.py)
from w2vstudio.core.vocab import Vocabulary
from w2vstudio.core.corpus.phrases import PhraseTable

PHRASES = "phrases"  # model.extras (the table) and model.info (its options)
CORPUS = "corpus"  # model.info: absolute paths of the files the model was trained on
EPOCH_WORDS = "epoch_words"  # model.info: corpus words per epoch, the loss plot's and the snapshots' unit


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
    syn1soft: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.float32))  # full-softmax C

    @classmethod
    def create(cls, vocab: Vocabulary, params: TrainParams) -> Model:
        """A fresh model: input vectors uniform in [-1/dim, 1/dim) (gensim 4's start), zero output weights."""
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
        vectors = np.empty((max(new, old), self.dim), np.float32)
        vectors[:old] = self.vectors
        for start in range(old, new, _ROWS):  # in place, a block at a time: no copies of millions of rows
            block = vectors[start:start + _ROWS]
            rng.random(out=block, dtype=np.float32)
            block *= 2
            block -= 1
            block /= self.dim
        self.vectors = vectors
        rows = new if self.params.negative > 0 else 0
        self.syn1neg = _zero_extend(self.syn1neg, rows)
        self.syn1 = _zero_extend(self.syn1, max(new - 1, 0) if self.params.hs else 0)
        self.syn1soft = _zero_extend(self.syn1soft.reshape(-1, self.dim), new if self.params.softmax else 0)
        self.vocab = vocab

    @property
    def phrases(self):
        """The phrase table the corpus was joined with (`corpus.phrases.PhraseTable`), or None."""
        if PHRASES not in self.extras or not isinstance(self.info.get(PHRASES), dict):
            return None
        cached = getattr(self, "_phrase_table", None)
        if cached is None or cached[0] is not self.extras[PHRASES]:
            cached = (self.extras[PHRASES], PhraseTable.from_array(self.extras[PHRASES], self.info[PHRASES]))
            self._phrase_table = cached
        return cached[1]

    def set_phrases(self, table) -> None:
        """Keep the phrase table with the model (saved in its file: `extra_phrases` and `info["phrases"]`)."""
        self.extras[PHRASES] = table.to_array()
        self.info[PHRASES] = {**table.options.to_dict(), "count": len(table)}

    def keyed_vectors(self):
        """The input vectors as a KeyedVectors object (sharing memory)."""
        from w2vstudio.core.vectors import KeyedVectors

        return KeyedVectors(self.vocab.words, self.vectors, self.vocab.counts, index=self.vocab.index)

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

    def check(self) -> None:
        """Raise ValueError unless the arrays agree with each other and with the parameters, as
        the kernels need them to: call it before handing a model built by hand to a trainer."""
        size, dim = len(self.vocab), self.params.dim
        expected = {
            "vectors": (size, dim),
            "syn1neg": (size if self.params.negative > 0 else 0, dim),
            "syn1": (max(size - 1, 0) if self.params.hs else 0, dim),
            "syn1soft": (size if self.params.softmax else 0, dim),
        }
        for name, shape in expected.items():
            array = getattr(self, name)
            fits = array.shape == shape or (array.ndim == 2 and not shape[0] and not len(array))  # unused
            if array.dtype != np.float32 or not fits or not array.flags.c_contiguous:
                raise ValueError(f"{name} is {array.dtype} {array.shape}, not C-contiguous float32 {shape}")
        if self.vocab.counts.shape != (size,):
            raise ValueError(f"{size} words but {len(self.vocab.counts)} counts")

    def save(self, path) -> None:
        """Write the model atomically: a failed save never damages an existing file."""
        arrays = {"counts": self.vocab.counts, "vectors": self.vectors, "syn1neg": self.syn1neg,
                  "syn1": self.syn1, "syn1soft": self.syn1soft, "loss_history": self.loss_history}
        arrays.update({modelfile.EXTRA + k: v for k, v in self.extras.items()})
        modelfile.write(path, self.meta(), self.vocab.words, arrays)

    @classmethod
    def load(cls, path) -> Model:
        """Read a model file, every array checked before anything uses it (FormatError if not)."""
        model = cls(**modelfile.read(path))
        try:
            model.check()
        except ValueError as exc:
            raise FormatError(f"{path} is damaged: {exc}") from None
        try:
            model.phrases
        except FormatError as exc:
            raise FormatError(f"{path}: {exc}") from None
        return model


_ROWS = 1 << 16  # rows of fresh vectors drawn at a time


def _zero_extend(weights: np.ndarray, rows: int) -> np.ndarray:
    if rows <= len(weights):
        return weights[:rows]
    out = np.zeros((rows, weights.shape[1]), np.float32)  # pages of zeros, mapped as training first writes them
    out[:len(weights)] = weights
    return out


def epoch_words(model: Model) -> float | None:
    """Corpus words per epoch of the model's training, if known (a model trained less than one
    epoch: the words it was trained on)."""
    stored = model.info.get(EPOCH_WORDS)
    if isinstance(stored, (int, float)) and not isinstance(stored, bool) and stored > 0:
        return float(stored)
    history = model.loss_history
    if len(history) and history[-1, 0] > 0:
        return float(history[-1, 0]) / max(model.epochs_trained, 1)
    return None


def corpus_paths(model: Model) -> list[str]:
    """The corpus files the model was trained on (`info["corpus"]`), the entries that are paths only."""
    stored = model.info.get(CORPUS)
    return [p for p in stored if isinstance(p, str)] if isinstance(stored, list) else []

"""What a training run will take, told before it starts: the memory of its encoded corpus (4 bytes a
kept token) and of its model's weights (`params.memory_needed`) against the memory available, and
its time for the chosen epochs at a words-per-second figure (the speed measured on this machine so
far, else `DEFAULT_SPEED`). It is an estimate, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from w2vstudio.core.params import TrainParams, memory_needed
from w2vstudio.core.support.memory import available_memory, size_text

# Raw corpus words per second of w2vstudio on two threads at dim 100 with 5 negatives, measured on
# the project's 2-core machine (docs/benchmarks.md, "Speed": skip-gram 1.64-1.67 M, CBOW 3.26-3.35 M).
DEFAULT_SPEED = {"skip-gram": 1_600_000, "CBOW": 3_300_000}
TOKEN_BYTES = 4  # an encoded token is an int32 id


def kept_vocabulary(counts: np.ndarray, min_count: int, max_vocab: int = 0) -> tuple[int, int]:
    """(words, tokens) the vocabulary keeps of words with these `counts`: those seen at least
    `min_count` times, the `max_vocab` most frequent of them when given (as `Vocabulary.from_counts`)."""
    kept = np.asarray(counts, dtype=np.int64)
    kept = kept[kept >= min_count]
    if max_vocab and len(kept) > max_vocab:
        kept = np.partition(kept, len(kept) - max_vocab)[len(kept) - max_vocab:]
    return len(kept), int(kept.sum())


@dataclass(frozen=True)
class RunEstimate:
    """A run's memory and time, estimated; `speed` in raw corpus words per second, `measured`
    whether it was this machine's speed so far (else `DEFAULT_SPEED`)."""

    params: TrainParams
    vocab_size: int
    kept_words: int  # tokens per epoch after min-count and max-vocab
    raw_words: int
    token_bytes: int
    weight_bytes: int
    available: int | None  # bytes of memory available (psutil), None if unknown
    speed: float
    measured: bool

    @property
    def total_bytes(self) -> int:
        return self.token_bytes + self.weight_bytes

    @property
    def fits(self) -> bool:
        """Whether the corpus and the weights fit in the memory available (unknown: yes)."""
        return self.available is None or self.total_bytes <= self.available

    @property
    def seconds(self) -> float:
        """The chosen epochs' time: the trainer counts raw words per second."""
        return self.params.epochs * self.raw_words / self.speed

    def text(self) -> str:
        """One paragraph for the user."""
        p = self.params
        free = "unknown memory" if self.available is None else f"{size_text(self.available)} available"
        speed = "this computer's speed so far" if self.measured else "a typical speed, not yet measured here"
        epochs = f"{p.epochs:,} epoch{'' if p.epochs == 1 else 's'}"
        text = (f"Estimate: {self.vocab_size:,} words kept, {self.kept_words:,} tokens per epoch. Memory: "
                f"{size_text(self.token_bytes)} for the encoded corpus + {size_text(self.weight_bytes)} for the "
                f"weights = {size_text(self.total_bytes)} ({free}). Time: {epochs} ≈ {_duration(self.seconds)} at "
                f"{self.speed:,.0f} words/s ({speed}).")
        if not self.fits:
            cap = f"Max vocab (now {p.max_vocab:,})" if p.max_vocab else "a Max vocab"
            text += (f" This is more than the memory available: raise Min count (now {p.min_count:,}) or set "
                     f"{cap} (--min-count / --max-vocab), or lower the dimensions (now {p.dim:,}).")
        return text


def estimate_run(params: TrainParams, counts: np.ndarray, raw_words: int, speed: float | None = None,
                 available: int | None = -1) -> RunEstimate:
    """The estimate of a new model trained with `params` on a corpus of `raw_words` words whose
    distinct words have `counts` (a scan's); `speed`: raw words per second measured on this
    machine (None: `DEFAULT_SPEED` of the architecture); `available`: bytes (default: psutil's)."""
    words, tokens = kept_vocabulary(counts, params.min_count, params.max_vocab)
    return estimate_kept(params, words, tokens, raw_words, speed, available)


def estimate_kept(params: TrainParams, words: int, tokens: int, raw_words: int, speed: float | None = None,
                  available: int | None = -1) -> RunEstimate:
    """`estimate_run` of a vocabulary already kept: `words` distinct words, `tokens` per epoch (an
    encoded corpus's, as a cache entry tells them)."""
    measured = speed is not None and speed > 0
    if not measured:
        speed = DEFAULT_SPEED["skip-gram" if params.sg else "CBOW"]
    return RunEstimate(params, words, tokens, int(raw_words), TOKEN_BYTES * tokens, memory_needed(params, words),
                       available_memory() if available == -1 else available, float(speed), measured)


def _duration(seconds: float) -> str:
    """"45 s", "12 min", "3.2 h"."""
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"

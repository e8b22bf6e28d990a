"""Tokenising on two cores: two tokenizers sharing one `Lexicon` split two blocks at once (one on
the calling thread, one on a worker; the Numba kernel releases the GIL), then name their new
strings in the order of the blocks, so that word ids and counts are those of one tokenizer reading
every block in turn."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Self

import numpy as np

from w2vstudio.core.corpus.files import Lexicon, Tokenizer
from w2vstudio.core.support.prefetch import block_stop_signals


class PairTokenizer:
    """Word ids (-1 at line ends) of up to two consecutive blocks at a time; a context manager
    (leaving it stops the worker thread)."""

    def __init__(self, lowercase: bool = True):
        self.lexicon = Lexicon()
        self.tokenizers = (Tokenizer(lowercase, self.lexicon), Tokenizer(lowercase, self.lexicon))
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="w2vstudio-tokenize", initializer=block_stop_signals)

    @property
    def words(self) -> list[str]:
        return self.lexicon.words

    def __call__(self, blocks: list[bytes]) -> list[np.ndarray]:
        """The word ids of each block (one or two, in the order of the text)."""
        first, second = self.tokenizers
        later = self._worker.submit(second.split, blocks[1]) if len(blocks) > 1 else None
        split = [first.split(blocks[0])]
        if later is not None:
            split.append(later.result())
        return [tokenizer.word_ids(ids) for tokenizer, ids in zip(self.tokenizers, split)]

    def counts(self) -> np.ndarray:
        """Occurrences of each word so far."""
        return sum(tokenizer.counts() for tokenizer in self.tokenizers)

    def memory(self) -> int:
        """Bytes the distinct words take, about (both tokenizers' strings and the words)."""
        return sum(tokenizer.strings_memory() for tokenizer in self.tokenizers) + self.lexicon.memory()

    def keep(self, kept: np.ndarray) -> None:
        """Forget every word but `kept` (word ids, ascending), which become words 0, 1, ..."""
        remap = self.lexicon.keep(kept)
        for tokenizer in self.tokenizers:
            tokenizer.keep_strings(remap)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self._worker.shutdown(wait=True)

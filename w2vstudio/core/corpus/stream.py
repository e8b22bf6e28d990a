"""The corpus streamed as blocks of word ids in a caller's numbering, with the blocks' text.

Files are read as `kwic` reads them (`corpus.find_files`, `corpus.iter_blocks`) and tokenised
by the corpus tokenizer; each block's words become ids of a `lookup` (word -> id), `UNKNOWN`
for words not in it and `LINE_END` at each line end, so a block's line `k` (0-based) is the
text between its `k`-th and `k + 1`-th newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.corpus import files as corpus
from w2vstudio.core.corpus.kwic import word_pattern
from w2vstudio.core.support.task import Task

LINE_END = -1
UNKNOWN = -2
STRETCHES = 64  # a corpus over a lens's budget is read in this many stretches
LENS_BUDGET = 1 << 27  # bytes a lens reads at most: 134 MB, about 22 M words (wiki17m whole)
_COUNTER = corpus.ReplacementCounter()


@dataclass(frozen=True)
class Block:
    """Whole lines of one file: their text and their word ids."""

    text: str
    ids: np.ndarray  # int64: lookup ids, UNKNOWN, LINE_END

    def lines(self) -> list[str]:
        return self.text.split("\n")


@dataclass
class Reading:
    """How much of the corpus `blocks` read: bytes of text, of the corpus's bytes on disk, and
    whether it was all of it (else `STRETCHES` evenly spread stretches: see `blocks`)."""

    read: int = 0
    total: int = 0
    whole: bool = True

    def to_dict(self) -> dict:
        return {"bytes_read": self.read, "bytes": self.total, "whole": self.whole}

    def note(self) -> str:
        """"" for the whole corpus, else how much was read and how (to follow a count)."""
        if self.whole:
            return ""
        return (f" in {self.read / 1e6:,.0f} MB of the corpus's {self.total / 1e6:,.0f} MB "
                f"({STRETCHES} stretches spread evenly through it)")


def blocks(paths, lookup: dict[str, int], lowercase: bool = True, task: Task | None = None, phrases=None,
           budget: int | None = None, reading: Reading | None = None) -> Iterator[Block]:
    """Every block of the corpus files (folders searched recursively), in order; `task` hears the
    share read so far after each block, and a cancel raises `Cancelled`. With a phrase table
    (`model.phrases`), each line's words are joined by `join_phrases` as training saw them.

    `budget`: read at most about this many bytes (a lens on a billion words then costs what it
    does on wiki17m): a corpus larger than that is read in `STRETCHES` stretches of whole lines
    spread evenly through its bytes (a compressed file: its first part, its share of the budget).
    `reading`, when given, is filled in with how much was read."""
    task = task or Task.none()
    stats = corpus.find_files(paths)
    total = sum(s.bytes for s in stats)
    reading = reading if reading is not None else Reading()
    reading.total, reading.read, reading.whole = total, 0, budget is None or total <= budget
    plans = _stretches([s.bytes for s in stats], budget) if not reading.whole else [None] * len(stats)
    goal = total if reading.whole else budget
    for stat, plan in zip(stats, plans):
        if plan is not None and not plan:  # no stretch falls in this file
            continue
        tokenizer = corpus.Tokenizer(lowercase)
        ours = np.zeros(0, np.int64)  # tokenizer's word id -> lookup id
        before = reading.read
        parts = corpus.iter_blocks(stat.path, _COUNTER) if plan is None else \
            corpus.iter_stretches(stat.path, _COUNTER, plan)
        for data, done in parts:
            task.check("corpus reading cancelled")
            reading.read = before + done
            task.progress(reading.read / goal if goal else 1.0)
            local = tokenizer(data)
            if phrases is not None and len(phrases):
                local = _joined(local, tokenizer, phrases)
            if len(tokenizer.words) > len(ours):
                new = [lookup.get(w, UNKNOWN) for w in tokenizer.words[len(ours):]]
                ours = np.concatenate([ours, np.array(new, np.int64)])
            ids = np.full(len(local), LINE_END, np.int64)
            words = local >= 0
            ids[words] = ours[local[words]]
            yield Block(data.decode("utf-8"), ids)


def _stretches(sizes: list[int], budget: int) -> list[list[tuple[int, int]]]:
    """Per file of `sizes` bytes, the (start, length) of its part of `STRETCHES` stretches of
    `budget` bytes in all, centred evenly through the files' bytes end to end."""
    total, length = sum(sizes), max(1, budget // STRETCHES)
    centres = (np.arange(STRETCHES) + 0.5) * total / STRETCHES
    plans, first = [], 0
    for size in sizes:
        mine = centres[(centres >= first) & (centres < first + size)] - first
        plans.append([(max(0, int(c - length / 2)), length) for c in mine.tolist()])
        first += size
    return plans


def _joined(local: np.ndarray, tokenizer, phrases) -> np.ndarray:
    """A block's tokenizer ids with each line's phrases joined (new tokens added to the tokenizer's words)."""
    words, out = tokenizer.words, []
    index = tokenizer.__dict__.setdefault("phrase_index", {})
    for i in range(len(index), len(words)):  # the index and the words grow together
        index[words[i]] = i
    ends = np.flatnonzero(local < 0)
    start = 0
    for stop in [*ends.tolist(), len(local)]:
        line = [words[i] for i in local[start:stop].tolist()]
        for token in phrases.join_phrases(line):
            i = index.get(token)
            if i is None:
                i = index[token] = len(words)
                words.append(token)
            out.append(i)
        if stop < len(local):
            out.append(-1)
        start = stop + 1
    return np.array(out, np.int32)


def line_numbers(ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The 0-based line of each (word) position of `ids`."""
    return np.cumsum(ids == LINE_END)[positions]


def line_starts(ids: np.ndarray) -> np.ndarray:
    """For every position of `ids`, the first position of its line."""
    return np.maximum.accumulate(np.where(ids == LINE_END, np.arange(len(ids)) + 1, 0))


def window_bounds(ids: np.ndarray, positions: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """For each word position, the slice [lo, hi) of `ids` within `window` words on its line."""
    is_end = ids == LINE_END
    end = np.minimum.accumulate(np.where(is_end, np.arange(len(ids)), len(ids))[::-1])[::-1]  # its line end
    lo = np.maximum(positions - window, line_starts(ids)[positions])
    hi = np.minimum(positions + window + 1, end[positions])
    return lo, hi


def nth_on_line(ids: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """For each word position, how many times its word occurs before it on its line."""
    starts = line_starts(ids)
    return np.array([np.count_nonzero(ids[starts[p]:p] == ids[p]) for p in positions.tolist()], np.int64)


def around(line: str, word: str, nth: int, width: int = 60, lowercase: bool = True) -> str:
    """Up to `width` characters each side of the `nth` (0-based) occurrence of `word` in `line`
    (the last one found if fewer), as plain text."""
    found = None
    for k, m in enumerate(word_pattern(word, lowercase).finditer(line)):
        found = m
        if k == nth:
            break
    if found is None:
        return line[: 2 * width].strip()
    start, end = max(0, found.start() - width), found.end() + width
    left, right = line[start:found.start()], line[found.end():end]
    if start > 0 and " " in left:  # whole words only where the text is cut
        left = left[left.index(" ") + 1:]
    if end < len(line) and " " in right:
        right = right[:right.rindex(" ")]
    return re.sub(r"\s+", " ", left + found.group() + right).strip()

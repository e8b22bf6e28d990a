"""Corpus link: a word's count and rank, and lines of the corpus where it occurs (keyword in context).

The corpus is streamed block by block (`corpus.iter_blocks`) and the search stops after the
lines asked for, so a large corpus is never held whole; a block without the word is skipped by a
plain substring test before any pattern matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from w2vstudio.core.corpus import files as corpus
from w2vstudio.core.support.task import Task
from w2vstudio.core.vectors import KeyedVectors

_LETTER = r"[^\W_]"  # a word character of the corpus tokenizer
_JOINER = "['\u2019\\-]"  # joins two runs of letters into one word (as in "rock-n-roll")
_COUNTER = corpus.ReplacementCounter()  # one codecs error handler for all searches


@dataclass(frozen=True)
class ContextLine:
    """One occurrence: `left` and `right` are up to `width` characters of its line each side."""

    path: Path
    line: int  # 1-based line number in the (decompressed) file
    left: str
    word: str  # as written in the corpus
    right: str


def word_frequency(kv: KeyedVectors, word: str) -> tuple[int | None, int]:
    """(corpus count or None if unknown, 1-based frequency rank) of a vocabulary word."""
    return kv.count(word), kv.index(word) + 1


def word_pattern(word: str, lowercase: bool) -> re.Pattern:
    """`word` as a whole token: not inside a longer run of letters or a joined word. A phrase token
    (new_york) matches its words with anything but letters between them ("New York", "new-york")."""
    w = r"[\W_]+".join(re.escape(part) for part in word.split("_")) if "_" in word.strip("_") else re.escape(word)
    return re.compile(rf"(?<!{_LETTER})(?<!{_LETTER}{_JOINER}){w}(?!{_JOINER}?{_LETTER})",
                      re.IGNORECASE if lowercase else 0)


def keyword_in_context(paths, word: str, n: int = 10, width: int = 60, lowercase: bool = True,
                       task: Task | None = None) -> list[ContextLine]:
    """The first `n` occurrences of `word` in the corpus files (folders searched recursively, files
    in them that are not text passed over); with `lowercase` (as the corpus was trained) any case
    matches. A cancelled `task` raises `Cancelled`."""
    task = task or Task.none()
    pattern = word_pattern(word, lowercase)
    needle = word.split("_")[0] or word
    needle = needle.lower() if lowercase else needle
    found: list[ContextLine] = []
    if n < 1:
        return found
    for stat in corpus.find_files(paths):
        line_no = 1  # of the block's first line
        for data, _ in corpus.iter_blocks(stat.path, _COUNTER, [] if stat.in_folder else None):
            task.check("corpus search cancelled")
            text = data.decode("utf-8")
            if needle in (text.lower() if lowercase else text):
                for m in pattern.finditer(text):
                    start = text.rfind("\n", 0, m.start()) + 1
                    end = text.find("\n", m.end())
                    end = len(text) if end < 0 else end
                    found.append(ContextLine(stat.path, line_no + text.count("\n", 0, m.start()),
                                             text[max(start, m.start() - width):m.start()].lstrip(), m.group(),
                                             text[m.end():min(end, m.end() + width)].rstrip()))
                    if len(found) == n:
                        return found
            line_no += text.count("\n")
    return found

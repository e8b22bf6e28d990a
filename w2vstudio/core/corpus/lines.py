"""A random line of a corpus, for the sentence box: one of the first lines of a file picked at random."""

from __future__ import annotations

import random

from w2vstudio.core.corpus import files as corpus
from w2vstudio.core.errors import CorpusError
from w2vstudio.core.support.opener import open_input
from w2vstudio.core.support.task import Task

LINES_LOOKED_AT = 20_000  # per file: the pick stays quick on a corpus of gigabytes
MIN_WORDS, MAX_WORDS = 5, 60
LONGEST_LINE = 1 << 16  # bytes: a longer line is passed over a piece at a time


def random_line(paths, seed: int | None = None, task: Task | None = None) -> str:
    """A line of MIN_WORDS to MAX_WORDS words from one of the first LINES_LOOKED_AT lines of a corpus
    file (folders searched recursively); CorpusError if none has such a line."""
    task = task or Task.none()
    rng = random.Random(seed)
    files = [f.path for f in corpus.find_files(paths)]
    rng.shuffle(files)
    for path in files:
        candidates = []
        with open_input(path, CorpusError) as f:
            whole = True  # whether the piece read before ended its line
            for _ in range(LINES_LOOKED_AT):
                task.check("looking for a line was cancelled")
                raw = f.readline(LONGEST_LINE)
                if not raw:
                    break
                starts, whole = whole, raw.endswith(b"\n") or len(raw) < LONGEST_LINE
                if not (starts and whole):
                    continue  # a piece of a line too long to be shown: never read whole
                line = raw.decode("utf-8", errors="replace").strip()
                if MIN_WORDS <= len(corpus.words(line)) <= MAX_WORDS:
                    candidates.append(line)
        if candidates:
            return rng.choice(candidates)
    raise CorpusError(f"no line of {MIN_WORDS} to {MAX_WORDS} words in the corpus")

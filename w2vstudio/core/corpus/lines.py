"""A random line of a corpus, for the sentence box: one of the first lines of a file picked at random."""

from __future__ import annotations

import random

from w2vstudio.core.corpus import files as corpus
from w2vstudio.core.errors import CorpusError
from w2vstudio.core.support.opener import open_input
from w2vstudio.core.support.task import Task

LINES_LOOKED_AT = 20_000  # per file: the pick stays quick on a corpus of gigabytes
MIN_WORDS, MAX_WORDS = 5, 60


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
            for k, raw in enumerate(f):
                if k == LINES_LOOKED_AT:
                    break
                task.check("looking for a line was cancelled")
                line = raw.decode("utf-8", errors="replace").strip()
                if MIN_WORDS <= len(corpus.words(line)) <= MAX_WORDS:
                    candidates.append(line)
        if candidates:
            return rng.choice(candidates)
    raise CorpusError(f"no line of {MIN_WORDS} to {MAX_WORDS} words in the corpus")

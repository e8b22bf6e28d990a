"""Analogy and word-pair evaluation, with gensim's rules and numbers, batched as matrix products.

Rules (as gensim 4's `evaluate_word_analogies` / `evaluate_word_pairs`): only the first
`restrict_vocab` words in vocabulary order count; with `case_insensitive` both sides are upper-cased
and of several case variants the first (most frequent) one is used; questions or pairs with a word
outside that vocabulary are skipped; lines that are not 4 words (analogies) or two words and a
number (pairs) are ignored. An analogy's answer is the best word other than the three inputs
(nor, among gensim's five best, a case variant of one).
The first five sections of an analogy file are semantic, the others syntactic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from w2vstudio.core.errors import FormatError
from w2vstudio.core.vectors import KeyedVectors, top_k
from w2vstudio.resources import ANALOGIES, WORDSIM
from w2vstudio.resources import path as resource_path

SEMANTIC_SECTIONS = 5  # leading sections of questions-words.txt that are semantic
_CANDIDATES = 5  # answers gensim looks through to skip case variants of the inputs
_BUDGET = 1 << 24  # float32 scores held at once (64 MiB)


@dataclass(frozen=True)
class SectionScore:
    """Correct answers out of the questions asked."""

    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def __add__(self, other: SectionScore) -> SectionScore:
        return SectionScore(self.correct + other.correct, self.total + other.total)

    def to_dict(self) -> dict:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


@dataclass(frozen=True)
class AnalogyScore:
    """Accuracy on an analogy file: overall, per section and semantic / syntactic.

    `total` counts the questions asked, `skipped` those with a word out of the vocabulary."""

    correct: int
    total: int
    skipped: int
    sections: dict[str, SectionScore]
    semantic: SectionScore
    syntactic: SectionScore

    @property
    def accuracy(self) -> float:
        return SectionScore(self.correct, self.total).accuracy

    def to_dict(self) -> dict:
        return {
            "accuracy": self.accuracy,
            "correct": self.correct,
            "total": self.total,
            "skipped": self.skipped,
            "semantic": self.semantic.to_dict(),
            "syntactic": self.syntactic.to_dict(),
            "sections": {name: s.to_dict() for name, s in self.sections.items()},
        }


@dataclass(frozen=True)
class PairScore:
    """Correlation of model cosines with human judgements (NaN with fewer than two pairs).

    `oov_ratio` is the share (0..1) of pairs skipped for a word out of the vocabulary."""

    spearman: float
    pearson: float
    oov_ratio: float
    used: int
    oov: int

    def to_dict(self) -> dict:
        def num(x: float) -> float | None:
            return None if np.isnan(x) else x

        return {
            "spearman": num(self.spearman),
            "pearson": num(self.pearson),
            "oov_ratio": self.oov_ratio,
            "pairs": self.used,
            "oov": self.oov,
        }


def _text_lines(path: str | Path):
    """(line number, text) for each line of a UTF-8 file; bad UTF-8 is a FormatError."""
    with open(path, "rb") as f:
        for no, raw in enumerate(f, 1):
            try:
                yield no, raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FormatError(f"{path}, line {no}: not valid UTF-8") from None


def _setup(
    kv: KeyedVectors, path, bundled: str, restrict_vocab: int | None, case_insensitive: bool
):
    """The file (default: a bundled set), the case folding, and folded word -> row over the first
    `restrict_vocab` words, where of several case variants the first wins."""
    fold = str.upper if case_insensitive else str
    vocab: dict[str, int] = {}
    for i, w in enumerate(kv.words[:restrict_vocab]):
        vocab.setdefault(fold(w), i)
    return resource_path(bundled) if path is None else path, fold, vocab


def read_analogies(path: str | Path) -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """Sections of a `questions-words.txt`-style file: ((name, ((a, b, c, d), ...)), ...).

    Parsed once per file version (path, modification time, size): evaluating after every epoch
    does not parse the file again."""
    stat = os.stat(path)
    return _read_analogies(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_analogies(path: str, _mtime_ns: int, _size: int):
    sections: list[tuple[str, list]] = []
    for no, line in _text_lines(path):
        if line.startswith(": "):
            sections.append((line.lstrip(": ").strip(), []))
            continue
        words = line.split()
        if not words:
            continue
        if not sections:
            raise FormatError(f'{path}, line {no}: expected a section header (": name") first')
        if len(words) == 4:
            sections[-1][1].append(tuple(words))
    if not any(questions for _, questions in sections):
        raise FormatError(f"{path}: no analogy questions (lines of four words) found")
    return tuple((name, tuple(questions)) for name, questions in sections)


def evaluate_analogies(
    kv: KeyedVectors,
    path: str | Path | None = None,
    restrict_vocab: int | None = 30_000,
    case_insensitive: bool = True,
) -> AnalogyScore:
    """Accuracy of 3CosAdd on an analogy file (default: the bundled questions-words.txt)."""
    path, fold, vocab = _setup(kv, path, ANALOGIES, restrict_vocab, case_insensitive)
    asked, names, skipped = [], [], 0
    for name, questions in read_analogies(path):
        names.append(name)
        for q in questions:
            q = tuple(fold(w) for w in q)
            if all(w in vocab for w in q):
                asked.append((len(names) - 1, q))
            else:
                skipped += 1
    hits = _solve(kv, vocab, [q for _, q in asked], restrict_vocab, fold)
    sections = dict.fromkeys(names, SectionScore())
    for (s, _), hit in zip(asked, hits):
        sections[names[s]] += SectionScore(int(hit), 1)
    by_order = [sections[n] for n in dict.fromkeys(names)]
    return AnalogyScore(
        correct=int(sum(hits)),
        total=len(hits),
        skipped=skipped,
        sections=sections,
        semantic=sum(by_order[:SEMANTIC_SECTIONS], SectionScore()),
        syntactic=sum(by_order[SEMANTIC_SECTIONS:], SectionScore()),
    )


def _solve(kv, vocab, questions, restrict_vocab, fold) -> list[bool]:
    """Whether each (a, b, c, d) question is answered d, by 3CosAdd.

    cos(x, b - a + c) ranks like cos(x, b) - cos(x, a) + cos(x, c), so one matrix product of the
    distinct input words of a chunk of questions with the vocabulary serves all its questions."""
    if not questions:
        return []
    rows = np.array([[vocab[w] for w in q] for q in questions], dtype=np.int64)
    width = len(kv) if restrict_vocab is None else min(len(kv), restrict_vocab)
    step = max(1, _BUDGET // max(width, 1))
    hits = []
    for chunk in _chunks(rows[:, :3], max(3, step)):
        distinct, where = np.unique(rows[chunk, :3], return_inverse=True)
        sims = kv.cosines(kv.vectors[distinct], restrict_vocab)
        for s in range(0, len(chunk), step):
            w, inputs = where.reshape(-1, 3)[s : s + step], rows[chunk[s : s + step], :3]
            scores = sims[w[:, 1]] - sims[w[:, 0]] + sims[w[:, 2]]
            scores[np.arange(len(w))[:, None], inputs] = -np.inf
            for k, j in enumerate(scores.argmax(axis=1)):
                q = questions[chunk[s + k]]
                predicted = fold(kv.words[j])
                if predicted in q[:3]:  # a case variant of an input: gensim looks further
                    predicted = _first_other(
                        kv.words, top_k(scores[k : k + 1], _CANDIDATES)[0][0], q, fold
                    )
                hits.append(predicted == q[3])
    return hits


def _chunks(inputs: np.ndarray, max_words: int):
    """Consecutive runs of questions (row indices) with at most `max_words` distinct input words."""
    start, seen = 0, set()
    for i, row in enumerate(inputs.tolist()):
        seen.update(row)
        if len(seen) > max_words:
            yield np.arange(start, i)
            start, seen = i, set(row)
    yield np.arange(start, len(inputs))


def _first_other(words, candidates, question, fold) -> str | None:
    """gensim's answer: the first candidate not a case variant of an input (else the last)."""
    predicted = None
    for j in candidates:
        predicted = fold(words[j])
        if predicted not in question[:3]:
            break
    return predicted


def read_pairs(path: str | Path) -> list[tuple[str, str, float]]:
    """Word pairs with a score: tab-separated (or, without tabs, space-separated), `#` comments."""
    pairs = []
    for _, line in _text_lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in (line.split("\t") if "\t" in line else line.split())]
        try:
            a, b, score = fields
            pairs.append((a, b, float(score)))
        except ValueError:
            continue  # a header or otherwise invalid line, ignored as gensim does
    if not pairs:
        raise FormatError(f"{path}: no word pairs (two words and a number per line) found")
    return pairs


def evaluate_pairs(
    kv: KeyedVectors,
    path: str | Path | None = None,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
) -> PairScore:
    """Spearman and Pearson correlation on a word-pair file (default: the bundled WordSim-353)."""
    path, fold, vocab = _setup(kv, path, WORDSIM, restrict_vocab, case_insensitive)
    pairs = [(fold(a), fold(b), s) for a, b, s in read_pairs(path)]
    known = [(vocab[a], vocab[b], s) for a, b, s in pairs if a in vocab and b in vocab]
    oov = len(pairs) - len(known)
    rows = np.array([k[:2] for k in known], dtype=np.int64).reshape(-1, 2)
    unit = kv.vectors[rows] * kv.inv_norms[rows, None]
    model = np.einsum("ij,ij->i", unit[:, 0], unit[:, 1]).astype(np.float64)
    gold = np.array([k[2] for k in known], dtype=np.float64)
    return PairScore(
        spearman=_pearson(_ranks(gold), _ranks(model)),
        pearson=_pearson(gold, model),
        oov_ratio=oov / len(pairs),
        used=len(known),
        oov=oov,
    )


def _ranks(x: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their average rank."""
    order = np.argsort(x, kind="stable")
    sorted_x = x[order]
    starts = np.flatnonzero(np.r_[True, sorted_x[1:] != sorted_x[:-1]])
    ends = np.r_[starts[1:], len(x)]
    ranks = np.empty(len(x))
    ranks[order] = np.repeat((starts + ends + 1) / 2, ends - starts)
    return ranks


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation; NaN for fewer than two values or a constant side."""
    if len(x) < 2:
        return float("nan")
    x, y = x - x.mean(), y - y.mean()
    denom = np.sqrt((x @ x) * (y @ y))
    return float(np.clip((x @ y) / denom, -1, 1)) if denom > 0 else float("nan")

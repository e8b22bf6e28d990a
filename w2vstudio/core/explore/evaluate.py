"""Analogy and word-pair evaluation, with gensim's rules and numbers, batched as matrix products.

Rules (as gensim 4's `evaluate_word_analogies` / `evaluate_word_pairs`): only the first
`restrict_vocab` words in vocabulary order count; with `case_insensitive` both sides are upper-cased
and of several case variants the first (most frequent) one is used; questions or pairs with a word
outside that vocabulary are skipped; lines that are not 4 words (analogies) or two words and a
number (pairs) are ignored. An analogy's answer is the best word other than the three inputs
(nor, among gensim's five best, a case variant of one), never a word whose vector is zero.
Pairs whose score is NaN or infinite are skipped and counted (gensim would use them).
The first five sections of an analogy file are semantic, the others syntactic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from w2vstudio.core.errors import FormatError
from w2vstudio.core.kernels.scoring import analogy_scores
from w2vstudio.core.support.memory import check_available
from w2vstudio.core.support.opener import check_regular, open_input
from w2vstudio.core.vectors import KeyedVectors, top_k
from w2vstudio.resources import ANALOGIES, WORDSIM
from w2vstudio.resources import path as resource_path

SEMANTIC_SECTIONS = 5  # leading sections of questions-words.txt that are semantic
_CANDIDATES = 5  # answers gensim looks through to skip case variants of the inputs
_BUDGET = 1 << 24  # float32 cosines held at once (64 MiB)
_SCORED = 16  # questions scored at a time (a few MiB: the cache holds them for argmax)


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
    """Correlation of model cosines with human judgements (NaN with fewer than two pairs or a
    constant side).

    `oov_ratio` is the share (0..1) of the scored pairs skipped for a word out of the vocabulary;
    `unscored` counts the pairs skipped because their score is NaN or infinite."""

    spearman: float
    pearson: float
    oov_ratio: float
    used: int
    oov: int
    unscored: int = 0

    def to_dict(self) -> dict:
        def num(x: float) -> float | None:
            return None if np.isnan(x) else x

        return {
            "spearman": num(self.spearman),
            "pearson": num(self.pearson),
            "oov_ratio": self.oov_ratio,
            "pairs": self.used,
            "oov": self.oov,
            "unscored": self.unscored,
        }


def _text_lines(path: str | Path):
    """(line number, text) for each line of a text file (see `opener`); bad UTF-8 is a FormatError."""
    with open_input(path, FormatError) as f:
        for no, raw in enumerate(f, 1):
            try:
                yield no, raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FormatError(f"{path}, line {no}: not valid UTF-8") from None


def _version(path: str | Path) -> tuple[str, int, int]:
    """(path, modification time, size): parsed files are cached per version."""
    stat = check_regular(path, FormatError)
    return str(path), stat.st_mtime_ns, stat.st_size


def read_analogies(path: str | Path) -> tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...]:
    """Sections of a `questions-words.txt`-style file: ((name, ((a, b, c, d), ...)), ...).

    Parsed once per file version: evaluating after every epoch does not parse the file again."""
    return _read_analogies(*_version(path))


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


@dataclass(frozen=True)
class _Table:
    """Items of an evaluation file as ids into its distinct (case-folded) words."""

    words: tuple[str, ...]
    ids: np.ndarray  # (items, words per item)
    groups: tuple[str, ...] = ()  # analogies: distinct section names, in file order
    group: np.ndarray | None = None  # analogies: each question's index into `groups`
    gold: np.ndarray | None = None  # pairs: the human scores
    unscored: int = 0  # pairs: left out for a score that is NaN or infinite


def _ids(items, fold) -> tuple[tuple[str, ...], np.ndarray]:
    words: dict[str, int] = {}
    ids = [[words.setdefault(fold(w), len(words)) for w in item] for item in items]
    return tuple(words), np.array(ids, dtype=np.int64).reshape(len(ids), -1)


@lru_cache(maxsize=8)
def _analogy_table(path: str, mtime_ns: int, size: int, case_insensitive: bool) -> _Table:
    sections = _read_analogies(path, mtime_ns, size)
    groups = tuple(dict.fromkeys(name for name, _ in sections))
    group = np.array([groups.index(name) for name, qs in sections for _ in qs], dtype=np.int64)
    words, ids = _ids([q for _, qs in sections for q in qs], _fold(case_insensitive))
    return _Table(words, ids, groups, group)


@lru_cache(maxsize=8)
def _pair_table(path: str, _mtime_ns: int, _size: int, case_insensitive: bool) -> _Table:
    pairs = read_pairs(path)
    scored = [p for p in pairs if math.isfinite(p[2])]
    if not scored:
        raise FormatError(f"{path}: no word pairs with a finite score found")
    words, ids = _ids([p[:2] for p in scored], _fold(case_insensitive))
    return _Table(words, ids, gold=np.array([p[2] for p in scored], dtype=np.float64),
                  unscored=len(pairs) - len(scored))


def _fold(case_insensitive: bool):
    return str.upper if case_insensitive else str


def _items(kv: KeyedVectors, path, bundled: str, read_table, restrict_vocab: int | None,
           case_insensitive: bool):
    """An evaluation file's table (default: a bundled set); each item's words as rows of `kv`
    (-1 outside the first `restrict_vocab` words; of several case variants the first); whether
    all of an item's words are there; and for each row the row standing for its case class."""
    path = resource_path(bundled) if path is None else path
    table = read_table(*_version(path), case_insensitive)
    limit = kv._limit(restrict_vocab)
    first, canon = kv.case_folded() if case_insensitive else (kv.word_rows, None)
    lut = np.array([first.get(w, limit) for w in table.words], dtype=np.int64)
    lut[lut >= limit] = -1
    rows = lut[table.ids]
    return table, rows, (rows >= 0).all(axis=1), np.arange(limit) if canon is None else canon[:limit]


def evaluate_analogies(
    kv: KeyedVectors,
    path: str | Path | None = None,
    restrict_vocab: int | None = 30_000,
    case_insensitive: bool = True,
) -> AnalogyScore:
    """Accuracy of 3CosAdd on an analogy file (default: the bundled questions-words.txt)."""
    table, rows, asked, canon = _items(kv, path, ANALOGIES, _analogy_table, restrict_vocab, case_insensitive)
    hits = _solve(kv, rows[asked], canon, restrict_vocab)
    n = len(table.groups)
    correct = np.bincount(table.group[asked], weights=hits, minlength=n).astype(np.int64)
    total = np.bincount(table.group[asked], minlength=n)
    scores = [SectionScore(int(c), int(t)) for c, t in zip(correct, total)]
    return AnalogyScore(
        correct=int(correct.sum()),
        total=int(total.sum()),
        skipped=int((~asked).sum()),
        sections=dict(zip(table.groups, scores)),
        semantic=sum(scores[:SEMANTIC_SECTIONS], SectionScore()),
        syntactic=sum(scores[SEMANTIC_SECTIONS:], SectionScore()),
    )


def analogy_rows(kv: KeyedVectors, path: str | Path | None = None, case_insensitive: bool = True) -> np.ndarray:
    """Each question's words (a, b, c, d) as rows of `kv` (-1: not in the vocabulary), (n, 4)."""
    return _items(kv, path, ANALOGIES, _analogy_table, None, case_insensitive)[1]


def answered(kv: KeyedVectors, rows: np.ndarray, restrict_vocab: int | None = None,
             case_insensitive: bool = True) -> np.ndarray:
    """Whether 3CosAdd answers each question (rows a, b, c, d, all below `restrict_vocab`) with d,
    by the rules of `evaluate_analogies`."""
    canon = kv.case_folded()[1] if case_insensitive else np.arange(len(kv))
    if not len(rows):
        return np.zeros(0, dtype=bool)
    return _solve(kv, np.asarray(rows, dtype=np.int64), canon[:kv._limit(restrict_vocab)], restrict_vocab)


def _solve(kv: KeyedVectors, rows: np.ndarray, canon: np.ndarray, restrict_vocab) -> np.ndarray:
    """Whether each question (rows a, b, c, d) is answered d, by 3CosAdd.

    cos(x, b - a + c) ranks like cos(x, b) - cos(x, a) + cos(x, c), so one matrix product of the
    distinct input words of a chunk of questions with the vocabulary serves all its questions;
    a kernel sums each question's three rows, a few questions at a time, for numpy's argmax.
    A word counts as its case class (`canon`): an answer in the class of an input is passed
    over for the next of gensim's five best."""
    hits = np.zeros(len(rows), dtype=bool)
    width = kv._limit(restrict_vocab)
    check_available(4 * width * (3 * max(3, _BUDGET // max(width, 1)) + _SCORED),
                    f"eval's score matrix for --restrict {width:,} words")
    for chunk in _chunks(rows[:, :3], max(3, _BUDGET // max(width, 1))):
        inputs = rows[chunk, :3]
        distinct, where = np.unique(inputs, return_inverse=True)
        where = where.reshape(-1, 3)
        sims = kv.cosines(kv.vectors[distinct], restrict_vocab)
        answers, scores = np.empty(len(chunk), dtype=np.int64), np.empty((_SCORED, width), np.float32)
        for s in range(0, len(chunk), _SCORED):
            n = min(_SCORED, len(chunk) - s)
            analogy_scores(sims, where, inputs, s, scores[:n])
            kv.drop_zero_rows(scores[:n])
            answers[s : s + n] = scores[:n].argmax(axis=1)
        predicted = canon[answers]
        for k in np.flatnonzero((predicted[:, None] == inputs).any(axis=1)):
            row = sims[where[k, 1]] - sims[where[k, 0]] + sims[where[k, 2]]
            row[inputs[k]] = -np.inf
            kv.drop_zero_rows(row[None])
            candidates = canon[top_k(row[None], _CANDIDATES)[0][0]]
            others = candidates[~np.isin(candidates, inputs[k])]
            predicted[k] = others[0] if len(others) else candidates[-1]
        hits[chunk] = predicted == rows[chunk, 3]
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


def read_pairs(path: str | Path) -> list[tuple[str, str, float]]:
    """Word pairs with a score as written (NaN and infinities included): tab-separated (or, without
    tabs, space-separated), `#` comments."""
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


def pair_rows(kv: KeyedVectors, path: str | Path | None = None,
              case_insensitive: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each scored word pair's words as rows of `kv` (-1: not in the vocabulary), (n, 2), and the
    human scores, (n,), of a word-pair file (default: the bundled WordSim-353)."""
    table, rows, _, _ = _items(kv, path, WORDSIM, _pair_table, None, case_insensitive)
    return rows, table.gold


def evaluate_pairs(
    kv: KeyedVectors,
    path: str | Path | None = None,
    restrict_vocab: int | None = 300_000,
    case_insensitive: bool = True,
) -> PairScore:
    """Spearman and Pearson correlation on a word-pair file (default: the bundled WordSim-353)."""
    table, rows, known, _ = _items(kv, path, WORDSIM, _pair_table, restrict_vocab, case_insensitive)
    rows = rows[known]
    unit = kv.vectors[rows] * kv.inv_norms[rows, None]
    model = np.einsum("ij,ij->i", unit[:, 0], unit[:, 1]).astype(np.float64)
    gold = table.gold[known]
    oov = int((~known).sum())
    spearman, pearson = _correlations(gold, model)
    return PairScore(spearman, pearson, oov / len(table.ids), len(rows), oov, table.unscored)


def _correlations(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Spearman and Pearson correlation (scipy.stats); NaN for fewer than two values or a
    constant side, where scipy would warn."""
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan")
    from scipy import stats

    return float(stats.spearmanr(x, y).statistic), float(stats.pearsonr(x, y).statistic)

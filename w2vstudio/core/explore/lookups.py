"""What the studio's explore tabs ask of a model, run on worker threads: neighbours, analogies and
the odd one out (unknown words come back as spelling suggestions, not errors), both evaluations,
the words whose neighbourhoods differ most between two models, lines of the corpus around a word."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from w2vstudio.core.explore import agreement
from w2vstudio.core.explore.compare import most_different
from w2vstudio.core.files.ensemble import Ensemble
from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.evaluate import AnalogyScore, PairScore, evaluate_analogies, evaluate_pairs
from w2vstudio.core.corpus.kwic import ContextLine, keyword_in_context
from w2vstudio.core.explore.query import parse_terms
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

Row = tuple[str, float, int | None]  # word, score, corpus count
# on an ensemble: word, mean score, corpus count, sd, agreement (runs with it in their top n), runs
AgreedRow = tuple[str, float, int | None, float, int, int]
COMPARE_RESTRICT = 50_000  # neighbours are searched among this many of each model's most frequent words
DIFFER_TOP, DIFFER_N = 2_000, 50  # "differs most" looks at this many frequent words, lists this many
KWIC_LINES, KWIC_WIDTH = 6, 60  # lines of the corpus around a word, characters on each side


@dataclass(frozen=True)
class Unknown:
    """Words missing from the vocabulary, each with spelling suggestions."""

    suggestions: dict[str, list[str]]


@dataclass(frozen=True)
class AnalogyAnswer:
    rows: list[Row]
    expected: str | None
    expected_rank: int | None


def replace_word(text: str, wrong: str, right: str) -> str:
    """`text` with the word `wrong` (with or without a leading + or -) replaced by `right`."""
    return " ".join(t[: len(t) - len(wrong)] + right if t.lstrip("+-") == wrong else t for t in text.split())


def unknown_words(kv: KeyedVectors, words) -> Unknown | None:
    """Suggestions for the words not in `kv` (nor built from n-grams by a fastText model), or None
    when all are known."""
    built = getattr(kv, "built_from_ngrams", lambda word: False)
    missing = {w: kv.suggest(w, 5) for w in dict.fromkeys(words) if w not in kv and not built(w)}
    return Unknown(missing) if missing else None


def with_counts(kv: KeyedVectors, pairs: list[tuple[str, float]]) -> list[Row]:
    return [(w, s, kv.count(w)) for w, s in pairs]


def agreed_rows(kv: KeyedVectors, found: agreement.AgreedList) -> list[AgreedRow]:
    return [(r.word, r.score, kv.count(r.word), r.sd, r.agreement, found.runs) for r in found.results]


def neighbours(kv: KeyedVectors, text: str, topn: int) -> list[Row] | Unknown:
    """Nearest words to the words of `text` (a `-` before a word subtracts it)."""
    positive, negative = parse_terms(text, kv)
    if not positive and not negative:
        raise W2VError("Type a word to see its nearest neighbours.")
    missing = unknown_words(kv, positive + negative)
    if missing:
        return missing
    if isinstance(kv, Ensemble):
        return agreed_rows(kv, agreement.neighbours(kv, positive, negative, topn))
    return with_counts(kv, kv.most_similar(positive, negative, topn=topn))


def analogy(kv: KeyedVectors, a: str, b: str, c: str, method: str, topn: int, expected: str | None,
            exclude_inputs: bool) -> AnalogyAnswer | Unknown:
    """a : b :: c : ?, and the rank of the expected answer if one is given."""
    words = [a, b, c] + ([expected] if expected else [])
    if not all(words[:3]):
        raise W2VError("Fill in the three words a, b and c.")
    missing = unknown_words(kv, words)
    if missing:
        return missing
    answer = kv.analogy(a, b, c, method=method, topn=topn, expected=expected or None,
                        include_inputs=not exclude_inputs)
    rows = with_counts(kv, answer.results)
    if isinstance(kv, Ensemble):  # mean ± sd over the runs; the expected word's rank in the first run
        found = agreement.analogy(kv, a, b, c, method, topn, include_inputs=not exclude_inputs)
        rows = agreed_rows(kv, found)
    return AnalogyAnswer(rows, expected or None, answer.expected_rank)


def doesnt_match(kv: KeyedVectors, text: str) -> str | Unknown:
    """The word of `text` farthest from the others."""
    words = text.replace(",", " ").split()
    if len(words) < 3:
        raise W2VError("Give at least three words to find the one that doesn't match.")
    return unknown_words(kv, words) or kv.doesnt_match(words)


@dataclass(frozen=True)
class Evaluation:
    analogies: AnalogyScore
    pairs: PairScore
    analogy_file: Path
    pair_file: Path


def evaluate(kv: KeyedVectors, analogy_file: Path, pair_file: Path, restrict_vocab: int,
             case_insensitive: bool) -> Evaluation:
    """Both evaluations: analogies among the `restrict_vocab` most frequent words (0: all), word pairs."""
    return Evaluation(evaluate_analogies(kv, analogy_file, restrict_vocab or None, case_insensitive),
                      evaluate_pairs(kv, pair_file, None, case_insensitive), analogy_file, pair_file)


def differences(a: KeyedVectors, b: KeyedVectors) -> list[Row]:
    """The words that moved most (see `change`), as rows (word, z, count in `a`)."""
    return with_counts(a, most_different(a, b, DIFFER_TOP, DIFFER_N, DEFAULT_K))


def find_lines(paths: list, word: str, lowercase: bool, task: Task) -> tuple[str, list[ContextLine]]:
    """The first lines of the corpus holding `word`, with the word."""
    return word, keyword_in_context(paths, word, KWIC_LINES, KWIC_WIDTH, lowercase, task)

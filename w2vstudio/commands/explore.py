"""`neighbours`, `analogy` and `eval`: query and evaluate a vectors file from the command line.

With `--json` the last line of stdout is one JSON object; otherwise readable tables are printed."""

from __future__ import annotations

import argparse
import json
import math
import sys

from w2vstudio.core.explore.isotropy import anisotropy, anisotropy_warning
from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.evaluate import evaluate_analogies, evaluate_pairs
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.explore.query import parse_terms, query_words
from w2vstudio.core.files.sparkfiles import unranked_warning
from w2vstudio.resources import ANALOGIES, WORDSIM, path


def add_parser(subparsers) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "vectors", metavar="VECTORS", help="vectors or model file, in any supported format"
    )
    common.add_argument("--limit", type=_positive, metavar="N", help="read only the first N words")
    common.add_argument(
        "--json", action="store_true", help="end with the result as one line of JSON"
    )

    p = subparsers.add_parser(
        "neighbours", parents=[common], help="nearest words by cosine similarity"
    )
    p.add_argument("word", metavar="WORD", help='a word, or words to add and subtract: "king - man + woman"')
    p.add_argument(
        "--topn", type=_positive, default=10, metavar="N", help="how many words (default 10)"
    )
    p.set_defaults(func=_neighbours)

    p = subparsers.add_parser("analogy", parents=[common], help="A is to B as C is to ?")
    p.add_argument("words", nargs=3, metavar="WORD", help="A B C: A is to B as C is to ?")
    p.add_argument(
        "--method", choices=("add", "mul"), default="add", help="3CosAdd (default) or 3CosMul"
    )
    p.add_argument(
        "--topn", type=_positive, default=10, metavar="N", help="how many words (default 10)"
    )
    p.set_defaults(func=_analogy)

    p = subparsers.add_parser(
        "eval",
        parents=[common],
        help="analogy accuracy and word-pair correlations (default: bundled sets)",
    )
    p.add_argument(
        "--analogies", metavar="FILE", help="analogy questions, questions-words.txt format"
    )
    p.add_argument(
        "--pairs", nargs="+", metavar="FILE", help="word-pair files (word, word, score per line)"
    )
    p.add_argument(
        "--restrict",
        type=_positive,
        default=30_000,
        metavar="N",
        help="analogies: only the N most frequent words count (default 30000)",
    )
    p.set_defaults(func=_eval)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def _load(args):
    kv = load_vectors(args.vectors, limit=args.limit)
    for note in kv.notes:
        print(f"w2vstudio: warning: {note}", file=sys.stderr)
    return kv


def _neighbours(args) -> int:
    kv = _load(args)
    positive, negative = parse_terms(args.word)
    if not positive and not negative:
        raise W2VError("give a word, or words to add and subtract")
    results = kv.most_similar(positive, negative, topn=args.topn)
    leaning = anisotropy_warning(anisotropy(kv))
    if leaning:
        print(f"w2vstudio: warning: {leaning}", file=sys.stderr)
    _print_words(results, query_words(kv, positive, negative), args.json)
    return 0


def _analogy(args) -> int:
    kv = _load(args)
    a, b, c = args.words
    results = kv.analogy(a, b, c, method=args.method, topn=args.topn).results
    _print_words(results, query_words(kv, [b, c], [a]), args.json)
    return 0


def _print_words(results: list[tuple[str, float]], query: list[dict], as_json: bool) -> None:
    if as_json:
        answer = {"query": query, "results": [{"word": w, "score": s} for w, s in results]}
        print(json.dumps(answer, ensure_ascii=False))
    else:
        for term in query:
            if term["built_from_ngrams"]:
                print(f'"{term["word"]}" is not in the vocabulary: its vector is built from its character n-grams')
        _print_table(
            ["#", "word", "score"],
            [[i, w, f"{s:.4f}"] for i, (w, s) in enumerate(results, 1)],
            "rlr",
        )


def _eval(args) -> int:
    analogies, pair_files = args.analogies, args.pairs or []
    if analogies is None and not pair_files:
        analogies, pair_files = str(path(ANALOGIES)), [str(path(WORDSIM))]
    kv = _load(args)
    restrict = args.restrict if kv.ranked else None
    if analogies is not None and not kv.ranked:
        print(unranked_warning(args.vectors, f"analogies are answered among all {len(kv):,} words, "
                                             f"not the {args.restrict:,} most frequent"), file=sys.stderr)
    analogy = (
        None
        if analogies is None
        else evaluate_analogies(kv, analogies, restrict_vocab=restrict)
    )
    pairs = {f: evaluate_pairs(kv, f) for f in pair_files}
    if args.json:
        result = {
            "analogy": analogy.to_dict() if analogy else None,
            "pairs": {f: score.to_dict() for f, score in pairs.items()},
        }
        print(json.dumps(result, ensure_ascii=False))
        return 0
    if analogy is not None:
        print(f"Analogies: {analogies} (top {restrict or len(kv)} words)")
        rows = [
            [name, s.correct, s.total, _percent(s.accuracy)] for name, s in analogy.sections.items()
        ]
        for name, s in (("semantic", analogy.semantic), ("syntactic", analogy.syntactic)):
            rows.append([name, s.correct, s.total, _percent(s.accuracy)])
        rows.append(["total", analogy.correct, analogy.total, _percent(analogy.accuracy)])
        _print_table(["section", "correct", "total", "accuracy"], rows, "lrrr")
        print(f"skipped (a word out of the vocabulary): {analogy.skipped}")
    if pairs:
        rows = [
            [f, _number(s.spearman), _number(s.pearson), s.used, _percent(s.oov_ratio), s.unscored]
            for f, s in pairs.items()
        ]
        _print_table(["word pairs", "spearman", "pearson", "pairs", "oov", "no score"], rows, "lrrrrr")
        if any(s.unscored for s in pairs.values()):
            print("no score: pairs skipped because their score is NaN or infinite")
    return 0


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def _number(x: float) -> str:
    return "n/a" if math.isnan(x) else f"{x:.4f}"


def _print_table(headers: list[str], rows: list[list], align: str) -> None:
    """Columns padded to a common width; `align` holds "l" or "r" per column."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for row in cells:
        padded = (c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(row, widths, align))
        print("  ".join(padded).rstrip())

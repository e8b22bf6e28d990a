"""`neighbours`, `analogy` and `eval`: query and evaluate a vectors file from the command line.

With `--json` the last line of stdout is one JSON object; otherwise readable tables are printed."""

from __future__ import annotations

import argparse
import json
import math

from w2vstudio.core.evaluate import evaluate_analogies, evaluate_pairs
from w2vstudio.core.io import load_vectors
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
    p.add_argument("word", metavar="WORD")
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
    return load_vectors(args.vectors, limit=args.limit)


def _neighbours(args) -> int:
    kv = _load(args)
    _print_words(kv.most_similar(args.word, topn=args.topn), args.json)
    return 0


def _analogy(args) -> int:
    kv = _load(args)
    _print_words(kv.analogy(*args.words, method=args.method, topn=args.topn).results, args.json)
    return 0


def _print_words(results: list[tuple[str, float]], as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                {"results": [{"word": w, "score": s} for w, s in results]}, ensure_ascii=False
            )
        )
    else:
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
    analogy = (
        None
        if analogies is None
        else evaluate_analogies(kv, analogies, restrict_vocab=args.restrict)
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
        print(f"Analogies: {analogies} (top {args.restrict} words)")
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

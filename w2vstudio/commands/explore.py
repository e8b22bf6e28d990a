"""`neighbours`, `analogy` and `eval`: query and evaluate a vectors file from the command line.

With `--json` the last line of stdout is one JSON object; otherwise readable tables are printed."""

from __future__ import annotations

import argparse
import math

from w2vstudio.commands.arguments import positive
from w2vstudio.core.explore.isotropy import anisotropy, anisotropy_warning
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore import agreement
from w2vstudio.core.files.ensemble import Ensemble
from w2vstudio.core.explore.evaluate import evaluate_analogies, evaluate_pairs
from w2vstudio.core.explore.query import parse_terms, query_words
from w2vstudio.core.files.sparkfiles import unranked_warning
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.support.printable import say
from w2vstudio.resources import ANALOGIES, WORDSIM, path


def add_parser(subparsers) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "vectors", metavar="VECTORS", help="vectors or model file, in any supported format, or an ensemble folder"
    )
    common.add_argument("--limit", type=positive, metavar="N", help="read only the first N words")
    common.add_argument(
        "--json", action="store_true", help="end with the result as one line of JSON"
    )

    p = subparsers.add_parser(
        "neighbours", parents=[common], help="nearest words by cosine similarity"
    )
    p.add_argument("word", metavar="WORD", help='a word, or words to add and subtract: "king - man + woman"')
    p.add_argument(
        "--topn", type=positive, default=10, metavar="N", help="how many words (default 10)"
    )
    p.set_defaults(func=_neighbours)

    p = subparsers.add_parser("analogy", parents=[common], help="A is to B as C is to ?")
    p.add_argument("words", nargs=3, metavar="WORD", help="A B C: A is to B as C is to ?")
    p.add_argument(
        "--method", choices=("add", "mul"), default="add", help="3CosAdd (default) or 3CosMul"
    )
    p.add_argument(
        "--topn", type=positive, default=10, metavar="N", help="how many words (default 10)"
    )
    p.add_argument(
        "--include-inputs", action="store_true",
        help="keep A, B and C among the answers (by default they are left out, as gensim's most_similar does)",
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
        type=positive,
        default=30_000,
        metavar="N",
        help="analogies: only the N most frequent words count (default 30000)",
    )
    p.set_defaults(func=_eval)



def _load(args):
    kv = load_vectors(args.vectors, limit=args.limit)
    for note in kv.notes:
        say(f"w2vstudio: warning: {note}")
    return kv


def _neighbours(args) -> int:
    kv = _load(args)
    positive, negative = parse_terms(args.word, kv)
    if not positive and not negative:
        raise W2VError("give a word, or words to add and subtract")
    if isinstance(kv, Ensemble):
        found = agreement.neighbours(kv, positive, negative, args.topn)
    else:
        found = _one_run(kv.most_similar(positive, negative, topn=args.topn))
    leaning = anisotropy_warning(anisotropy(kv))
    if leaning:
        say(f"w2vstudio: warning: {leaning}")
    _print_agreed(found, query_words(kv, positive, negative), args.json, "cosine_sd")
    return 0


def _analogy(args) -> int:
    kv = _load(args)
    a, b, c = (kv.key_of(w) for w in args.words)
    if isinstance(kv, Ensemble):
        found = agreement.analogy(kv, a, b, c, args.method, args.topn, include_inputs=args.include_inputs)
    else:
        found = _one_run(kv.analogy(a, b, c, method=args.method, topn=args.topn,
                                    include_inputs=args.include_inputs).results)
    if not args.json and not args.include_inputs:
        print(f"{a}, {b} and {c} are left out of the answers, as gensim's most_similar does "
              "(--include-inputs keeps them)")
    _print_agreed(found, query_words(kv, [b, c], [a]), args.json, "sd", {"inputs_excluded": not args.include_inputs})
    return 0


def _one_run(results: list[tuple[str, float]]) -> agreement.AgreedList:
    return agreement.AgreedList([agreement.Agreed(w, s, 0.0, 1) for w, s in results], 1)


def _print_agreed(found: agreement.AgreedList, query: list[dict], as_json: bool, sd_key: str,
                  extra: dict | None = None) -> None:
    """The answers (on an ensemble: mean scores, with their agreement and sd over the runs)."""
    if as_json:
        answer = {"query": query, "runs": found.runs,
                  "results": [{"word": r.word, "score": r.score, "agreement": r.agreement, sd_key: r.sd}
                              for r in found.results], **(extra or {})}
        print(jsonsafe.dumps(answer, ensure_ascii=False))
        return
    for term in query:
        if term["built_from_ngrams"]:
            print(f'"{term["word"]}" is not in the vocabulary: its vector is built from its character n-grams')
    if found.runs == 1:
        _print_table(["#", "word", "score"],
                     [[i, r.word, f"{r.score:.4f}"] for i, r in enumerate(found.results, 1)], "rlr")
        return
    print(f"mean over {found.runs} runs; agreement: the runs that have the word in their top {len(found.results)}")
    _print_table(["#", "word", "score", "sd", "agreement"],
                 [[i, r.word, f"{r.score:.4f}", f"{r.sd:.4f}", f"{r.agreement}/{found.runs}"]
                  for i, r in enumerate(found.results, 1)], "rlrrr")


def _eval(args) -> int:
    analogies, pair_files = args.analogies, args.pairs or []
    if analogies is None and not pair_files:
        analogies, pair_files = str(path(ANALOGIES)), [str(path(WORDSIM))]
    kv = _load(args)
    restrict = args.restrict if kv.ranked else None
    if analogies is not None and not kv.ranked:
        say(unranked_warning(args.vectors, f"analogies are answered among all {len(kv):,} words, "
                                           f"not the {args.restrict:,} most frequent"))
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
        print(jsonsafe.dumps(result, ensure_ascii=False))
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

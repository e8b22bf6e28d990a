"""`w2vstudio axis`: words' scores on the direction from one word group to another."""

from __future__ import annotations

import argparse

from w2vstudio.core.files.sparkfiles import unranked_warning
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.lenses.axes import (
    DEFAULT_RESTRICT,
    DEFAULT_TOP,
    make_axis,
    poles_across,
    scores_across,
)
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.support.printable import say


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "axis", help="scores on the direction from some words to others (he -> she)",
        description="Score words on an axis: the cosine between a word's vector and the mean of the "
                    "--to words' unit vectors minus the mean of the --from words' unit vectors "
                    "(positive: toward --to).")
    p.add_argument("vectors", metavar="VECTORS",
                   help="vectors or model file, in any supported format, or an ensemble folder (mean ± sd over its runs)")
    p.add_argument("--from", dest="source", nargs="+", required=True, metavar="W", help="one end of the axis")
    p.add_argument("--to", dest="target", nargs="+", required=True, metavar="W", help="the other end")
    chosen = p.add_mutually_exclusive_group()
    chosen.add_argument("--words", nargs="+", metavar="W", help="score these words")
    chosen.add_argument("--top", type=_positive, default=DEFAULT_TOP, metavar="N",
                        help=f"the N words most toward each end among the {DEFAULT_RESTRICT:,} most frequent "
                             f"(default {DEFAULT_TOP})")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def run(args) -> int:
    kv = load_vectors(args.vectors)
    axis = make_axis(kv, args.source, args.target)
    if args.words:
        found = scores_across(kv, args.source, args.target, args.words)
        ranked = list(zip(found.words, found.mean.tolist(), found.sd.tolist()))
        runs = found.runs
    else:
        if not kv.ranked:
            say(unranked_warning(args.vectors, "the ends are taken among all its words"))
        low, high = poles_across(kv, args.source, args.target, args.top,
                                 restrict_vocab=DEFAULT_RESTRICT if kv.ranked else None)
        ranked = (list(zip(low.words, low.mean.tolist(), low.sd.tolist()))
                  + list(zip(high.words, high.mean.tolist(), high.sd.tolist()))[::-1])  # --from end to --to end
        runs = low.runs
    if args.json:
        print(jsonsafe.dumps({"runs": runs, "words": [{"word": w, "score": s, "sd": d} for w, s, d in ranked]},
                             ensure_ascii=False))
        return 0
    print(f"axis {axis.label} (score > 0: toward {'+'.join(axis.target)})"
          + (f"; mean ± sd over {runs} runs" if runs > 1 else ""))
    width = max([len(w) for w, _, _ in ranked] + [4])
    for word, score, spread in ranked:
        print(f"{word:<{width}}  {score:+.4f}" + (f" ± {spread:.4f}" if runs > 1 else ""))
    return 0

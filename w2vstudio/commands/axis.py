"""`w2vstudio axis`: words' scores on the direction from one word group to another."""

from __future__ import annotations

import argparse
import json
import sys

from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.explore.isotropy import anisotropy, anisotropy_warning, centred
from w2vstudio.core.lenses.axes import DEFAULT_RESTRICT, DEFAULT_TOP, baseline, make_axis, poles, scores
from w2vstudio.core.files.sparkfiles import unranked_warning


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "axis", help="scores on the direction from some words to others (he -> she)",
        description="Score words on an axis: the cosine between a word's vector and the mean of the "
                    "--to words' unit vectors minus the mean of the --from words' unit vectors "
                    "(positive: toward --to).")
    p.add_argument("vectors", metavar="VECTORS", help="vectors or model file, in any supported format")
    p.add_argument("--from", dest="source", nargs="+", required=True, metavar="W", help="one end of the axis")
    p.add_argument("--to", dest="target", nargs="+", required=True, metavar="W", help="the other end")
    chosen = p.add_mutually_exclusive_group()
    chosen.add_argument("--words", nargs="+", metavar="W", help="score these words")
    chosen.add_argument("--top", type=_positive, default=DEFAULT_TOP, metavar="N",
                        help=f"the N words most toward each end among the {DEFAULT_RESTRICT:,} most frequent "
                             f"(default {DEFAULT_TOP})")
    p.add_argument("--centre", type=_at_least(0), nargs="?", const=0, metavar="D",
                   help="centre the space first: subtract the mean vector and remove the top D principal "
                        "components (all-but-the-top; D default 0). Short training leaves all vectors leaning "
                        "one way, which shifts every score; centring takes that lean away")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def _at_least(low: int):
    def parse(text: str) -> int:
        value = int(text) if text.isdigit() else -1
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {low}, not {text!r}")
        return value

    return parse


_positive = _at_least(1)


def run(args) -> int:
    kv = load_vectors(args.vectors)
    if args.centre is not None:
        kv = centred(kv, args.centre)
    else:
        leaning = anisotropy_warning(anisotropy(kv))
        if leaning:
            print(f"w2vstudio: warning: {leaning} (--centre)", file=sys.stderr)
    axis = make_axis(kv, args.source, args.target)
    if args.words:
        ranked = list(zip(args.words, scores(kv, axis, args.words).tolist()))
    else:
        if not kv.ranked:
            print(unranked_warning(args.vectors, "the ends are taken among all its words"), file=sys.stderr)
        low, high = poles(kv, axis, args.top, restrict_vocab=DEFAULT_RESTRICT if kv.ranked else None)
        ranked = low + high[::-1]  # from the --from end to the --to end
    base = baseline(kv, axis)
    percentiles = base.percentiles([s for _, s in ranked]).tolist()
    if args.json:
        print(json.dumps({"baseline": base.to_dict(), "centred": args.centre,
                          "words": [{"word": w, "score": s, "percentile": p}
                                    for (w, s), p in zip(ranked, percentiles)]}, ensure_ascii=False))
        return 0
    print(f"axis {axis.label} (score > 0: toward {'+'.join(axis.target)})")
    print(f"all {len(base.sorted_scores):,} words: mean {base.mean:+.4f} (the zero line), sd {base.sd:.4f}; "
          "a score is read against them")
    width = max([len(w) for w, _ in ranked] + [4])
    print(f"{'word':<{width}}  {'score':>7}  {'- mean':>7}  percentile")
    for (word, score), pct in zip(ranked, percentiles):
        print(f"{word:<{width}}  {score:+.4f}  {score - base.mean:+.4f}  {pct:5.1f}")
    return 0

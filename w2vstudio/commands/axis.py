"""`w2vstudio axis`: words' scores on the direction from one word group to another."""

from __future__ import annotations


import numpy as np

from w2vstudio.commands.arguments import at_least, positive
from w2vstudio.core.explore.isotropy import anisotropy, anisotropy_warning, centred
from w2vstudio.core.files.ensemble import Ensemble, runs_of
from w2vstudio.core.files.sparkfiles import unranked_warning
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.lenses.axes import (
    DEFAULT_RESTRICT,
    DEFAULT_TOP,
    baseline,
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
    chosen.add_argument("--top", type=positive, default=DEFAULT_TOP, metavar="N",
                        help=f"the N words most toward each end among the {DEFAULT_RESTRICT:,} most frequent "
                             f"(default {DEFAULT_TOP})")
    p.add_argument("--centre", type=at_least(0), nargs="?", const=0, metavar="D",
                   help="centre the space first: subtract the mean vector and remove the top D principal "
                        "components (all-but-the-top; D default 0). Short training leaves all vectors leaning "
                        "one way, which shifts every score; centring takes that lean away")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)



def run(args) -> int:
    kv = load_vectors(args.vectors)
    if args.centre is not None:
        kv = (Ensemble([centred(run, args.centre) for run in kv.runs], kv.seeds, kv.manifest)
              if isinstance(kv, Ensemble) else centred(kv, args.centre))
    else:
        leaning = anisotropy_warning(anisotropy(kv))
        if leaning:
            say(f"w2vstudio: warning: {leaning} (--centre)")
    axis = make_axis(kv, args.source, args.target)
    if args.words:
        found = scores_across(kv, args.source, args.target, args.words)
        ranked = list(zip(found.words, found.mean.tolist(), found.sd.tolist()))
        per_run = found.per_run
    else:
        if not kv.ranked:
            say(unranked_warning(args.vectors, "the ends are taken among all its words"))
        low, high = poles_across(kv, args.source, args.target, args.top,
                                 restrict_vocab=DEFAULT_RESTRICT if kv.ranked else None)
        ranked = (list(zip(low.words, low.mean.tolist(), low.sd.tolist()))
                  + list(zip(high.words, high.mean.tolist(), high.sd.tolist()))[::-1])  # --from end to --to end
        per_run = np.concatenate([low.per_run, high.per_run[:, ::-1]], axis=1)
    runs = len(per_run)
    # each run's scores against all of that run's words, then averaged over the runs
    bases = [baseline(run, make_axis(run, args.source, args.target)) for run in runs_of(kv)]
    mean = float(np.mean([b.mean for b in bases]))
    spread = float(np.mean([b.sd for b in bases]))
    percentiles = np.mean([b.percentiles(scored) for b, scored in zip(bases, per_run)], axis=0).tolist()
    if args.json:
        print(jsonsafe.dumps({"runs": runs, "baseline": {"mean": mean, "sd": spread}, "centred": args.centre,
                              "words": [{"word": w, "score": s, "sd": d, "percentile": p}
                                        for (w, s, d), p in zip(ranked, percentiles)]}, ensure_ascii=False))
        return 0
    print(f"axis {axis.label} (score > 0: toward {'+'.join(axis.target)})"
          + (f"; mean ± sd over {runs} runs" if runs > 1 else ""))
    print(f"all {len(bases[0].sorted_scores):,} words: mean {mean:+.4f} (the zero line), sd {spread:.4f}; "
          "a score is read against them")
    width = max([len(w) for w, _, _ in ranked] + [4])
    print(f"{'word':<{width}}  {'score':>7}" + ("  ± sd    " if runs > 1 else "") + f"  {'- mean':>7}  percentile")
    for (word, score, sd), pct in zip(ranked, percentiles):
        print(f"{word:<{width}}  {score:+.4f}" + (f"  ± {sd:.4f}" if runs > 1 else "")
              + f"  {score - mean:+.4f}  {pct:5.1f}")
    return 0

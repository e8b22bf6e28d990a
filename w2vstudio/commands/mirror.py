"""`w2vstudio mirror MODEL WORD`: a word's contexts in the corpus beside the model's p(context | word)."""

from __future__ import annotations

from w2vstudio.commands.arguments import positive
from w2vstudio.commands.inside_common import load_for_inside
from w2vstudio.core.errors import W2VError
from w2vstudio.core.lenses.mirror import DEFAULT_MAX, DEFAULT_TOP, mirror
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.train.model import corpus_paths


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "mirror", help="a word's top contexts in the corpus beside the model's p(context | word)",
        description="Count the words around WORD in the corpus as training weighs them (the reduced window's "
                    "distance weights times subsampling's keep probabilities), rank them, and set the model's "
                    "p(context | WORD) for its objective beside them: Spearman's rho and the pairs that "
                    "leapfrog (ordered one way by the corpus, the other by the model).")
    p.add_argument("model", metavar="MODEL", help="a model trained here (it keeps its context matrix C)")
    p.add_argument("word", metavar="WORD")
    p.add_argument("--corpus", nargs="+", metavar="PATH",
                   help="the corpus files or folders (default: those the model was trained on)")
    p.add_argument("--top", type=positive, default=DEFAULT_TOP, metavar="N",
                   help=f"contexts compared (default {DEFAULT_TOP})")
    p.add_argument("--max", type=positive, default=DEFAULT_MAX, metavar="N",
                   help=f"occurrences of WORD counted before reading stops (default {DEFAULT_MAX:,})")
    p.add_argument("--no-subsampling", action="store_true",
                   help="leave subsampling's keep probabilities out (the window's distance weights stay)")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    model = load_for_inside(args.model)
    if model is None:
        raise W2VError(f"{args.model} has no context matrix C (its output weights): only models trained here "
                       "keep it")
    paths = args.corpus or corpus_paths(model)
    if not paths:
        raise W2VError(f"{args.model} does not name its corpus (trained before models remembered it): "
                       "give it with --corpus PATH")
    found = mirror(model, list(paths), args.word, args.top, not args.no_subsampling, args.max)
    if args.json:
        print(jsonsafe.dumps(found.to_dict(), ensure_ascii=False))
        return 0
    weighing = "reduced-window weights" + (" × subsampling's keep probabilities" if found.subsampling else "")
    print(f'"{found.word}": {found.occurrences:,} occurrences counted{found.reading.note()} ({weighing})'
          + (", stopped at the cap" if found.capped else ""))
    print(f"{'':>4}  {'context':<20} {'corpus p':>9}  {'model p':>9}  {'model rank':>10}")
    for c in found.contexts:
        print(f"{c.corpus_rank:>4}  {c.word:<20} {c.corpus_p:9.4f}  {c.model_p:9.4f}  {c.model_rank:>10,}")
    rho = "n/a" if found.spearman is None else f"{found.spearman:.3f}"
    print(f"Spearman's rho {rho} ({found.objective}); {len(found.leapfrogs)} of {found.pairs} pairs leapfrog")
    for f in found.leapfrogs[:10]:
        print(f"  {f.model_first} (corpus #{f.corpus_ranks[1]}, model #{f.model_ranks[1]:,}) leapfrogs "
              f"{f.corpus_first} (corpus #{f.corpus_ranks[0]}, model #{f.model_ranks[0]:,})")
    if len(found.leapfrogs) > 10:
        print(f"  … and {len(found.leapfrogs) - 10} more (--json lists them all)")
    return 0

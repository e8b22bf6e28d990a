"""`w2vstudio pairs TEXT`: the training samples a sentence makes.

Without `--model`: the full window, no sampling, input = centre word (the seeds' tables). With a
model trained here (it has counts): our kernel's rows, drawn with the model's tables from `--seed`.
"""

from __future__ import annotations

from w2vstudio.commands.arguments import positive
from w2vstudio.commands.inside_common import load_for_inside
from w2vstudio.core.inside.samples import make_samples
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.support.printable import say


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("pairs", help="the training samples a sentence makes",
                              description="Tokens and skip-gram or CBOW training samples of a sentence, as "
                                          "the seeds draw them, or with --model exactly as the trainer does.")
    p.add_argument("text", metavar="TEXT", help="the sentence itself (quote it)")
    p.add_argument("--window", type=positive, metavar="N", help="window size (default: the model's, else 2)")
    arch = p.add_mutually_exclusive_group()
    arch.add_argument("--sg", dest="sg", action="store_true", default=None, help="skip-gram rows (default)")
    arch.add_argument("--cbow", dest="sg", action="store_false", help="CBOW rows: context words → target")
    p.add_argument("--model", metavar="M", help="a model trained here: subsampling, reduced windows, negatives")
    p.add_argument("--seed", type=int, default=1, metavar="N", help="random seed for the model's draws (default 1)")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    model = None
    if args.model is not None:
        model = load_for_inside(args.model)
        if model is None:
            say(f"note: {args.model} has no word counts (not a model trained here): "
                "the samples are the seeds' tables")
    result = make_samples(args.text, args.window, args.sg, model, args.seed)
    if args.json:
        print(jsonsafe.dumps(result.to_json(), ensure_ascii=False))
        return 0
    print("tokens: " + " ".join(_token(t) for t in result.tokens))
    print(f"{'skip-gram' if result.sg else 'CBOW'}, window {result.window}: {result.direction}")
    if result.negatives:
        print(result.negatives)
    for s in result.samples:
        left = ", ".join(s.inputs) if not result.sg else s.inputs[0]
        extra = f"   (window {s.window})" if s.window is not None else ""
        print(f"  {left:<40} → {s.output:<20} {s.label}{extra}")
    positives = sum(s.label == 1 for s in result.samples)
    print(f"{len(result.samples)} samples ({positives} positive, {len(result.samples) - positives} negative)")
    return 0


def _token(t) -> str:
    if t.keep_p is None and t.kept is False:
        return f"[{t.text}: not in the vocabulary]"
    if t.kept is False:
        return f"[{t.text}: dropped, keep p {t.keep_p:.2f}]"
    return t.text

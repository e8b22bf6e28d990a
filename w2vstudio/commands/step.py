"""`w2vstudio step MODEL INPUT OUTPUT`: p(OUTPUT | INPUT) as the model defines it, and one
learning step's figures.

INPUT may be several words (in quotes): v is then their mean, or sum, as the model was trained.
For a CBOW model, p is by default the mean over the corpus windows centred on OUTPUT that hold INPUT
(the corpus the model names, or --corpus); --context scores a typed context, --single the input's
vector alone (outside what CBOW was trained on).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


from w2vstudio.commands.arguments import positive
from w2vstudio.commands.inside_common import load_for_inside
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.corpus.files import words as split_words
from w2vstudio.core.errors import W2VError
from w2vstudio.core.corpus.windows import DEFAULT_CAP, corpus_windows
from w2vstudio.core.inside.step import Context, Step, context_likelihood
from w2vstudio.core.inside.tables import require_output
from w2vstudio.core.train.model import corpus_paths

GRADIENT_ROWS = 20  # the rows a step changes most, listed


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("step", help="p(output | input) and one learning step",
                              description="p(OUTPUT | INPUT) for the model's objective (full softmax, negative "
                                          "sampling with log Pn, or the Huffman path's product), its rank, "
                                          "-log p, the top words, and the negative-sampling figures.")
    p.add_argument("model", metavar="MODEL", help="a model trained here (it keeps its context matrix C)")
    p.add_argument("input", metavar="INPUT", help="input word, or several in quotes (CBOW: their mean or sum)")
    p.add_argument("output", metavar="OUTPUT", help="the true context word")
    p.add_argument("--topn", type=positive, default=10, metavar="N", help="how many top words (default 10)")
    p.add_argument("--seed", type=int, default=1, metavar="N", help="seed for the drawn negatives (default 1)")
    p.add_argument("--json", action="store_true", help="end with the result as one line of JSON")
    cbow = p.add_argument_group("CBOW models: the context scored (default: real windows of the corpus)")
    cbow.add_argument("--corpus", nargs="+", metavar="PATH",
                      help="read the windows from these files (default: the corpus the model names)")
    cbow.add_argument("--windows", type=positive, default=DEFAULT_CAP, metavar="N",
                      help=f"at most N windows (default {DEFAULT_CAP})")
    how = cbow.add_mutually_exclusive_group()
    how.add_argument("--context", metavar='"W1 W2 ..."', help="score this typed context instead")
    how.add_argument("--single", action="store_true",
                     help="the input's vector alone: outside what CBOW was trained on (it saturates)")
    p.set_defaults(func=run)


def run(args) -> int:
    model = load_for_inside(args.model)
    if model is None:
        raise W2VError(f"{args.model} has no context matrix C (its output weights): only models trained here "
                       "keep it")
    require_output(model, args.model)
    kv = model.keyed_vectors()
    lower = model.params.lowercase
    inputs = split_words(args.input, lower)
    output = split_words(args.output, lower)
    if not inputs:
        raise W2VError(f'"{args.input}" holds no word')
    if len(output) != 1:
        raise W2VError(f'OUTPUT must be one word, not "{args.output}"')
    output_id = kv.index(output[0])
    context = None
    if not model.params.sg:
        context = _context(args, model, kv, inputs, output_id)
        step = Step(model, context.first(), output_id, seed=args.seed)
    else:
        if args.context or args.single or args.corpus:
            raise W2VError("--context, --single and --corpus are for CBOW models; this one is skip-gram")
        step = Step(model, [kv.index(w) for w in inputs], output_id, seed=args.seed)
    result = _result(step, inputs, output[0], args.topn, context)
    if args.json:
        print(jsonsafe.dumps(result, ensure_ascii=False))
    else:
        _print(result)
    return 0


def _context(args, model, kv, inputs: list[str], output_id: int) -> Context:
    """The CBOW context asked for: typed, single, or the corpus windows (one line if none)."""
    lower = model.params.lowercase
    if args.context is not None:
        typed = split_words(args.context, lower)
        if not typed:
            raise W2VError(f'--context "{args.context}" holds no word')
        return Context("typed", np.array([[kv.index(w) for w in typed]], np.int64))
    if args.single or len(inputs) > 1:
        kind = "single" if args.single else "typed"
        return Context(kind, np.array([[kv.index(w) for w in inputs]], np.int64))
    paths = args.corpus or corpus_paths(model)
    if not paths:
        raise W2VError(f"{args.model} names no corpus: give --corpus PATH, --context or --single")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise W2VError(f"{missing[0]}: no such corpus file (give --corpus PATH)")
    index = {w: i for i, w in enumerate(model.vocab.words)}
    rows = corpus_windows(paths, index, lower, model.params.window, kv.index(inputs[0]), output_id, args.windows,
                          phrases=model.phrases)
    if not len(rows):
        raise W2VError(f'no window of the corpus centred on "{model.vocab.words[output_id]}" holds '
                       f'"{inputs[0]}": use --context or --single')
    return Context("corpus", rows)


def _result(step: Step, inputs: list[str], output: str, topn: int, context: Context | None = None) -> dict:
    lk = step.likelihood(topn) if context is None else context_likelihood(step.model, context, step.output, topn)
    readout = step.readout()
    out = {"input": inputs, "output": output, "objective": lk.objective, "p": lk.p, "rank": lk.rank,
           "neg_log_p": lk.neg_log_p, "vocab_size": len(step.model.vocab),
           "top": [{"word": w, "p": p} for w, p in lk.top], "costs": step.costs(), "alpha": step.alpha}
    if lk.sigmoid is not None:
        out["sigmoid"] = lk.sigmoid
    if context is not None:
        out.update(context.to_dict())
    units = step.ns_units()
    if units:
        out["ns_loss"] = readout.ns_loss
        out["cosine"] = readout.cosine
        out["negatives"] = [{"word": u.word, "label": u.label, "sigmoid": u.sigmoid} for u in units]
    path = step.hs_units()
    if path:
        out["path"] = [{"node": u.row, "label": u.label, "sigmoid": u.sigmoid, "factor": u.factor} for u in path]
    changes, total = step.gradient(limit=GRADIENT_ROWS)
    out["gradient"] = [{"matrix": c.matrix, "row": c.row, "word": c.word, "delta_norm": c.delta} for c in changes]
    out["rows_changed"] = total
    return out


def _context_line(r: dict) -> str | None:
    kind = r.get("context")
    if kind == "corpus":
        return f"CBOW: the mean over {r['windows']:,} windows of the corpus (the step below: the first window)"
    if kind == "typed":
        return "CBOW: the typed context"
    if kind == "single":
        return f"CBOW, single vector: {r['note']}"
    return None


def _print(r: dict) -> None:
    meaning = {"softmax": "softmax(C·v)[o]", "negative": "softmax(C·v + log Pn)[o], the noise-corrected estimate",
               "hs": "the product of the sigmoids along the Huffman path"}[r["objective"]]
    print(f"p({r['output']} | {' '.join(r['input'])}) = {r['p']:.6g}   ({meaning})")
    if _context_line(r):
        print(_context_line(r))
    print(f"rank {r['rank']:,} of {r['vocab_size']:,}, -log p = {r['neg_log_p']:.4f}")
    if "sigmoid" in r:
        print(f"σ(v·u_o) = {r['sigmoid']:.4f}   (the yes/no probability negative sampling trains)")
    print("top words:")
    for i, t in enumerate(r["top"], 1):
        mark = "  ← true word" if t["word"] == r["output"] else ""
        print(f"  {i:>3}  {t['word']:<24} {t['p']:.6f}{mark}")
    if "negatives" in r:
        print(f"negative sampling: loss {r['ns_loss']:.4f}, cos(v, C[output]) = {r['cosine']:.4f}")
        for u in r["negatives"]:
            print(f"  {u['word']:<24} label {u['label']}  σ = {u['sigmoid']:.4f}")
    if "path" in r:
        print("Huffman path: p is the product of the factors, σ(v·u) where the path takes the 0 branch "
              "(label 1), 1 − σ(v·u) where it takes the 1 branch (label 0):")
        for u in r["path"]:
            print(f"  node {u['node']:<8} label {u['label']}  σ = {u['sigmoid']:.4f}  factor {u['factor']:.4f}")
        product = np.prod([u["factor"] for u in r["path"]])
        print(f"  product of the factors = {product:.6g} = p")
    print(f"one step at learning rate {r['alpha']:g} changes {r['rows_changed']:,} rows; the largest changes:")
    for g in r["gradient"]:
        name = g["word"] if g["word"] is not None else f"node {g['row']}"
        print(f"  {g['matrix']}  {name:<24} |Δ row| = {g['delta_norm']:.4g}")
    c = r["costs"]
    work = ", ".join(f"{name} {n:,}" for name, n in c.items())
    print(f"multiply-adds per prediction: {work}")

"""`w2vstudio change`: the words whose meaning moved most between models of different corpora."""

from __future__ import annotations

from pathlib import Path

from w2vstudio.commands.arguments import positive
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.explore.change import DEFAULT_TOP, change, write_aligned
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K
from w2vstudio.core.explore.weat import read_word_list
from w2vstudio.core.errors import W2VError
from w2vstudio.core.files.vectorfiles import WRITE_FORMATS, load_vectors


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "change", help="words whose meaning changed most between models (orthogonal Procrustes, frequency controlled)",
        description="Align the models on their shared vocabulary (orthogonal Procrustes) and rank words by how "
                    "far they moved between the first and the last: the cosine distance after alignment and "
                    "the change of their cosines to their neighbours (Hamilton et al. 2016), each as a z-score "
                    "among words of similar frequency; most changed first.")
    p.add_argument("vectors", nargs="+", metavar="MODEL", help="two or more vectors or model files (slices, in order)")
    p.add_argument("--top", type=positive, default=20, metavar="N", help="list the N most changed words (default 20)")
    p.add_argument("--vocab", type=positive, default=DEFAULT_TOP, metavar="N",
                   help=f"rank the N most frequent shared words (default {DEFAULT_TOP:,})")
    p.add_argument("--neighbours", type=positive, default=DEFAULT_K, metavar="K",
                   help=f"neighbours of the local measure (default {DEFAULT_K})")
    p.add_argument("--anchors", metavar="FILE", help="align on these words only (one per line; default: all shared)")
    p.add_argument("--aligned-out", metavar="DIR", help="write each model's aligned vectors into this folder")
    p.add_argument("--aligned-format", choices=[f for f in WRITE_FORMATS if f != "tsv"], default="txt",
                   help="format of the aligned vectors (default txt)")
    p.add_argument("--json", action="store_true", help="print the result as one line of JSON")
    p.set_defaults(func=run)



def run(args) -> int:
    if len(args.vectors) < 2:
        raise W2VError("change needs at least two models")
    if args.aligned_out and not Path(args.aligned_out).is_dir():
        raise W2VError(f"--aligned-out {args.aligned_out}: not a folder")
    anchors = read_word_list(args.anchors) if args.anchors else None
    models = [load_vectors(path) for path in args.vectors]
    result = change(models, top=args.vocab, anchors=anchors, k=args.neighbours)
    written = []
    if args.aligned_out:
        names = [f"{i + 1}-{Path(p).name.split('.')[0]}" for i, p in enumerate(args.vectors)]
        written = write_aligned(models, result, args.aligned_out, names, args.aligned_format)
    ranked = result.ranked(args.top)
    if args.json:
        print(jsonsafe.dumps({"words": ranked, "shared": len(result.words), "anchors": result.anchors,
                              "aligned": [str(p) for p in written]}, ensure_ascii=False))
        return 0
    print(f"{len(result.words):,} shared words ranked, aligned on {result.anchors:,} anchors")
    width = max([len(r["word"]) for r in ranked] + [4])
    print(f"{'word':<{width}}  distance  neighbours       z")
    for r in ranked:
        print(f"{r['word']:<{width}}  {r['distance']:8.4f}  {r['neighbour_change']:10.4f}  {r['z']:+6.2f}")
    for path in written:
        print(f"aligned vectors: {path}")
    return 0

"""`map`: the most frequent words of a vectors file on a 2D map (PCA, t-SNE or UMAP, the studio's
code), written as `word,x,y,count` CSV; the time it took is printed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tqdm import tqdm

from w2vstudio.commands.arguments import positive
from w2vstudio.core.support.task import Task
from w2vstudio.core.errors import W2VError
from w2vstudio.core.files.sparkfiles import unranked_warning
from w2vstudio.core.files.vectorfiles import input_files, load_vectors
from w2vstudio.core.map.coordinates import write_coordinates, write_rows
from w2vstudio.core.map.projection import MAX_POINTS, METHODS, project_2d
from w2vstudio.core.support.output import check_output
from w2vstudio.core.support.printable import printable, say

DEFAULT_WORDS = 10_000


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("map", help="a 2D map of the most frequent words, as CSV")
    p.add_argument("vectors", metavar="VECTORS", help="vectors or model file, in any supported format")
    p.add_argument("--method", choices=tuple(METHODS), default="pca", help="PCA (default), t-SNE or UMAP")
    p.add_argument("--limit", type=positive, default=DEFAULT_WORDS, metavar="N",
                   help=f"map the N most frequent words (default {DEFAULT_WORDS:,}, at most {MAX_POINTS:,})")
    p.add_argument("-o", "--output", metavar="CSV", help="write word,x,y,count here (default: standard output)")
    p.set_defaults(func=_map)


def _map(args) -> int:
    if args.limit > MAX_POINTS:
        raise W2VError(f"a map holds at most {MAX_POINTS:,} words, not {args.limit:,}")
    if args.output is not None:
        check_output(Path(args.output), input_files(args.vectors))
    kv = load_vectors(args.vectors, limit=args.limit)
    for note in kv.notes:
        say(f"w2vstudio: warning: {note}")
    if not kv.ranked:
        say(unranked_warning(args.vectors, f"the map shows its first {len(kv):,} words, not the most frequent"))
    start = time.perf_counter()
    with tqdm(total=1000, desc=METHODS[args.method], file=sys.stderr, disable=not sys.stderr.isatty(),
              bar_format="{desc}: {percentage:3.0f}% |{bar}| {elapsed}") as bar:
        xy = project_2d(kv.vectors, args.method, Task(lambda f, _: bar.update(round(f * 1000) - bar.n)))
    seconds = time.perf_counter() - start
    summary = f"mapped {len(kv):,} words by {METHODS[args.method]} in {seconds:.1f} s"
    if args.output is None:
        write_rows(sys.stdout, kv.words, xy, kv.counts)
        say(summary)
    else:
        write_coordinates(args.output, kv.words, xy, kv.counts)
        print(printable(f"{summary}: {args.output}"))
    return 0

"""`phrases`: the collocations of a corpus, as gensim's `Phrases(...).export_phrases()` lists them:
every pair scoring above the threshold in one pass (with `--phrase-passes K`, those of K passes)."""

from __future__ import annotations

from w2vstudio.core.corpus import phrases
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.errors import W2VError
from w2vstudio.core.params import BY_NAME, TrainParams
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.support.printable import printable

FLAGS = ("phrase_threshold", "phrase_min_count", "phrase_passes", "phrase_npmi", "phrase_connectors")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("phrases", help="the phrases (collocations) of a corpus, as gensim's Phrases finds them")
    p.add_argument("corpus", nargs="+", help="corpus files or folders (plain, gzip, bz2 or xz text)")
    p.add_argument("--top", type=int, default=None, metavar="N", help="only the N best-scoring phrases")
    p.add_argument("--json", action="store_true", help='a JSON list of {"phrase", "count", "score"}')
    p.add_argument("--keep-case", dest="lowercase", action="store_false", help="do not lowercase words")
    for name in FLAGS:
        param = BY_NAME[name]
        if param.type is bool:
            flag, value, text = param.switches[0]
            p.add_argument(flag, dest=name, action="store_const", const=value, default=param.default, help=text)
        else:
            p.add_argument(param.flag, dest=name, type=param.type, default=param.default,
                           metavar="N" if param.type is int else "F",
                           help=f"{param.help} Range: {param.range_text()}; default {param.default:g}.")
    p.set_defaults(func=_phrases)


def _phrases(args) -> int:
    if args.top is not None and args.top < 1:
        raise W2VError(f"--top {args.top}: must be at least 1")
    params = TrainParams(phrases=True, **{name: getattr(args, name) for name in FLAGS})
    options = phrases.options_of(params)
    scanned = scan_corpus(args.corpus, lowercase=args.lowercase)
    if options.passes == 1:
        found = phrases.export_phrases(scanned, options)
    else:
        table, _ = phrases.find_phrases(scanned, options)
        found = sorted(table.phrases, key=lambda p: (-p.score, -p.count))
    if args.top is not None:
        found = found[:args.top]
    if args.json:
        print(jsonsafe.dumps([{"phrase": p.token, "count": p.count, "score": p.score} for p in found]))
    else:
        for p in found:
            print(f"{printable(p.token)}\t{p.count}\t{p.score:.6g}")  # a word may hold control characters
    return 0

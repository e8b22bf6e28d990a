"""`corpora`: the catalogue of free corpora (size, licence, source, whether cached), and `--get
NAME` to download one into the cache (checked, unpacked; what the studio's Get a corpus does)."""

from __future__ import annotations

import sys

from tqdm import tqdm

from w2vstudio.core.support.task import Task
from w2vstudio.core.corpus import download
from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.printable import printable


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("corpora", help="free corpora to train on: list them, or download one")
    p.add_argument("--get", metavar="NAME", help="download this corpus into the cache and print its path")
    p.set_defaults(func=_corpora)


def _corpora(args) -> int:
    if args.get is None:
        for corpus in download.CATALOGUE:
            where = download.cached(corpus)
            print(f"{corpus.name}: {corpus.title}, {corpus.size / 1e6:,.1f} MB to download, "
                  f"{corpus.words}{f' (cached: {where})' if where else ''}")
            print(f"  {corpus.description}\n  licence: {corpus.licence}\n  source: {corpus.source}")
        print(f"cache: {download.cache_folder()}")
        return 0
    corpus = next((c for c in download.CATALOGUE if c.name == args.get), None)
    if corpus is None:
        names = ", ".join(c.name for c in download.CATALOGUE)
        raise W2VError(f'no corpus called "{args.get}" in the catalogue (one of: {names})')
    with tqdm(total=1000, desc=corpus.name, file=sys.stderr, disable=not sys.stderr.isatty(),
              bar_format="{desc}: {percentage:3.0f}% |{bar}| {elapsed}") as bar:
        path = download.fetch(corpus, task=Task(lambda f, _: bar.update(round(f * 1000) - bar.n)),
                              note=lambda sentence: bar.write(printable(sentence), file=sys.stderr))
    print(printable(str(path)))
    return 0

"""`w2vstudio cache [--list | --clear] [--cache DIR] [--json]`: the encoded corpora kept by `train`
(`core.corpus.cache`): list them (corpus files, size, words, last used) or remove them all."""

from __future__ import annotations

import time

from w2vstudio.core.corpus.cache import CorpusCache
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.support.memory import size_text
from w2vstudio.core.support.printable import printable


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("cache", help="list or clear the encoded corpora train keeps",
                              description="The encoded corpora `train` keeps so that another run on the same "
                                          "files and vocabulary settings does not scan them again.")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--list", action="store_true", help="list the entries (the default)")
    what.add_argument("--clear", action="store_true", help="remove every entry")
    p.add_argument("--cache", metavar="DIR", help="the cache folder (default: the user's cache folder's corpora/)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cache)


def _cache(args) -> int:
    cache = CorpusCache(args.cache)
    if args.clear:
        removed, freed = cache.clear()
        if args.json:
            print(jsonsafe.dumps({"folder": str(cache.folder), "removed": removed, "freed_bytes": freed}))
        else:
            print(f"removed {removed} entr{'y' if removed == 1 else 'ies'} ({size_text(freed)}) from "
                  f"{printable(str(cache.folder))}")
        return 0
    entries = cache.entries()
    if args.json:
        print(jsonsafe.dumps({"folder": str(cache.folder), "size": sum(e.size for e in entries),
                              "entries": [e.to_dict() for e in entries]}))
        return 0
    print(f"cache: {printable(str(cache.folder))}, {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, "
          f"{size_text(sum(e.size for e in entries))}")
    for e in entries:
        used = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.last_used))
        print(f"  {printable(e.files_text())}: {e.words:,} words, {size_text(e.size)}, last used {used}")
    return 0

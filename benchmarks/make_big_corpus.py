"""A realistic big corpus, made not downloaded: N words of a source corpus repeated.

Each copy after the first renames the words outside the source's 30,000 most frequent with a copy
suffix (``wordqx3``: letters and digits, so that every tokenizer, ours and gensim's, keeps it one token), so the distinct tokens grow with the corpus as in real ones while the
frequent words keep their statistics. Two streaming passes over the source (counting, then
copying): memory holds the source's word counts and one line, never the output. OUT is written
as gzip when it ends in ``.gz``; an OUT that is the source is refused.

    python benchmarks/make_big_corpus.py --words 1000000000 -o /tmp/big.txt.gz
        [--source ../shared/data/wiki17m.txt.gz] [--frequent 30000]
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "wiki17m.txt.gz"
FREQUENT = 30_000


def open_text(path: Path, mode: str):
    """A text file, through gzip when its name ends in .gz (reading: when its bytes say so)."""
    if "r" in mode:
        with open(path, "rb") as f:
            gz = f.read(2) == b"\x1f\x8b"
    else:
        gz = path.name.endswith(".gz")
    if gz:
        return gzip.open(path, mode + "t", encoding="utf-8", errors="replace", compresslevel=3) \
            if "w" in mode else gzip.open(path, mode + "t", encoding="utf-8", errors="replace")
    return open(path, mode, encoding="utf-8", errors="replace")


def same_file(a: Path, b: Path) -> bool:
    if not b.exists():
        return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def frequent_words(source: Path, top: int) -> tuple[frozenset, int]:
    """The `top` most frequent words of the source and its number of words."""
    counts: Counter = Counter()
    total = 0
    with open_text(source, "r") as f:
        for line in f:
            words = line.split()
            counts.update(words)
            total += len(words)
    return frozenset(word for word, _ in counts.most_common(top)), total


def make(source: Path, out: Path, words: int, top: int = FREQUENT) -> dict:
    """Write `words` words to `out`; the figures of what was written."""
    if same_file(source, out):
        raise SystemExit(f"make_big_corpus: error: the output is the source ({source})")
    frequent, per_copy = frequent_words(source, top)
    if per_copy == 0:
        raise SystemExit(f"make_big_corpus: error: the source has no words ({source})")
    written = copies = 0
    tmp = out.with_name(f".{out.name}.partial")
    try:
        with open_text(tmp, "w") as w:
            while written < words:
                suffix = f"qx{copies}" if copies else ""
                with open_text(source, "r") as f:
                    for line in f:
                        tokens = line.split()
                        if not tokens:
                            continue
                        tokens = tokens[:words - written]
                        if suffix:
                            tokens = [t if t in frequent else t + suffix for t in tokens]
                        w.write(" ".join(tokens) + "\n")
                        written += len(tokens)
                        if written >= words:
                            break
                copies += 1
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {"words": written, "copies": copies, "source_words": per_copy, "frequent": len(frequent)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, required=True, metavar="N", help="words to write")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the corpus to write (.gz: gzip)")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help=f"the corpus repeated (default {DEFAULT_SOURCE})")
    parser.add_argument("--frequent", type=int, default=FREQUENT,
                        help=f"words kept as they are in every copy (default {FREQUENT:,})")
    args = parser.parse_args()
    if args.words < 1:
        parser.error("--words must be at least 1")
    if not args.source.is_file():
        parser.error(f"no source corpus at {args.source}")
    t0 = time.perf_counter()
    done = make(args.source, args.output, args.words, args.frequent)
    print(f"wrote {done['words']:,} words to {args.output}: {done['copies']:,} copies of "
          f"{done['source_words']:,} words, {done['frequent']:,} frequent words kept, "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stdout)


if __name__ == "__main__":
    main()

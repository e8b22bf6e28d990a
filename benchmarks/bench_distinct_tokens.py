"""A corpus of millions of distinct tokens trained with a small --max-vocab: peak memory.

Writes a corpus in a temporary folder (each line: a few common words and distinct tokens), then
trains on it in a fresh subprocess (`train --max-vocab 1000`, one epoch, the default
--scan-memory unless given) and prints the subprocess's peak RSS and how the words were counted.

    python benchmarks/bench_distinct_tokens.py [--distinct 10000000] [--scan-memory 256M]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import contextlib, io, json, resource, sys
from w2vstudio.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
summary = json.loads(out.getvalue().strip().splitlines()[-1]) if code == 0 else {}
print(json.dumps({"code": code, "counting": summary.get("counting"), "vocab_size": summary.get("vocab_size"),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_corpus(path: Path, distinct: int, per_line: int = 10) -> None:
    """`distinct` tokens seen once, among common words, `per_line` distinct tokens a line."""
    common = " ".join(f"common{k}" for k in range(5))
    with open(path, "w", encoding="ascii") as f:
        for start in range(0, distinct, 100_000):
            f.writelines(f"{common} " + " ".join(f"t{i:x}z" for i in range(a, min(a + per_line, distinct))) + "\n"
                         for a in range(start, min(start + 100_000, distinct), per_line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--distinct", type=int, default=10_000_000, help="distinct tokens in the corpus")
    parser.add_argument("--scan-memory", help="passed to train (default: train's own)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="w2vstudio-bench-") as folder:
        corpus = Path(folder) / "corpus.txt"
        write_corpus(corpus, args.distinct)
        argv = ["train", str(corpus), "-o", str(Path(folder) / "m.w2v"), "--max-vocab", "1000", "--min-count", "1",
                "--epochs", "1", "--dim", "10", "--threads", "1", "--quiet"]
        if args.scan_memory:
            argv += ["--scan-memory", args.scan_memory]
        done = subprocess.run([sys.executable, "-c", CHILD, *argv], capture_output=True, text=True, check=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        size = corpus.stat().st_size
    print(f"{args.distinct:,} distinct tokens ({size / 1e6:,.0f} MB corpus), --max-vocab 1000: "
          f"exit {result['code']}  peak RSS {result['peak_rss_mib']:,.0f} MiB  counting {result['counting']}")


if __name__ == "__main__":
    main()

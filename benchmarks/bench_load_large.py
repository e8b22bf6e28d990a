"""Loading a GoogleNews-sized word2vec binary file (3,000,000 x 300 by default): time and peak memory.

Writes a file of that shape with random vectors (streamed, a chunk at a time, so writing needs
little memory), then loads it in a fresh subprocess with w2vstudio and, unless --skip-gensim, with
gensim's `load_word2vec_format`, printing for each the load time and the subprocess's peak RSS
(and how much of it the load added to the imports) against the size of the float32 matrix.

    python benchmarks/bench_load_large.py [--words 3000000] [--dim 300] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = """
import json, resource, sys, time
if sys.argv[1] == "w2vstudio":
    from w2vstudio.core.files.vectorfiles import load_vectors as load
else:
    from gensim.models import KeyedVectors
    def load(path):
        return KeyedVectors.load_word2vec_format(path, binary=True)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
n = len(load(sys.argv[2]))
seconds = time.perf_counter() - start
print(json.dumps({"words": n, "seconds": seconds, "base_rss_mib": base,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_binary(path: Path, words: int, dim: int, chunk: int = 100_000) -> None:
    """A word2vec binary file of random vectors: "w<i> " + dim float32 + newline per word."""
    rng = np.random.default_rng(0)
    with open(path, "wb") as f:
        f.write(f"{words} {dim}\n".encode())
        for lo in range(0, words, chunk):
            n = min(chunk, words - lo)
            vectors = rng.standard_normal((n, dim), dtype=np.float32)
            f.write(b"".join(f"w{lo + i} ".encode() + vectors[i].tobytes() + b"\n" for i in range(n)))


def load(tool: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, tool, str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{tool} failed: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=3_000_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the file here and keep it (default: a temporary file)")
    args = parser.parse_args()
    print(f"command: python {' '.join(sys.argv)}")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "vectors.bin"
        if not path.exists():
            write_binary(path, args.words, args.dim)
        matrix = args.words * args.dim * 4 / 2**20
        print(f"file: {path.stat().st_size / 2**30:.2f} GiB, {args.words:,} x {args.dim}; "
              f"float32 matrix {matrix:,.0f} MiB")
        for tool in ("w2vstudio",) + (() if args.skip_gensim else ("gensim",)):
            r = load(tool, path)
            added = r["peak_rss_mib"] - r["base_rss_mib"]
            print(f"  {tool:9s} {r['seconds']:7.1f} s   peak RSS {r['peak_rss_mib']:7,.0f} MiB, "
                  f"{added:,.0f} MiB above the imports ({added / matrix:.2f}x the matrix)   "
                  f"{r['words']:,} words", flush=True)


if __name__ == "__main__":
    main()

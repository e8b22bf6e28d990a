"""Spark MLlib's Word2Vec against our trainer on one machine: words/s, analogy, WS-353.

In the same run, on the same uncompressed corpus (a compressed one, or `--max-words N`, is
written out once), one epoch, the same dimensions, window, min count and seed:

- MLlib (`train --engine spark --master local[2]`) with each of `--partitions` (default 1 and 2):
  skip-gram, hierarchical softmax, no subsampling; partitions train apart and are averaged;
- ours with what MLlib trains (`--hs --negative 0 --sample 0`), and ours with our defaults
  (negative sampling 5, subsampling 1e-3), both on `--threads` threads (default 2).

Each run is a `w2vstudio train` subprocess; words/s is its summary's `raw_words_per_sec`, the
training alone (for Spark: MLlib's `fit`, the reading and the word count left out), "wall s" the
whole subprocess (the JVM's start included). Quality: analogy accuracy (bundled questions, 30,000
most frequent words) and the Spearman correlation on WordSim-353, scored by our `evaluate`.

    python benchmarks/bench_spark.py [--corpus FILE] [--max-words N] [--partitions 1 2] [--dim 100]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_vs_gensim import prepare_corpus

from w2vstudio.core.explore.evaluate import evaluate_analogies, evaluate_pairs
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.resources import ANALOGIES, WORDSIM, path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--corpus", type=Path, default=DATA / "wiki17m.txt.gz")
    p.add_argument("--max-words", type=int, help="train on the first N words only")
    p.add_argument("--master", default="local[2]")
    p.add_argument("--partitions", type=int, nargs="+", default=[1, 2])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    return p.parse_args(argv)


def runs(args) -> dict[str, list[str]]:
    """Label -> the `train` flags of each run."""
    out = {f"MLlib, {n} partition{'s' * (n > 1)}": ["--engine", "spark", "--master", args.master,
                                                     "--partitions", str(n), "--hs", "--negative", "0",
                                                     "--sample", "0"] for n in args.partitions}
    out["ours, skip-gram HS, no subsampling"] = ["--hs", "--negative", "0", "--sample", "0",
                                                 "--threads", str(args.threads)]
    out["ours, defaults (NS 5, subsampling)"] = ["--threads", str(args.threads)]
    return out


def train(corpus: Path, flags: list[str], args, out: Path) -> dict:
    cmd = [sys.executable, "-m", "w2vstudio", "train", str(corpus), "-o", str(out), "--quiet", "--epochs", "1",
           "--dim", str(args.dim), "--window", str(args.window), "--min-count", str(args.min_count),
           "--seed", str(args.seed), *flags]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-3000:]}")
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"words_per_sec": summary["raw_words_per_sec"], "wall_s": round(wall, 1),
            "vocab": summary["vocab_size"], **quality(out)}


def quality(model: Path) -> dict:
    kv = load_vectors(model)
    analogy = evaluate_analogies(kv, path(ANALOGIES), restrict_vocab=30_000)
    return {"analogy": round(analogy.accuracy, 4), "ws353": round(evaluate_pairs(kv, path(WORDSIM)).spearman, 4)}


def main(argv=None) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = prepare_corpus(args.corpus, args.max_words, Path(tmp))
        results = {}
        for label, flags in runs(args).items():
            results[label] = train(corpus, flags, args, Path(tmp) / "model.npz")
            print(f"{label:<38} {results[label]}", flush=True)
    print(json.dumps({"settings": vars(args) | {"corpus": str(args.corpus)}, "results": results}))


if __name__ == "__main__":
    main()

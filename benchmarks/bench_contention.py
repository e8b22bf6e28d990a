"""Why more threads may not train faster: the kernel alone, threads sharing one model or each its own.

Runs `train_sentences` directly on T threads (no trainer, no Python between batches), each
on its own slice of the corpus, with the weights either shared (Hogwild, as training does) or one
private copy per thread. Private copies take cache-line ping-pong on the rows of frequent words
out of the picture and leave what the cores share (caches, memory bandwidth, SMT siblings); the gap
between the two is the cost of sharing the weights. Compare with `bench_scaling.py` (the whole
trainer) to see what the batches and the Python around them cost. Needs a quiet machine.

Example: ``python benchmarks/bench_contention.py --max-words 2000000 --threads 1 2``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from bench_vs_gensim import DATA, machine, machine_line, prepare_corpus
from w2vstudio.core.kernels.random import seed_states
from w2vstudio.core.kernels.training import train_sentences
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.train.sampling import SamplingTables


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(DATA / "wiki17m.txt.gz"))
    parser.add_argument("--max-words", type=int, default=2_000_000, help="use the first N words")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--mode", choices=("sg", "cbow", "both"), default="both")
    parser.add_argument("--per-pair", action="store_true", help="skip-gram with a draw of negatives per pair")
    return parser.parse_args(argv)


def run(encoded, params: TrainParams, threads: int, shared: bool) -> float:
    """Corpus words per second of `threads` kernels, each on 1/threads of the sentences."""
    last = encoded.n_sentences
    models = [Model.create(encoded.vocab, params) for _ in range(1 if shared else threads)]
    t = SamplingTables(models[0])
    bounds = np.linspace(0, last, threads + 1).astype(np.int64)
    states = seed_states(params.seed, threads)

    def work(k: int, first: int, stop: int):
        m = models[0 if shared else k]
        train_sentences(encoded.tokens, encoded.offsets, first, stop, m.vectors, m.syn1neg,
                                m.syn1, m.syn1soft, t.keep, t.thresholds, t.aliases, t.codes, t.points, t.lengths,
                                params.sg, params.cbow_mean, params.hs, params.negative, params.window,
                                params.shrink_window, params.alpha, states[k], np.zeros(3), params.shared_negatives)

    work(0, 0, 0)  # loads the compiled kernel before the clock starts
    workers = [threading.Thread(target=work, args=(k, bounds[k], bounds[k + 1])) for k in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return encoded.n_tokens / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    print(f"machine: {machine_line(machine())}")
    with tempfile.TemporaryDirectory(prefix="bench_contention-") as tmp:
        encoded = scan_corpus([prepare_corpus(Path(args.corpus), args.max_words, Path(tmp))]).encode(5)
    print(f"corpus: {args.corpus}, first {args.max_words:,} words: {encoded.n_tokens:,} in the vocabulary of "
          f"{len(encoded.vocab):,}")
    for sg in ((True, False) if args.mode == "both" else (args.mode == "sg",)):
        params = TrainParams(sg=sg, epochs=1, shared_negatives=not args.per_pair)
        print(f"\n{'skip-gram' if sg else 'CBOW'}: words/s (over one thread)   load before/after")
        base = {}
        for threads in args.threads:
            load = os.getloadavg()[0]
            cells = []
            for shared in (True, False):
                speed = run(encoded, params, threads, shared)
                base.setdefault(shared, speed)
                cells.append(f"{'shared' if shared else 'private'} {speed / 1e3:7.0f} k ({speed / base[shared]:.2f}x)")
            print(f"  {threads:3d} threads  " + "   ".join(cells) + f"   {load:.2f}/{os.getloadavg()[0]:.2f}",
                  flush=True)


if __name__ == "__main__":
    main()

"""Overhead of watching training: `w2vstudio train` with and without `--snapshots 10 --eval-each-epoch`.

Runs the same command (same corpus, seed and threads) alternately without and with the options,
`--repeats` times each, every run in its own subprocess, and prints each run's training time (the
trainer's `train_seconds`), wall time (the whole command: scan, training, the evaluations left
when training ends, saving) and CPU time (user + system: the work done, which on a machine kept
busy by others turns into wall time), then the median over the pairs of the with/without ratios.
It first times, in this process, one snapshot copy (2,000 x 100) as float32 and as float16, and
the CPU time of one per-epoch evaluation against that of one epoch of training (one thread): a
ratio that timing noise on a shared machine hardly touches, and the work that the evaluations add.

    python benchmarks/bench_snapshots.py [--corpus ../shared/data/wiki17m.txt.gz] [--epochs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from w2vstudio.core.support.blas import OneBlasThread
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.watch.quality import EpochQuality, evaluate_quality
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.train.snapshots import DEFAULT_TRACKED, SnapshotRecorder, tracked_ids
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.resources import SAMPLE_CORPUS
from w2vstudio.resources import path as resource_path

WATCH = ["--snapshots", "10", "--eval-each-epoch"]


def copy_micros(dim: int, dtype, repeat: int = 200) -> float:
    """Median time of one snapshot copy of 2,000 rows of a 50,000-word matrix, in microseconds."""
    vectors = np.random.default_rng(0).standard_normal((50_000, dim)).astype(np.float32)
    ids = np.arange(2_000)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        vectors[ids].astype(dtype, copy=False)
        times.append(time.perf_counter() - start)
    return 1e6 * statistics.median(times)


def evaluation_share(corpus_path: str, sg: bool) -> tuple[float, float]:
    """CPU seconds of one epoch of training on one thread, and of one evaluation of the result."""
    corpus = scan_corpus([corpus_path]).encode(5, in_place=True)
    model = Model.create(corpus.vocab, TrainParams(sg=sg, epochs=1, threads=1))
    start = time.process_time()
    Trainer(model, corpus).train()
    train_cpu = time.process_time() - start
    kv = KeyedVectors(model.vocab.words, model.vectors)
    times = []
    with OneBlasThread():  # as the train command
        for _ in range(3):
            start = time.process_time()
            evaluate_quality(kv)
            times.append(time.process_time() - start)
    return train_cpu, statistics.median(times)


def in_process(corpus_path: str, sg: bool, epochs: int, threads: int, repeats: int) -> list[dict]:
    """Pairs of runs in this process (one corpus read), alternately without and with a snapshot
    recorder (10 per epoch) and per-epoch quality: each run's training seconds and the seconds
    until its last evaluation is in (the BLAS limit set around both, as the train command does)."""
    corpus = scan_corpus([corpus_path]).encode(5, in_place=True)
    params = TrainParams(sg=sg, epochs=epochs, threads=threads, seed=1)

    def run(watch: bool) -> dict:
        model = Model.create(corpus.vocab, params)
        recorder = quality = None
        if watch:
            recorder = SnapshotRecorder(model, tracked_ids(model.vocab, DEFAULT_TRACKED, []), 10)
            recorder.start()
            quality = EpochQuality(model)
        start = time.perf_counter()
        with OneBlasThread():
            result = Trainer(model, corpus, [recorder, quality]).train()
            if quality is not None:
                quality.wait()
        return {"train": result.seconds, "ready": time.perf_counter() - start}

    run(True)  # compiles and caches; not counted
    pairs = []
    for i in range(repeats):
        kinds = (False, True) if i % 2 == 0 else (True, False)
        pairs.append({watch: run(watch) for watch in kinds})
        print("  " + "   ".join(f"{'with' if w else 'without'} train {pairs[-1][w]['train']:6.2f} s "
                                f"ready {pairs[-1][w]['ready']:6.2f} s" for w in kinds), flush=True)
    return pairs


def train(command: list[str]) -> dict:
    """Run one training; its summary (last stdout line) with its wall and CPU times added."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr}")
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {**summary, "wall_seconds": wall, "cpu_seconds": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(resource_path(SAMPLE_CORPUS)))
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each kind (alternating)")
    parser.add_argument("--cbow", action="store_true", help="CBOW instead of skip-gram")
    parser.add_argument("--in-process", action="store_true",
                        help="pairs of runs in this process instead of `w2vstudio train` subprocesses")
    args = parser.parse_args()

    print(f"command: python {' '.join(sys.argv)}")
    print(f"machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"snapshot copy, 2,000 x 100: float32 {copy_micros(100, np.float32):.0f} us, "
          f"float16 {copy_micros(100, np.float16):.0f} us")
    train_cpu, eval_cpu = evaluation_share(args.corpus, not args.cbow)
    print(f"one epoch of training, 1 thread: {train_cpu:.2f} CPU s; one evaluation: {eval_cpu:.2f} CPU s "
          f"({100 * eval_cpu / train_cpu:.1f}% of an epoch's work)")
    if args.in_process:
        print(f"in-process runs: {args.epochs} epochs, {args.threads} threads, {'CBOW' if args.cbow else 'skip-gram'}")
        pairs = in_process(args.corpus, not args.cbow, args.epochs, args.threads, args.repeats)
        for key in ("train", "ready"):
            ratios = [p[True][key] / p[False][key] for p in pairs]
            print(f"{key} seconds: with/without median {statistics.median(ratios):.3f} "
                  f"(pairs: {', '.join(f'{r:.3f}' for r in ratios)}; target <= 1.10)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "w2vstudio", "train", args.corpus, "-o", str(Path(tmp) / "m.npz"),
                "--epochs", str(args.epochs), "--threads", str(args.threads), "--seed", "1", "--quiet"]
        base += ["--cbow"] if args.cbow else []
        print(f"runs: {' '.join(base[2:])} [{' '.join(WATCH)}]")
        train(base)  # compiles and caches the kernels; not counted
        pairs = []
        for i in range(args.repeats):
            kinds = (False, True) if i % 2 == 0 else (True, False)  # alternate which goes first
            runs = {watch: train(base + (WATCH if watch else [])) for watch in kinds}
            pairs.append(runs)
            for watch in kinds:
                r = runs[watch]
                print(f"  {'with   ' if watch else 'without'}  train {r['train_seconds']:7.2f} s  "
                      f"wall {r['wall_seconds']:7.2f} s  cpu {r['cpu_seconds']:7.2f} s  "
                      f"{r['raw_words_per_sec'] / 1000:7.0f}k words/s"
                      + (f"  snapshots {r['snapshots']}" if watch else ""))
        last = pairs[-1][True]["epoch_quality"][-1]
        print(f"quality after epoch {last['epoch']}: analogy {last['analogy']}, WS-353 {last['ws353']}")
    for key in ("train_seconds", "wall_seconds", "cpu_seconds"):
        ratios = [p[True][key] / p[False][key] for p in pairs]
        print(f"{key.replace('_', ' ')}: with/without median {statistics.median(ratios):.3f} "
              f"(pairs: {', '.join(f'{r:.3f}' for r in ratios)}; target <= 1.10)")


if __name__ == "__main__":
    main()

"""Ensembles: `train --runs K` against K separate `train` runs, and the K runs one after the other
against side by side.

1. In this process, on one scan: `EnsembleRun` with the runs one after the other (each with all
   `--threads`) and side by side (one thread each), alternating `--rounds` times; the wall time of
   each and the median ratio side by side / one after the other.
2. As subprocesses: `w2vstudio train --runs K` once, then K separate `w2vstudio train` runs (seeds
   1 ... K); wall time and peak RSS of each (the separate runs: their total time, the highest RSS).

    python benchmarks/bench_ensemble.py --corpus cut.txt [--runs 5] [--epochs 1] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import EnsembleRun
from w2vstudio.core.support.blas import OneBlasThread
from w2vstudio.resources import SAMPLE_CORPUS
from w2vstudio.resources import path as resource_path


def in_process(corpus: str, runs: int, params: TrainParams, rounds: int) -> None:
    scanned = scan_corpus([corpus])
    times: dict[bool, list[float]] = {False: [], True: []}
    for r in range(rounds):
        for side in ((False, True) if r % 2 == 0 else (True, False)):
            start = time.perf_counter()
            with OneBlasThread():
                EnsembleRun(scanned, params, runs, side_by_side=side, on_run=lambda k, result: None).train()
            times[side].append(time.perf_counter() - start)
            print(f"round {r + 1}: {'side by side' if side else 'one after the other'} "
                  f"{times[side][-1]:.2f} s", flush=True)
    ratios = [s / o for s, o in zip(times[True], times[False])]
    print(f"median side by side / one after the other: {statistics.median(ratios):.3f} "
          f"({runs} runs, {params.threads} threads, {params.epochs} epochs)")


def timed(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of a `w2vstudio` subprocess."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "w2vstudio", *argv], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"w2vstudio {' '.join(argv)} failed")
    return time.perf_counter() - start, usage.ru_maxrss * 1024


def subprocesses(corpus: str, runs: int, params: TrainParams) -> None:
    common = ["--epochs", str(params.epochs), "--threads", str(params.threads), "--dim", str(params.dim),
              "--min-count", str(params.min_count), "--quiet"]
    with tempfile.TemporaryDirectory() as folder:
        seconds, rss = timed(["train", corpus, "-o", f"{folder}/ensemble", "--runs", str(runs), *common])
        print(f"train --runs {runs}:      {seconds:8.2f} s  peak RSS {rss / 2**20:,.0f} MiB")
        separate = [timed(["train", corpus, "-o", f"{folder}/run-{s}.npz", "--seed", str(s), *common])
                    for s in range(1, runs + 1)]
        total = sum(s for s, _ in separate)
        print(f"{runs} separate train runs: {total:8.2f} s  peak RSS {max(r for _, r in separate) / 2**20:,.0f} MiB "
              f"(each: {', '.join(f'{s:.1f}' for s, _ in separate)} s)")
        print(f"ensemble / separate time: {seconds / total:.3f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(resource_path(SAMPLE_CORPUS)))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the in-process comparison")
    args = parser.parse_args(argv)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    params = TrainParams(epochs=args.epochs, threads=args.threads, dim=args.dim, min_count=args.min_count)
    in_process(args.corpus, args.runs, params, args.rounds)
    subprocesses(args.corpus, args.runs, params)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

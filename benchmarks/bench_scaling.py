"""Training words/s against the number of threads, w2vstudio beside gensim, skip-gram and CBOW.

For each mode and thread count: w2vstudio (and with ``--per-pair`` its skip-gram with a fresh draw
of negatives per pair), gensim ``corpus_file`` and gensim ``LineSentence``, one epoch each in its
own subprocess (the runs of `bench_vs_gensim.py`), alternating. Prints words/s and the speed-up over
one thread of each, with the load average before and after every row and the processor as `lscpu`
describes it (threads beyond the cores are SMT siblings). With ``--rounds N`` the whole sweep runs N
times (1, 2, …, 1, 2, …) and each run's speed-ups are also given as the median over the rounds.

Example (a 3 M-word cut of the default corpus):
``python benchmarks/bench_scaling.py --max-words 3000000 --threads 1 2 4 8 16``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
import tempfile
from pathlib import Path

import bench_vs_gensim as bench

RUNS = (bench.W2VSTUDIO, bench.PER_PAIR, bench.GENSIM_FILE, bench.GENSIM_ITER)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=bench.DATA / "wiki17m.txt.gz")
    parser.add_argument("--max-words", type=int, default=3_000_000, help="use the first N words (0: all)")
    parser.add_argument("--mode", choices=("sg", "cbow", "both"), default="both")
    parser.add_argument("--threads", type=int, nargs="+", default=None,
                        help="thread counts (default: 1, 2, 4, ... up to the CPUs available, and that count)")
    parser.add_argument("--per-pair", action="store_true", help="skip-gram: also w2vstudio --no-shared-negatives")
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="sweeps of the thread counts (speed-ups: their median)")
    parser.add_argument("--json", type=Path, default=None, help="also save the results here")
    return parser.parse_args(argv)


def default_threads() -> list[int]:
    cpus = len(os.sched_getaffinity(0))
    counts = [1]
    while counts[-1] * 2 <= cpus:
        counts.append(counts[-1] * 2)
    return counts if counts[-1] == cpus else counts + [cpus]


def settings(threads: int) -> dict:
    return {"dim": 100, "window": 5, "negative": 5, "sample": 1e-3, "min_count": 5, "threads": threads,
            "epochs": 1, "seed": 1}


def measure(mode: str, corpus: Path, threads: int, args: argparse.Namespace, tmpdir: Path) -> dict:
    """One row: words/s of every run at this thread count (or its error)."""
    sg, s = mode == "sg", settings(threads)
    jobs = {bench.W2VSTUDIO: lambda out: bench.run_w2vstudio(corpus, sg, s, out)}
    if sg and args.per_pair:
        jobs[bench.PER_PAIR] = lambda out: bench.run_w2vstudio(corpus, sg, s, out, per_pair=True)
    if not args.skip_gensim:
        jobs[bench.GENSIM_FILE] = lambda out: bench.run_gensim(corpus, sg, False, s, out)
        jobs[bench.GENSIM_ITER] = lambda out: bench.run_gensim(corpus, sg, True, s, out)
    row = {"threads": threads, "load_before": os.getloadavg()[0]}
    for label, job in jobs.items():
        out = tmpdir / "vectors.bin"
        try:
            row[label] = job(out)["raw_words_per_sec"]
        except bench.RunFailed as exc:
            print(f"  error: {exc}", flush=True)
            row[label] = None
        out.unlink(missing_ok=True)
    row["load_after"] = os.getloadavg()[0]
    return row


def print_table(mode: str, rows: list[dict]) -> None:
    labels = [label for label in RUNS if any(label in row for row in rows)]
    print(f"\n{bench.MODES[mode]}: raw words/s (speed-up over the first row)")
    print(f"{'threads':>7}  " + "  ".join(f"{label:>24}" for label in labels) + "  load before/after")
    for row in rows:
        cells = []
        for label in labels:
            value, base = row.get(label), rows[0].get(label)
            cells.append(f"{bench._si(value)} ({value / base:.2f}x)" if value and base else "-")
        print(f"{row['threads']:>7}  " + "  ".join(f"{cell:>24}" for cell in cells)
              + f"  {row['load_before']:.2f}/{row['load_after']:.2f}", flush=True)


def print_medians(mode: str, rounds: list[list[dict]]) -> None:
    """Each run's speed-up over one thread at every thread count: per round, then their median."""
    labels = [label for label in RUNS if any(label in row for rows in rounds for row in rows)]
    print(f"\n{bench.MODES[mode]}: speed-up over the first row, each round; median")
    for k, n in enumerate(row["threads"] for row in rounds[0]):
        for label in labels:
            ups = [rows[k][label] / rows[0][label] for rows in rounds if rows[k].get(label) and rows[0].get(label)]
            if ups:
                shown = ", ".join(f"{u:.2f}" for u in ups)
                print(f"  {label}, {n} thread(s): {shown}; median {statistics.median(ups):.2f}x", flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    bench.mute_gensim()
    report = {"command": shlex.join(["python", *sys.argv]), "machine": bench.machine(),
              "corpus": str(args.corpus.resolve()), "max_words": args.max_words, "modes": {}}
    print(f"command: {report['command']}\nmachine: {bench.machine_line(report['machine'])}")
    threads = args.threads or default_threads()
    modes = ("sg", "cbow") if args.mode == "both" else (args.mode,)
    with tempfile.TemporaryDirectory(prefix="bench_scaling-") as tmp:
        tmpdir = Path(tmp)
        corpus = bench.prepare_corpus(args.corpus.resolve(), args.max_words or None, tmpdir)
        for mode in modes:
            rounds = report["modes"][mode] = []
            for r in range(args.rounds):
                rows = []
                rounds.append(rows)
                for n in threads:
                    print(f"{bench.MODES[mode]}, round {r + 1}, {n} thread(s):", flush=True)
                    rows.append(measure(mode, corpus, n, args, tmpdir))
                print_table(mode, rows)
            if args.rounds > 1:
                print_medians(mode, rounds)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    failed = any(row.get(label, 0) is None for rounds in report["modes"].values() for rows in rounds for row in rows
                 for label in RUNS)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

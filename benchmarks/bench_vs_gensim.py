"""Train w2vstudio and gensim 4.x on the same corpus and compare speed, memory and quality.

Per mode (skip-gram, CBOW) and per round three runs, each in its own subprocess so that its peak
RSS is its own (``--pairs N``: N rounds alternating the three, round r with seed ``--seed`` + r):

* gensim ``corpus_file``: usually gensim's faster mode (for CBOW; for skip-gram on 2 cores the
  iterable mode is often faster), so speed is compared with the faster of the two gensim runs;
* gensim ``LineSentence`` (iterable): the reference for quality, because in ``corpus_file`` mode
  with several workers gensim's learning rate only decays to about alpha/2;
* w2vstudio, through its command line (``python -m w2vstudio train ...``); with ``--per-pair``
  also its skip-gram with a fresh draw of negatives per pair (``--no-shared-negatives``).

All read the same uncompressed text file. Every run saves its vectors in the word2vec binary format
and the parent scores them all the same way, with gensim's own evaluation: analogy accuracy on
questions-words.txt (30,000 most frequent words) and Spearman correlation on WordSim-353 and on
SimLex-999 (gensim's test data). Each round's speed ratio is w2vstudio's words/s over the faster
gensim run of that round; the report gives every round, the median ratio, the mean quality, the
load average before and after, and the processor as ``lscpu`` describes it.

Quick run: ``python benchmarks/bench_vs_gensim.py --max-words 300000``.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import logging
import lzma
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from w2vstudio import resources

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / ".." / "shared" / "data"


def data_or_bundled(name: str, bundled: str) -> Path:
    """`DATA / name` where the shared data is present, else the copy bundled with w2vstudio."""
    return DATA / name if (DATA / name).exists() else resources.path(bundled)


ANALOGIES = data_or_bundled("questions-words.txt", resources.ANALOGIES)
WORD_PAIRS = data_or_bundled("wordsim353.tsv", resources.WORDSIM)
ANALOGY_VOCAB = 30_000
SIMLEX = "simlex999.txt"  # in gensim's test data

MODES = {"sg": "skip-gram", "cbow": "CBOW"}
SPEED_TARGETS = {"sg": 2.0, "cbow": 2.5}  # w2vstudio / gensim's faster mode, raw words/s, median, at least
QUALITY_TOLERANCE = {"analogy": 0.01, "simlex": 0.01, "ws353": 0.02}  # mean within this of gensim LineSentence
RSS_TARGET = 2.0  # w2vstudio peak RSS / gensim's, at most

GENSIM_FILE = "gensim corpus_file"
GENSIM_ITER = "gensim LineSentence"
W2VSTUDIO = "w2vstudio"
PER_PAIR = "w2vstudio per pair"
SCORES = (("analogy", "analogy"), ("ws353", "WS-353 Spearman"), ("simlex", "SimLex-999 Spearman"))

# Runs the w2vstudio CLI in-process, then prints the child's own peak RSS as a last JSON line.
_W2VSTUDIO_RUNNER = (
    "import json, resource, sys\n"
    "from w2vstudio.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "sys.stdout.flush()\n"
    "print(json.dumps({'max_rss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))\n"
    "sys.exit(rc)\n"
)
# What every trainer must report on stdout (w2vstudio's CLI: its last line, a JSON object).
REQUIRED_KEYS = ("raw_words", "train_seconds", "raw_words_per_sec", "vocab_size", "max_rss_kib")


class RunFailed(Exception):
    """A trainer subprocess failed or did not report its figures."""


# ---------------------------------------------------------------- command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DATA / "wiki17m.txt.gz",
                        help="text corpus, plain or gzip/bz2/xz (default: %(default)s)")
    parser.add_argument("--mode", choices=("sg", "cbow", "both"), default="both")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-3)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--max-words", type=int, default=None,
                        help="use only the first N words of the corpus (quick run)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the first round (round r: seed + r)")
    parser.add_argument("--pairs", type=int, default=1, metavar="N",
                        help="N alternating rounds of the runs (the speed ratio is their median)")
    parser.add_argument("--per-pair", action="store_true",
                        help="skip-gram: also run w2vstudio with --no-shared-negatives")
    parser.add_argument("--skip-gensim", action="store_true", help="run w2vstudio only")
    parser.add_argument("--quality-only", action="store_true",
                        help="skip gensim's corpus_file run (the speed reference), e.g. for 5-epoch quality")
    parser.add_argument("--json", type=Path, default=None, help="also save the results here")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)  # internal: gensim run
    return parser.parse_args(argv)


def settings_of(args: argparse.Namespace) -> dict:
    """The hyperparameters both tools get."""
    return {"dim": args.dim, "window": args.window, "negative": args.negative,
            "sample": args.sample, "min_count": args.min_count, "threads": args.threads,
            "epochs": args.epochs, "seed": args.seed}


# ---------------------------------------------------------------- corpus


def _opener(path: Path):
    """The function that opens `path` (plain, gzip, bz2 or xz, recognised by its magic bytes)."""
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if magic.startswith(b"\x1f\x8b"):
        return gzip.open
    if magic.startswith(b"BZh"):
        return bz2.open
    if magic.startswith(b"\xfd7zXZ\x00"):
        return lzma.open
    return open


def prepare_corpus(src: Path, max_words: int | None, tmpdir: Path) -> Path:
    """The uncompressed file both tools train on: `src` itself, or a decompressed or cut copy."""
    opener = _opener(src)
    if opener is open and max_words is None:
        return src
    dst = tmpdir / "corpus.txt"
    left = -1 if max_words is None else max_words  # words still to copy; -1: all
    with opener(src, "rt", encoding="utf-8") as fin, open(dst, "w", encoding="utf-8") as fout:
        for line in fin:
            if left == 0:
                break
            if left > 0:
                words = line.split()
                if len(words) > left:
                    line = " ".join(words[:left]) + "\n"
                left -= min(left, len(words))
            fout.write(line)
    return dst


# ---------------------------------------------------------------- subprocesses


def run_child(cmd: list[str], label: str, shown: str) -> dict:
    """Run one trainer; return the JSON objects it printed on stdout, merged, plus its wall time.

    `shown` is the command to quote if it fails or misses one of REQUIRED_KEYS.
    """
    print(f"  running {label} ...", flush=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RunFailed(f"{label} failed with exit status {proc.returncode}.\n"
                        f"command: {shown}\nits stderr:\n{_tail(proc.stderr)}")
    figures = {}
    for line in proc.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                figures.update(json.loads(line))
            except json.JSONDecodeError:
                pass
    missing = [key for key in REQUIRED_KEYS if key not in figures]
    if missing:
        raise RunFailed(f"{label} did not print a JSON summary with {', '.join(missing)}.\n"
                        f"command: {shown}\nits stdout:\n{_tail(proc.stdout)}")
    figures["wall_seconds"] = wall
    return figures


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:]) or "(empty)"


def run_gensim(corpus: Path, sg: bool, iterable: bool, settings: dict, out: Path) -> dict:
    """Train gensim in a subprocess (this script with --child)."""
    spec = dict(settings, corpus=str(corpus), sg=sg, iterable=iterable, out=str(out))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    return run_child(cmd, GENSIM_ITER if iterable else GENSIM_FILE, shlex.join(cmd))


def run_w2vstudio(corpus: Path, sg: bool, settings: dict, out: Path, per_pair: bool = False) -> dict:
    """Train w2vstudio through its CLI in a subprocess that also reports its peak RSS."""
    train = ["train", str(corpus), "-o", str(out), "--format", "bin", "--sg" if sg else "--cbow"]
    if per_pair:
        train.append("--no-shared-negatives")
    for key in ("dim", "window", "negative", "min_count", "sample", "epochs", "threads", "seed"):
        train += ["--" + key.replace("_", "-"), str(settings[key])]
    shown = shlex.join(["python", "-m", "w2vstudio", *train])
    return run_child([sys.executable, "-c", _W2VSTUDIO_RUNNER, *train], PER_PAIR if per_pair else W2VSTUDIO, shown)


def gensim_child(spec_json: str) -> None:
    """Child side of run_gensim: train, save word2vec binary, print one JSON line of figures."""
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    mute_gensim()
    spec = json.loads(spec_json)
    model = Word2Vec(sg=int(spec["sg"]), vector_size=spec["dim"], window=spec["window"],
                     negative=spec["negative"], hs=0, sample=spec["sample"],
                     min_count=spec["min_count"], workers=spec["threads"],
                     epochs=spec["epochs"], seed=spec["seed"])
    source = ({"corpus_iterable": LineSentence(spec["corpus"])} if spec["iterable"]
              else {"corpus_file": spec["corpus"]})
    start = time.perf_counter()
    model.build_vocab(**source)
    vocab_seconds = time.perf_counter() - start
    start = time.perf_counter()
    model.train(**source, total_examples=model.corpus_count,
                total_words=model.corpus_total_words, epochs=model.epochs)
    train_seconds = time.perf_counter() - start
    model.wv.save_word2vec_format(spec["out"], binary=True)
    print(json.dumps({  # raw_words: the corpus's words, as in w2vstudio's summary
        "raw_words": model.corpus_total_words, "train_seconds": train_seconds,
        "raw_words_per_sec": model.corpus_total_words * model.epochs / train_seconds,
        "vocab_seconds": vocab_seconds,
        "vocab_size": len(model.wv),
        "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


# ---------------------------------------------------------------- quality


def mute_gensim() -> None:
    logging.getLogger("gensim").setLevel(logging.WARNING)


def evaluate(vectors: Path) -> dict:
    """Analogy accuracy, WS-353 and SimLex-999 Spearman of word2vec-binary vectors, by gensim's own code."""
    from gensim.models import KeyedVectors
    from gensim.test.utils import datapath

    mute_gensim()
    try:
        kv = KeyedVectors.load_word2vec_format(str(vectors), binary=True)
    except Exception as exc:  # a broken export must not end the whole benchmark
        raise RunFailed(f"gensim could not read the word2vec binary {vectors}: {exc!r}") from exc
    analogy = kv.evaluate_word_analogies(str(ANALOGIES), restrict_vocab=ANALOGY_VOCAB)[0]
    return {"analogy": float(analogy), "ws353": _spearman(kv, str(WORD_PAIRS)),
            "simlex": _spearman(kv, datapath(SIMLEX))}


def _spearman(kv, pairs: str) -> float:
    """gensim's Spearman correlation on a word-pairs file; NaN when no pair is in the vocabulary
    (a tiny corpus)."""
    try:
        return float(kv.evaluate_word_pairs(pairs)[1][0])
    except ValueError:
        return float("nan")


# ---------------------------------------------------------------- one mode


def bench_mode(mode: str, corpus: Path, settings: dict, tmpdir: Path, args: argparse.Namespace) -> dict:
    """`args.pairs` rounds of the mode's runs, each with its quality scores (or `error`), then the
    summary of each run over the rounds and the targets' checks."""
    sg = mode == "sg"
    rounds = []
    for r in range(args.pairs):
        seeded = dict(settings, seed=settings["seed"] + r)
        jobs = {} if args.skip_gensim else {
            GENSIM_FILE: lambda out: run_gensim(corpus, sg, False, seeded, out),
            GENSIM_ITER: lambda out: run_gensim(corpus, sg, True, seeded, out),
        }
        if args.quality_only:
            jobs.pop(GENSIM_FILE, None)
        jobs[W2VSTUDIO] = lambda out: run_w2vstudio(corpus, sg, seeded, out)
        if sg and args.per_pair:
            jobs[PER_PAIR] = lambda out: run_w2vstudio(corpus, sg, seeded, out, per_pair=True)
        runs = {"load_before": os.getloadavg()[0]}
        for label, job in jobs.items():
            out = tmpdir / f"{mode}-{label.replace(' ', '-')}.bin"
            try:
                runs[label] = job(out)
                runs[label].update(evaluate(out))
            except RunFailed as exc:
                print(f"  error: {exc}", flush=True)
                runs[label] = {"error": str(exc)}
            out.unlink(missing_ok=True)
        runs["load_after"] = os.getloadavg()[0]
        runs["ratio"] = speed_ratio(runs)
        print_round(r + 1, seeded["seed"], runs)
        rounds.append(runs)
    summary = summarise(rounds)
    return {"rounds": rounds, "summary": summary, "checks": checks(mode, summary)}


def _runs(runs: dict) -> dict:
    return {label: run for label, run in runs.items() if isinstance(run, dict)}


def speed_ratio(runs: dict) -> float | None:
    """w2vstudio's words/s over the faster gensim run of the same round."""
    ours = runs.get(W2VSTUDIO, {}).get("raw_words_per_sec")
    gensim = [runs[k]["raw_words_per_sec"] for k in (GENSIM_FILE, GENSIM_ITER) if "raw_words_per_sec" in runs.get(k, {})]
    return ours / max(gensim) if ours and gensim else None


def summarise(rounds: list[dict]) -> dict:
    """Per run over the rounds: median words/s and train seconds, mean scores, highest RSS;
    and the median speed ratio."""
    summary = {}
    for label in dict.fromkeys(k for runs in rounds for k in _runs(runs)):
        done = [runs[label] for runs in rounds if label in runs and "error" not in runs[label]]
        if not done:
            summary[label] = {"error": "every round failed"}
            continue
        row = {key: statistics.median(run[key] for run in done)
               for key in ("raw_words_per_sec", "train_seconds", "wall_seconds")}
        row.update({key: statistics.median_low(run[key] for run in done) for key in ("raw_words", "vocab_size")})
        row.update({key: statistics.fmean(run[key] for run in done) for key, _ in SCORES})
        row["max_rss_kib"] = max(run["max_rss_kib"] for run in done)
        row["rounds"] = len(done)
        summary[label] = row
    ratios = [runs["ratio"] for runs in rounds if runs["ratio"] is not None]
    summary["ratio"] = statistics.median(ratios) if ratios else None
    return summary


def checks(mode: str, summary: dict) -> list[dict]:
    """The issue's targets, where both sides of a comparison were measured."""
    ours, fast, iterable = (summary.get(k, {}) for k in (W2VSTUDIO, GENSIM_FILE, GENSIM_ITER))
    found = []

    def add(what, value, target, ok, fmt):
        found.append({"what": what, "value": value, "target": target, "ok": bool(ok),
                      "text": fmt.format(value=value, target=target)})

    if summary.get("ratio") is not None:
        target = SPEED_TARGETS[mode]
        add("speed w2vstudio / gensim's faster run, median of the rounds", summary["ratio"], target,
            summary["ratio"] >= target, "{value:.2f}x (target >= {target}x)")
    for label in (W2VSTUDIO, PER_PAIR):
        for key, name in SCORES:
            if key in summary.get(label, {}) and key in iterable:
                diff = summary[label][key] - iterable[key]
                add(f"{name}, mean: {label} - gensim LineSentence", diff, -QUALITY_TOLERANCE[key],
                    diff >= -QUALITY_TOLERANCE[key], "{value:+.3f} (target >= {target})")
    gensim_rss = [run["max_rss_kib"] for run in (fast, iterable) if "max_rss_kib" in run]
    if "max_rss_kib" in ours and gensim_rss:
        ratio = ours["max_rss_kib"] / min(gensim_rss)
        add("peak RSS w2vstudio / gensim (lower of its runs)", ratio, RSS_TARGET,
            ratio <= RSS_TARGET, "{value:.2f}x (target <= {target}x)")
    return found


# ---------------------------------------------------------------- report


def machine() -> dict:
    """CPUs available to this process and the processor as `lscpu` gives it (model, cores per
    socket, sockets, threads per core: SMT siblings share a core's caches and units)."""
    info = {"nproc": len(os.sched_getaffinity(0)), "cpu": platform.processor() or "unknown",
            "python": platform.python_version(), "versions": _versions()}
    try:
        lines = subprocess.run(["lscpu"], capture_output=True, text=True, check=True,
                               env=dict(os.environ, LC_ALL="C")).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        lines = []
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    for key, name in (("Model name", "cpu"), ("Core(s) per socket", "cores_per_socket"),
                      ("Socket(s)", "sockets"), ("Thread(s) per core", "threads_per_core")):
        if key in fields:
            info[name] = fields[key].strip()
    return info


def machine_line(m: dict) -> str:
    return (f"{m['cpu']}, nproc {m['nproc']}, {m.get('sockets', '?')} socket(s) x {m.get('cores_per_socket', '?')} "
            f"core(s) x {m.get('threads_per_core', '?')} thread(s) per core")


def _versions() -> dict:
    import numba
    import numpy

    versions = {"numpy": numpy.__version__, "numba": numba.__version__}
    try:
        import gensim
    except ImportError:
        return versions
    return {"gensim": gensim.__version__, **versions}


def _si(x: float) -> str:
    for div, unit in ((1e6, " M"), (1e3, " k")):
        if x >= div:
            return f"{x / div:.3g}{unit}"
    return f"{x:.3g}"


_COLUMNS = (  # header, width, key, format of the value
    ("corpus words", 12, "raw_words", "{:,}".format),
    ("train s", 8, "train_seconds", "{:.2f}".format),
    ("wall s", 7, "wall_seconds", "{:.1f}".format),
    ("words/s", 9, "raw_words_per_sec", _si),
    ("vocab", 7, "vocab_size", "{:,}".format),
    ("RSS MiB", 8, "max_rss_kib", lambda kib: f"{kib / 1024:.0f}"),
    ("analogy", 8, "analogy", "{:.3f}".format),
    ("WS-353", 7, "ws353", "{:.3f}".format),
    ("SimLex", 7, "simlex", "{:.3f}".format),
)


def _row(label: str, cells: list[str]) -> str:
    return f"{label:<20}" + "".join(f"  {cell:>{col[1]}}" for cell, col in zip(cells, _COLUMNS))


def _table(runs: dict) -> None:
    print(_row("run", [col[0] for col in _COLUMNS]))
    for label, run in _runs(runs).items():
        if "error" in run:
            print(f"{label:<20}  FAILED: {run['error'].splitlines()[0]}")
        else:
            print(_row(label, [fmt(run[key]) if key in run else "-" for _, _, key, fmt in _COLUMNS]))


def print_round(number: int, seed: int, runs: dict) -> None:
    ratio = f"{runs['ratio']:.2f}x" if runs["ratio"] is not None else "-"
    print(f"\nround {number} (seed {seed}), load average {runs['load_before']:.2f} before, "
          f"{runs['load_after']:.2f} after; w2vstudio / gensim's faster run: {ratio}", flush=True)
    _table(runs)


def print_mode(mode: str, result: dict) -> None:
    rounds, summary = result["rounds"], result["summary"]
    print(f"\n{MODES[mode]}: {len(rounds)} round(s); medians of words/s and times, means of the scores")
    _table(summary)
    ratios = ", ".join(f"{runs['ratio']:.2f}" for runs in rounds if runs["ratio"] is not None)
    if ratios:
        print(f"  speed ratio per round: {ratios}; median {summary['ratio']:.2f}")
    loads = ", ".join(f"{runs['load_before']:.2f}/{runs['load_after']:.2f}" for runs in rounds)
    print(f"  load average before/after each round: {loads}")
    for check in result["checks"]:
        print(f"  {check['what']}: {check['text']}  {'ok' if check['ok'] else 'MISSED'}")


def print_header(report: dict) -> None:
    m, s = report["machine"], report["settings"]
    print(f"command: {report['command']}")
    print(f"machine: {machine_line(m)}; Python {m['python']}, "
          + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    print(f"corpus: {report['corpus']}" + (f" (first {report['max_words']:,} words)"
                                            if report["max_words"] else ""))
    print("settings: " + ", ".join(f"{k} {v}" for k, v in s.items()))


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child is not None:
        gensim_child(args.child)
        return 0
    mute_gensim()
    corpus = args.corpus.resolve()
    settings = settings_of(args)
    report = {"command": shlex.join(["python", *sys.argv]), "machine": machine(),
              "corpus": str(corpus), "max_words": args.max_words, "settings": settings,
              "load_before": os.getloadavg(), "modes": {}}
    print_header(report)
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in report['load_before'])}", flush=True)
    modes = ("sg", "cbow") if args.mode == "both" else (args.mode,)
    with tempfile.TemporaryDirectory(prefix="bench_vs_gensim-") as tmp:
        tmpdir = Path(tmp)
        print("preparing the uncompressed corpus ...", flush=True)
        train_file = prepare_corpus(corpus, args.max_words, tmpdir)
        for mode in modes:
            print(f"{MODES[mode]}:", flush=True)
            report["modes"][mode] = bench_mode(mode, train_file, settings, tmpdir, args)
    report["load_after"] = os.getloadavg()
    for mode, result in report["modes"].items():
        print_mode(mode, result)
    print(f"\nload average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in report['load_before'])}, "
          f"after: {' '.join(f'{x:.2f}' for x in report['load_after'])}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nresults saved to {args.json}")
    failed = any("error" in run for r in report["modes"].values() for runs in r["rounds"]
                 for run in _runs(runs).values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

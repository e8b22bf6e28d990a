"""Phrase detection: w2vstudio's `export_phrases` against gensim's `Phrases` + `export_phrases()`.

Both find the two-word phrases of one pass with gensim's default scorer, `min_count=5`,
`threshold=10` and no connector words, on the same corpus (`../shared/data/wiki17m.txt.gz` by
default; `--max-words N` cuts its first N words). In alternating rounds (`--rounds N`), each side in
a fresh subprocess so that its peak RSS (`ru_maxrss`, read by the child itself) is its own (Linux
carries a parent's peak over into its child's `ru_maxrss`, so this process imports neither Numba
nor gensim and tokenises in a child too). A compressed corpus, or a cut, is written once to a plain
temporary file that both sides read, so that neither time includes decompressing:

- **w2vstudio**: `scan_corpus` of the text, then `export_phrases` (the Numba pair counting and the
  scoring); timed as a whole (scan + count + score) and the counting and scoring alone. The kernels
  are compiled (or loaded from Numba's cache) on a small generated file first, its table growth
  included, outside the timing;
- **gensim**: `Phrases(sentences, min_count=5, threshold=10)` then `export_phrases()`, timed
  together. The sentences are w2vstudio's own tokenisation (written once, one line per line, words
  separated by spaces, before the rounds), streamed as lists of str (`line.split()`, as
  `LineSentence` does), so that both sides see the same words.

Every round prints both times, the ratio gensim / w2vstudio (whole and counting alone), the
phrases each found and the Jaccard index of the two sets, and the peak RSS of each; then the
median ratios. The header gives `lscpu`'s model name and `uptime`, which is printed again at the
end: the machine must be quiet for figures worth recording. The issue's target: w2vstudio at least
5x faster than gensim on wiki17m (median of the rounds, scan included).

    python benchmarks/bench_phrases.py [--corpus PATH] [--max-words N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_vs_gensim as bench

TARGET = 5.0
MIN_COUNT, THRESHOLD = 5, 10.0

CHILD_OURS = """
import json, resource, sys, time
from pathlib import Path
from w2vstudio.core.corpus.phrases import PhraseOptions, export_phrases
from w2vstudio.core.corpus.scan import scan_corpus
corpus, warm, out, min_count, threshold = sys.argv[1:6]
options = PhraseOptions(threshold=float(threshold), min_count=int(min_count))
start = time.perf_counter()
export_phrases(scan_corpus([warm]), options)  # compile the kernels (or load them from the cache)
warmup = time.perf_counter() - start
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
scanned = scan_corpus([corpus])
scanned_at = time.perf_counter()
found = export_phrases(scanned, options)
end = time.perf_counter()
Path(out).write_text(json.dumps([p.token for p in found]), encoding="utf-8")
import numba, numpy
print(json.dumps({"versions": {"numpy": numpy.__version__, "numba": numba.__version__},
                  "seconds": end - start, "count_seconds": end - scanned_at, "scan_seconds": scanned_at - start,
                  "warmup_seconds": warmup, "words": scanned.raw_words, "counting": scanned.counting["method"],
                  "phrases": len(found), "base_rss_mib": base,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

CHILD_GENSIM = """
import json, logging, resource, sys, time
from pathlib import Path
from gensim.models.phrases import Phrases
logging.disable(logging.INFO)
tokens, out, min_count, threshold = sys.argv[1:5]

class Sentences:
    def __iter__(self):
        with open(tokens, encoding="utf-8") as f:
            for line in f:
                yield line.split()

base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
model = Phrases(Sentences(), min_count=int(min_count), threshold=float(threshold))
found = model.export_phrases()
end = time.perf_counter()
Path(out).write_text(json.dumps(sorted(found)), encoding="utf-8")
import gensim
print(json.dumps({"versions": {"gensim": gensim.__version__},
                  "seconds": end - start, "words": model.corpus_word_count, "phrases": len(found),
                  "base_rss_mib": base, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=bench.REPO.parent / "shared" / "data" / "wiki17m.txt.gz")
    parser.add_argument("--max-words", type=int, default=None, help="use the first N words of the corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokenise", nargs=2, type=Path, metavar=("CORPUS", "OUT"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def tokenise(corpus: Path, dst: Path) -> int:
    """w2vstudio's tokenisation of `corpus` written to `dst`, one line per line; its word count."""
    from w2vstudio.core.corpus import files

    tokenizer = files.Tokenizer(True)
    counter = files.ReplacementCounter()
    n = 0
    with open(dst, "w", encoding="utf-8") as out:
        for data, _ in files.iter_blocks(corpus, counter):
            ids = tokenizer(data).tolist()
            words = tokenizer.words
            line: list[str] = []
            for i in ids:
                if i < 0:
                    out.write(" ".join(line) + "\n")
                    line = []
                else:
                    line.append(words[i])
                    n += 1
            if line:  # a block ends at a line break, so this is the file's last line without one
                out.write(" ".join(line) + "\n")
    return n


def write_warmup(path: Path) -> None:
    """A small file with more distinct pairs than the counting table's first size (2**15 of 2**16
    slots), so that the warm-up compiles its growth too: 60,000 words drawn from 2,000."""
    rng = random.Random(0)
    lines = (" ".join(f"w{rng.randrange(2000)}" for _ in range(20)) for _ in range(3000))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(code: str | None, args: list[str], label: str) -> dict:
    """Run a child (`code`, or this script with `args`): its last stdout line, a JSON object."""
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, str(Path(__file__).resolve()), *args]
    done = subprocess.run(cmd, check=False, cwd=bench.REPO, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{label} failed with exit status {done.returncode}:\n{bench._tail(done.stderr)}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def lscpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True,
                             env=dict(os.environ, LC_ALL="C")).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Model name")),
                "unknown")


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(uptime unavailable)"


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.tokenise:
        print(json.dumps({"words": tokenise(*args.tokenise)}))
        return 0
    # this process imports neither Numba nor gensim nor w2vstudio's engine, and tokenises in a child:
    # Linux carries a parent's peak RSS over into its child's ru_maxrss, so the parent stays small
    print(f"command: python {' '.join(sys.argv)}")
    print(f"machine: {lscpu_model()} (lscpu model name), nproc {len(os.sched_getaffinity(0))}")
    print(f"uptime before: {uptime()}")
    print(f"settings: min_count={MIN_COUNT}, threshold={THRESHOLD}, default scorer, no connector words, 1 pass")
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        corpus = bench.prepare_corpus(args.corpus.resolve(), args.max_words, tmpdir)
        tokens = tmpdir / "tokens.txt"
        n_words = run(None, ["--tokenise", str(corpus), str(tokens)], "tokenising")["words"]
        warm = tmpdir / "warm.txt"
        write_warmup(warm)
        cut = f"first {args.max_words:,} words" if args.max_words else "all"
        print(f"corpus: {args.corpus} ({cut}), {n_words:,} words as w2vstudio tokenises it")
        ratios, count_ratios = [], []
        for r in range(1, args.rounds + 1):
            ours = run(CHILD_OURS, [str(corpus), str(warm), str(tmpdir / "ours.json"), str(MIN_COUNT),
                                    str(THRESHOLD)], "w2vstudio")
            theirs = run(CHILD_GENSIM, [str(tokens), str(tmpdir / "gensim.json"), str(MIN_COUNT), str(THRESHOLD)],
                         "gensim")
            a = set(json.loads((tmpdir / "ours.json").read_text(encoding="utf-8")))
            b = set(json.loads((tmpdir / "gensim.json").read_text(encoding="utf-8")))
            ratio, count_ratio = theirs["seconds"] / ours["seconds"], theirs["seconds"] / ours["count_seconds"]
            ratios.append(ratio)
            count_ratios.append(count_ratio)
            if r == 1:
                print(f"versions: {dict(ours['versions'], **theirs['versions'])}")
            print(f"round {r}:")
            print(f"  w2vstudio {ours['seconds']:8.2f} s (scan {ours['scan_seconds']:.2f} s + count/score "
                  f"{ours['count_seconds']:.2f} s; JIT warm-up {ours['warmup_seconds']:.2f} s not counted)  "
                  f"{ours['phrases']:,} phrases  {ours['words']:,} words ({ours['counting']} counting)  "
                  f"peak RSS {ours['peak_rss_mib']:,.0f} MiB ({ours['base_rss_mib']:,.0f} after imports and warm-up)")
            print(f"  gensim    {theirs['seconds']:8.2f} s (Phrases + export_phrases)  {theirs['phrases']:,} phrases  "
                  f"{theirs['words']:,} words  peak RSS {theirs['peak_rss_mib']:,.0f} MiB "
                  f"({theirs['base_rss_mib']:,.0f} after imports)")
            print(f"  gensim / w2vstudio: {ratio:.2f}x (count/score alone {count_ratio:.2f}x)  "
                  f"phrases: both {len(a & b):,}, only w2vstudio {len(a - b):,}, only gensim {len(b - a):,}, "
                  f"Jaccard {jaccard(a, b):.4f}", flush=True)
        median = statistics.median(ratios)
        print(f"median gensim / w2vstudio time over {args.rounds} round(s): {median:.2f}x "
              f"(count/score alone {statistics.median(count_ratios):.2f}x); "
              f"target >= {TARGET:g}x on wiki17m: {'met' if median >= TARGET else 'not met'}")
    print(f"uptime after: {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

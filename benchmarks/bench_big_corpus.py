"""A billion words on one desktop: scan+encode, gensim's vocabulary pass, a skip-gram epoch and a
second run from the cache, each a child process whose peak RSS is polled.

(a) w2vstudio scan+encode into a fresh cache folder (what `train --cache DIR` does before it
    trains): wall time, peak RSS, the encoded tokens' size;
(b) with --gensim: gensim's Word2Vec.build_vocab(corpus_file=...) on the same (plain text) file;
(c) one skip-gram epoch (dim 100, min-count 5, other settings the defaults) from the cache of (a):
    words/s from the run's --json summary, peak RSS (resident memory-mapped pages included), and
    the same epoch on --reference (wiki17m) for comparison;
(d) a second run on the same cache: seconds from its start to its first training progress (then
    it is stopped); once as the epoch left the page cache, once with the entry's files dropped from
    it (`drop_from_page_cache`: posix_fadvise, no root needed), as after a reboot.

It prints `uptime` before and after, the CPU's model name and a Markdown table for
docs/benchmarks.md, with the targets of issue #27 beside the figures.

    python benchmarks/bench_big_corpus.py --corpus /work/big/big1b.txt [--reference wiki17m.txt.gz]
        [--epoch-words N] [--gensim] [--threads N] [--json OUT]

--epoch-words N trains (c) and (d) on the corpus's first lines holding N words (written to a file
in the work folder, its own cache) instead of the whole corpus, to keep the run short: the memory
bound of (c) is then checked against that part's tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from w2vstudio.core.support.opener import open_input

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = REPO.parent / "shared" / "data" / "wiki17m.txt.gz"
GIB = 1 << 30
MARGIN = 3 * GIB  # issue #27: peak RSS at most the tokens (+ weights) + 3 GB
SCAN_SECONDS = 300  # issue #27: scan+encode in at most 5 minutes
START_SECONDS = 30  # issue #27: a run from the cache trains within 30 s
SPEED_SHARE = 0.10  # issue #27: an epoch's words/s within 10% of wiki17m's
TRAIN = ["--sg", "--dim", "100", "--min-count", "5", "--epochs", "1", "--format", "bin"]

SCAN_CHILD = """
import json, sys, time
t0 = time.perf_counter()
from w2vstudio.core.corpus import cache as corpus_cache
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.params import TrainParams
corpus, folder = sys.argv[1], sys.argv[2]
params = TrainParams(min_count=5)
key = corpus_cache.corpus_key([corpus], corpus_cache.settings_of(params))
t1 = time.perf_counter()
scanned = scan_corpus([corpus])
t2 = time.perf_counter()
encoded = scanned.encode(params.min_count, in_place=True)
t3 = time.perf_counter()
stored = corpus_cache.CorpusCache(folder).store(key, encoded, None, scanned.invalid_utf8, scanned.skipped,
                                                scanned.counting)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "scan": t2 - t1, "encode": t3 - t2, "store": t4 - t3,
                  "raw_words": scanned.raw_words, "distinct": len(scanned.words), "tokens": encoded.n_tokens,
                  "vocab": len(encoded.vocab), "counting": scanned.counting, "stored": stored is not None}))
"""

GENSIM_CHILD = """
import json, logging, sys, time
from gensim.models import Word2Vec
t0 = time.perf_counter()
model = Word2Vec(vector_size=100, min_count=5, sg=1, workers=int(sys.argv[2]))
model.build_vocab(corpus_file=sys.argv[1])
print(json.dumps({"build_vocab": time.perf_counter() - t0, "vocab": len(model.wv),
                  "raw_words": int(model.corpus_total_words)}))
"""


class Child:
    """A child process run to its end (or stopped once `stop_on` appears on its stderr): wall
    seconds, CPU seconds, peak RSS (polled), stdout, and when `stop_on` first appeared."""

    POLL = 0.02

    def __init__(self, argv: list[str], env: dict, stop_on: bytes | None = None):
        self.argv, self.env, self.stop_on = argv, env, stop_on
        self.peak = 0
        self.seen_at: float | None = None

    def run(self) -> Child:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        child = subprocess.Popen(self.argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        watched = psutil.Process(child.pid)
        err = bytearray()
        reader = threading.Thread(target=self._read_stderr, args=(child, err, start), daemon=True)
        reader.start()
        out = threading.Thread(target=lambda: setattr(self, "stdout", child.stdout.read()), daemon=True)
        out.start()
        while child.poll() is None:
            try:
                self.peak = max(self.peak, watched.memory_info().rss)
            except psutil.Error:
                pass
            if self.seen_at is not None and self.stop_on is not None:
                child.send_signal(signal.SIGTERM)
                child.wait()
                break
            time.sleep(self.POLL)
        self.wall = time.perf_counter() - start
        reader.join()
        out.join()
        self.code, self.stderr = child.returncode, bytes(err)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        if self.code != 0 and not (self.stop_on is not None and self.seen_at is not None):
            raise SystemExit(f"{' '.join(self.argv[:4])} ... failed ({self.code}):\n"
                             f"{self.stderr.decode(errors='replace')[-3000:]}")
        return self

    def _read_stderr(self, child, err: bytearray, start: float) -> None:
        while chunk := os.read(child.stderr.fileno(), 1 << 16):
            err.extend(chunk)
            if self.stop_on is not None and self.seen_at is None and self.stop_on in err:
                self.seen_at = time.perf_counter() - start

    def last_json(self) -> dict:
        return json.loads(self.stdout.decode().strip().splitlines()[-1])


def first_words(source: Path, words: int, out: Path) -> Path:
    """The first lines of `source` holding `words` words (whitespace-split), written to `out`."""
    total = 0
    with open_input(source) as fh, open(out, "wb") as f:
        pending = b""
        while total < words and (data := fh.read(1 << 20)):
            lines = (pending + data).split(b"\n")
            pending = lines.pop()
            for line in lines:
                f.write(line + b"\n")
                total += len(line.split())
                if total >= words:
                    break
    return out


def last_used(cache: Path) -> list[float]:
    """When each entry of a cache folder was last used (a run reading an entry updates it)."""
    return sorted(json.loads(m.read_text())["last_used"] for m in cache.glob("*/manifest.json"))


def compressed(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(6)
    return head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ"))


def gib(n: float) -> str:
    return f"{n / GIB:.2f} GiB"


def shell(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "(not available)"


def cpu_model() -> str:
    for line in shell(["lscpu"]).splitlines():
        if line.startswith("Model name"):
            return line.split(":", 1)[1].strip()
    return "(unknown)"


def train_argv(corpus: Path, cache: Path, out: Path, threads: int, quiet: bool) -> list[str]:
    argv = [sys.executable, "-m", "w2vstudio", "train", str(corpus), "-o", str(out), "--cache", str(cache),
            "--threads", str(threads), *TRAIN]
    return argv + (["--quiet"] if quiet else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the big corpus (text, or compressed)")
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE if DEFAULT_REFERENCE.exists() else None,
                        help="the corpus whose epoch speed is the reference (default: wiki17m)")
    parser.add_argument("--epoch-words", type=int, help="train (c) and (d) on the corpus's first N words only")
    parser.add_argument("--gensim", action="store_true", help="also run gensim's build_vocab(corpus_file=...)")
    parser.add_argument("--threads", type=int, default=0, help="training threads (default 0: all cores)")
    parser.add_argument("--work", type=Path, help="folder for the caches and models (default: a temporary one)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    uptime_before = shell(["uptime"])
    print(f"uptime before: {uptime_before}\nCPU: {cpu_model()}, {os.cpu_count()} logical cores", flush=True)
    work = Path(tempfile.mkdtemp(prefix="w2vstudio-big-", dir=args.work))
    results: dict = {"corpus": str(args.corpus), "corpus_bytes": args.corpus.stat().st_size,
                     "cpu_model": cpu_model(), "uptime_before": uptime_before}
    try:
        results.update(measure(args, env, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["uptime_after"] = shell(["uptime"])
    print(f"uptime after: {results['uptime_after']}")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def measure(args, env: dict, work: Path) -> dict:
    r: dict = {}
    scan = Child([sys.executable, "-c", SCAN_CHILD, str(args.corpus), str(work / "cache")], env).run()
    facts = scan.last_json()
    r["scan"] = dict(facts, wall=scan.wall, cpu=scan.cpu, peak_rss=scan.peak, tokens_bytes=4 * facts["tokens"])
    print(f"(a) scan+encode: {scan.wall:.1f} s wall, peak RSS {gib(scan.peak)}, {facts}", flush=True)
    if args.gensim and compressed(args.corpus):
        print("(b) gensim left out: its corpus_file mode reads plain text only", flush=True)
    elif args.gensim:
        vocab = Child([sys.executable, "-c", GENSIM_CHILD, str(args.corpus), str(os.cpu_count() or 1)], env).run()
        r["gensim"] = dict(vocab.last_json(), wall=vocab.wall, cpu=vocab.cpu, peak_rss=vocab.peak)
        print(f"(b) gensim build_vocab: {vocab.wall:.1f} s wall, peak RSS {gib(vocab.peak)}, {r['gensim']}", flush=True)
    corpus, cache = args.corpus, work / "cache"
    if args.epoch_words:
        corpus, cache = first_words(args.corpus, args.epoch_words, work / "part.txt"), work / "part-cache"
    epoch = Child(train_argv(corpus, cache, work / "big.bin", args.threads, quiet=True), env).run()
    summary = epoch.last_json()
    weights = 2 * 4 * summary["vocab_size"] * summary["dim"]
    tokens = r["scan"]["tokens_bytes"] if not args.epoch_words else 4 * summary["corpus_words"]
    r["epoch"] = {"wall": epoch.wall, "cpu": epoch.cpu, "peak_rss": epoch.peak, "weights_bytes": weights,
                  "tokens_bytes": tokens,
                  **{k: summary[k] for k in ("raw_words", "corpus_words", "vocab_size", "scan_seconds",
                                             "train_seconds", "raw_words_per_sec", "counting", "cache")}}
    print(f"(c) epoch: {summary['raw_words_per_sec']:,.0f} words/s, peak RSS {gib(epoch.peak)}, "
          f"cache {summary['cache']}", flush=True)
    if args.reference is not None:
        ref = Child(train_argv(args.reference, work / "ref-cache", work / "ref.bin", args.threads, True), env).run()
        summary = ref.last_json()
        r["reference"] = {"corpus": str(args.reference), "wall": ref.wall, "cpu": ref.cpu, "peak_rss": ref.peak,
                          **{k: summary[k] for k in ("raw_words", "train_seconds", "raw_words_per_sec")}}
        print(f"(c) reference epoch: {summary['raw_words_per_sec']:,.0f} words/s", flush=True)
    for name, cold in (("second_run", False), ("second_run_cold", True)):
        if cold:
            drop_from_page_cache(cache)
        used_before = last_used(cache)
        again = Child(train_argv(corpus, cache, work / "again.bin", args.threads, quiet=False), env,
                      stop_on=b"training").run()
        r[name] = {"to_training": again.seen_at, "peak_rss": again.peak, "cache_used": last_used(cache) != used_before}
        print(f"(d) second run{', cold' if cold else ''}: training after {again.seen_at:.1f} s", flush=True)
    return r


def drop_from_page_cache(folder: Path) -> None:
    """Drop every file under `folder` from the page cache (clean pages only; no root needed), so the
    next read comes from the disk."""
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def table(r: dict) -> str:
    scan, epoch = r["scan"], r["epoch"]
    scan_figures = (f"CPU {scan['cpu']:.1f} s; scan {scan['scan']:.1f} s, encode {scan['encode']:.1f} s, "
                    f"cache write {scan['store']:.1f} s; "
                    f"{scan['raw_words']:,} words, {scan['distinct']:,} distinct, tokens {gib(scan['tokens_bytes'])}; "
                    f"counting {scan['counting']['method']}")
    scan_check = (f"≤ {SCAN_SECONDS} s: {yes(scan['wall'] <= SCAN_SECONDS)}; RSS ≤ tokens + 3 GiB: "
                  f"{yes(scan['peak_rss'] <= scan['tokens_bytes'] + MARGIN)}")
    rows = [("w2vstudio scan+encode (+ cache write)", f"{scan['wall']:.1f}", gib(scan["peak_rss"]), scan_figures,
             scan_check)]
    if "gensim" in r:
        g = r["gensim"]
        rows.append(("gensim build_vocab(corpus_file)", f"{g['wall']:.1f}", gib(g["peak_rss"]),
                     f"CPU {g['cpu']:.1f} s; {g['raw_words']:,} words, vocabulary {g['vocab']:,}", ""))
    bound = epoch["tokens_bytes"] + epoch["weights_bytes"] + MARGIN
    check = f"RSS ≤ tokens + weights + 3 GiB: {yes(epoch['peak_rss'] <= bound)}"
    if "reference" in r:
        ratio = epoch["raw_words_per_sec"] / r["reference"]["raw_words_per_sec"]
        check += f"; speed {ratio:.2f}x the reference's: {yes(abs(ratio - 1) <= SPEED_SHARE)}"
    epoch_figures = (f"CPU {epoch['cpu']:.1f} s; {epoch['raw_words_per_sec']:,.0f} words/s, "
                     f"training {epoch['train_seconds']:.1f} s, "
                     f"preparing {epoch['scan_seconds']:.1f} s; weights {gib(epoch['weights_bytes'])}")
    rows.append((f"skip-gram epoch ({epoch['raw_words']:,} words)", f"{epoch['wall']:.1f}", gib(epoch["peak_rss"]),
                 epoch_figures, check))
    if "reference" in r:
        ref = r["reference"]
        rows.append((f"skip-gram epoch, reference ({Path(ref['corpus']).name})", f"{ref['wall']:.1f}",
                     gib(ref["peak_rss"]), f"{ref['raw_words_per_sec']:,.0f} words/s", ""))
    for name, label in (("second_run", "page cache as left"), ("second_run_cold", "entry dropped from the page cache")):
        second = r[name]
        rows.append((f"second run ({label}), start to first training progress", f"{second['to_training']:.1f}",
                     gib(second["peak_rss"]), "cache used" if second["cache_used"] else "cache NOT used",
                     f"< {START_SECONDS} s: {yes(second['to_training'] < START_SECONDS)}"))
    lines = [(f"Corpus {r['corpus']} ({r['corpus_bytes'] / 1e9:.2f} GB), {r['cpu_model']}; "
              f"uptime before: {r['uptime_before']}; after: {r['uptime_after']}"), "",
             "| step | wall s | peak RSS | figures | issue #27 target |", "|---|---:|---:|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

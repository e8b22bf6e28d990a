"""Query, evaluation and loading speed of w2vstudio's KeyedVectors, against gensim where installed.

Random float32 vectors stand in for a trained model (speed does not depend on the values):
- one neighbour query (top 10 by cosine) on WORDS x DIM, median of many;
- QUERIES neighbour queries as one batch (matrix products);
- the full analogy evaluation (questions-words.txt, every question in a EVAL_WORDS vocabulary);
- spelling suggestions for an unknown word on a SUGGEST_WORDS vocabulary;
- loading WORDS x DIM from word2vec binary and LOAD_TEXT_WORDS x DIM from word2vec text.

    python benchmarks/bench_queries.py [--skip-gensim] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from w2vstudio.core.explore.evaluate import evaluate_analogies
from w2vstudio.core.files.vectorfiles import load_vectors, save_vectors
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.resources import ANALOGIES
from w2vstudio.resources import path as resource_path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "questions-words.txt"


def timed(fn, repeat: int = 1, fastest: bool = False) -> tuple[float, object]:
    """Median (or fastest) wall seconds of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return (min(times) if fastest else statistics.median(times)), result


def random_kv(words: list[str], dim: int, seed: int = 0) -> KeyedVectors:
    rng = np.random.default_rng(seed)
    return KeyedVectors(words, rng.standard_normal((len(words), dim), dtype=np.float32))


def gensim_kv(kv: KeyedVectors):
    from gensim.models import KeyedVectors as GensimKV

    g = GensimKV(kv.dim)
    g.add_vectors(kv.words, kv.vectors)
    g.fill_norms()
    return g


def bench_neighbours(args, report: dict) -> None:
    kv = random_kv([f"w{i}" for i in range(args.words)], args.dim)
    queries = [f"w{i}" for i in np.random.default_rng(1).integers(0, args.words, args.repeat)]
    kv.most_similar(queries[0])  # JIT compilation and cached norms are one-off costs
    it = iter(queries * 4)
    single, _ = timed(lambda: kv.most_similar(next(it), topn=10), args.repeat)
    best, _ = timed(lambda: kv.most_similar(next(it), topn=10), args.repeat, fastest=True)
    report["neighbour_ms"], report["neighbour_fastest_ms"] = 1000 * single, 1000 * best
    matrix = kv.vectors[: args.queries] + 0.1
    batch, _ = timed(lambda: kv.most_similar_batch(matrix, topn=10), 3)
    report["batch_s"] = batch
    print(
        f"neighbours  {args.words:,} x {args.dim}: one query {1000 * single:.2f} ms (median of "
        f"{args.repeat}, fastest {1000 * best:.2f}); {args.queries:,} queries as a batch "
        f"{batch:.2f} s ({1000 * batch / args.queries:.2f} ms each)"
    )
    if args.skip_gensim:
        return
    g = gensim_kv(kv)
    it = iter(queries * 2)
    theirs, _ = timed(lambda: g.most_similar(next(it), topn=10), args.repeat)
    report["gensim_neighbour_ms"] = 1000 * theirs
    print(f"            gensim one query {1000 * theirs:.2f} ms ({theirs / single:.1f}x ours)")


def bench_evaluation(args, report: dict) -> None:
    questions = SHARED if SHARED.exists() else resource_path(ANALOGIES)
    lines = questions.read_text(encoding="utf-8").splitlines()
    vocab = list(
        dict.fromkeys(w for line in lines if not line.startswith(":") for w in line.split())
    )
    words = vocab + [f"filler{i}" for i in range(args.eval_words - len(vocab))]
    kv = random_kv(words, args.dim, seed=2)
    seconds, score = timed(
        lambda: evaluate_analogies(kv, questions, restrict_vocab=args.eval_words)
    )
    report["analogy_eval_s"] = seconds
    print(
        f"analogies   {score.total:,} questions on {len(kv):,} x {args.dim}: {seconds:.2f} s "
        f"(accuracy {score.accuracy:.4f})"
    )
    if args.skip_gensim:
        return
    g = gensim_kv(kv)
    theirs, (accuracy, _) = timed(
        lambda: g.evaluate_word_analogies(str(questions), restrict_vocab=args.eval_words)
    )
    report["gensim_analogy_eval_s"] = theirs
    same = "same accuracy" if accuracy == score.accuracy else f"accuracy {accuracy:.4f} differs"
    print(f"            gensim {theirs:.2f} s ({theirs / seconds:.1f}x ours), {same}")


def bench_suggest(args, report: dict) -> None:
    words = [f"word{i}" for i in range(args.suggest_words)]
    kv = KeyedVectors(words, np.zeros((len(words), 1), dtype=np.float32))
    kv.suggest("wordd")  # indexes the most frequent words once
    for label, word in (("one edit away", "word1234x"), ("nothing close", "qqzzxxjj")):
        seconds, found = timed(lambda: kv.suggest(word), 20)
        report[f"suggest_{label.replace(' ', '_')}_ms"] = 1000 * seconds
        print(f"suggest     {len(words):,} words, {label}: {1000 * seconds:.1f} ms {found[:3]}")


def bench_loading(args, report: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, n in (("bin", args.words), ("txt", args.load_text_words)):
            f = Path(tmp) / f"vectors.{fmt}"
            save_vectors(random_kv([f"w{i}" for i in range(n)], args.dim, seed=3), f, fmt)
            seconds, _ = timed(lambda: load_vectors(f))
            report[f"load_{fmt}_s"] = seconds
            size = f.stat().st_size / 2**20
            line = f"load {fmt}    {n:,} x {args.dim} ({size:.0f} MiB): {seconds:.2f} s"
            if not args.skip_gensim:
                from gensim.models import KeyedVectors as GensimKV

                theirs, _ = timed(
                    lambda: GensimKV.load_word2vec_format(str(f), binary=fmt == "bin")
                )
                report[f"gensim_load_{fmt}_s"] = theirs
                line += f"; gensim {theirs:.2f} s ({theirs / seconds:.1f}x ours)"
            print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=200, help="single queries timed")
    parser.add_argument("--queries", type=int, default=1000, help="queries in the batch")
    parser.add_argument("--eval-words", type=int, default=30_000)
    parser.add_argument("--suggest-words", type=int, default=3_000_000)
    parser.add_argument("--load-text-words", type=int, default=20_000)
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    if not args.skip_gensim:
        try:
            import gensim  # noqa: F401
        except ImportError:
            args.skip_gensim = True
    print(
        f"# {' '.join(sys.argv)} | {platform.processor() or platform.machine()}"
        f" | numpy {np.__version__}"
    )
    report: dict = {}
    for bench in (bench_neighbours, bench_evaluation, bench_suggest, bench_loading):
        bench(args, report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

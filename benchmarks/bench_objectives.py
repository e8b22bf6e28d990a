"""The full softmax beside negative sampling and hierarchical softmax: speed and held-out likelihood.

Trains each objective on a cut of the corpus (default: the first ~200 k words of the bundled
sample) at several vocabulary sizes (`--max-vocab`), one epoch, the same seed and threads, and
prints for each: training words/s, how many times slower than negative sampling, and as quality
the mean −log p(context | centre) over the pairs of held-out lines (the lines after the cut; full
window, no subsampling), p as `w2vstudio.core.inside.likelihood` defines it for each objective
(softmax(C·v); softmax(C·v + log Pn) for negative sampling; the Huffman path's product).

    python benchmarks/bench_objectives.py [--corpus FILE] [--words 200000] [--vocab 1000 2000 5000]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from w2vstudio.core.corpus.files import words as split_words
from w2vstudio.core.inside.likelihood import log_probs, output_scores
from w2vstudio.core.train.model import Model
from w2vstudio.core.support.opener import open_input
from w2vstudio.core.params import TrainParams
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.resources import SAMPLE_CORPUS, path

OBJECTIVES = {"negative": dict(), "hs": dict(hs=True, negative=0), "softmax": dict(softmax=True)}


def cut(corpus: str, words: int, heldout: int, folder: Path) -> tuple[Path, list[str]]:
    """The first `words` words of whole lines into a file; the next `heldout` words' lines."""
    train, held, n = [], [], 0
    with open_input(corpus) as f:
        for raw in f:
            line = raw.decode("utf-8", errors="replace")
            k = len(line.split())
            if n < words:
                train.append(line)
            elif n < words + heldout:
                held.append(line)
            else:
                break
            n += k
    out = folder / "cut.txt"
    out.write_text("".join(train), encoding="utf-8")
    return out, held


def heldout_pairs(model: Model, lines: list[str], window: int) -> np.ndarray:
    """(centre, context) id pairs of the held-out lines, words out of the vocabulary left out."""
    pairs = []
    for line in lines:
        ids = [model.vocab.index[w] for w in split_words(line, model.params.lowercase) if w in model.vocab.index]
        for i, c in enumerate(ids):
            pairs += [(c, ids[j]) for j in range(max(0, i - window), min(len(ids), i + window + 1)) if j != i]
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def mean_neg_log_p(model: Model, pairs: np.ndarray) -> float:
    total = 0.0
    for centre in np.unique(pairs[:, 0]):
        logp = log_probs(model, output_scores(model, model.vectors[centre]))
        total -= logp[pairs[pairs[:, 0] == centre, 1]].sum()
    return total / max(len(pairs), 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(path(SAMPLE_CORPUS)))
    parser.add_argument("--words", type=int, default=200_000, help="training cut, in words (default 200000)")
    parser.add_argument("--heldout", type=int, default=20_000, help="held-out words after the cut (default 20000)")
    parser.add_argument("--vocab", type=int, nargs="+", default=[1000, 2000, 5000], help="--max-vocab values")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--threads", type=int, default=0, help="0: all cores")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        train_file, held = cut(args.corpus, args.words, args.heldout, Path(tmp))
        scanned = scan_corpus([train_file])
        print(f"{args.corpus}: {scanned.raw_words:,} training words, {len(held):,} held-out lines; "
              f"dim {args.dim}, window {args.window}, one epoch, skip-gram")
        print(f"{'V':>6}  {'objective':<9} {'words/s':>10} {'x slower':>9} {'-log p held out':>16}")
        for v in args.vocab:
            corpus = scanned.encode(min_count=1, max_vocab=v)
            speed = {}
            for name, extra in OBJECTIVES.items():
                params = TrainParams(dim=args.dim, window=args.window, epochs=1, threads=args.threads, min_count=1,
                                     max_vocab=v, **extra)
                model = Model.create(corpus.vocab, params)
                speed[name] = Trainer(model, corpus).train().raw_words_per_sec
                quality = mean_neg_log_p(model, heldout_pairs(model, held, args.window))
                print(f"{len(corpus.vocab):>6}  {name:<9} {speed[name]:>10,.0f} "
                      f"{speed['negative'] / speed[name]:>9.1f} {quality:>16.3f}")


if __name__ == "__main__":
    main()

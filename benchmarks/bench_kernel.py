"""Throughput of the training kernel alone: one thread, one pass, no trainer around it.

Prints raw words/s and predictions/s for skip-gram and CBOW on the bundled sample corpus (or
--corpus). Use it to profile changes to w2vstudio/core/kernels.py.
"""

import argparse
import time

import numpy as np

from w2vstudio.core.kernels.training import train_sentences
from w2vstudio.core.train.model import Model, TrainParams
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.train.sampling import SamplingTables
from w2vstudio.resources import SAMPLE_CORPUS, path


def run(corpus, sg: bool, repeat: int) -> tuple[float, float, float]:
    model = Model.create(corpus.vocab, TrainParams(sg=sg, epochs=1, threads=1))
    t = SamplingTables(model)
    p = model.params
    best = None
    for _ in range(repeat):
        stats = np.zeros(3)
        rng = np.array([12345], np.uint64)
        start = time.perf_counter()
        train_sentences(corpus.tokens, corpus.offsets, 0, corpus.n_sentences, model.vectors, model.syn1neg,
                                model.syn1, model.syn1soft, t.keep, t.thresholds, t.aliases, t.codes, t.points,
                                t.lengths, p.sg, p.cbow_mean, p.hs, p.negative, p.window, p.shrink_window, p.alpha,
                                rng, stats, p.shared_negatives)
        seconds = time.perf_counter() - start
        best = seconds if best is None else min(best, seconds)
    return corpus.raw_words / best, stats[1] / best, stats[0] / stats[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(path(SAMPLE_CORPUS)))
    parser.add_argument("--repeat", type=int, default=3, help="best of N passes (the first also loads the kernel)")
    args = parser.parse_args()
    corpus = scan_corpus([args.corpus]).encode(5)
    print(f"corpus {args.corpus}: {corpus.raw_words:,} raw words, vocabulary {len(corpus.vocab):,}")
    for sg in (True, False):
        words, preds, loss = run(corpus, sg, args.repeat)
        print(f"{'skip-gram' if sg else 'CBOW':9s}  {words / 1e3:8.0f} k raw words/s  {preds / 1e6:6.2f} M predictions/s"
              f"  (mean loss {loss:.4f}, one thread, best of {args.repeat})")


if __name__ == "__main__":
    main()

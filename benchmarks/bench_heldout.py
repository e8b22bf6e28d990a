"""Cost of the held-out likelihood: one thread, ten snapshots per epoch, the slice at the default 1%.

Trains one epoch with the scorer attached and reports the seconds spent scoring as a share of the
epoch (the target is under 5%), for each objective asked.

    python benchmarks/bench_heldout.py --corpus /path/wiki17m.txt.gz [--objectives negative hs]
"""

from __future__ import annotations

import argparse
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.support.blas import OneBlasThread

OBJECTIVES = {"negative": {}, "hs": {"hs": True, "negative": 0}, "softmax": {"softmax": True, "negative": 0}}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--fraction", type=float, default=0.01)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--objectives", nargs="+", default=["negative", "hs"], choices=list(OBJECTIVES))
    ap.add_argument("--sg", action="store_true", help="skip-gram (default CBOW, as word2vec)")
    args = ap.parse_args()
    print(f"{'objective':<10} {'scored':>9} {'epoch s':>9} {'scoring s':>10} {'share':>7}")
    for name in args.objectives:
        params = TrainParams(dim=args.dim, epochs=1, threads=1, sg=args.sg, **OBJECTIVES[name])
        scanned = scan_corpus([args.corpus])
        run = TrainingRun(scanned, params, WatchOptions(per_epoch=10, quality=False, tracked=0, heldout=args.fraction),
                          force=True)
        with OneBlasThread():
            result = run.train()
        h = result.heldout
        share = h.seconds / result.train.seconds
        print(f"{name:<10} {h.scored:>9,} {result.train.seconds:>9.2f} {h.seconds:>10.3f} {share:>7.1%}")


if __name__ == "__main__":
    main()

"""The cost of likelihood probes against training: one skip-gram epoch of the bundled sample on one
thread, then the CPU time of one probe (`core.inside.likelihood`, as the probes call it at each
snapshot) for five pairs, and their share of an epoch at ten snapshots per epoch.

    python benchmarks/bench_probes.py [--corpus FILE] [--repeat 20]

Pairs with a word out of the corpus's vocabulary are left out (a small corpus may have none: then
the pairs of its most frequent words stand in).
"""

import argparse
import resource

from w2vstudio.core.inside.likelihood import likelihood
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.resources import SAMPLE_CORPUS, path

PAIRS = [("new", "york"), ("king", "queen"), ("united", "states"), ("prime", "minister"), ("julian", "calendar")]
PER_EPOCH = 10


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(path(SAMPLE_CORPUS)))
    parser.add_argument("--repeat", type=int, default=20, help="timed calls of each probe")
    args = parser.parse_args()
    result = TrainingRun([args.corpus], TrainParams(epochs=1, threads=1),
                         WatchOptions(per_epoch=0, quality=False)).train()
    model = result.model
    index = model.vocab.index
    pairs = [(a, b) for a, b in PAIRS if a in index and b in index]
    if not pairs:
        words = model.vocab.words
        pairs = list(zip(words[:len(PAIRS)], words[1:len(PAIRS) + 1]))
    ids = [([index[a]], index[b]) for a, b in pairs]
    for i, o in ids:  # warm-up
        likelihood(model, i, o)
    start = cpu()
    for _ in range(args.repeat):
        for i, o in ids:
            likelihood(model, i, o)
    probe = (cpu() - start) / (args.repeat * len(ids))
    share = PER_EPOCH * len(pairs) * probe / result.train.seconds
    print(f"V={len(model.vocab):,}, dim {model.dim}: an epoch trains in {result.train.seconds:.2f} s on one thread; "
          f"one probe {1000 * probe:.2f} CPU ms; {len(pairs)} probes x {PER_EPOCH} snapshots per epoch: "
          f"{100 * share:.1f}% of the epoch")


if __name__ == "__main__":
    main()

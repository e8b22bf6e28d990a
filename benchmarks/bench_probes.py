"""The cost of likelihood probes against training: one skip-gram epoch of the bundled sample on one
thread, then the CPU time of one probe (`core.inside.likelihood`, as the probes call it at each
snapshot) for five pairs, and their share of an epoch at ten snapshots per epoch.

    python benchmarks/bench_probes.py
"""

import resource

from w2vstudio.core.inside.likelihood import likelihood
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun, WatchOptions
from w2vstudio.resources import SAMPLE_CORPUS, path

PAIRS = [("new", "york"), ("king", "queen"), ("united", "states"), ("prime", "minister"), ("julian", "calendar")]
PER_EPOCH, REPEAT = 10, 20


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    result = TrainingRun([path(SAMPLE_CORPUS)], TrainParams(epochs=1, threads=1),
                         WatchOptions(per_epoch=0, quality=False)).train()
    model = result.model
    ids = [([model.vocab.index[a]], model.vocab.index[b]) for a, b in PAIRS]
    for i, o in ids:  # warm-up
        likelihood(model, i, o)
    start = cpu()
    for _ in range(REPEAT):
        for i, o in ids:
            likelihood(model, i, o)
    probe = (cpu() - start) / (REPEAT * len(ids))
    share = PER_EPOCH * len(PAIRS) * probe / result.train.seconds
    print(f"V={len(model.vocab):,}, dim {model.dim}: an epoch trains in {result.train.seconds:.2f} s on one thread; "
          f"one probe {1000 * probe:.2f} CPU ms; {len(PAIRS)} probes x {PER_EPOCH} snapshots per epoch: "
          f"{100 * share:.1f}% of the epoch")


if __name__ == "__main__":
    main()

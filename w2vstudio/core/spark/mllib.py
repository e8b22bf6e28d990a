"""Our training parameters as MLlib's Word2Vec takes them, and the ones it cannot honour.

MLlib trains skip-gram with hierarchical softmax and no subsampling, a window drawn at random up
to `windowSize` (as word2vec.c), its rate falling linearly from `stepSize` to stepSize × 0.0001.
dim → vectorSize, window → windowSize, min_count → minCount, epochs → maxIter, alpha → stepSize,
seed → seed; sentences are cut at our own line split of 10,000 words (maxSentenceLength). A value
the user set that MLlib cannot follow is refused in one line naming its flag; our defaults for
them (negative sampling, subsampling ...) are simply not used and `not_used` lists them.
"""

from __future__ import annotations

from dataclasses import replace

from w2vstudio.core.errors import W2VError
from w2vstudio.core.params import BY_NAME, ParamError, TrainParams, shown

WHAT_MLLIB_TRAINS = "MLlib trains skip-gram with hierarchical softmax, without subsampling"
MAX_SENTENCE = 10_000  # words: our corpus reader's line split
MIN_ALPHA_RATIO = 1e-4  # MLlib's rate never falls below stepSize times this

# name: (MLlib's own value, or None where any value of ours but the default is refused; what MLlib does)
_FIXED = {
    "sg": (True, "skip-gram only"),
    "softmax": (False, "hierarchical softmax, never the full softmax"),
    "negative": (0, "no negative sampling"),
    "sample": (0.0, "no subsampling"),
    "ns_exponent": (None, "no negative sampling"),
    "shared_negatives": (None, "no negative sampling"),
    "cbow_mean": (None, "skip-gram only"),
    "shrink_window": (True, "a window drawn at random up to --window, as word2vec.c"),
    "max_vocab": (0, "every word of --min-count occurrences"),
    "min_alpha": (None, "its rate falls to --alpha x 0.0001"),
    "threads": (0, "Spark's cores set the parallelism: --master local[N], --partitions, "
                   "--spark-conf spark.executor.cores=N"),
    "batch_words": (None, "no batches"),
    "phrases": (False, "no phrases: Spark tokenises the text itself"),
    **{name: (None, "no phrases") for name in ("phrase_threshold", "phrase_min_count", "phrase_passes",
                                               "phrase_npmi", "phrase_connectors")},
}
_NOT_USED = ("negative", "sample", "min_alpha")  # our defaults that differ from what MLlib does
MAPPED = ("dim", "window", "min_count", "epochs", "alpha", "seed", "hs", "lowercase")  # followed by MLlib


def check(params: TrainParams) -> None:
    """Refuse (ParamError, one line) the first value MLlib cannot honour."""
    for name, (own, instead) in _FIXED.items():
        value, default = getattr(params, name), BY_NAME[name].default
        if value == default or value == own:
            continue
        raise ParamError(f"{_flag(name, value)}: not with --engine spark: {WHAT_MLLIB_TRAINS} ({instead})",
                         BY_NAME[name], value, f"not with Spark: {instead}")


def check_run(continue_from, snapshots: int, quality: bool) -> None:
    """Refuse, in one line, what our recorders or a saved model would need from the trainer."""
    if continue_from is not None:
        raise W2VError("--continue-from: not with --engine spark: MLlib trains a new model from random vectors")
    if snapshots:
        raise W2VError("--snapshots: not with --engine spark: MLlib returns the vectors at the end only")
    if quality:
        raise W2VError("--eval-each-epoch: not with --engine spark: MLlib returns the vectors at the end only "
                       "(use eval on the result)")


def not_used(params: TrainParams) -> list[str]:
    """Our defaults MLlib does not follow, as flags ("--negative 5" ...)."""
    return [_flag(name, getattr(params, name)) for name in _NOT_USED
            if getattr(params, name) == BY_NAME[name].default]


def trained(params: TrainParams) -> TrainParams:
    """The parameters MLlib trains with, as ours (what the model file records)."""
    return replace(params, sg=True, hs=True, softmax=False, negative=0, sample=0.0, max_vocab=0, threads=0,
                   shrink_window=True, min_alpha=params.alpha * MIN_ALPHA_RATIO)


def word2vec_params(params: TrainParams, partitions: int) -> dict:
    """Keyword arguments of `pyspark.ml.feature.Word2Vec`."""
    return {"vectorSize": params.dim, "windowSize": params.window, "minCount": params.min_count,
            "maxIter": params.epochs, "stepSize": params.alpha, "seed": params.seed,
            "numPartitions": partitions, "maxSentenceLength": MAX_SENTENCE}


def _flag(name: str, value) -> str:
    p = BY_NAME[name]
    if p.type is bool:
        return next((flag for flag, v, _ in p.switches if v == value), f"{p.flag} {shown(value)}")
    return f"{p.flag} {shown(value)}"

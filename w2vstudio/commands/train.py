"""`w2vstudio train`: scan a corpus, train word2vec, write the model or vectors."""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from pathlib import Path

from tqdm import tqdm

from w2vstudio.core import params
from w2vstudio.core.errors import W2VError
from w2vstudio.core.lenses.heldout import heldout_summaries
from w2vstudio.core.lenses.pair_likelihood import parse_pair
from w2vstudio.core.run import EnsembleRun, TrainingRun, WatchOptions
from w2vstudio.core.spark.engine import DEFAULT_MASTER, SparkOptions, parse_conf
from w2vstudio.core.spark.mllib import WHAT_MLLIB_TRAINS
from w2vstudio.core.support import jsonsafe
from w2vstudio.core.support.memory import parse_size
from w2vstudio.core.support.blas import OneBlasThread
from w2vstudio.core.support.output import check_output, check_replaceable, rescue
from w2vstudio.core.support.printable import printable, say
from w2vstudio.core.train.model import Model
from w2vstudio.core.files.ensemble import SUFFIXES, EnsembleWriter
from w2vstudio.core.train.snapshots import DEFAULT_TRACKED
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.callbacks import BatchReport, EpochReport, TrainingCallback

FORMATS = ("model", "bin", "txt")


def add_parser(subparsers):
    p = subparsers.add_parser("train", help="train word2vec on a corpus",
                              description="Train word2vec on text files, compressed files or folders.")
    p.add_argument("corpus", nargs="+", help="text files (gzip/bz2/xz too) or folders")
    p.add_argument("-o", "--output", required=True, help="where to write the result")
    p.add_argument("--format", choices=FORMATS, default="model",
                   help="model: w2vstudio .npz (can continue training); bin/txt: word2vec vectors")
    p.add_argument("--continue-from", metavar="MODEL",
                   help="continue training a saved model (its architecture is kept; new words join)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--scan-memory", type=_size, metavar="BYTES",
                   help="memory the corpus's distinct words may take while they are counted, e.g. 512M "
                        "(beyond it the rarest are forgotten, as word2vec.c does; default: an eighth of the "
                        "memory available, at most 2G)")
    p.add_argument("--cache", metavar="DIR",
                   help="keep the encoded corpus in DIR whatever its size, and reuse it when the same files are "
                        "trained on with the same vocabulary settings (default: a corpus larger than a quarter of "
                        "the memory available is cached in the user's cache folder; `w2vstudio cache` lists it)")
    p.add_argument("--force", action="store_true",
                   help="train with --softmax even when the estimated time is above 30 minutes")
    params.add_arguments(p.add_argument_group("training parameters"))
    ensemble = p.add_argument_group("ensembles (K models kept together in the folder -o names)")
    ensemble.add_argument("--runs", type=int, default=1, metavar="K",
                          help="train K models of one scan, seeds --seed, --seed + 1, ... (default 1: one model); "
                               "written as a folder: manifest.json and run-1.npz ... run-K.npz")
    ensemble.add_argument("--bootstrap", action="store_true",
                          help="each run on a bootstrap resample of the corpus's lines (chunks of 1,000 words "
                               "for a corpus of few long lines), drawn with its seed")
    watch = p.add_argument_group("watching training (stored in the model file)")
    watch.add_argument("--snapshots", type=int, default=0, metavar="N",
                       help="snapshot the tracked words' vectors N times per epoch (needs --format model; "
                            "continued training extends the model's snapshots and keeps their words)")
    watch.add_argument("--track", type=int, default=DEFAULT_TRACKED, metavar="N",
                       help=f"snapshots track the N most frequent words (default {DEFAULT_TRACKED:,})")
    watch.add_argument("--pin", action="append", default=[], metavar="WORD",
                       help="snapshots also track this word (repeatable)")
    watch.add_argument("--probe-pair", action="append", default=[], type=_pair, metavar="INPUT:OUTPUT",
                       help="record p(OUTPUT | INPUT) and its rank at every snapshot (repeatable; needs --snapshots)")
    watch.add_argument("--heldout", type=float, default=0.0, metavar="FRACTION",
                       help="keep back about FRACTION of the corpus (chunks of about 1,000 words spread through it, "
                            "at most 200,000 words), never trained on, and score the model's objective on it "
                            "without update at each snapshot (or epoch end); e.g. 0.01. Off unless given; 0: off")
    watch.add_argument("--eval-each-epoch", action="store_true",
                       help="after each epoch, in the background, score analogies and WordSim-353 "
                            "(bundled sets); printed on stderr and stored as epoch_quality")
    spark = p.add_argument_group('training on Spark MLlib (pip install "w2vstudio[spark]"; Java 17 or later)')
    spark.add_argument("--engine", choices=("local", "spark"), default="local",
                       help="local: this computer (default); spark: MLlib's Word2Vec (skip-gram, hierarchical "
                            "softmax, no subsampling) on a Spark cluster, which reads the corpus itself "
                            "(local paths, or any URI it reads: hdfs://, s3a:// ...)")
    spark.add_argument("--master", metavar="URL",
                       help="Spark's master: spark://HOST:7077, yarn, k8s://https://HOST:443, local[N] (default: "
                            f"the one spark-submit or spark-defaults.conf sets, else {DEFAULT_MASTER})")
    spark.add_argument("--partitions", type=int, metavar="N",
                       help="MLlib's numPartitions: each partition trains apart and the vectors are averaged "
                            "(default 1: the best vectors; more: faster, a little worse)")
    spark.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                       help="a Spark setting, e.g. spark.executor.memory=8g (repeatable)")
    p.set_defaults(func=run)


def _spark(args) -> SparkOptions | None:
    """The Spark options, if training there; its flags without --engine spark are refused."""
    if args.engine != "spark":
        given = [flag for flag, value in (("--master", args.master), ("--partitions", args.partitions),
                                          ("--spark-conf", args.spark_conf)) if value]
        if given:
            raise W2VError(f"{given[0]} needs --engine spark")
        return None
    partitions = 1 if args.partitions is None else args.partitions  # checked by the run
    return SparkOptions(args.master, partitions, parse_conf(args.spark_conf))


def _watch(args) -> WatchOptions:
    if args.snapshots < 0 or args.track < 0:
        raise W2VError("--snapshots and --track must not be negative")
    if args.snapshots and args.format != "model":
        raise W2VError("--snapshots needs --format model: snapshots are stored in the model file")
    if args.probe_pair and not args.snapshots:
        raise W2VError("--probe-pair needs --snapshots: pairs are probed at every snapshot")
    if not (0 <= args.heldout < 1):  # NaN fails too
        raise W2VError(f"--heldout must be at least 0 and below 1, not {args.heldout}")
    return WatchOptions(args.snapshots, args.track, args.eval_each_epoch, tuple(args.pin), strict_pins=True,
                        probe_pairs=tuple(args.probe_pair), heldout=args.heldout)


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _pair(text: str) -> tuple[str, str]:
    try:
        return parse_pair(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run(args) -> int:
    out = Path(args.output)
    spark = _spark(args)
    if not 1 <= args.runs <= 1000:
        raise W2VError(f"--runs {args.runs}: must be a whole number from 1 to 1,000")
    if args.runs > 1 or args.bootstrap:
        return _train_ensemble(args, out, spark)
    check_output(out, [*args.corpus, *([args.continue_from] if args.continue_from else [])])
    watch = _watch(args)
    progress = _Progress(enabled=not args.quiet, before="Spark" if spark else "scanning")
    training = TrainingRun(args.corpus, params.from_args(args), watch, args.continue_from,
                           callbacks=[progress], on_quality=progress.quality, task=Task(progress.progressed),
                           force=args.force, spark=spark, given=params.given(args), scan_memory=args.scan_memory,
                           cache=args.cache)
    try:
        with OneBlasThread():  # the evaluations beside training leave the cores to it
            result = training.train()
    finally:
        progress.close()
    if result.invalid_utf8:
        say(f"w2vstudio: warning: {result.invalid_utf8} bytes of invalid UTF-8 were replaced")
    for skipped in result.skipped:
        say(f"w2vstudio: warning: skipped {skipped['path']}: {skipped['reason']}")
    model = result.model
    empty = [k + 1 for k, loss in enumerate(result.train.epoch_losses) if math.isnan(loss)]
    summary = {
        "output": str(out),
        "format": args.format,
        "raw_words": result.raw_words,
        "corpus_words": result.corpus_words,
        "vocab_size": len(model.vocab),
        "dim": model.dim,
        "epochs": result.train.epochs,
        "scan_seconds": round(result.prepare_seconds, 3),
        "train_seconds": round(result.train.seconds, 3),
        "raw_words_per_sec": round(result.train.raw_words_per_sec, 1),
        "epoch_losses": result.train.epoch_losses,
        "skipped": result.skipped,
        "counting": result.counting,
        "cache": result.cache,
    }
    if empty:
        summary["note"] = _nothing_to_predict(empty)
        say(f"w2vstudio: warning: {summary['note']}")
    if result.recorder is not None:
        summary["snapshots"] = len(result.recorder)
    if result.heldout is not None:
        summary["heldout"] = heldout_summaries(model)
    if result.quality is not None:
        summary["epoch_quality"] = model.info["epoch_quality"]
    if spark is not None:
        summary.update(engine=model.info["engine"], not_used=result.not_used)
        if result.not_used:
            say(f"w2vstudio: note: {WHAT_MLLIB_TRAINS}: {', '.join(result.not_used)} (our defaults) were not used")
    code = _write(model, out, args.format, summary)
    print(jsonsafe.dumps(summary))
    return code


def _train_ensemble(args, out: Path, spark) -> int:
    """K runs of one scan into the folder `out` (each run written as it ends, the manifest last)."""
    if spark is not None:
        raise W2VError("--runs and --bootstrap train here, not on Spark: leave out --engine spark")
    if args.continue_from:
        raise W2VError("--runs and --bootstrap train new models: leave out --continue-from")
    inputs = {Path(c).resolve() for c in args.corpus}
    if out.resolve() in inputs or any(p in inputs for p in out.resolve().parents):
        raise W2VError(f"-o {out}: the output must not be one of the corpus paths")
    writer = EnsembleWriter(out, args.format)
    watch = _watch(args)
    p = params.from_args(args)
    existed = out.exists()
    writer.prepare()
    try:  # no run file may replace an input, and the folder must take files
        for k in range(args.runs):
            check_replaceable(out / f"run-{k + 1}{SUFFIXES[args.format]}", args.corpus)
        check_output(out / f"run-1{SUFFIXES[args.format]}", args.corpus)
    except W2VError:
        if not existed:
            out.rmdir()
        raise
    progress = _Progress(enabled=not args.quiet, before="scanning")
    runs: list[dict] = [None] * args.runs

    def written(k: int, result):
        model = result.model
        path = writer.add(lambda path: _save(model, path, args.format), result.model.params.seed,
                          dataclasses.asdict(model.params), args.bootstrap)
        runs[k] = {"file": path.name, "seed": model.params.seed, "corpus_words": result.corpus_words,
                   "train_seconds": round(result.train.seconds, 3), "epoch_losses": result.train.epoch_losses}
        if not args.quiet:
            tqdm.write(printable(f"run {k + 1} of {args.runs} done: {path}"), file=sys.stderr)

    training = EnsembleRun(args.corpus, p, args.runs, args.bootstrap, watch=watch,
                           callbacks=lambda k: [_RunProgress(progress, f"run {k + 1}/{args.runs}")],
                           on_run=written, task=Task(progress.progressed), force=args.force, cache=args.cache)
    try:
        with OneBlasThread():
            result = training.train()
    finally:
        progress.close()
    writer.finish(args.bootstrap, result.documents, result.files)
    if result.invalid_utf8:
        say(f"w2vstudio: warning: {result.invalid_utf8} bytes of invalid UTF-8 were replaced")
    for skipped in result.skipped:
        say(f"w2vstudio: warning: skipped {skipped['path']}: {skipped['reason']}")
    summary = {
        "output": str(out), "format": args.format, "runs": args.runs, "bootstrap": args.bootstrap,
        "documents": result.documents or None, "side_by_side": result.side_by_side,
        "raw_words": result.raw_words, "corpus_words": result.corpus_words,
        "vocab_size": len(training.corpus.vocab), "dim": p.dim, "epochs": p.epochs,
        "scan_seconds": round(result.prepare_seconds, 3), "train_seconds": round(result.seconds, 3),
        "seeds": result.seeds, "run_files": runs, "skipped": result.skipped, "cache": result.cache,
    }
    print(jsonsafe.dumps(summary))
    return 0


def _save(model: Model, path: Path, fmt: str) -> None:
    if fmt == "model":
        model.save(path)
    else:
        from w2vstudio.core.files.vectorfiles import save_vectors

        save_vectors(model.keyed_vectors(), path, fmt)


def _nothing_to_predict(epochs: list[int]) -> str:
    which = f"epoch {epochs[0]}" if len(epochs) == 1 else "epochs " + ", ".join(map(str, epochs))
    return (f"nothing to predict in {which}: no sentence has two words of the vocabulary, so the loss "
            "is null and the vectors did not learn")


def _write(model: Model, out: Path, fmt: str, summary: dict) -> int:
    """Write the result; if that fails, rescue it (summary: where) and return exit code 1."""
    def write(path: Path):
        _save(model, path, fmt)

    try:
        write(out)
        return 0
    except OSError as exc:
        reason = f"cannot write {out}: {exc.strerror or exc}"
        try:
            saved = rescue(write, out)
        except OSError as again:
            raise W2VError(f"{reason}; the rescue copy failed too ({again.strerror or again})") from None
    say(f"w2vstudio: error: {reason}; the {'model' if fmt == 'model' else 'vectors'} were saved to {saved}")
    summary.update(output=str(saved), rescued=True)
    return 1


class _Progress(TrainingCallback):
    """tqdm bars on stderr for the run's task (`before`: the scan, or Spark) and the training;
    epoch and quality lines between them."""

    def __init__(self, enabled: bool, before: str):
        self.enabled, self.before = enabled, before
        self.bar: tqdm | None = None
        self.stage = ""  # what the bar shows: "scanning" or "training"

    def _bar(self, desc: str, total: int, unit: str, divisor: int = 1000) -> tqdm:
        if self.bar is None or self.stage != desc:
            self.close()
            self.stage = desc
            self.bar = tqdm(total=total, desc=desc, unit=unit, unit_scale=True, unit_divisor=divisor,
                            file=sys.stderr, disable=not self.enabled, leave=False, dynamic_ncols=True)
        return self.bar

    def progressed(self, fraction: float, text: str | None):
        bar = self._bar(self.before, 100, "%")
        if text:
            bar.set_postfix_str(text, refresh=False)
        bar.update(100 * fraction - bar.n)

    def on_batch(self, report: BatchReport, stage: str = "training"):
        bar = self._bar(stage, report.total_words, "word")  # an ensemble: a bar per run
        bar.set_postfix_str(f"epoch {report.epoch}, loss {report.loss:.4f}", refresh=False)
        bar.update(report.words_done - bar.n)

    def on_epoch(self, report: EpochReport):
        if self.enabled:
            tqdm.write(f"epoch {report.epoch} done: mean loss {report.loss:.4f} ({report.seconds:.1f} s)",
                       file=sys.stderr)

    @staticmethod
    def quality(entry: dict):
        """A line for an epoch's quality (even when quiet)."""
        scores = [f"{name} {'n/a' if entry[key] is None else format(entry[key], '.4f')}"
                  for name, key in (("analogy", "analogy"), ("WS-353", "ws353"))]
        tqdm.write(f"epoch {entry['epoch']} quality: {', '.join(scores)}", file=sys.stderr)

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class _RunProgress(TrainingCallback):
    """The hooks of an ensemble's run `stage` ("run 2/5"): its own bar on the shared progress."""

    def __init__(self, progress: _Progress, stage: str):
        self.progress, self.stage = progress, stage

    def on_batch(self, report: BatchReport):
        self.progress.on_batch(report, self.stage)

    def on_epoch(self, report: EpochReport):
        self.progress.on_epoch(report)

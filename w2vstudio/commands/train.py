"""`w2vstudio train`: scan a corpus, train word2vec, write the model or vectors."""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from w2vstudio.core.blas import OneBlasThread
from w2vstudio.core.errors import W2VError
from w2vstudio.core.model import Model, TrainParams
from w2vstudio.core.quality import EpochQuality
from w2vstudio.core.scan import scan_corpus
from w2vstudio.core.snapshots import DEFAULT_TRACKED, SnapshotRecorder, chain, tracked_ids
from w2vstudio.core.trainer import BatchReport, Trainer

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
    arch = p.add_mutually_exclusive_group()
    arch.add_argument("--sg", dest="sg", action="store_true", default=True, help="skip-gram (default)")
    arch.add_argument("--cbow", dest="sg", action="store_false", help="continuous bag of words")
    p.add_argument("--cbow-sum", action="store_true", help="CBOW sums the context instead of averaging it")
    p.add_argument("--hs", action="store_true", help="hierarchical softmax (with --negative 0: alone)")
    p.add_argument("--dim", type=int, default=100)
    p.add_argument("--window", type=int, default=5)
    p.add_argument("--fixed-window", action="store_true", help="always use the full window")
    p.add_argument("--negative", type=int, default=5, help="negative samples per prediction (0: none)")
    p.add_argument("--ns-exponent", type=float, default=0.75)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--max-vocab", type=int, default=None, help="keep only the N most frequent words")
    p.add_argument("--sample", type=float, default=1e-3, help="subsampling threshold (0: off)")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--alpha", type=float, default=0.025)
    p.add_argument("--min-alpha", type=float, default=0.0001)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")
    p.add_argument("--batch-words", type=int, default=50_000, metavar="N",
                   help="words per batch: the unit of work of a thread and of progress reports")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--keep-case", action="store_true", help="do not lowercase words")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    watch = p.add_argument_group("watching training (stored in the model file)")
    watch.add_argument("--snapshots", type=int, default=0, metavar="N",
                       help="snapshot the tracked words' vectors N times per epoch (needs --format model; "
                            "continued training extends the model's snapshots and keeps their words)")
    watch.add_argument("--track", type=int, default=DEFAULT_TRACKED, metavar="N",
                       help=f"snapshots track the N most frequent words (default {DEFAULT_TRACKED:,})")
    watch.add_argument("--pin", action="append", default=[], metavar="WORD",
                       help="snapshots also track this word (repeatable)")
    watch.add_argument("--eval-each-epoch", action="store_true",
                       help="after each epoch, in the background, score analogies and WordSim-353 "
                            "(bundled sets); printed on stderr and stored as epoch_quality")
    p.set_defaults(func=run)


def _params(args) -> TrainParams:
    try:
        return TrainParams(sg=args.sg, hs=args.hs, negative=args.negative, ns_exponent=args.ns_exponent,
                           dim=args.dim, window=args.window, shrink_window=not args.fixed_window,
                           cbow_mean=not args.cbow_sum, sample=args.sample, min_count=args.min_count,
                           max_vocab=args.max_vocab, alpha=args.alpha, min_alpha=args.min_alpha,
                           epochs=args.epochs, threads=args.threads, batch_words=args.batch_words,
                           seed=args.seed, lowercase=not args.keep_case)
    except ValueError as exc:
        raise W2VError(str(exc)) from None


def _check_output(path: Path):
    if path.is_dir():
        raise W2VError(f"{path} is a folder; give a file name for the output")
    if not path.parent.exists():
        raise W2VError(f"cannot write {path}: folder {path.parent} does not exist")


def _check_watch(args):
    if args.snapshots < 0 or args.track < 0:
        raise W2VError("--snapshots and --track must not be negative")
    if args.snapshots and args.format != "model":
        raise W2VError("--snapshots needs --format model: snapshots are stored in the model file")


def _recorder(model: Model, args) -> SnapshotRecorder | None:
    """The recorder for --snapshots: the model's own snapshots extended, or new ones."""
    if not args.snapshots:
        return None
    recorder = SnapshotRecorder.load_from(model, args.snapshots)
    if recorder is None:
        recorder = SnapshotRecorder(model, tracked_ids(model.vocab, args.track, args.pin), args.snapshots)
    recorder.start()
    return recorder


def run(args) -> int:
    out = Path(args.output)
    _check_output(out)
    _check_watch(args)
    params = _params(args)
    bar = _ProgressBar(enabled=not args.quiet)
    try:
        t0 = time.perf_counter()
        scanned = scan_corpus(args.corpus, lowercase=params.lowercase, progress=bar.scanning)
        invalid = scanned.invalid_utf8
        model, corpus = _prepare(scanned, params, args.continue_from)
        del scanned  # the raw id stream is not needed for training
        scan_seconds = time.perf_counter() - t0
        recorder = _recorder(model, args)
        quality = EpochQuality(model, on_result=bar.quality) if args.eval_each_epoch else None
        with OneBlasThread():  # the evaluations beside training leave the cores to it
            result = Trainer(model, corpus, chain(bar.training, recorder, quality)).train()
            if quality is not None:
                quality.save_into(model)  # waits for the evaluations still running
        if recorder is not None:
            recorder.finish()
            recorder.save_into(model)
    finally:
        bar.close()
    if invalid:
        print(f"w2vstudio: warning: {invalid} bytes of invalid UTF-8 were replaced", file=sys.stderr)
    _save(model, out, args.format)
    summary = {
        "output": str(out),
        "format": args.format,
        "raw_words": corpus.raw_words,
        "corpus_words": corpus.n_tokens,
        "vocab_size": len(model.vocab),
        "dim": model.dim,
        "epochs": result.epochs,
        "scan_seconds": round(scan_seconds, 3),
        "train_seconds": round(result.seconds, 3),
        "raw_words_per_sec": round(result.raw_words_per_sec, 1),
        "epoch_losses": result.epoch_losses,
    }
    if recorder is not None:
        summary["snapshots"] = len(recorder)
    if quality is not None:
        summary["epoch_quality"] = model.info["epoch_quality"]
    print(json.dumps(summary))
    return 0


def _prepare(scanned, params: TrainParams, continue_from: str | None):
    """A fresh model and its encoded corpus, or a saved model grown by the corpus's new words."""
    if not continue_from:
        corpus = scanned.encode(params.min_count, params.max_vocab, in_place=True)
        return Model.create(corpus.vocab, params), corpus
    model = Model.load(continue_from)
    model.params = replace(model.params, epochs=params.epochs, alpha=params.alpha,
                           min_alpha=params.min_alpha, threads=params.threads)
    corpus = scanned.encode(params.min_count, base_vocab=model.vocab, in_place=True)
    model.grow(corpus.vocab)
    return model, corpus


def _save(model: Model, out: Path, fmt: str):
    if fmt == "model":
        model.save(out)
        return
    from w2vstudio.core.io import save_vectors

    save_vectors(model.keyed_vectors(), out, fmt)


class _ProgressBar:
    """A one-line progress display on stderr, redrawn at most 5 times a second."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.last = 0.0
        self.open = False
        self._lock = threading.RLock()  # quality lines come from another thread

    def _draw(self, text: str, force: bool = False):
        now = time.perf_counter()
        if self.enabled and (force or now - self.last > 0.2):
            with self._lock:
                self.last = now
                self.open = True
                print(f"\r{text:<79}", end="", file=sys.stderr, flush=True)

    def scanning(self, done: int, total: int, words: int):
        self._draw(f"scanning {100 * done / max(total, 1):5.1f}%  {words:,} words")

    def training(self, report):
        if isinstance(report, BatchReport):
            width = 30
            filled = int(width * report.progress)
            self._draw(f"epoch {report.epoch} [{'#' * filled}{'.' * (width - filled)}] {100 * report.progress:5.1f}%"
                       f"  loss {report.loss:.4f}  {report.words_per_sec / 1000:,.0f}k words/s")
        else:
            self._draw(f"epoch {report.epoch} done: mean loss {report.loss:.4f} ({report.seconds:.1f} s)", force=True)
            self.close()

    def quality(self, entry: dict):
        """A line of its own for an epoch's quality (even when quiet)."""
        scores = [f"{name} {'n/a' if entry[key] is None else format(entry[key], '.4f')}"
                  for name, key in (("analogy", "analogy"), ("WS-353", "ws353"))]
        with self._lock:
            self.close()
            print(f"epoch {entry['epoch']} quality: {', '.join(scores)}", file=sys.stderr, flush=True)

    def close(self):
        """End the current line, if one is drawn."""
        with self._lock:
            if self.open:
                self.open = False
                print(file=sys.stderr, flush=True)

"""One training run, as `w2vstudio train` and the studio both do it.

A scanned corpus (or the paths to scan) and the parameters → encode → a new model, or a saved one
grown by the corpus's new words → optional snapshot recorder and per-epoch quality → train →
recorder and quality stored in the model, with `info["epoch_words"]` and `info["corpus"]`. The
run may be paused, resumed or cancelled from any thread at any time, before training too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from w2vstudio.core.corpus.scan import EncodedCorpus, ScannedCorpus, scan_corpus
from w2vstudio.core.errors import W2VError
from w2vstudio.core.inside.cost import check_softmax_time
from w2vstudio.core.lenses.pair_likelihood import LikelihoodProbes, pmi_pairs
from w2vstudio.core.params import TrainParams, check_continued, memory_needed
from w2vstudio.core.corpus.heldout import carve
from w2vstudio.core.lenses.heldout import HeldOutScorer
from w2vstudio.core.spark import mllib
from w2vstudio.core.spark.engine import SparkOptions, SparkTraining
from w2vstudio.core.support.memory import available_memory, size_text
from w2vstudio.core.train.model import EPOCH_WORDS, Model
from w2vstudio.core.train.snapshots import (
    DEFAULT_PER_EPOCH,
    DEFAULT_TRACKED,
    SnapshotRecorder,
    chain,
    tracked_ids,
)
from w2vstudio.core.train.trainer import BatchReport, EpochReport, Trainer, TrainResult
from w2vstudio.core.watch.quality import EpochQuality

CORPUS = "corpus"  # model.info: absolute paths of the files the model was trained on


@dataclass(frozen=True)
class WatchOptions:
    """What to record while the model trains."""

    per_epoch: int = DEFAULT_PER_EPOCH  # snapshots per epoch; 0: none
    tracked: int = DEFAULT_TRACKED  # the most frequent words to track (pinned ones are added)
    quality: bool = True  # evaluate analogies and WordSim-353 at each epoch end
    pinned: tuple[str, ...] = ()
    strict_pins: bool = False  # a pinned word outside the vocabulary is an error (else not tracked)
    probe_pairs: tuple[tuple[str, str], ...] = ()  # (input, output) pairs whose p is probed at each snapshot
    default_probes: int = 0  # without probe_pairs: this many pairs of highest PMI in the corpus
    heldout: float = 0.0  # share of the corpus kept back and scored without update (0: none)


NO_WATCH = WatchOptions(per_epoch=0, quality=False)


@dataclass(frozen=True)
class RunResult:
    """A trained (or, if cancelled, partly trained) model and how its run went."""

    model: Model
    train: TrainResult
    raw_words: int
    corpus_words: int  # words of the corpus kept by the vocabulary, per epoch
    prepare_seconds: float  # scan (if the run did it), encoding and model set-up
    invalid_utf8: int = 0
    skipped: list = field(default_factory=list)  # {"path", "reason"} per corpus file the scan left out
    recorder: SnapshotRecorder | None = None
    quality: EpochQuality | None = None
    probes: LikelihoodProbes | None = None
    heldout: HeldOutScorer | None = None
    not_used: list = field(default_factory=list)  # our defaults another engine did not follow ("--negative 5")


def check_memory(params: TrainParams, vocab_size: int) -> None:
    """Refuse, in one sentence, a model whose weights would not fit in the memory available."""
    need, free = memory_needed(params, vocab_size), available_memory()
    if free is not None and need > free:
        raise W2VError(f"a model of {vocab_size:,} words x {params.dim:,} dimensions needs {size_text(need)} of "
                       f"memory for its weights, {size_text(free)} is available; lower --dim or the vocabulary "
                       "(--min-count, --max-vocab)")


class TrainingRun:
    """One run: `prepare()` (optional: `train()` calls it), then `train()`, on one thread.

    `corpus`: a `ScannedCorpus` (left intact: it can serve another run) or corpus paths (scanned
    here with `on_scan(bytes_done, bytes_total, words)`, then encoded in place). `continue_from`:
    a model or a model file to train further (its architecture is kept; epochs, learning rates
    and threads come from `params`; of the parameters named in `given`, those the user set, one the
    model cannot honour is refused before the corpus is read). `callback(report)` gets every BatchReport and EpochReport on
    the trainer's threads; `on_quality(entry)` each per-epoch evaluation, in epoch order. Once
    prepared, `.model`, `.recorder` and `.quality` (both thread-safe to read) are set. A full-softmax
    run estimated above `inside.cost.BUDGET_SECONDS` is refused (W2VError) unless `force`.
    `spark`: train on Spark MLlib instead (`spark.engine`; corpus paths only, no recorders, no
    pause; `callback` gets its `SparkProgress`; a cancel raises Cancelled, keeping nothing)."""

    def __init__(self, corpus: ScannedCorpus | Sequence[str | Path], params: TrainParams,
                 watch: WatchOptions = NO_WATCH, continue_from: Model | str | Path | None = None,
                 callback: Callable[[BatchReport | EpochReport], None] | None = None,
                 on_quality: Callable[[dict], None] | None = None,
                 on_scan: Callable[[int, int, int], None] | None = None, force: bool = False,
                 spark: SparkOptions | None = None, given: Collection[str] = ()):
        self._spark = None
        if spark is not None:
            mllib.check_run(continue_from, watch.per_epoch, watch.quality)
            if watch.heldout:
                raise W2VError("--heldout is not available with --engine spark")
            if isinstance(corpus, ScannedCorpus):
                raise W2VError("Spark reads the corpus itself: give its paths, not a scanned corpus")
            self._spark = SparkTraining(corpus, params, spark, callback)
        self.params, self.watch = params, watch
        self.force = force  # train the full softmax even above its time budget
        self.callback, self.on_quality, self.on_scan = callback, on_quality, on_scan
        self._source = corpus
        self._continue_from = continue_from
        self._given = frozenset(given)
        self.model: Model | None = None
        self.recorder: SnapshotRecorder | None = None
        self.quality: EpochQuality | None = None
        self.probes: LikelihoodProbes | None = None
        self.heldout: HeldOutScorer | None = None  # the held-out slice's scorer
        self.corpus: EncodedCorpus | None = None
        self._scan_facts = (0, [])  # invalid UTF-8 bytes, skipped files
        self._prepare_seconds = 0.0
        self._lock = threading.Lock()
        self._cancel = threading.Event()  # also stops a scan in progress
        self._paused = False
        self._trainer: Trainer | None = None

    # -- control, from any thread ---------------------------------------------------------------
    def pause(self):
        with self._lock:
            self._paused = True
            if self._trainer is not None:
                self._trainer.pause()

    def resume(self):
        with self._lock:
            self._paused = False
            if self._trainer is not None:
                self._trainer.resume()

    def cancel(self):
        """Stop: a scan raises Cancelled; training ends after the batches in flight, and the
        model trained so far is the result (on Spark: its jobs are cancelled, Cancelled raised)."""
        if self._spark is not None:
            self._spark.cancel()
        with self._lock:
            self._cancel.set()
            if self._trainer is not None:
                self._trainer.cancel()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def pausable(self) -> bool:
        """Whether `pause()` holds the run (a run on Spark goes on)."""
        return self._spark is None

    # -- the run --------------------------------------------------------------------------------
    def prepare(self) -> Model:
        """Scan (if given paths), encode, make or grow the model, attach the recorders."""
        if self.model is not None:
            return self.model
        t0 = time.perf_counter()
        if self._continue_from is not None:
            source = self._continue_from
            if not isinstance(source, Model):
                self._continue_from = Model.load(source)
            check_continued(self._continue_from.params, self.params, self._given,
                            "the model" if isinstance(source, Model) else str(source))
        scanned = self._source
        if not isinstance(scanned, ScannedCorpus):
            scanned = scan_corpus(scanned, lowercase=self.params.lowercase, progress=self.on_scan,
                                  cancel=self._cancel)
        self._scan_facts = (scanned.invalid_utf8, list(getattr(scanned, "skipped", [])))
        own_scan = scanned is not self._source
        self._source = None  # the raw id stream is not needed for training
        model, self.corpus = self._model_and_corpus(scanned, in_place=own_scan)
        del scanned
        held = None
        if self.watch.heldout > 0:
            self.corpus, held = carve(self.corpus, self.watch.heldout)
        previous = [p for p in model.info.get(CORPUS, []) if isinstance(p, str)]
        files = [str(Path(f.path).absolute()) for f in self.corpus.files]
        model.info[CORPUS] = list(dict.fromkeys(previous + files))
        model.info[EPOCH_WORDS] = self.corpus.n_tokens
        self.recorder = self._recorder(model)
        self.probes = self._probes(model)
        if held is not None:
            self.heldout = HeldOutScorer(model, held, self.watch.per_epoch or 1, seed=model.params.seed,
                                         epoch_words=self.corpus.n_tokens)
            self.heldout.start(epoch_words=self.corpus.n_tokens)
        if self.watch.quality:
            self.quality = EpochQuality(model, on_result=self.on_quality)
        self._prepare_seconds = time.perf_counter() - t0
        self.model = model
        return model

    def _model_and_corpus(self, scanned: ScannedCorpus, in_place: bool) -> tuple[Model, EncodedCorpus]:
        p = self.params
        if self._continue_from is None:
            if scanned.lowercase != p.lowercase:
                self.params = p = replace(p, lowercase=scanned.lowercase)  # the text was read that way
            corpus = scanned.encode(p.min_count, p.max_vocab or None, in_place=in_place)
            check_memory(p, len(corpus.vocab))
            if not self.force:
                check_softmax_time(p, corpus.vocab.counts)
            return Model.create(corpus.vocab, p), corpus
        model = self._continue_from
        model.params = replace(model.params, epochs=p.epochs, alpha=p.alpha, min_alpha=p.min_alpha,
                               threads=p.threads)
        corpus = scanned.encode(p.min_count, base_vocab=model.vocab, in_place=in_place)
        check_memory(model.params, len(corpus.vocab))
        if not self.force:
            check_softmax_time(model.params, corpus.vocab.counts)
        model.grow(corpus.vocab)
        return model, corpus

    def _recorder(self, model: Model) -> SnapshotRecorder | None:
        """The model's own snapshots extended, or new ones of the tracked and pinned words."""
        w = self.watch
        if w.per_epoch <= 0:
            return None
        recorder = SnapshotRecorder.load_from(model, w.per_epoch)
        if recorder is None:
            pinned = w.pinned if w.strict_pins else [word for word in w.pinned if word in model.vocab]
            recorder = SnapshotRecorder(model, tracked_ids(model.vocab, w.tracked, pinned), w.per_epoch)
        recorder.start()
        return recorder

    def _probes(self, model: Model) -> LikelihoodProbes | None:
        """The pairs' likelihood at each snapshot: the model's stored probes extended by the pairs
        asked for (or by the corpus's highest-PMI pairs)."""
        if self.recorder is None:
            return None
        w = self.watch
        pairs = w.probe_pairs or (pmi_pairs(self.corpus, w.default_probes, model.params.window)
                                  if w.default_probes else ())
        probes = LikelihoodProbes.resume(model, self.recorder, pairs)
        if probes is not None:
            probes.attach_corpus(self.corpus)
            probes.start()
        return probes

    def train(self) -> RunResult:
        """Prepare if not done, train (blocking), then store the snapshots and evaluations in the
        model (waiting for the evaluations still running)."""
        if self._spark is not None:
            return self._train_spark()
        model = self.prepare()
        trainer = Trainer(model, self.corpus, chain(self.callback, self.recorder, self.probes, self.heldout, self.quality))
        with self._lock:
            self._trainer = trainer
            if self._cancel.is_set():
                trainer.cancel()
            elif self._paused:
                trainer.pause()
        try:
            result = trainer.train()
        except BaseException:
            if self.quality is not None:
                self.quality.stop()  # no evaluation thread outlives the run
            raise
        if self.recorder is not None:
            self.recorder.finish()
            self.recorder.save_into(model)
        if self.probes is not None:
            self.probes.sync()
            self.probes.save_into(model)
        if self.heldout is not None:
            self.heldout.save_into(model)
        if self.quality is not None:
            self.quality.save_into(model)
        invalid, skipped = self._scan_facts
        return RunResult(model, result, self.corpus.raw_words, self.corpus.n_tokens, self._prepare_seconds,
                         invalid, skipped, self.recorder, self.quality, self.probes, self.heldout)


    def _train_spark(self) -> RunResult:
        done = self._spark.train()
        self.model = model = done.model
        words = done.corpus_words * self.params.epochs
        result = TrainResult(self.params.epochs, False, done.fit_seconds, words,
                             done.raw_words * self.params.epochs / max(done.fit_seconds, 1e-9), [])
        return RunResult(model, result, done.raw_words, done.corpus_words, done.seconds - done.fit_seconds,
                         not_used=done.not_used)

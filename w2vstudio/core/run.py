"""One training run, as `w2vstudio train` and the studio both do it.

A scanned corpus (or the paths to scan) and the parameters → encode → a new model, or a saved one
grown by the corpus's new words → optional snapshot recorder and per-epoch quality → train →
recorder and quality stored in the model, with `info["epoch_words"]` and `info["corpus"]`. The
run may be paused, resumed or cancelled from any thread at any time, before training too.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from w2vstudio.core.corpus import cache as corpus_cache
from w2vstudio.core.corpus.scan import EncodedCorpus, ScannedCorpus, scan_corpus
from w2vstudio.core.errors import W2VError
from w2vstudio.core.inside.cost import check_softmax_time
from w2vstudio.core.lenses.pair_likelihood import LikelihoodProbes, pmi_pairs
from w2vstudio.core.corpus import phrases
from w2vstudio.core.corpus.heldout import carve
from w2vstudio.core.lenses.heldout import HeldOutScorer
from w2vstudio.core.params import TrainParams, check_continued, memory_needed
from w2vstudio.core.corpus.bootstrap import documents, resample
from w2vstudio.core.spark import mllib
from w2vstudio.core.spark.engine import SparkOptions, SparkTraining
from w2vstudio.core.support.memory import available_memory, size_text
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.callbacks import TrainingCallback, TrainResult
from w2vstudio.core.train.model import CORPUS, EPOCH_WORDS, Model, corpus_paths
from w2vstudio.core.train.snapshots import DEFAULT_PER_EPOCH, DEFAULT_TRACKED, SnapshotRecorder, tracked_ids
from w2vstudio.core.train.trainer import Trainer
from w2vstudio.core.watch.quality import EpochQuality



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
    counting: dict = field(default_factory=lambda: {"method": "exact", "max_lost_count": 0})  # ScannedCorpus.counting
    cache: dict = field(default_factory=lambda: {"used": False, "path": None})  # the encoded corpus's cache entry


def check_memory(params: TrainParams, vocab_size: int) -> None:
    """Refuse, in one line naming the flags that size them (and their values), weights beyond the
    memory available."""
    need, free = memory_needed(params, vocab_size), available_memory()
    if free is not None and need > free:
        cap = f"--max-vocab {params.max_vocab:,}" if params.max_vocab else "no --max-vocab"
        raise W2VError(f"a model of {vocab_size:,} words x {params.dim:,} dimensions needs {size_text(need)} of "
                       f"memory for its weights, {size_text(free)} is available; lower --dim {params.dim:,} or the "
                       f"vocabulary (--min-count {params.min_count:,}, {cap})")


def encode_new(scanned: ScannedCorpus, params: TrainParams, task: Task,
               in_place: bool) -> tuple[EncodedCorpus, phrases.PhraseTable | None]:
    """A scan encoded for a new model: its phrases joined first when `params.phrases` (their
    table, else None), then min-count and max-vocab applied (`in_place`: the scan is the caller's
    own to overwrite)."""
    table = None
    if params.phrases:
        table, joined = phrases.find_phrases(scanned, phrases.options_of(params), task)
        in_place = in_place or joined is not scanned  # a joined scan is this run's own
        scanned = joined
    return scanned.encode(params.min_count, params.max_vocab or None, in_place=in_place, task=task), table


class CacheSlot:
    """A new model's place in the encoded corpus cache (`corpus.cache`): the entry of its corpus's
    files (corpus paths, or those a scan read) and the settings of `params` that shape the
    encoding; `cache` as `TrainingRun`'s. `state` is `RunResult.cache`: {"used": whether the
    entry was read, "path": the entry read or written, else None}."""

    def __init__(self, source: ScannedCorpus | Sequence[str | Path], params: TrainParams,
                 scan_memory: int | None, cache: str | Path | bool | None):
        paths = [f.path for f in source.files] if isinstance(source, ScannedCorpus) else list(source)
        if isinstance(source, ScannedCorpus):
            params = replace(params, lowercase=source.lowercase)  # the text was read that way
        folder = corpus_cache.wanted_folder(paths, cache)
        self.cache = None if folder is None else corpus_cache.CorpusCache(folder)
        self.key = None if folder is None else \
            corpus_cache.corpus_key(paths, corpus_cache.settings_of(params, scan_memory))
        self.state = {"used": False, "path": None}

    def lookup(self, task: Task, arriving: bool = False) -> corpus_cache.Cached | None:
        """The cached encoding, or None (no cache, no entry, or one that failed its checks);
        `arriving`: its tokens still to be read (`EncodedCorpus.arrival`) as training goes."""
        cached = None if self.cache is None else self.cache.lookup(self.key, task, arriving=arriving)
        if cached is not None:
            self.state = {"used": True, "path": str(cached.path)}
        return cached

    def store(self, corpus: EncodedCorpus, table, facts: tuple, task: Task) -> None:
        """Write the encoding (a failure to write only leaves it uncached). `facts`: the scan's
        invalid UTF-8 bytes, skipped files and counting."""
        if self.cache is None:
            return
        invalid, skipped, counting = facts
        try:
            path = self.cache.store(self.key, corpus, table, invalid, skipped, counting, task)
        except OSError:
            path = None
        self.state = {"used": False, "path": None if path is None else str(path)}


class TrainingRun:
    """One run: `prepare()` (optional: `train()` calls it), then `train()`, on one thread.

    `corpus`: a `ScannedCorpus` (left intact: it can serve another run), an `EncodedCorpus` (a new
    model on its vocabulary; `params.min_count` was applied when it was encoded) or corpus paths
    (scanned here, `task` hearing the scan's progress, then encoded in place). `continue_from`: a
    model or a model file to train further (its architecture is kept; epochs, learning rates and
    threads come from `params`; a flag in `given` that the model cannot honour is refused).
    `callbacks` (`TrainingCallback`s) hear the trainer on its threads, before the recorders;
    `on_quality(entry)` each per-epoch evaluation, in epoch order. `task` is cancelled by `cancel()`. Once
    prepared, `.model`, `.recorder` and `.quality` (both thread-safe to read) are set. A full-softmax
    run estimated above `inside.cost.BUDGET_SECONDS` is refused (W2VError) unless `force`.
    `spark`: train on Spark MLlib instead (`spark.engine`; corpus paths only, no recorders, no
    pause; `task` hears its progress; a cancel raises Cancelled, keeping nothing).
    `scan_memory`: bytes the distinct words may take while the scan counts them (`scan_corpus`).
    `cache`: where the encoded corpus of a new model on corpus paths or a scan (keyed by the files
    it read; the scan is left intact) is cached (`corpus.cache`, through `CacheSlot`): a
    folder (whatever the corpus's size), None (the default folder when the corpus's files exceed
    `cache.AUTO_SHARE` of the memory available), False (never); a cached entry of the same files and
    settings is read instead of scanning (`RunResult.cache` says which)."""

    def __init__(self, corpus: ScannedCorpus | Sequence[str | Path], params: TrainParams,
                 watch: WatchOptions = NO_WATCH, continue_from: Model | str | Path | None = None,
                 callbacks: Sequence[TrainingCallback] = (),
                 on_quality: Callable[[dict], None] | None = None,
                 task: Task | None = None, force: bool = False,
                 spark: SparkOptions | None = None, given: Collection[str] = (),
                 scan_memory: int | None = None, cache: str | Path | bool | None = None):
        self.task = task or Task.none()  # also stops a scan in progress
        self._spark = None
        if spark is not None:
            mllib.check_run(continue_from, watch.per_epoch, watch.quality)
            if watch.heldout:
                raise W2VError("--heldout is not available with --engine spark")
            if isinstance(corpus, ScannedCorpus):
                raise W2VError("Spark reads the corpus itself: give its paths, not a scanned corpus")
            self._spark = SparkTraining(corpus, params, spark, self.task)
        self.params, self.watch = params, watch
        self.force = force  # train the full softmax even above its time budget
        self.callbacks, self.on_quality = list(callbacks), on_quality
        self._source = corpus
        self.scan_memory = scan_memory
        self._cache = cache
        self.cache_state = {"used": False, "path": None}
        self._continue_from = continue_from
        self._given = frozenset(given)
        self.model: Model | None = None
        self.recorder: SnapshotRecorder | None = None
        self.quality: EpochQuality | None = None
        self.probes: LikelihoodProbes | None = None
        self.heldout: HeldOutScorer | None = None  # the held-out slice's scorer
        self.corpus: EncodedCorpus | None = None
        self._scan_facts = (0, [], {"method": "exact", "max_lost_count": 0})  # invalid UTF-8, skipped files, counting
        self._prepare_seconds = 0.0
        self._lock = threading.Lock()
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
            self.task.cancel()
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
        scanned, slot = self._source, None
        if isinstance(scanned, EncodedCorpus):  # encoded once for several runs (an ensemble)
            self._source = None
            model, self.corpus = self._model_for(scanned), scanned
            scanned = None
        else:
            slot = None if self._continue_from is not None or self._spark is not None else \
                CacheSlot(scanned, self.params, self.scan_memory, self._cache)
            cached = None if slot is None else slot.lookup(self.task, arriving=True)
            if cached is not None:
                self._source = scanned = None
                model, self.corpus = self._model_for(cached.corpus), cached.corpus
                if cached.phrases is not None:
                    model.set_phrases(cached.phrases)
                self._scan_facts = (cached.invalid_utf8, list(cached.skipped), cached.counting)
            elif not isinstance(scanned, ScannedCorpus):
                scanned = scan_corpus(scanned, lowercase=self.params.lowercase, task=self.task,
                                      scan_memory=self.scan_memory)
        if scanned is not None:
            self._scan_facts = (scanned.invalid_utf8, list(getattr(scanned, "skipped", [])), scanned.counting)
            own_scan = scanned is not self._source
            self._source = None  # the raw id stream is not needed for training
            model, self.corpus = self._model_and_corpus(scanned, in_place=own_scan)
            del scanned
            if slot is not None:
                slot.store(self.corpus, model.phrases, self._scan_facts, self.task)
        if slot is not None:
            self.cache_state = dict(slot.state)
        held = None
        if self.watch.heldout > 0:
            self.corpus, held = carve(self.corpus, self.watch.heldout)
        if self.corpus.arrival is not None:
            self.corpus.arrival.start()  # the cached tokens are read while the model is made and trained
        previous = corpus_paths(model)
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

    def _model_for(self, corpus: EncodedCorpus) -> Model:
        """A new model on an encoded corpus's vocabulary."""
        if self._continue_from is not None:
            raise W2VError("an encoded corpus trains new models only, it cannot continue one")
        check_memory(self.params, len(corpus.vocab))
        if not self.force:
            check_softmax_time(self.params, corpus.vocab.counts)
        return Model.create(corpus.vocab, self.params)

    def _model_and_corpus(self, scanned: ScannedCorpus, in_place: bool) -> tuple[Model, EncodedCorpus]:
        p = self.params
        if self._continue_from is None:
            if scanned.lowercase != p.lowercase:
                self.params = p = replace(p, lowercase=scanned.lowercase)  # the text was read that way
            corpus, table = encode_new(scanned, p, self.task, in_place)
            check_memory(p, len(corpus.vocab))
            if not self.force:
                check_softmax_time(p, corpus.vocab.counts)
            model = Model.create(corpus.vocab, p)
            if table is not None:
                model.set_phrases(table)
            return model, corpus
        model = self._continue_from
        table = model.phrases
        if table is not None and len(table):  # the new text is read as the model's was
            joined = table.apply(scanned, self.task)
            in_place = in_place or joined is not scanned  # a joined scan is this run's own
            scanned = joined
        model.params = replace(model.params, epochs=p.epochs, alpha=p.alpha, min_alpha=p.min_alpha,
                               threads=p.threads)
        corpus = scanned.encode(p.min_count, base_vocab=model.vocab, in_place=in_place, task=self.task)
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
        watchers = [c for c in (self.recorder, self.probes, self.heldout, self.quality) if c is not None]
        trainer = Trainer(model, self.corpus, self.callbacks + watchers)
        with self._lock:
            self._trainer = trainer
            if self.task.cancelled:
                trainer.cancel()
            elif self._paused:
                trainer.pause()
        try:
            result = trainer.train()
        except BaseException:
            if self.quality is not None:
                self.quality.stop()  # no evaluation thread outlives the run
            raise
        finally:
            arrival = self.corpus.arrival
            if arrival is not None and not arrival.complete:
                arrival.abandon()  # stopped early: the rest of the cached tokens is not read
        if self.recorder is not None:
            self.recorder.save_into(model)
        if self.probes is not None:
            self.probes.save_into(model)
        if self.heldout is not None:
            self.heldout.save_into(model)
        if self.quality is not None:
            self.quality.save_into(model)
        invalid, skipped, counting = self._scan_facts
        return RunResult(model, result, self.corpus.raw_words, self.corpus.n_tokens, self._prepare_seconds,
                         invalid, skipped, self.recorder, self.quality, self.probes, self.heldout, counting=counting,
                         cache=dict(self.cache_state))


    def _train_spark(self) -> RunResult:
        done = self._spark.train()
        self.model = model = done.model
        words = done.corpus_words * self.params.epochs
        result = TrainResult(self.params.epochs, False, done.fit_seconds, words,
                             done.raw_words * self.params.epochs / max(done.fit_seconds, 1e-9), [])
        return RunResult(model, result, done.raw_words, done.corpus_words, done.seconds - done.fit_seconds,
                         not_used=done.not_used)


# Measured with two threads on a 2.4 M-word cut of wiki17m (docs/benchmarks.md): see SIDE_BY_SIDE.
SIDE_BY_SIDE = False


@dataclass
class EnsembleResult:
    """The K runs of an ensemble (a result is None where `on_run` took it), and how they went."""

    results: list
    seeds: list[int]
    bootstrap: bool
    documents: str  # what a bootstrap resampled ("lines" or chunks), "" without
    side_by_side: bool
    prepare_seconds: float  # scan and the one encoding
    seconds: float  # the runs, all together
    raw_words: int
    corpus_words: int
    invalid_utf8: int = 0
    skipped: list = field(default_factory=list)
    files: list = field(default_factory=list)
    cache: dict = field(default_factory=lambda: {"used": False, "path": None})  # as RunResult.cache


class EnsembleRun:
    """K runs of one corpus, scanned and encoded once: seeds `params.seed`, +1, ... and, with
    `bootstrap`, each on a resample of the corpus's documents drawn with its seed (`corpus.bootstrap`).

    The runs go one after the other, each with all of `params.threads`, or (`side_by_side`) as many
    at once as there are threads, one thread each; None takes `SIDE_BY_SIDE`. `callbacks`: the
    `TrainingCallback`s of every run, or a function giving run k's (k from 0), which hear it as
    `TrainingRun`'s do; `on_run(k, result)` each finished run, under a lock, and when given the
    result is not kept (the caller writes it and lets it go). `task` hears the scan's progress
    (paths only); `cancel()` (or cancelling `task`) stops the runs in flight (their partly trained
    models are results) and starts no other. `cache`: the encoded corpus's cache, as `TrainingRun`'s
    (the runs share its one encoding, read from the cache or written to it)."""

    def __init__(self, corpus: ScannedCorpus | Sequence[str | Path], params: TrainParams, runs: int,
                 bootstrap: bool = False, side_by_side: bool | None = None, watch: WatchOptions = NO_WATCH,
                 callbacks: Sequence[TrainingCallback] | Callable[[int], Sequence[TrainingCallback]] = (),
                 on_run: Callable[[int, RunResult], None] | None = None,
                 task: Task | None = None, force: bool = False, cache: str | Path | bool | None = None):
        if not 1 <= runs <= 1000:
            raise W2VError(f"--runs {runs}: must be from 1 to 1,000")
        if params.seed + runs - 1 > 2**31 - 1:
            raise W2VError(f"--seed {params.seed}: the seeds of {runs} runs would pass 2,147,483,647")
        self.params, self.runs, self.bootstrap, self.watch, self.force = params, runs, bootstrap, watch, force
        self.side_by_side = SIDE_BY_SIDE if side_by_side is None else side_by_side
        self.callbacks, self.on_run = callbacks, on_run
        self.task = task or Task.none()  # also stops the scan in progress
        self.seeds = [params.seed + k for k in range(runs)]
        self._source = corpus
        self._cache = cache
        self.cache_state = {"used": False, "path": None}
        self.corpus: EncodedCorpus | None = None
        self._phrases = None  # the phrase table of the encoding, given to every run's model
        self._facts = (0, [])
        self._prepare_seconds = 0.0
        self._lock = threading.Lock()
        self._paused = False
        self._active: dict[int, TrainingRun] = {}
        self.done = 0  # runs finished

    def cancel(self):
        with self._lock:
            self.task.cancel()
            for run in self._active.values():
                run.cancel()

    def pause(self):
        with self._lock:
            self._paused = True
            for run in self._active.values():
                run.pause()

    def resume(self):
        with self._lock:
            self._paused = False
            for run in self._active.values():
                run.resume()

    @property
    def paused(self) -> bool:
        return self._paused

    pausable = True

    def _run_callbacks(self, k: int) -> list[TrainingCallback]:
        given = self.callbacks
        return list(given(k) if callable(given) else given)

    def prepare(self) -> EncodedCorpus:
        """Scan (paths only) and encode, once for every run."""
        if self.corpus is not None:
            return self.corpus
        t0 = time.perf_counter()
        scanned = self._source
        slot = CacheSlot(scanned, self.params, None, self._cache)
        cached = slot.lookup(self.task)
        if cached is not None:
            self.corpus, self._phrases = cached.corpus, cached.phrases
            self._facts = (cached.invalid_utf8, list(cached.skipped))
        else:
            own = not isinstance(scanned, ScannedCorpus)
            if own:
                scanned = scan_corpus(scanned, lowercase=self.params.lowercase, task=self.task)
            if scanned.lowercase != self.params.lowercase:
                self.params = replace(self.params, lowercase=scanned.lowercase)
            self._facts = (scanned.invalid_utf8, list(getattr(scanned, "skipped", [])))
            self.corpus, self._phrases = encode_new(scanned, self.params, self.task, in_place=own)
            slot.store(self.corpus, self._phrases, (*self._facts, scanned.counting), self.task)
        self._source = None
        self.cache_state = dict(slot.state)
        check_memory(self.params, len(self.corpus.vocab))
        self._prepare_seconds = time.perf_counter() - t0
        return self.corpus

    def train(self, task: Task | None = None) -> EnsembleResult:
        """Prepare if not done, then train the runs (blocking). `task`: the caller's, if it made
        one for this call (a GUI worker's): it takes the place of the run's task (a cancel so far
        is kept)."""
        if task is not None:
            with self._lock:
                if self.task.cancelled:
                    task.cancel()
                self.task = task
        corpus = self.prepare()
        threads = self.params.threads or os.cpu_count() or 1
        at_once = min(self.runs, threads) if self.side_by_side else 1
        per_run = max(1, threads // at_once)
        results: list = [None] * self.runs
        queue = iter(range(self.runs))
        errors: list[BaseException] = []
        t0 = time.perf_counter()

        def work():
            while not self.task.cancelled and not errors:
                with self._lock:
                    k = next(queue, None)
                if k is None:
                    return
                try:
                    data = resample(corpus, self.seeds[k]) if self.bootstrap else corpus
                    params = replace(self.params, seed=self.seeds[k], threads=per_run)
                    run = TrainingRun(data, params, self.watch, callbacks=self._run_callbacks(k),
                                      task=self.task.part(0, 1), force=self.force)
                    if self._phrases is not None:
                        run.prepare().set_phrases(self._phrases)  # the text was read through them
                    with self._lock:
                        self._active[k] = run
                        if self.task.cancelled:
                            run.cancel()
                        elif self._paused:
                            run.pause()
                    result = run.train()
                    with self._lock:
                        del self._active[k]
                        self.done += 1
                        if self.on_run is not None:
                            self.on_run(k, result)
                        else:
                            results[k] = result
                except BaseException as exc:  # the first failure stops the others
                    errors.append(exc)
                    self.cancel()
                    return

        workers = [threading.Thread(target=work, name=f"w2v-run-{i}", daemon=True) for i in range(at_once - 1)]
        for w in workers:
            w.start()
        work()
        for w in workers:
            w.join()
        if errors:
            raise errors[0]
        invalid, skipped = self._facts
        return EnsembleResult(results, self.seeds, self.bootstrap,
                              documents(corpus)[2] if self.bootstrap else "", self.side_by_side,
                              self._prepare_seconds, time.perf_counter() - t0, corpus.raw_words, corpus.n_tokens,
                              invalid, skipped, [str(Path(f.path).absolute()) for f in corpus.files],
                              dict(self.cache_state))

"""Train on Apache Spark: MLlib's Word2Vec on a cluster (or `local[*]`), the result as our model.

The corpus (local paths, folders read recursively, or any URI Spark reads) is read by Spark as
lines, tokenised and lower-cased in Spark SQL (`regexp_extract_all` with Java's version of our
tokenizer's rule, `transform(..., lower)`; no Python UDF, so executors need nothing of ours) and
persisted; a word count in the same session gives the vocabulary its real counts, then
`pyspark.ml.feature.Word2Vec` trains (see `mllib` for the parameters). The vectors come back as
float32 through Arrow. Progress is read from Spark's status tracker (stages and tasks of our job
group, one task per partition) and told to the run's `Task`; `cancel()` (or cancelling the task)
cancels the job group. A failed job is one `W2VError`
line; nothing is written here.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from w2vstudio.core.corpus.files import find_files, is_uri
from w2vstudio.core.errors import CorpusError, W2VError
from w2vstudio.core.train.model import Model
from w2vstudio.core.support.opener import open_regular, sniff_compression
from w2vstudio.core.support.task import Task
from w2vstudio.core.params import TrainParams
from w2vstudio.core.spark import mllib
from w2vstudio.core.vocab import Vocabulary

# Our tokenizer's rule (corpus._WORD) in Java's regex: letters and digits of any script, joined by
# an apostrophe, a right single quote or a hyphen.
TOKEN_REGEX = r"[\p{L}\p{N}]+(?:['\u2019\-][\p{L}\p{N}]+)*"
DEFAULT_MASTER = "local[*]"
_POLL = 0.25  # seconds between two looks at the status tracker
_CANCELLED = "training on Spark was cancelled"
_SUFFIXES = {"gzip": (".gz",), "bz2": (".bz2",)}  # Hadoop recognises compression by the name


@dataclass(frozen=True)
class SparkOptions:
    """Where and how to run: the master URL (None: Spark's own choice, spark-submit's --master or
    spark-defaults.conf's, else `DEFAULT_MASTER`), MLlib's partitions (each trains apart, then
    they are averaged: 1 gives the best vectors), and more Spark settings."""

    master: str | None = None
    partitions: int = 1
    conf: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SparkResult:
    model: Model
    raw_words: int
    corpus_words: int  # words of the vocabulary, per epoch
    seconds: float  # reading, counting and training on Spark
    fit_seconds: float  # MLlib's training alone
    not_used: list  # our defaults MLlib does not follow ("--negative 5" ...)


def check_available() -> None:
    """Refuse, in one line, to train without pyspark or without Java."""
    if importlib.util.find_spec("pyspark") is None:
        raise W2VError('training with Spark needs pyspark: pip install "w2vstudio[spark]" (pyspark and pyarrow)')
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        where = f"JAVA_HOME={home} has no bin/java" if home else "no java on the PATH"
        raise W2VError(f"training with Spark needs Java 17 or later ({where}): install it (Debian/Ubuntu: "
                       "apt-get install openjdk-17-jre-headless) or set JAVA_HOME")


def parse_conf(items: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """KEY=VALUE settings (W2VError naming the first malformed one)."""
    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise W2VError(f"--spark-conf {item!r}: expected KEY=VALUE, e.g. spark.executor.memory=4g")
        pairs.append((key.strip(), value))
    return tuple(pairs)


def check_local_corpus(paths: Sequence[str]) -> list[str]:
    """The corpus as Spark should read it: URIs as given, local paths absolute. Local files are
    checked (CorpusError): they exist, and compressed ones are named as Hadoop recognises them."""
    local = [p for p in paths if not is_uri(p)]
    for stat in find_files(local) if local else ():
        with open_regular(stat.path, CorpusError) as fh:  # never blocks on a FIFO swapped in
            compression = sniff_compression(fh.read(8))
        if compression == "xz":
            raise CorpusError(f"{stat.path}: xz-compressed, which Spark cannot read: decompress it or use gzip")
        if compression and not stat.path.name.endswith(_SUFFIXES[compression]):
            raise CorpusError(f"{stat.path}: {compression}-compressed, but Spark recognises compression by the "
                              f"name: rename it to end in {_SUFFIXES[compression][0]}")
    return [str(p) if is_uri(p) else str(Path(p).absolute()) for p in paths]


class SparkTraining:
    """One run on Spark: `train()` blocks; `cancel()` from any thread. `task` hears the share of
    Spark's tasks done ("Spark: 3/4 tasks, 1/2 stages of 1 jobs"). `session`: a SparkSession
    to use (left running; without one, the process's active session, if any); else a session is
    started (on `options.master`) and stopped at the end."""

    def __init__(self, corpus: Sequence[str | Path], params: TrainParams, options: SparkOptions = SparkOptions(),
                 task: Task | None = None, session=None):
        mllib.check(params)
        if options.partitions < 1:
            raise W2VError(f"--partitions {options.partitions}: must be at least 1")
        self.params, self.options, self.task = params, options, task or Task.none()
        self._paths = [str(p) for p in corpus]
        self._session = session
        self._group = f"w2vstudio-{uuid.uuid4().hex}"
        self._sc = None

    def cancel(self) -> None:
        self.task.cancel()
        self._cancel_jobs()

    def _cancel_jobs(self) -> None:
        sc = self._sc
        if sc is not None:
            try:
                sc.cancelJobGroup(self._group)
            except Exception:  # a context already stopped runs no job of ours
                pass

    def train(self) -> SparkResult:
        check_available()
        from pyspark.sql import SparkSession

        paths = check_local_corpus(self._paths)
        spark = self._session or SparkSession.getActiveSession()
        own = spark is None
        if own:
            spark = self._start()
        self._sc = spark.sparkContext
        done, outcome = threading.Event(), {}
        watcher = threading.Thread(target=self._watch, args=(spark.sparkContext, done), daemon=True)
        worker = threading.Thread(target=self._work, args=(spark, paths, outcome), daemon=True)
        try:
            self.task.check(_CANCELLED)
            watcher.start()
            worker.start()
            while worker.is_alive():  # Ctrl-C and SIGTERM arrive here, never inside a call to the JVM
                worker.join(_POLL)
        except BaseException:
            self._cancel_jobs()  # no job goes on without us
            if worker.is_alive():
                worker.join()
            raise
        finally:
            done.set()
            if watcher.is_alive():
                watcher.join()
            self._sc = None
            if own:
                spark.stop()
        return self._result(outcome)

    def _work(self, spark, paths: list[str], outcome: dict) -> None:
        """The jobs, on a thread of their own (their job group is a property of the thread)."""
        try:
            spark.sparkContext.setJobGroup(self._group, "w2vstudio: word2vec", interruptOnCancel=True)
            t0 = time.perf_counter()
            outcome["done"] = self._run(spark, paths), time.perf_counter() - t0
        except BaseException as exc:  # handed to train() on its thread
            outcome["error"] = exc

    def _result(self, outcome: dict) -> SparkResult:
        self.task.check(_CANCELLED)  # a cancel asked for while the jobs ran, even one that came too late to stop them
        exc = outcome.get("error")
        if exc is not None:
            if isinstance(exc, W2VError):
                raise exc
            raise W2VError(f"Spark: {_first_line(exc)}")
        (model, raw_words, fit_seconds), seconds = outcome["done"]
        model.info["engine"]["seconds"] = round(seconds, 3)
        return SparkResult(model, raw_words, model.vocab.total, seconds, fit_seconds, mllib.not_used(self.params))

    # -- on Spark ---------------------------------------------------------------------------------
    def _start(self):
        from pyspark.sql import SparkSession

        builder = SparkSession.builder.appName("w2vstudio").config("spark.ui.showConsoleProgress", "false")
        if self.options.master:  # else Spark's own: spark-submit's --master, spark-defaults.conf, local[*]
            builder = builder.master(self.options.master)
        for key, value in self.options.conf:
            builder = builder.config(key, value)
        try:
            spark = builder.getOrCreate()
        except Exception as exc:  # the JVM did not start, a malformed master URL ...
            where = self.options.master or "its default master"
            raise W2VError(f"Spark did not start on {where}: {_first_line(exc)}") from None
        spark.sparkContext.setLogLevel("ERROR")
        return spark

    def _run(self, spark, paths: list[str]) -> tuple[Model, int, float]:
        """The model, the words Spark read and the seconds MLlib trained."""
        from pyspark import StorageLevel
        from pyspark.ml.feature import Word2Vec
        from pyspark.ml.functions import vector_to_array
        from pyspark.sql import functions as F

        p = self.params
        tokens = F.regexp_extract_all(F.col("value"), F.lit(TOKEN_REGEX), 0)
        if p.lowercase:
            tokens = F.transform(tokens, F.lower)
        lines = spark.read.option("recursiveFileLookup", "true").text(paths)
        sentences = lines.select(tokens.alias("words")).where(F.size("words") > 0)
        sentences = sentences.persist(StorageLevel.MEMORY_AND_DISK)
        try:
            counted = sentences.select(F.explode("words").alias("word")).groupBy("word").count()
            raw_words = sentences.select(F.sum(F.size("words"))).first()[0] or 0
            kept = counted.where(F.col("count") >= p.min_count).toArrow()
            if not kept.num_rows:
                raise CorpusError(f"no word occurs at least --min-count {p.min_count} times in the "
                                  f"{raw_words:,} words Spark read")
            t0 = time.perf_counter()
            fitted = Word2Vec(inputCol="words", **mllib.word2vec_params(p, self.options.partitions)).fit(sentences)
            fit_seconds = time.perf_counter() - t0
            vectors = fitted.getVectors().select("word", vector_to_array("vector", "float32").alias("v")).toArrow()
        finally:
            sentences.unpersist()
        vocab, matrix = _vocabulary(kept, vectors, p.dim)
        empty = np.zeros((0, p.dim), np.float32)  # Spark keeps its output weights: syn1 stays zero
        model = Model(vocab, mllib.trained(p), matrix, empty, np.zeros((max(len(vocab) - 1, 0), p.dim), np.float32),
                      epochs_trained=p.epochs, raw_words=raw_words, syn1soft=empty)
        model.check()
        model.info["corpus"] = paths
        model.info["epoch_words"] = vocab.total
        model.info["engine"] = {"name": "spark", "master": spark.sparkContext.master,
                                "partitions": self.options.partitions, "spark_version": spark.version}
        return model, raw_words, fit_seconds

    def _watch(self, sc, done: threading.Event) -> None:
        """Until `done`: report the job group's stages and tasks; once cancelled, cancel the jobs
        submitted since (a job started just after a cancel would run on)."""
        tracker, last = sc.statusTracker(), None
        while not done.wait(_POLL):
            if self.task.cancelled:
                self._cancel_jobs()
            try:
                jobs = tracker.getJobIdsForGroup(self._group)
                stages = [tracker.getStageInfo(s) for j in jobs
                          if (job := tracker.getJobInfo(j)) is not None for s in job.stageIds]
            except Exception:  # the context stopped under us
                return
            stages = [s for s in stages if s is not None]  # None: not submitted yet, or skipped
            tasks_done = sum(min(s.numCompletedTasks, s.numTasks) for s in stages)
            tasks = sum(s.numTasks for s in stages)
            stages_done = sum(s.numCompletedTasks >= s.numTasks for s in stages)
            now = f"Spark: {tasks_done}/{tasks} tasks, {stages_done}/{len(stages)} stages of {len(jobs)} jobs"
            if now != last:
                self.task.progress(tasks_done / max(tasks, 1), now)
                last = now


def trained_on_spark(model: Model | None) -> bool:
    """Whether MLlib trained `model` (it reports no loss)."""
    engine = None if model is None else model.info.get("engine")
    return isinstance(engine, dict) and engine.get("name") == "spark"


def _vocabulary(counts, vectors, dim: int) -> tuple[Vocabulary, np.ndarray]:
    """Our vocabulary (most frequent first, ties by word) from the word count, with MLlib's
    vectors in its order; both must hold the same words."""
    words = counts.column("word").to_pylist()
    n = np.asarray(counts.column("count").to_numpy(zero_copy_only=False), np.int64)
    order = sorted(range(len(words)), key=lambda i: (-n[i], words[i]))
    vocab = Vocabulary([words[i] for i in order], n[order])
    spark_words = vectors.column("word").to_pylist()
    flat = vectors.column("v").combine_chunks().flatten().to_numpy(zero_copy_only=False)
    if len(spark_words) != len(vocab) or any(w not in vocab.index for w in spark_words):
        raise W2VError(f"Spark's vocabulary ({len(spark_words):,} words) differs from its word count "
                       f"({len(vocab):,} words)")
    matrix = np.empty((len(vocab), dim), np.float32)
    matrix[[vocab.index[w] for w in spark_words]] = np.asarray(flat, np.float32).reshape(-1, dim)
    return vocab, matrix


def _first_line(exc: BaseException) -> str:
    """The message of a Spark or Py4J error, without its Java stack trace."""
    text = getattr(exc, "java_exception", None)
    text = str(exc) if text is None else str(text)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else type(exc).__name__

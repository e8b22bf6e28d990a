"""Real Spark in local mode (`python3 -m pytest -m spark`; needs the spark extra and Java 17+): models
Spark saves open with its own vectors, `train --engine spark` gives what a direct MLlib run gives,
progress, cancel and a failed job. One SparkSession for the module, small corpora: 2 cores."""

import json
import os
import signal
import threading
from collections import Counter

import numpy as np
import pytest

from tests.conftest import topic_text
from tests.core.spark.standalone import skip_unless_spark_runs
from w2vstudio.cli import main
from w2vstudio.core.corpus.files import words as tokenize
from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.train.model import Model
from w2vstudio.core.params import TrainParams
from w2vstudio.core.spark.engine import SparkOptions, SparkTraining
from w2vstudio.core.support.task import Task

pytestmark = pytest.mark.spark

ODD_LINES = ("Don't stop: state-of-the-art CAFÉ au lait, x_y 42 rock’n’roll\n\n   \n"
             "ΣΟΦΊΑ naïve Zürich 3.14\n")


@pytest.fixture(scope="module")
def spark():
    skip_unless_spark_runs()
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[1]").appName("w2vstudio-tests")
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text(ODD_LINES + topic_text(400, seed=2), encoding="utf-8")
    return path


def sentences(path) -> list[list[str]]:
    return [w for line in path.read_text(encoding="utf-8").splitlines() if (w := tokenize(line))]


def test_models_spark_saves_open_with_its_vectors(spark, tmp_path, corpus):
    from pyspark.ml.feature import Word2Vec
    from pyspark.mllib.feature import Word2Vec as RddWord2Vec

    lines = sentences(corpus)
    frame = spark.createDataFrame([(s,) for s in lines], ["w"])
    fitted = Word2Vec(vectorSize=6, minCount=2, inputCol="w", seed=4).fit(frame)
    fitted.save(str(tmp_path / "ml"))
    expected = {r["word"]: np.array(r["vector"].toArray(), np.float32) for r in fitted.getVectors().collect()}
    rdd_model = RddWord2Vec().setVectorSize(6).setMinCount(2).setSeed(4).fit(spark.sparkContext.parallelize(lines))
    rdd_model.save(spark.sparkContext, str(tmp_path / "mllib"))
    rdd_expected = {w: np.array(list(v), np.float32) for w, v in rdd_model.getVectors().items()}
    for folder, vectors in ((tmp_path / "ml", expected), (tmp_path / "mllib", rdd_expected)):
        kv = load_vectors(folder)
        assert sorted(kv.words) == sorted(vectors) and kv.counts is None and not kv.ranked
        for word in kv.words:
            assert np.array_equal(kv[word], vectors[word]), word


def test_train_gives_what_a_direct_mllib_run_gives(spark, corpus):
    from pyspark.ml.feature import Word2Vec

    params = TrainParams(dim=8, window=3, min_count=2, epochs=2, alpha=0.03, seed=7, hs=True, negative=0, sample=0)
    reports = []
    result = SparkTraining([corpus], params, SparkOptions("local[1]", partitions=2),
                           Task(lambda fraction, text: reports.append((fraction, text))), session=spark).train()
    model = result.model
    direct = Word2Vec(vectorSize=8, windowSize=3, minCount=2, maxIter=2, stepSize=0.03, seed=7, numPartitions=2,
                      maxSentenceLength=10_000, inputCol="w").fit(
        spark.createDataFrame([(s,) for s in sentences(corpus)], ["w"]))
    direct_vectors = {r["word"]: np.array(r["vector"].toArray(), np.float32) for r in direct.getVectors().collect()}
    assert sorted(model.vocab.words) == sorted(direct_vectors)
    for word in model.vocab.words:
        assert np.array_equal(model.vectors[model.vocab.index[word]], direct_vectors[word]), word
    counts = Counter(w for s in sentences(corpus) for w in s)  # our tokenizer's words, Spark SQL's counts
    assert {w: int(c) for w, c in zip(model.vocab.words, model.vocab.counts)} == {
        w: c for w, c in counts.items() if c >= 2}
    assert {"don't", "state-of-the-art", "café", "rock’n’roll"} <= set(counts) and "x_y" not in counts
    assert list(model.vocab.counts) == sorted(model.vocab.counts, reverse=True)
    assert result.raw_words == sum(counts.values()) and result.corpus_words == model.vocab.total
    assert model.params.hs and model.params.negative == 0 and model.epochs_trained == 2
    assert model.info["engine"]["partitions"] == 2 and model.info["engine"]["spark_version"] == spark.version
    assert reports and all(0 <= f <= 1 for f, _ in reports) and "tasks" in (reports[-1][1] or "")


def test_train_command_writes_a_model_with_its_engine(spark, tmp_path, corpus, capsys):
    out = tmp_path / "m.npz"
    code = main(["train", str(corpus), "-o", str(out), "--engine", "spark", "--master", "local[1]", "--dim", "6",
                 "--epochs", "1", "--min-count", "2", "--quiet"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out.strip().splitlines()[-1])
    assert summary["engine"]["name"] == "spark" and summary["epoch_losses"] == []
    assert summary["not_used"] == ["--negative 5", "--sample 0.001", "--min-alpha 0.0001"]
    assert "were not used" in captured.err
    assert main(["info", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert set(info["engine"]) == {"name", "master", "partitions", "spark_version", "seconds"}
    assert Model.load(out).vocab.counts.min() >= 2
    assert main(["neighbours", str(out), "sea1", "--topn", "3"]) == 0


def test_cancel_stops_the_jobs_and_keeps_nothing(spark, corpus):
    training = SparkTraining([corpus], TrainParams(dim=6, epochs=3, min_count=2), SparkOptions("local[1]"),
                             Task(lambda fraction, text: training.cancel()), session=spark)
    with pytest.raises(Cancelled):
        training.train()
    assert spark.range(3).count() == 3  # the session goes on


class Stop(BaseException):
    """As the command line's SIGTERM."""


def test_a_signal_during_a_job_is_not_masked_by_pyspark_cleaning_up(spark, corpus):
    def on_term(signum, frame):
        raise Stop

    def stop_soon(fraction, text):  # "Spark: 3/4 tasks, 1/2 stages of 2 jobs"
        if int(text.split(" of ")[1].split()[0]) >= 2 and not fired:
            fired.append(threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM)))
            fired[0].start()

    fired = []
    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        with pytest.raises(Stop):  # epochs enough that the training outlasts the half second
            SparkTraining([corpus], TrainParams(dim=6, epochs=40, min_count=2), task=Task(stop_soon),
                          session=spark).train()
    finally:
        fired[0].cancel()  # never a signal after the handler is gone: it would end pytest itself
        fired[0].join()
        signal.signal(signal.SIGTERM, previous)
    assert spark.range(3).count() == 3


def test_a_failed_job_is_one_line(spark, tmp_path, capsys):
    code = main(["train", "file:///nonexistent/corpus", "-o", str(tmp_path / "m.npz"), "--engine", "spark",
                 "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and err[0].startswith("w2vstudio: error: Spark: "), err
    with pytest.raises(W2VError, match="no word occurs at least --min-count 50 times"):
        (tmp_path / "few.txt").write_text("a b c\n")
        SparkTraining([tmp_path / "few.txt"], TrainParams(min_count=50), session=spark).train()

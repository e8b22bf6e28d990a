"""`train --engine spark` without a JVM: the parameters MLlib takes, the flags it refuses (one line
each, naming what MLlib trains instead), the corpus checks, and a missing pyspark or Java."""

import gzip
import importlib.util
import lzma

import pytest

from tests.cli.cli_checks import one_error_line
from w2vstudio.core.errors import CorpusError, W2VError
from w2vstudio.core.params import PARAMS, ParamError, TrainParams
from w2vstudio.core.spark import engine, mllib


def test_every_parameter_is_either_followed_or_checked():
    assert {p.name for p in PARAMS} == set(mllib.MAPPED) | set(mllib._FIXED)


def test_our_flags_map_to_mllib_params():
    p = TrainParams(dim=30, window=7, min_count=2, epochs=3, alpha=0.05, seed=9)
    assert mllib.word2vec_params(p, 4) == {"vectorSize": 30, "windowSize": 7, "minCount": 2, "maxIter": 3,
                                           "stepSize": 0.05, "seed": 9, "numPartitions": 4,
                                           "maxSentenceLength": 10_000}
    trained = mllib.trained(p)
    assert trained.sg and trained.hs and trained.negative == 0 and trained.sample == 0
    assert trained.min_alpha == pytest.approx(0.05 * 1e-4)
    assert mllib.not_used(p) == ["--negative 5", "--sample 0.001", "--min-alpha 0.0001"]
    assert mllib.not_used(TrainParams(hs=True, negative=0, sample=0)) == ["--min-alpha 0.0001"]


@pytest.mark.parametrize("flags, named", [
    (["--cbow"], "--cbow"), (["--negative", "10"], "--negative 10"), (["--sample", "1e-4"], "--sample 0.0001"),
    (["--softmax"], "--softmax"), (["--threads", "2"], "--threads 2"), (["--max-vocab", "100"], "--max-vocab 100"),
    (["--fixed-window"], "--fixed-window"), (["--min-alpha", "0.001"], "--min-alpha 0.001"),
    (["--ns-exponent", "0.5"], "--ns-exponent 0.5"), (["--batch-words", "100"], "--batch-words 100"),
])
def test_flags_mllib_cannot_honour_are_one_line_each(tmp_path, capsys, flags, named):
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    line = one_error_line(capsys, "train", corpus, "-o", tmp_path / "m.npz", "--engine", "spark", *flags)
    assert line.startswith(f"w2vstudio: error: {named}: not with --engine spark: MLlib trains skip-gram with "
                           "hierarchical softmax, without subsampling"), line
    assert not (tmp_path / "m.npz").exists()


@pytest.mark.parametrize("flags, named", [
    (["--continue-from", "x.npz"], "--continue-from"), (["--snapshots", "2"], "--snapshots"),
    (["--eval-each-epoch"], "--eval-each-epoch"),
])
def test_what_our_recorders_need_is_refused(tmp_path, capsys, flags, named):
    line = one_error_line(capsys, "train", tmp_path, "-o", tmp_path / "m.npz", "--engine", "spark", *flags)
    assert line.startswith(f"w2vstudio: error: {named}: not with --engine spark"), line


def test_mllib_own_choices_are_accepted():
    mllib.check(TrainParams(hs=True, negative=0, sample=0.0, dim=8))


@pytest.mark.parametrize("flags, message", [
    (["--master", "local[1]"], "--master needs --engine spark"),
    (["--partitions", "2"], "--partitions needs --engine spark"),
    (["--engine", "spark", "--partitions", "0"], "--partitions 0: must be at least 1"),
    (["--engine", "spark", "--spark-conf", "novalue"], "--spark-conf 'novalue': expected KEY=VALUE"),
])
def test_spark_options_are_checked(tmp_path, capsys, flags, message):
    assert message in one_error_line(capsys, "train", tmp_path, "-o", tmp_path / "m.npz", *flags)


def test_spark_settings_are_parsed():
    assert engine.parse_conf(["spark.executor.memory=4g", "a=b=c"]) == (("spark.executor.memory", "4g"),
                                                                         ("a", "b=c"))


def test_missing_pyspark_is_one_line(tmp_path, capsys, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    line = one_error_line(capsys, "train", corpus, "-o", tmp_path / "m.npz", "--engine", "spark")
    assert 'needs pyspark: pip install "w2vstudio[spark]"' in line


@pytest.mark.parametrize("java_home", [None, "empty"])
def test_missing_java_is_one_line(tmp_path, capsys, monkeypatch, java_home):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())  # as if pyspark were there
    if java_home is None:
        monkeypatch.delenv("JAVA_HOME", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
    else:
        (tmp_path / "jdk").mkdir()
        monkeypatch.setenv("JAVA_HOME", str(tmp_path / "jdk"))
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\n")
    line = one_error_line(capsys, "train", corpus, "-o", tmp_path / "m.npz", "--engine", "spark")
    assert "needs Java 17 or later" in line and "openjdk-17-jre-headless" in line
    assert ("no java on the PATH" if java_home is None else "has no bin/java") in line


def test_local_corpus_files_are_checked_as_spark_reads_them(tmp_path):
    (tmp_path / "ok.txt.gz").write_bytes(gzip.compress(b"a b\n"))
    (tmp_path / "ok.txt").write_text("a b\n")
    uris = ["hdfs://nn/corpus", "s3a://bucket/corpus/", "file:///data/corpus.txt"]  # passed to Spark as given
    assert engine.check_local_corpus([str(tmp_path / "ok.txt.gz"), *uris]) == [str(tmp_path / "ok.txt.gz"), *uris]
    (tmp_path / "hidden.txt").write_bytes(gzip.compress(b"a b\n"))
    with pytest.raises(CorpusError, match="gzip-compressed, but Spark recognises compression by the name"):
        engine.check_local_corpus([tmp_path])
    (tmp_path / "hidden.txt").unlink()
    (tmp_path / "x.xz").write_bytes(lzma.compress(b"a b\n"))
    with pytest.raises(CorpusError, match="xz-compressed, which Spark cannot read"):
        engine.check_local_corpus([tmp_path / "x.xz"])
    with pytest.raises(CorpusError, match="does not exist"):
        engine.check_local_corpus([tmp_path / "missing"])


def test_a_refused_value_names_its_field_for_the_form():
    with pytest.raises(ParamError) as caught:
        mllib.check(TrainParams(sg=False))
    assert caught.value.param.name == "sg" and "skip-gram only" in caught.value.reason
    with pytest.raises(W2VError, match="MLlib returns the vectors at the end only"):
        mllib.check_run(None, 0, True)

"""`train --engine spark` on a real standalone cluster (`python3 -m pytest -m spark`; needs the
spark extra and Java 17+): a master and two workers, each a JVM of its own with one core, the
corpus given as a file:// URI as a cluster's user gives hdfs:// or s3a:// ones. Python is withheld
from the executors (PYSPARK_PYTHON names no program): our jobs must run on the JVM alone."""

import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import topic_text
from tests.core.spark.standalone import StandaloneCluster, skip_unless_spark_runs
from w2vstudio.core.corpus.files import words as tokenize
from w2vstudio.core.train.model import Model

pytestmark = pytest.mark.spark

REPO = Path(__file__).resolve().parents[3]
TOPICS = {"sea": [f"sea{i}" for i in range(8)], "sky": [f"sky{i}" for i in range(8)]}
DRIVER_TIMEOUT_S = 480


@pytest.fixture
def cluster(tmp_path):
    skip_unless_spark_runs()
    cluster = StandaloneCluster(tmp_path / "cluster", workers=2)
    try:
        yield cluster.start()
    finally:
        left = cluster.stop()
        print(cluster.logs())  # shown by pytest only when the test failed
        assert not left, "processes of the cluster still running:\n" + "\n".join(left)


def test_train_on_a_standalone_cluster_of_two_workers(cluster, tmp_path):
    corpus = tmp_path / "corpus" / "topics.txt"
    corpus.parent.mkdir()
    corpus.write_text(topic_text(3000, seed=5), encoding="utf-8")
    out = tmp_path / "model.npz"
    env = dict(os.environ, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON="/nonexistent/python",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = cluster.run([sys.executable, "-m", "w2vstudio", "train", corpus.as_uri(), "-o", str(out),
                        "--engine", "spark", "--master", cluster.url, "--partitions", "2", "--dim", "16",
                        "--min-count", "2", "--seed", "3", "--quiet", "--spark-conf", "spark.executor.memory=512m"],
                       env, DRIVER_TIMEOUT_S)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stderr[-6000:]}"
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["engine"]["master"] == cluster.url and summary["engine"]["partitions"] == 2

    model = Model.load(out)
    counts = Counter(w for line in corpus.read_text(encoding="utf-8").splitlines() for w in tokenize(line))
    assert dict(zip(model.vocab.words, model.vocab.counts.tolist())) == {w: c for w, c in counts.items() if c >= 2}
    assert model.vectors.shape == (len(counts), 16) and model.vectors.dtype == np.float32
    assert model.info["corpus"] == [corpus.as_uri()]  # handed to Spark as given
    assert np.isfinite(model.vectors).all() and (np.linalg.norm(model.vectors, axis=1) > 0).all()
    unit = model.vectors / np.linalg.norm(model.vectors, axis=1, keepdims=True)
    rows = {name: [model.vocab.index[w] for w in words] for name, words in TOPICS.items()}
    cos = unit @ unit.T
    for own in rows.values():  # each topic word's nearest word is of its topic
        for i in own:
            nearest = max((j for j in range(len(cos)) if j != i), key=lambda j: cos[i, j])
            assert nearest in own, (model.vocab.words[i], model.vocab.words[nearest])
    within = np.mean([cos[i, j] for own in rows.values() for i in own for j in own if i != j])
    across = cos[np.ix_(rows["sea"], rows["sky"])].mean()
    assert within > across + 0.5, (within, across)

    apps = cluster.state()["completedapps"]
    assert [(a["name"], a["state"], a["cores"]) for a in apps] == [("w2vstudio", "FINISHED", 2)]
    for work in cluster.work_dirs:  # an executor of the application ran on each worker
        assert list(work.glob(f"{apps[0]['id']}/*/stderr")), f"no executor on {work.name}\n{cluster.logs()}"

"""`w2vstudio train --engine spark` run by spark-submit (`python3 -m pytest -m spark`): without
--master of ours, the run takes spark-submit's master, as every Spark application does."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import topic_text
from tests.core.spark.standalone import skip_unless_spark_runs, spark_class

pytestmark = pytest.mark.spark

REPO = Path(__file__).resolve().parents[3]


def test_spark_submit_sets_the_master(tmp_path):
    skip_unless_spark_runs()
    corpus = tmp_path / "topics.txt"
    corpus.write_text(topic_text(200, seed=1), encoding="utf-8")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable,
               SPARK_LOCAL_IP="127.0.0.1", SPARK_CONF_DIR=str(tmp_path),  # no spark-defaults.conf of the machine
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    argv = [str(spark_class().with_name("spark-submit")), "--master", "local[1]", "--conf", "spark.ui.enabled=false",
            str(REPO / "w2vstudio" / "__main__.py"), "train", str(corpus), "-o", str(tmp_path / "m.npz"),
            "--engine", "spark", "--dim", "4", "--epochs", "1", "--min-count", "2", "--quiet"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=400, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    assert json.loads(done.stdout.strip().splitlines()[-1])["engine"]["master"] == "local[1]"

"""Every script in benchmarks/ run at a tiny size, as a subprocess: it must exit 0 and print its
figures. The corpus is the first lines of the bundled sample, written to a temporary folder."""

import gzip
import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from w2vstudio.resources import SAMPLE_CORPUS, path

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = REPO / "benchmarks"
CORPUS = "{corpus}"  # stands for the tiny corpus in the arguments
CORPUS_LINES = 300  # about 14,000 words

# script: (arguments, a pattern its stdout must match, modules it needs, modules it uses when present)
SMOKE = {
    "bench_big_corpus": (["--corpus", CORPUS, "--reference", CORPUS, "--gensim", "--epoch-words", "5000"],
                         r"\| second run \(entry dropped from the page cache\), start to first training progress \| [\d.]+ \| .* \| cache used \|",
                         ("gensim",), ()),
    "bench_contention": (["--corpus", CORPUS, "--max-words", "5000", "--threads", "1", "2"],
                         r"2 threads +shared .* private ", (), ()),
    "bench_distinct_tokens": (["--distinct", "20000", "--scan-memory", "1M"],
                              r"exit 0  peak RSS [\d,]+ MiB  counting \{'method': 'pruned'", (), ()),
    "bench_ensemble": (["--corpus", CORPUS, "--runs", "2", "--rounds", "1", "--threads", "1", "--dim", "10",
                        "--min-count", "2"], r"ensemble / separate time: [\d.]+", (), ()),
    "bench_gil_convoy": (["--calls", "5", "--rounds", "2", "--intervals", "5", "0.5"],
                         r"switch interval 0\.5 ms, a busy Python thread beside: .* \(median [\d.]+ ms\)", (), ()),
    "bench_gui_stall": ([CORPUS, "--epochs", "1", "--runs", "1"], r"best of 1: [\d.]+ ms", (), ()),
    "bench_heldout": (["--corpus", CORPUS, "--dim", "10", "--fraction", "0.05"], r"negative +[\d,]+ +[\d.]+ +[\d.]+ +[\d.]+%", (), ()),
    "bench_kernel": (["--corpus", CORPUS, "--repeat", "1"], r"CBOW +\d+ k raw words/s", (), ()),
    "bench_load_large": (["--words", "2000", "--dim", "10"], r"w2vstudio .* s +peak RSS .* 2,000 words", (),
                         ("gensim",)),
    "bench_map": (["--words", "300", "--dim", "10"], r"its neighbours \(k=10\) +[\d.]+ ms", (), ()),
    "bench_objectives": (["--corpus", CORPUS, "--words", "5000", "--heldout", "1000", "--vocab", "200",
                          "--dim", "10", "--threads", "1"], r"\n +\d+ +softmax +[\d,]+ +[\d.]+ +[\d.]+\n", (), ()),
    "bench_phrases": (["--corpus", CORPUS, "--rounds", "1"],
                      r"median gensim / w2vstudio time over 1 round\(s\): [\d.]+x", ("gensim",), ()),
    "bench_probes": (["--corpus", CORPUS, "--repeat", "2"], r"one probe [\d.]+ CPU ms", (), ()),
    "bench_queries": (["--words", "2000", "--dim", "20", "--repeat", "5", "--queries", "10", "--eval-words", "1000",
                       "--suggest-words", "2000", "--load-text-words", "500"], r"load txt +500 x 20", (),
                      ("gensim",)),
    "bench_scaling": (["--corpus", CORPUS, "--max-words", "5000", "--threads", "1", "--mode", "sg"],
                      r"\n +1 +[\d.]+( [kM])? \(1\.00x\)", (), ("gensim",)),
    "bench_studio_scale": ([CORPUS, "--train-seconds", "0.5", "--where"], r"longest stall over all phases: \d+ ms", (),
                           ()),
    "bench_snapshots": (["--corpus", CORPUS, "--epochs", "1", "--repeats", "1", "--threads", "1"],
                        r"cpu seconds: with/without median [\d.]+", (), ()),
    "bench_spark": (["--corpus", CORPUS, "--max-words", "5000", "--partitions", "1", "--master", "local[1]",
                     "--threads", "1", "--dim", "10"], r"MLlib, 1 partition .*words_per_sec", ("pyspark",), ()),
    "make_big_corpus": (["--source", CORPUS, "--words", "30000", "--frequent", "500", "-o", "big.txt.gz"],
                        r"wrote 30,000 words to big\.txt\.gz: 3 copies", (), ()),
    "bench_vs_gensim": (["--corpus", CORPUS, "--max-words", "5000", "--mode", "sg", "--dim", "10",
                         "--threads", "1", "--min-count", "2"], r"speed w2vstudio / gensim's faster run", ("gensim",),
                        ()),
}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    with gzip.open(path(SAMPLE_CORPUS), "rt", encoding="utf-8") as f:
        out.write_text("".join(itertools.islice(f, CORPUS_LINES)), encoding="utf-8")
    return out


def available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


@pytest.mark.parametrize("script", [
    pytest.param(name, id=name, marks=[pytest.mark.spark] if "pyspark" in SMOKE[name][2] else [])
    for name in SMOKE])
def test_smoke(script, corpus, tmp_path):
    args, expected, needs, optional = SMOKE[script]
    for module in needs:
        pytest.importorskip(module)
    if "pyspark" in needs and shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    args = [str(corpus) if a == CORPUS else a for a in args]
    if "--skip-gensim" not in args and "gensim" in optional and not available("gensim"):
        args.append("--skip-gensim")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, str(BENCHMARKS / f"{script}.py"), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert re.search(expected, done.stdout), f"no match for {expected!r} in:\n{done.stdout[-3000:]}"


def test_every_script_has_a_smoke_case():
    assert sorted(p.stem for p in BENCHMARKS.glob("*.py")) == sorted(SMOKE)

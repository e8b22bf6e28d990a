"""Ctrl-C and SIGTERM during a run: one line, the conventional exit code, no file left behind."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from w2vstudio.cli import main


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory):
    """About 20 MB of text: the scan takes long enough to be interrupted."""
    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(5000)])
    lines = [" ".join(words[rng.integers(0, 5000, 20)]) for _ in range(20_000)]
    path = tmp_path_factory.mktemp("big") / "big.txt"
    path.write_text("\n".join(lines * 20) + "\n")
    return path


def _signal_during_scan(corpus, out, signum, delay=0.0) -> tuple[int, str]:
    """Start `train`, wait for its scan to show progress (and `delay` s more), send `signum`;
    exit code and stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "w2vstudio", "train", str(corpus), "-o", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = b""
    while b"scanning" not in seen:
        chunk = proc.stderr.read1(4096)
        assert chunk, seen.decode(errors="replace")
        seen += chunk
    time.sleep(delay)
    proc.send_signal(signum)
    rest = proc.communicate(timeout=120)[1]
    return proc.returncode, (seen + rest).decode(errors="replace")


@pytest.mark.parametrize("delay", [0.0, 0.1, 0.2, 0.3, 0.4])  # it once surfaced as a SystemError, 2 times in 5
def test_ctrl_c_during_the_scan_is_one_line(big_corpus, tmp_path, delay):
    code, err = _signal_during_scan(big_corpus, tmp_path / "m.npz", signal.SIGINT, delay)
    assert code == 130, err
    assert err.rstrip().endswith("w2vstudio: interrupted") and "Traceback" not in err and "Error" not in err
    assert list(tmp_path.iterdir()) == []


def test_sigterm_says_terminated_and_leaves_no_file(big_corpus, tmp_path):
    code, err = _signal_during_scan(big_corpus, tmp_path / "m.npz", signal.SIGTERM)
    assert code == 143, err
    assert err.rstrip().endswith("w2vstudio: terminated") and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_sigterm_while_the_model_is_written_removes_the_temporary_file(topic_file, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    savez = np.savez

    def savez_interrupted(f, **arrays):
        f.write(b"half a model")
        os.kill(os.getpid(), signal.SIGTERM)  # the handler raises in this (the main) thread
        savez(f, **arrays)

    monkeypatch.setattr(np, "savez", savez_interrupted)
    before = signal.getsignal(signal.SIGTERM)
    code = main(["train", str(topic_file), "-o", str(out / "m.npz"), "--dim", "8", "--epochs", "1",
                 "--min-count", "1", "--threads", "1", "--quiet"])
    _, err = capsys.readouterr()
    assert code == 143 and err == "w2vstudio: terminated\n"
    assert list(out.iterdir()) == []
    assert signal.getsignal(signal.SIGTERM) == before

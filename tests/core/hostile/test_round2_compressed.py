"""Every compressed input is capped: a small gzip that inflates to one huge line is refused in one
line naming the file, at the cost of the opener's line cap, whichever reader opens it."""

import gzip
import os
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
LINE = 300 << 20  # bytes of the one line the file inflates to
EXTRA = 100 << 20  # peak RSS allowed beyond the same command on a small file (the line read whole: over LINE)

RUN = """
import resource, sys
from w2vstudio.cli import main
code = main(sys.argv[1:])
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def bomb(path: Path) -> Path:
    """A gzip file (some 300 KB) of one line of LINE bytes."""
    chunk = b"a" * (16 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        for _ in range(LINE // len(chunk)):
            f.write(packer.compress(chunk))
        f.write(packer.compress(b"\t1\n") + packer.flush())
    return path


def run(*argv) -> tuple[int, int, str]:
    done = subprocess.run([sys.executable, "-c", RUN, *map(str, argv)], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    code, peak = done.stdout.strip().splitlines()[-1].split()
    return int(code), int(peak), done.stderr


@pytest.fixture
def vectors(tmp_path) -> Path:
    path = tmp_path / "vectors.tsv"
    path.write_text("0.1\t0.2\n0.3\t0.4\n")
    return path


def refused(code, peak, err, path, control: int):
    assert code == 1 and len(err.strip().splitlines()) == 1 and str(path) in err, err
    assert "Traceback" not in err and "line longer than" in err, err
    assert peak < control + EXTRA, (peak, control)


def control(tmp_path) -> int:
    """The peak RSS of `eval` on small, valid files."""
    folder = tmp_path / "control"
    folder.mkdir()
    (folder / "vectors.tsv").write_text("0.1\t0.2\n0.3\t0.4\n")
    (folder / "metadata.tsv").write_text("cat\ndog\n")
    (folder / "pairs.txt").write_text("cat\tdog\t1\n")
    code, peak, err = run("eval", folder / "vectors.tsv", "--pairs", folder / "pairs.txt")
    assert code in (0, 1), err
    return peak


def test_a_projector_metadata_file_of_one_huge_line(tmp_path, vectors):
    metadata = bomb(tmp_path / "metadata.tsv")
    (tmp_path / "pairs.txt").write_text("cat\tdog\t1\n")
    refused(*run("eval", vectors, "--pairs", tmp_path / "pairs.txt"), metadata, control(tmp_path))


def test_a_word_pairs_file_of_one_huge_line(tmp_path, vectors):
    (tmp_path / "metadata.tsv").write_text("cat\ndog\n")
    pairs = bomb(tmp_path / "pairs.txt.gz")
    refused(*run("eval", vectors, "--pairs", pairs), pairs, control(tmp_path))


def test_a_lines_reader_takes_a_long_line_in_pieces(tmp_path):
    from w2vstudio.core.corpus.lines import random_line

    path = tmp_path / "corpus.txt.gz"
    path.write_bytes(gzip.compress(b"x " * (4 << 20) + b"\none two three four five six\n"))
    assert random_line([path]) == "one two three four five six"

"""A model file rewritten or truncated while the studio has it open: the next read is one clean
error naming the file, never a process killed by SIGBUS (no user file is memory-mapped)."""

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.core.files.test_fasttext import fasttext_file

ROOT = Path(__file__).resolve().parents[3]

LOOKUP = textwrap.dedent("""
    import os, sys
    from w2vstudio.core.errors import FormatError
    from w2vstudio.core.files.vectorfiles import load_vectors
    path, change = sys.argv[1], sys.argv[2]
    kv = load_vectors(path)
    kv["elsewhere"]  # an unknown word: its n-gram rows are read from the file
    if change == "truncate":
        os.truncate(path, 200)
    else:  # rewritten in place with other content of the same size, as `cp new.bin model.bin`
        data = open(path, "rb").read()
        with open(path, "r+b") as f:
            f.write(data[::-1])
        os.utime(path, ns=(1, 1))
    try:
        kv["somewhere"]
    except FormatError as exc:
        print(exc)
""")


def lookup_after(tmp_path, change: str) -> str:
    path = tmp_path / "model.bin"
    path.write_bytes(fasttext_file(["ab", "cd"], dim=64, bucket=4096))
    done = subprocess.run([sys.executable, "-c", LOOKUP, str(path), change], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])  # -7: killed by SIGBUS
    line = done.stdout.strip()
    assert str(path) in line and "\n" not in line and "changed" in line, line
    return line


def test_a_truncated_model_is_an_error_not_a_crash(tmp_path):
    lookup_after(tmp_path, "truncate")


def test_a_model_rewritten_in_place_is_an_error(tmp_path):
    lookup_after(tmp_path, "rewrite")


def test_no_user_file_is_memory_mapped():
    """Only anonymous memory and the studio's own temporary files may be mapped."""
    found = []
    for source in (ROOT / "w2vstudio").rglob("*.py"):
        for no, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            if "mmap.mmap(" in line and "mmap.mmap(-1" not in line:
                found.append(f"{source.relative_to(ROOT)}:{no}")
    assert not found, found

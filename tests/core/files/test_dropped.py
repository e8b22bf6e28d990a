"""What dropped or chosen paths are: sessions, vectors, corpus; nothing that could block is opened."""

import os

import numpy as np

from w2vstudio.core.files.dropped import sort_paths
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.files.sessionfile import SESSION_FILE, save_session
from w2vstudio.core.vectors import KeyedVectors


def test_sessions_vectors_corpus_and_what_cannot_be_opened(tmp_path):
    kv = KeyedVectors(["a", "b", "c"], np.eye(3, dtype=np.float32))
    save_vectors(kv, tmp_path / "small.vec", "txt")
    save_session(tmp_path / "study", [("a", kv)])
    (tmp_path / "text.txt").write_text("one sentence here\n", encoding="utf-8")
    (tmp_path / "broken.bin").write_bytes(b"\x00\x01garbage" * 10)
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "pipe.vec")  # opened for reading, it would wait for a writer for ever
    found = sort_paths([tmp_path / name for name in ("small.vec", "study", "text.txt", "broken.bin", "folder",
                                                      "pipe.vec", "missing.txt")] + [tmp_path / "study" / SESSION_FILE])
    assert found.vectors == [tmp_path / "small.vec"]
    assert found.sessions == [tmp_path / "study", tmp_path / "study" / SESSION_FILE]
    assert found.corpus == [tmp_path / "text.txt", tmp_path / "folder"]
    assert len(found.errors) == 3
    assert "broken.bin" in found.errors[0] and "not a vectors file" in found.errors[0]
    assert found.errors[1] == "pipe.vec is not a regular file (a pipe, device or socket) and cannot be opened"
    assert found.errors[2].endswith("missing.txt does not exist")

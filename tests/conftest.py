"""Small corpora shared by the core tests."""

import numpy as np
import pytest

from w2vstudio.core.corpus.scan import scan_corpus


def topic_text(n_lines=600, seed=0) -> str:
    """Sentences drawn from two topics that share no words, plus common filler words."""
    rng = np.random.default_rng(seed)
    topics = [[f"sea{i}" for i in range(8)], [f"sky{i}" for i in range(8)]]
    filler = ["the", "a", "of", "and"]
    lines = []
    for _ in range(n_lines):
        words = topics[rng.integers(2)]
        lines.append(" ".join(rng.choice(words + filler, size=rng.integers(5, 15))))
    return "\n".join(lines) + "\n"


@pytest.fixture
def topic_corpus(tmp_path):
    path = tmp_path / "topics.txt"
    path.write_text(topic_text())
    return scan_corpus([path]).encode(min_count=2)


@pytest.fixture
def topic_file(tmp_path):
    path = tmp_path / "topics.txt"
    path.write_text(topic_text())
    return path

"""A random corpus line for the sentence box."""

import pytest

from w2vstudio.core.errors import CorpusError
from w2vstudio.core.corpus.lines import random_line


def test_a_line_of_reasonable_length_repeatable_by_seed(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("too short\n" + "".join(f"line {i} has six words here\n" for i in range(50)))
    line = random_line([path], seed=3)
    assert line.startswith("line ") and line == random_line([tmp_path], seed=3)
    assert len({random_line([path], seed=s) for s in range(10)}) > 1


def test_no_usable_line_is_one_clear_error(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text("short\n")
    with pytest.raises(CorpusError, match="no line of 5 to 60 words"):
        random_line([path])

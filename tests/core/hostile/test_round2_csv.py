"""Every CSV the project writes neutralises the cells a spreadsheet would run; numbers stay numbers."""

import csv
import io

import numpy as np
import pytest

from w2vstudio.core.inside.samples import make_samples
from w2vstudio.core.map.coordinates import write_coordinates
from w2vstudio.core.support.csvfile import safe_cell

HOSTILE = ["=cmd|' /C calc'!A0", "+SUM(1)", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("word", HOSTILE)
def test_safe_cell(word):
    assert safe_cell(word) == "'" + word
    assert safe_cell("king") == "king" and safe_cell(-0.5) == -0.5 and safe_cell(-3) == -3


def test_map_cells(tmp_path):
    path = tmp_path / "map.csv"
    write_coordinates(path, HOSTILE, np.full((len(HOSTILE), 2), -0.5), np.arange(len(HOSTILE)))
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(), newline="")))[1:]
    assert [r[0] for r in rows] == ["'" + w for w in HOSTILE]
    assert all(r[1] == "-0.5" and r[2] == "-0.5" for r in rows)


def test_samples_cells(tmp_path):
    path = tmp_path / "samples.csv"
    make_samples("=cmd @sum king -x", window=1).write_csv(path)
    cells = [c for row in csv.reader(io.StringIO(path.read_bytes().decode(), newline="")) for c in row]
    assert not any(c[:1] in "=+-@\t\r" and c for c in cells), cells

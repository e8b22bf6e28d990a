"""The one CSV writer: no cell a spreadsheet would run as a formula.

A string cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a single quote
in front (OWASP's rule against CSV injection); numbers are written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

_ACTIVE = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """`value`, quoted with a leading `'` if it is a string a spreadsheet would run."""
    return "'" + value if isinstance(value, str) and value.startswith(_ACTIVE) else value


class SafeWriter:
    """`csv.writer` whose string cells pass through `safe_cell`."""

    def __init__(self, f, **kwargs):
        self._writer = csv.writer(f, **kwargs)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)

"""What a vectors file is, from its first bytes alone: word2vec text or binary, GloVe, TSV."""

from __future__ import annotations

import codecs
import re

import numpy as np

HEADER = re.compile(rb" *(\d+) +(\d+)\s*")  # word2vec's "words dimensions" line


class NotVectors(ValueError):
    """The bytes are not a vectors file: `line` (1-based) and the `reason`."""

    def __init__(self, line: int, reason: str):
        super().__init__(f"line {line}: {reason}")
        self.line, self.reason = line, reason


def vectors_kind(head: bytes) -> str:
    """"word2vec-txt", "word2vec-bin", "tsv" or "glove" for a file beginning with `head`
    (uncompressed, not empty); `NotVectors` otherwise."""
    first, _, rest = head.partition(b"\n")
    header = header_sizes(first)
    if header:
        second = record_values(rest.partition(b"\n")[0])
        if not rest.strip() or (second is not None and second.size == header[1]):
            return "word2vec-txt"
        if rest.translate(None, TEXT_BYTES) or not is_utf8(rest):  # as packed floats nearly always are
            return "word2vec-bin"
        raise NotVectors(2, "not a vectors file (a header line, but plain text after it)")
    if b"\t" in first.strip() and number_values(first) is not None:
        return "tsv"
    if (values := record_values(first)) is not None and values.size:
        return "glove"
    raise NotVectors(1, 'not a vectors file (expected a "words dimensions" header, '
                        "a word followed by numbers, or tab-separated numbers)")


TEXT_BYTES = bytes(range(0x20, 0x100)) + b"\t\n\r"


def is_utf8(data: bytes) -> bool:
    """Whether `data` is UTF-8 (a character cut at its end allowed)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data)
        return True
    except UnicodeDecodeError:
        return False


def header_sizes(line: bytes) -> tuple[int, int] | None:
    m = HEADER.fullmatch(line)
    return (int(m[1]), int(m[2])) if m and int(m[2]) > 0 else None


def record_values(line: bytes) -> np.ndarray | None:
    """The numbers after the word of a `word v1 ... vD` line, or None if it is not one."""
    word, _, values = line.partition(b" ")
    return number_values(values) if word else None


def number_values(text: bytes) -> np.ndarray | None:
    """Whitespace-separated numbers as float32, or None if any is not a number."""
    try:
        return np.fromstring(text, dtype=np.float32, sep=" ")
    except ValueError:
        return None

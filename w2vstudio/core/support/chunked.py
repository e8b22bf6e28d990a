"""Work on millions of words a chunk at a time. One C call (`dict(zip(...))`, `set(...)`,
`str.split`) over millions of items holds the GIL for up to a second, and while a worker makes it
the GUI thread cannot run: the studio freezes. In chunks the GIL changes hands between them."""

from __future__ import annotations

CHUNK = 1 << 15  # items per C call
PIECE = 1 << 20  # characters split per C call


def index_of(words: list[str]) -> dict[str, int]:
    """{word: its position} (a later repeat wins, as `dict(zip(...))`)."""
    index: dict[str, int] = {}
    for start in range(0, len(words), CHUNK):
        index.update(zip(words[start:start + CHUNK], range(start, start + CHUNK)))
    return index


def all_distinct(words: list[str]) -> bool:
    """Whether no word appears twice."""
    seen: set[str] = set()
    for start in range(0, len(words), CHUNK):
        seen.update(words[start:start + CHUNK])
    return len(seen) == len(words)


def split_lines(text: str) -> list[str]:
    """`text.split("\\n")`, a piece at a time."""
    lines: list[str] = []
    start = 0
    while start + PIECE < len(text):
        cut = text.find("\n", start + PIECE)
        if cut < 0:
            break
        lines.extend(text[start:cut].split("\n"))
        start = cut + 1
    lines.extend(text[start:].split("\n"))
    return lines

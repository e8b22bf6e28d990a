"""Work on millions of words a chunk at a time. One C call (`dict(zip(...))`, `set(...)`,
`str.split`) over millions of items holds the GIL for up to a second, and while a worker makes it
the GUI thread cannot run: the studio freezes. In chunks the GIL changes hands between them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

CHUNK = 1 << 15  # items per C call
PIECE = 1 << 20  # characters split per C call


class WordIndex(Mapping):
    """{word: its position} (a later repeat wins, as in a dict) kept in `SHARDS` dicts chosen by
    the word's hash. One dict of millions of words holds the GIL for a third of a second each time
    it grows, however it is filled; a shard grows in a fraction of a millisecond. Iterated shard by
    shard (not in the words' order)."""

    SHARDS = 256  # a power of two

    def __init__(self, words: Iterable[str] = ()):
        self._shards: list[dict[str, int]] = [{} for _ in range(self.SHARDS)]
        shards, mask = self._shards, self.SHARDS - 1
        for i, word in enumerate(words):
            shards[hash(word) & mask][word] = i

    def __getitem__(self, word) -> int:
        return self._shards[hash(word) & (self.SHARDS - 1)][word]

    def get(self, word, default=None):
        return self._shards[hash(word) & (self.SHARDS - 1)].get(word, default)

    def positions(self, texts: list[str], words: list[str]) -> list[int]:
        """The position of each of `texts`; one not yet here gets the next (`len(words)`) and is
        appended to `words`. One loop with no method call per text: a scan names millions."""
        shards, mask, out = self._shards, self.SHARDS - 1, []
        append, n = out.append, len(words)
        for text in texts:
            w = shards[hash(text) & mask].setdefault(text, n)
            if w == n:
                words.append(text)
                n += 1
            append(w)
        return out

    def __contains__(self, word) -> bool:
        return word in self._shards[hash(word) & (self.SHARDS - 1)]

    def __len__(self) -> int:
        return sum(len(shard) for shard in self._shards)

    def __iter__(self) -> Iterator[str]:
        for shard in self._shards:
            yield from shard

    def __del__(self):
        """Emptied a shard at a time: one dict of millions torn down in one C call holds the GIL
        (half a second for 5 M words)."""
        for shard in self._shards:
            shard.clear()


def release(items: list) -> None:
    """Empty a list of millions a chunk at a time (its strings freed as they go), instead of in one
    C call when its last reference drops."""
    while items:
        del items[-CHUNK:]


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

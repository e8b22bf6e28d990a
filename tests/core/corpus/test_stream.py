"""The corpus streamed for a lens (core/corpus/stream.py): a corpus over the budget read in whole
lines from stretches spread evenly through it, against a plain Python reference."""

import gzip

import numpy as np

from w2vstudio.core.corpus import stream


def _corpus(path, lines=4000):
    text = "".join(f"w{i} x{i % 7} y{i % 13} filler words here\n" for i in range(lines))
    path.write_text(text)
    return text


def _reference(text: str, plan: list[tuple[int, int]]) -> list[str]:
    """The lines a plan reads: from the first line beginning at or after each start, the lines
    beginning within `length` bytes of it (the last one whole)."""
    starts = np.concatenate([[0], np.flatnonzero(np.frombuffer(text.encode(), np.uint8) == 10) + 1])
    lines = text.split("\n")
    out, done = [], -1
    for start, length in plan:
        first = max(int(np.searchsorted(starts, start)), done + 1)
        if first >= len(lines) - 1:
            break
        k = first
        while k < len(lines) - 1 and starts[k] < starts[first] + length:
            out.append(lines[k])
            k += 1
        done = k - 1
    return out


def test_a_corpus_over_the_budget_is_read_in_whole_lines_spread_through_it(tmp_path, monkeypatch):
    path = tmp_path / "c.txt"
    text = _corpus(path)
    monkeypatch.setattr(stream, "STRETCHES", 8)
    budget = len(text) // 10
    reading = stream.Reading()
    got = [line for block in stream.blocks([path], {}, budget=budget, reading=reading)
           for line in block.lines() if line]
    plan = stream._stretches([len(text)], budget)[0]
    assert got == _reference(text, plan)
    firsts = [int(line.split()[0][1:]) for line in got]
    assert firsts == sorted(set(firsts))  # in order, none twice
    assert firsts[0] < 4000 / 8 and firsts[-1] > 4000 * 7 / 8  # from the start to the end
    assert not reading.whole and budget - 8 <= reading.read < budget + 8 * 60 and reading.total == len(text)
    assert "8 stretches spread evenly" in reading.note()


def test_within_the_budget_or_without_one_the_whole_corpus_is_read(tmp_path):
    path = tmp_path / "c.txt"
    text = _corpus(path, 300)
    for budget in (None, len(text)):
        reading = stream.Reading()
        got = "".join(block.text for block in stream.blocks([path], {}, budget=budget, reading=reading))
        assert got == text and reading.whole and reading.note() == ""


def test_a_compressed_corpus_over_the_budget_gives_its_first_lines(tmp_path, monkeypatch):
    path = tmp_path / "c.txt.gz"
    text = "".join(f"w{i} filler\n" for i in range(20000))
    path.write_bytes(gzip.compress(text.encode()))
    budget = path.stat().st_size // 4
    reading = stream.Reading()
    got = "".join(block.text for block in stream.blocks([path], {}, budget=budget, reading=reading))
    assert text.startswith(got) and got.endswith("\n") and budget - stream.STRETCHES <= len(got) < budget + 100
    assert not reading.whole

"""Bias axes: the direction from one word or group of words to another, and words' scores on it.

An axis from {he, him} to {she, her} is the mean of the "to" words' unit vectors minus the mean
of the "from" words' unit vectors; a word's score is the cosine between its vector and that
direction (positive: toward "to"). The corpus evidence for a score counts how often each pole's
words occur within the window of the word.

A score alone misleads where all vectors lean one way (after short training every word may score
toward one end), so each is read against the baseline: the scores of all words (`baseline`), its
mean the zero line of the mean word, and each word's percentile among them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from w2vstudio.core.errors import W2VError
from w2vstudio.core.corpus import stream
from w2vstudio.core.explore.agreement import over_runs, sd
from w2vstudio.core.files.ensemble import runs_of
from w2vstudio.core.support.task import Task
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.resources import OCCUPATIONS
from w2vstudio.resources import path as resource_path

DEFAULT_RESTRICT = 20_000  # poles are ranked among this many most frequent words
DEFAULT_TOP = 10


@dataclass(frozen=True)
class Axis:
    """A direction between two word groups (`source` -> `target`), in one model's space."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    direction: np.ndarray  # (dim,) float32

    @property
    def label(self) -> str:
        return f"{'+'.join(self.source)} \u2192 {'+'.join(self.target)}"


def occupations() -> list[str]:
    """The bundled occupation words (resources/occupations.txt), the default words to score."""
    text = resource_path(OCCUPATIONS).read_text(encoding="utf-8")
    return [w for w in (line.strip() for line in text.splitlines()) if w and not w.startswith("#")]


def make_axis(kv: KeyedVectors, source: Sequence[str], target: Sequence[str]) -> Axis:
    """The axis from the `source` words to the `target` words (unknown words raise
    `UnknownWordError`; empty or identical groups a `W2VError`)."""
    source, target = tuple(dict.fromkeys(source)), tuple(dict.fromkeys(target))
    if not source or not target:
        raise W2VError("an axis needs at least one word at each end")
    mean = [kv.unit[[kv.index(w) for w in group]].mean(axis=0) for group in (source, target)]
    direction = (mean[1] - mean[0]).astype(np.float32)
    if not np.linalg.norm(direction) > 0:
        raise W2VError(f"the axis {'+'.join(source)} \u2192 {'+'.join(target)} has no direction "
                       "(both ends are the same)")
    return Axis(source, target, direction)


def scores(kv: KeyedVectors, axis: Axis, words: Sequence[str]) -> np.ndarray:
    """Each word's score on `axis`: cosine with its direction, float64."""
    rows = np.array([kv.index(w) for w in words], dtype=np.int64)
    unit = kv.vectors[rows].astype(np.float64) * kv.inv_norms[rows, None]
    return unit @ (axis.direction / np.linalg.norm(axis.direction))


@dataclass(frozen=True)
class Baseline:
    """All words' scores on an axis: what a score is read against."""

    mean: float
    sd: float
    sorted_scores: np.ndarray  # ascending, float64

    def percentiles(self, values) -> np.ndarray:
        """The share (0-100) of all words scoring below each value, ties (within 1e-6: a word's own
        score, however rounded) counted half."""
        values = np.asarray(values, dtype=np.float64)
        below = np.searchsorted(self.sorted_scores, values - 1e-6, side="left")
        upto = np.searchsorted(self.sorted_scores, values + 1e-6, side="right")
        return 100 * (below + 0.5 * (upto - below)) / max(len(self.sorted_scores), 1)

    def to_dict(self) -> dict:
        return {"mean": self.mean, "sd": self.sd}


def baseline(kv: KeyedVectors, axis: Axis) -> Baseline:
    """The scores of all of `kv`'s words of nonzero length on `axis`."""
    direction = axis.direction.astype(np.float64) / np.linalg.norm(axis.direction)
    every = (kv.vectors.astype(np.float64) * kv.inv_norms[:, None]) @ direction
    every = np.sort(every[kv.inv_norms > 0])
    return Baseline(float(every.mean()) if len(every) else 0.0, float(every.std()) if len(every) else 0.0, every)


def spread_labels(values, gap: float) -> np.ndarray:
    """Heights for labels at `values`, each at least `gap` from the next, moved as little as the
    order allows (sorted, pushed apart, the group re-centred on the values' mean)."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="stable")
    placed = values[order].copy()
    for i in range(1, len(placed)):
        placed[i] = max(placed[i], placed[i - 1] + gap)
    placed += (values.mean() - placed.mean()) if len(placed) else 0.0
    for i in range(len(placed) - 2, -1, -1):  # re-centring may not break the gaps
        placed[i] = min(placed[i], placed[i + 1] - gap)
    out = np.empty_like(placed)
    out[order] = placed
    return out


def coordinates(vectors: np.ndarray, x: Axis, y: Axis) -> np.ndarray:
    """Each row's scores on two axes, (n, 2) float32: the Map's "Axes" projection, applicable to
    any snapshot of the same words."""
    directions = np.stack([a.direction / np.linalg.norm(a.direction) for a in (x, y)]).astype(np.float32)
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors @ directions.T) / np.where(norms > 0, norms, 1)


def group(text: str) -> tuple[str, ...]:
    """The words of one end of an axis as typed: separated by spaces, commas or "+"."""
    return tuple(w for w in re.split(r"[\s,+]+", text) if w)


def axes_map(kv: KeyedVectors, n: int, x: tuple[Sequence[str], Sequence[str]],
             y: tuple[Sequence[str], Sequence[str]]) -> tuple[np.ndarray, Axis, Axis]:
    """The Map's "Axes" projection: the `n` most frequent words of `kv` (a model or a snapshot,
    the axes taken in its own space) at their scores on the axes `x` and `y`, each a (from words,
    to words) pair: ((n, 2) coordinates, x axis, y axis)."""
    x_axis, y_axis = make_axis(kv, *x), make_axis(kv, *y)
    return coordinates(kv.vectors[:n], x_axis, y_axis), x_axis, y_axis


def poles(kv: KeyedVectors, axis: Axis, top: int = DEFAULT_TOP,
          restrict_vocab: int | None = DEFAULT_RESTRICT) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The `top` words most toward each end among the `restrict_vocab` most frequent, the axis's
    own words left out: (toward source, most negative first; toward target, most positive first)."""
    cos = kv.cosines(axis.direction, restrict_vocab)[0].astype(np.float64)
    own = [kv.word_rows[w] for w in axis.source + axis.target]
    cos[[r for r in own if r < len(cos)]] = np.nan
    valid = np.flatnonzero(~np.isnan(cos))
    low = valid[np.lexsort((valid, cos[valid]))][:top]  # ties: the more frequent first
    high = valid[np.lexsort((valid, -cos[valid]))][:top]
    return ([(kv.words[i], float(cos[i])) for i in low], [(kv.words[i], float(cos[i])) for i in high])


@dataclass(frozen=True)
class RunScores:
    """Scores across the runs of an ensemble (one run: sd 0): `mean`, `sd` (ddof 1) and `per_run`
    (K, n), the axis taken in each run's own space."""

    words: list[str]
    mean: np.ndarray
    sd: np.ndarray
    per_run: np.ndarray

    @property
    def runs(self) -> int:
        return len(self.per_run)


def scores_across(kv: KeyedVectors, source: Sequence[str], target: Sequence[str],
                  words: Sequence[str]) -> RunScores:
    """The `words`' scores on the axis `source` -> `target` in every run of `kv` (an ensemble or one model)."""
    found = over_runs(runs_of(kv), lambda run: scores(run, make_axis(run, source, target), words))
    return RunScores(list(words), found.mean, found.sd, found.per_run)


def poles_across(kv: KeyedVectors, source: Sequence[str], target: Sequence[str], top: int = DEFAULT_TOP,
                 restrict_vocab: int | None = DEFAULT_RESTRICT) -> tuple[RunScores, RunScores]:
    """`poles` by the mean score over the runs: (toward source, most negative first; toward target)."""
    runs = runs_of(kv)
    cos = np.stack([run.cosines(make_axis(run, source, target).direction, restrict_vocab)[0] for run in runs])
    cos = cos.astype(np.float64)
    axis = make_axis(runs[0], source, target)
    own = [kv.word_rows[w] for w in axis.source + axis.target]
    mean = cos.mean(axis=0)
    mean[[r for r in own if r < len(mean)]] = np.nan
    valid = np.flatnonzero(~np.isnan(mean))
    ends = []
    for order in (mean[valid], -mean[valid]):
        rows = valid[np.lexsort((valid, order))][:top]
        ends.append(RunScores([kv.words[i] for i in rows], mean[rows], sd(cos[:, rows]), cos[:, rows]))
    return ends[0], ends[1]


def scores_over_snapshots(words: Sequence[str], snapshots: np.ndarray, source: Sequence[str],
                          target: Sequence[str], chosen: Sequence[str]) -> np.ndarray:
    """Scores of the `chosen` words on the axis `source` -> `target` at each snapshot:
    (S, len(chosen)). `snapshots` (S, len(words), dim) holds the tracked `words`' vectors; the
    axis is taken in each snapshot's own space, so every word named must be tracked."""
    out = np.zeros((len(snapshots), len(chosen)))
    for s, vectors in enumerate(snapshots):
        kv = KeyedVectors(words, vectors)
        out[s] = scores(kv, make_axis(kv, source, target), chosen)
    return out


@dataclass(frozen=True)
class Evidence:
    """How often each end's words occur within the window of a word in the corpus."""

    word: str
    occurrences: int  # of the word
    source_count: int  # source-end words within its window, all occurrences together
    target_count: int
    source_lines: list[str]  # up to `n` lines showing a source word near the word
    target_lines: list[str]


def evidence(paths, word: str, source: Sequence[str], target: Sequence[str], window: int = 5,
             n: int = 5, lowercase: bool = True, task: Task | None = None, phrases=None) -> Evidence:
    """Count, in one streamed pass over the corpus (a corpus over `stream.LENS_BUDGET`: stretches
    spread evenly through it), the source and target words within `window`
    words (on the same line, every token counted) of each occurrence of `word`; keep the first
    `n` lines showing each. `phrases`: the model's phrase table, the lines joined as training read them."""
    lookup = {w: 2 for w in target}
    lookup.update({w: 1 for w in source})
    if word in lookup:
        raise W2VError(f'"{word}" is one of the axis\'s own words')
    lookup[word] = 0
    occurrences, counts, shown = 0, [0, 0], ([], [])
    for block in stream.blocks(paths, lookup, lowercase, task, phrases, stream.LENS_BUDGET):
        at = np.flatnonzero(block.ids == 0)
        if not len(at):
            continue
        occurrences += len(at)
        lo, hi = stream.window_bounds(block.ids, at, window)
        lines = None
        for end in (1, 2):
            cum = np.concatenate([[0], np.cumsum(block.ids == end)])
            near = cum[hi] - cum[lo]
            counts[end - 1] += int(near.sum())
            wanted = np.flatnonzero(near > 0)[: n - len(shown[end - 1])]
            if len(wanted):
                lines = block.lines() if lines is None else lines
                shown[end - 1].extend(_around(block, lines, at, wanted, word, lowercase))
    return Evidence(word, occurrences, counts[0], counts[1], *shown)


def _around(block: stream.Block, lines: list[str], at: np.ndarray, chosen: np.ndarray, word: str,
            lowercase: bool) -> list[str]:
    """The text around the chosen occurrences (indices into `at`) of `word` in a block."""
    positions = at[chosen]
    return [stream.around(lines[line], word, nth, lowercase=lowercase) for line, nth in
            zip(stream.line_numbers(block.ids, positions).tolist(), stream.nth_on_line(block.ids, positions).tolist())]

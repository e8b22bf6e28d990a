"""Frequency effects: how a word's count shapes what the model learned about it.

The vocabulary, by rank, falls into ten groups of (nearly) equal size, the deciles. Per decile:
its ranks and counts, the mean vector norm, 3CosAdd accuracy on the analogy questions assigned to
it (all four words in the decile or more frequent ones, assigned by their rarest word, answers
searched among the words up to the decile's last rank) and the share of its occurrences that
subsampling drops. Per word: count, norm, the stability of its neighbourhood over the last
snapshots and the agreement of its neighbours between two models.

On an ensemble every score of a decile (mean norm, analogy accuracy, word-pair ρ) is taken in each
run and reported as the mean over the runs with its standard deviation (`*_sd`, ddof 1; 0 for one
model); the deciles themselves, the counts and the share subsampling drops are the first run's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from w2vstudio.core.explore.agreement import Spread, over_runs
from w2vstudio.core.explore.compare import overlaps
from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.evaluate import analogy_rows, answered, pair_rows
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K, jaccard, neighbour_ids
from w2vstudio.core.files.ensemble import runs_of
from w2vstudio.core.train.sampling import keep_probabilities
from w2vstudio.core.vectors import KeyedVectors

DECILES = 10
DEFAULT_LAST = 5  # snapshots whose consecutive overlaps make a word's stability
DEFAULT_PER_DECILE = 3  # words of each decile offered for tracking


@dataclass(frozen=True)
class Decile:
    """One tenth of the vocabulary by rank (ranks 1-based, inclusive)."""

    rank_from: int
    rank_to: int
    count_min: int
    count_max: int
    norm_mean: float  # an ensemble: the mean over its runs, as every score below
    analogy_accuracy: float | None  # None without questions
    analogy_questions: int
    drop_share: float  # of the decile's occurrences, the share subsampling drops
    norm_mean_sd: float = 0.0  # over an ensemble's runs (ddof 1); 0 for one model
    analogy_accuracy_sd: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def bounds(n_words: int, parts: int = DECILES) -> np.ndarray:
    """Row where each of `parts` groups of nearly equal size starts, and the end: (parts + 1,)."""
    return np.linspace(0, n_words, parts + 1).round().astype(np.int64)


def counts_of(kv: KeyedVectors, name: str | Path = "the model") -> np.ndarray:
    """The word counts of `kv`; a `W2VError` naming `name` if it has none."""
    if kv.counts is None or not kv.counts.any():
        raise W2VError(f"{name} has no word counts (a plain vectors file): the frequency lens needs a model "
                       "saved by w2vstudio")
    return kv.counts


def norms(kv: KeyedVectors) -> np.ndarray:
    """Each word's vector norm, float64."""
    inv = kv.inv_norms.astype(np.float64)
    return np.divide(1.0, inv, out=np.zeros(len(inv)), where=inv > 0)


def deciles(kv: KeyedVectors, sample: float, analogies: str | Path | None = None,
            parts: int = DECILES) -> list[Decile]:
    """The vocabulary's deciles (fewer parts for a vocabulary smaller than `parts`); `sample` is
    the model's subsampling threshold, `analogies` a questions-words file (default: bundled). On
    an ensemble, the scores' mean and sd over its runs."""
    counts = counts_of(kv).astype(np.float64)
    edges = np.unique(bounds(len(kv), min(parts, len(kv))))
    keep = keep_probabilities(counts, sample)
    rows = analogy_rows(kv, analogies)
    rows = rows[(rows >= 0).all(axis=1)]
    rarest = rows.max(axis=1, initial=-1) if len(rows) else np.zeros(0, np.int64)
    bands = [(int(lo), int(hi), rows[(rarest >= lo) & (rarest < hi)]) for lo, hi in zip(edges[:-1], edges[1:])]

    def scores(run: KeyedVectors) -> list[list]:
        norm = norms(run)
        return [[norm[lo:hi].mean(), _accuracy(answered(run, mine, restrict_vocab=hi))] for lo, hi, mine in bands]

    found = over_runs(runs_of(kv), scores)
    mean, spread = found.mean, found.sd
    out = []
    for b, (lo, hi, mine) in enumerate(bands):
        c = counts[lo:hi]
        out.append(Decile(lo + 1, hi, int(c.min()), int(c.max()), float(mean[b, 0]), _number(mean[b, 1]), len(mine),
                          float((c * (1 - keep[lo:hi])).sum() / c.sum()) if c.sum() else 0.0,
                          float(spread[b, 0]), _number(spread[b, 1])))
    return out


def _accuracy(hits: np.ndarray) -> float | None:
    return float(hits.mean()) if len(hits) else None


def _number(value: float) -> float | None:
    """A mean or sd over the runs as a float, None where a run had none (NaN)."""
    return None if np.isnan(value) else float(value)


def decile_sample(n_words: int, per_decile: int = DEFAULT_PER_DECILE, seed: int = 0) -> np.ndarray:
    """Rows of up to `per_decile` words drawn from every decile (seeded), sorted: words to track in
    the next run, so that the stability of rare words is measured too."""
    rng = np.random.default_rng(seed)
    edges = bounds(n_words)
    parts = [rng.choice(np.arange(lo, hi), min(per_decile, hi - lo), replace=False)
             for lo, hi in zip(edges[:-1], edges[1:]) if hi > lo]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)


def stability(snapshots: np.ndarray, last: int = DEFAULT_LAST, k: int = DEFAULT_K) -> np.ndarray:
    """Each tracked word's mean top-`k` neighbour overlap (Jaccard) between consecutive snapshots
    among the `last` ones; `snapshots` is (S, tracked, dim). NaN with fewer than two snapshots."""
    chosen = snapshots[-last:] if last > 0 else snapshots[:0]
    if len(chosen) < 2:
        return np.full(snapshots.shape[1], np.nan)
    ids = [neighbour_ids(s, k) for s in chosen]
    return np.mean([jaccard(a, b) for a, b in zip(ids[:-1], ids[1:])], axis=0)


def agreement(a: KeyedVectors, b: KeyedVectors, words: list[str] | None = None, k: int = DEFAULT_K) -> np.ndarray:
    """Overlap (Jaccard) of each word's top-`k` neighbours in models `a` and `b`; `words`
    default to those of `a` that `b` knows too, in `a`'s order."""
    words = [w for w in a.words if w in b] if words is None else words
    return overlaps(a, b, words, k)


@dataclass(frozen=True)
class CompareDecile:
    """One decile band of model `a`'s ranks, both models measured on it alone (`a` first)."""

    decile: int  # 1 = the most frequent words
    rank_from: int
    rank_to: int
    count_min: int
    count_max: int
    pairs: list  # [a, b]: Spearman's ρ of cosine and human score over the band's word pairs (None: < 3)
    pair_count: int  # word pairs with both words in the band
    analogy: list  # [a, b]: 3CosAdd accuracy over the band's questions, answers searched in the band (None: none)
    questions: int  # analogy questions with all four words in the band
    pairs_sd: list = (0.0, 0.0)  # [a, b]: sd of `pairs` over each model's runs (an ensemble; one model: 0)
    analogy_sd: list = (0.0, 0.0)

    def to_dict(self) -> dict:
        return asdict(self)


MIN_PAIRS = 5  # word pairs a band needs for a correlation
VERDICT_QUESTIONS = 20  # questions (word pairs) a band needs to enter the verdict
VERDICT_PAIRS = 10


def compare(a: KeyedVectors, b: KeyedVectors, analogies: str | Path | None = None, pairs: str | Path | None = None,
            parts: int = DECILES) -> list[CompareDecile]:
    """Two models side by side per decile band of `a`'s ranks: word-pair similarity (WordSim-353 by
    default) over the pairs whose two words fall in the band, and analogy accuracy over the
    questions whose four words fall in it, answers searched among the band's words alone (every
    band offers as many candidates, so rarity is not confused with the size of the pool). Only
    words both models know count."""
    counts = counts_of(a).astype(np.float64)
    edges = np.unique(bounds(len(a), min(parts, len(a))))
    rows_b = b.word_rows
    in_b = np.array([rows_b.get(w, -1) for w in a.words], dtype=np.int64)  # each word of `a` in `b`
    questions = analogy_rows(a, analogies)
    questions = questions[((questions >= 0) & (in_b[questions] >= 0)).all(axis=1)]
    pair_ids, gold = pair_rows(a, pairs)
    known = ((pair_ids >= 0) & (in_b[pair_ids] >= 0)).all(axis=1)
    pair_ids, gold = pair_ids[known], gold[known]
    out = []
    for d, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]), 1):
        band = np.arange(lo, hi)
        band = band[in_b[band] >= 0]
        mine = questions[((questions >= lo) & (questions < hi)).all(axis=1)] if len(questions) else questions
        inside = ((pair_ids >= lo) & (pair_ids < hi)).all(axis=1) if len(pair_ids) else np.zeros(0, bool)
        sides = [_band_scores(kv, rows, band, mine, pair_ids[inside], gold[inside])
                 for kv, rows in ((a, band), (b, in_b[band]))]
        (accuracy, rho), (accuracy_sd, rho_sd) = ([[_number(s.mean[i]) for s in sides] for i in (0, 1)],
                                                  [[_number(s.sd[i]) for s in sides] for i in (0, 1)])
        c = counts[lo:hi]
        out.append(CompareDecile(d, int(lo) + 1, int(hi), int(c.min()), int(c.max()), rho, int(inside.sum()),
                                 accuracy, len(mine), rho_sd, accuracy_sd))
    return out


def _band_scores(kv: KeyedVectors, rows: np.ndarray, band: np.ndarray, questions: np.ndarray, pairs: np.ndarray,
                 gold: np.ndarray) -> Spread:
    """[analogy accuracy, word-pair ρ] of a band in every run of `kv` (None: not measured)."""
    return over_runs(runs_of(kv), lambda run: [_band_accuracy(run, rows, band, questions),
                                               _band_correlation(run, rows, band, pairs, gold)])


def _band_accuracy(kv: KeyedVectors, rows: np.ndarray, band: np.ndarray, questions: np.ndarray) -> float | None:
    """3CosAdd accuracy over `questions` (rows of `a`) among the band's words only: `rows` are the
    band's words in `kv`, `band` the same words in `a`."""
    if not len(questions):
        return None
    local = KeyedVectors([kv.words[r] for r in rows.tolist()], kv.vectors[rows])
    position = np.full(int(band.max()) + 1, -1, np.int64)
    position[band] = np.arange(len(band))
    return float(answered(local, position[questions], case_insensitive=False).mean())


def _band_correlation(kv: KeyedVectors, rows: np.ndarray, band: np.ndarray, pairs: np.ndarray,
                      gold: np.ndarray) -> float | None:
    """Spearman's ρ of the cosines in `kv` and the human scores of `pairs` (rows of `a`)."""
    if len(pairs) < MIN_PAIRS or np.ptp(gold) == 0:
        return None
    position = np.full(int(band.max()) + 1, -1, np.int64)
    position[band] = np.arange(len(band))
    local = rows[position[pairs]]
    unit = kv.vectors[local].astype(np.float64)
    unit /= np.maximum(np.linalg.norm(unit, axis=2, keepdims=True), 1e-30)
    cosine = np.einsum("ij,ij->i", unit[:, 0], unit[:, 1])
    from scipy.stats import spearmanr
    rho = spearmanr(gold, cosine).statistic
    return float(rho) if np.isfinite(rho) else None


def verdict(rows: list[CompareDecile], name_a: str, name_b: str) -> str:
    """What the comparison says about rare words, as measured: the leader of the most frequent and of
    the rarest band that have analogy questions (word pairs where no band has questions)."""
    for key, count, what, least in (("analogy", "questions", "analogy accuracy", VERDICT_QUESTIONS),
                                    ("pairs", "pair_count", "word-pair ρ", VERDICT_PAIRS)):
        measured = [r for r in rows if None not in getattr(r, key) and getattr(r, count) >= least]
        if not measured:
            continue
        first, last = measured[0], measured[-1]

        def lead(r):
            a, b = getattr(r, key)
            return (f"decile {r.decile} (counts {r.count_min:,}–{r.count_max:,}, {getattr(r, count):,} "
                    f"{count.replace('_count', 's')}): {name_a} {a:.3f}, {name_b} {b:.3f}")

        if first is last:
            return f"{what.capitalize()} is measured in one band only, {lead(first)}: too little to compare by frequency."
        gap_first, gap_last = (getattr(r, key)[0] - getattr(r, key)[1] for r in (first, last))
        if gap_last == 0:
            ahead = "neither is ahead"
        else:
            trend = ("wider" if abs(gap_last) > abs(gap_first) else "narrower") if np.sign(gap_last) == np.sign(
                gap_first) else "the other way round"
            ahead = f"{name_a if gap_last > 0 else name_b} is ahead, by a gap {trend} than among frequent words"
        return (f"{what.capitalize()}, frequent words: {lead(first)}; rarest words measured: {lead(last)}. "
                f"Among the rarest, {ahead}.")
    return (f"No band has {VERDICT_QUESTIONS} analogy questions or {VERDICT_PAIRS} word pairs known to both "
            "models: too little to compare by frequency.")

"""Word senses: one static vector for many meanings, split by the contexts the word occurs in.

One streamed pass over the corpus samples up to `max_occurrences` occurrences of the word evenly
(seeded reservoir sampling, so not the first ones), and as many of `BASELINE_WORDS` words of
similar frequency. Each occurrence is the weighted mean of the context words within `WINDOW`
words of it on its line, in the space the model predicts contexts in (`context_space`: the output
vectors C of negative sampling or the full softmax, the input vectors for hierarchical softmax,
whose outputs are tree nodes; seen through the input vectors that score them), each weighted by
its subsampling keep-probability. The window is wider than training's: a sense is a matter of
topic, and the few words of a training window, once subsampled, seldom name it. Words out of the
vocabulary are dropped first, as in training; the word itself in its own window counts nothing.

Every word's contexts vary along the same few directions (technical text against narrative, say),
and a split along them is no sense. So the occurrences are whitened by the baseline words' pooled
within-word covariance (ridged by its mean eigenvalue, `RIDGE`): what remains is how far this
word's contexts vary beyond what any word's do. They are clustered there by k-means, k the best
silhouette among 2-5 (clusters of fewer than `LINES` occurrences not allowed), or the caller's.

Nearly every word's occurrences split along topics (science against history, say), a sense's
split among them, so the clusters' silhouette cannot decide. The verdict is the stand-ins'
(`stand_ins`): split in two, how much what could take the word's place differs between the halves
(Jensen-Shannon), against the same for the words of similar frequency (as many occurrences each,
whitened alike, each with its own candidates): z (from their median, in `robust_spread`'s scale,
so a baseline word with senses of its own widens nothing) and percentile. The word has several
senses when z >= `SPLIT_Z`; below it, a divergence above `UNCLEAR_PERCENTILE` of theirs is said to
be undecided (senses or only topics) rather than one meaning. The silhouette's own z and
percentile among theirs are kept beside it (`z`, `percentile`, `baseline`). The clusters are
always shown.

Per sense: its share, the words nearest its centroid in the space the occurrences were clustered
in (each of the NEAREST_POOL most frequent words placed there by its own context-space row, as if it
were an occurrence's only context; both seen from the mean of all the word's occurrences), the context
words most over-represented in it (lift), its most typical lines, and the cosine of the word's
own vector with its centroid. `points` is a 2-D map of the occurrences (PCA of their centred
context vectors) with `word_point`, the word's own vector scaled to the occurrences' mean norm.

Given an ensemble's runs, the verdict is taken in every run on the same sampled occurrences (one
pass over the corpus; a run whose vocabulary or sampling settings differ samples its own):
`silhouette`, `z` and `percentile` are their means over the runs, `runs` each run's z and
`silhouettes` each run's silhouette, with `z_sd` and `silhouette_sd` (ddof 1; 0 for one model);
likewise `stand_ins`'s divergence, z and percentile are means, with its `runs` and `z_sd`. The
senses themselves, the baselines, the candidates, the map and the lines are the first run's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from w2vstudio.core.support.memory import check_available

from w2vstudio.core.errors import W2VError
from w2vstudio.core.corpus import stream
from w2vstudio.core.explore.agreement import over_runs
from w2vstudio.core.inside.tables import require_output
from w2vstudio.core.lenses import stand_ins
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.sampling import keep_probabilities

DEFAULT_MAX = 500
K_CHOICES = (2, 3, 4, 5)
BASELINE_WORDS = 30
NEAREST_POOL = 30_000  # senses are named by the most frequent words (rarer ones are noise)
NAMES = 10  # words per sense in `nearest` and `distinctive`
LINES = 5
MIN_SUPPORT = 3  # a context word's occurrences in a sense before its lift counts
SPLIT_Z = 2.0
UNCLEAR_PERCENTILE = 75  # below SPLIT_Z yet above three in four baseline words: no verdict either way
SHRINK = 1.0  # prior weight toward the mean occurrence, in median occurrences' weights
WINDOW = 30  # context words on each side, within the line
RIDGE = 1.0  # added to the within-word covariance's eigenvalues, in units of their mean


@dataclass(frozen=True)
class Sense:
    share: float
    nearest: list[str]
    distinctive: list[str]
    lines: list[str]
    cosine_with_word: float
    stand_ins: list[str]  # the candidates most likely to take the word's place in this sense, by lift


@dataclass(frozen=True)
class Senses:
    word: str
    occurrences: int  # sampled and clustered
    space: str  # the vectors the contexts were built from
    silhouette: float  # of the clusters shown, in the whitened space
    baseline: dict  # {"mean", "sd", "median", "scale", "words"}: the silhouettes of words of similar frequency
    z: float  # (silhouette - baseline median) / baseline scale (robust_spread)
    percentile: float  # share of the baseline's silhouettes below the word's (ties half), 0-100
    blended: bool  # True: the stand-ins differ between the two halves no more than words of similar frequency's (z < SPLIT_Z)
    senses: list[Sense]
    points: np.ndarray = field(repr=False)  # (occurrences, 2): the map
    labels: np.ndarray = field(repr=False)  # (occurrences,): each occurrence's sense (index in `senses`)
    word_point: np.ndarray = field(repr=False)  # (2,): the word's own vector on the map
    all_lines: list[str] = field(repr=False)  # each occurrence's text
    runs: list[float] = field(default_factory=list)  # each run's z (one model: [z])
    silhouettes: list[float] = field(default_factory=list)  # each run's silhouette
    reading: stream.Reading = field(default_factory=stream.Reading)  # how much of the corpus was read
    stand_ins: dict = field(default_factory=dict)  # the verdict: {"divergence", "z", "percentile", "baseline", "candidates", "runs", "z_sd"}

    @property
    def z_sd(self) -> float:
        return float(over_runs(self.runs, float).sd) if self.runs else 0.0

    @property
    def silhouette_sd(self) -> float:
        return float(over_runs(self.silhouettes, float).sd) if self.silhouettes else 0.0

    def verdict(self) -> str:
        """The verdict as a measured statement: the stand-ins' divergence, then the clusters' silhouette."""
        base, st = self.baseline, self.stand_ins
        k, sb = len(self.runs), st["baseline"]
        words = f"{len(base['words'])} words of similar frequency"
        if k > 1:
            stands = (f"over {k} runs, what could stand in its place (among its {len(st['candidates'])} nearest words) "
                      f"differs between the two halves of its occurrences by {st['divergence']:.3f} nats (Jensen-Shannon), "
                      f"z = {st['z']:+.1f} \u00b1 {st['z_sd']:.1f}, percentile {st['percentile']:.0f} (the first run's "
                      f"baseline: median {sb['median']:.3f}, scale {sb['scale']:.3f} for {words}; the senses shown: "
                      "the first run's)")
            shape = (f"the clusters' silhouette {self.silhouette:.3f} \u00b1 {self.silhouette_sd:.3f}, z = {self.z:+.1f} "
                     f"\u00b1 {self.z_sd:.1f}, percentile {self.percentile:.0f}")
        else:
            stands = (f"what could stand in its place (among its {len(st['candidates'])} nearest words) differs between "
                      f"the two halves of its occurrences by {st['divergence']:.3f} nats (Jensen-Shannon) against a median "
                      f"of {sb['median']:.3f} (scale {sb['scale']:.3f}) for {words}: z = {st['z']:+.1f}, percentile "
                      f"{st['percentile']:.0f}")
            shape = (f"the clusters' silhouette {self.silhouette:.3f} against a median of {base['median']:.3f} (scale "
                     f"{base['scale']:.3f}): z = {self.z:+.1f}, percentile {self.percentile:.0f}")
        if not self.blended:
            found = f"{stands}: several senses, set apart from such words (z at least {SPLIT_Z:g})"
        elif st["percentile"] >= UNCLEAR_PERCENTILE:
            found = (f"{stands}: more than most such words' but not set apart from them (z below {SPLIT_Z:g}): "
                     "senses or only topics, the data cannot tell; read the clusters")
        else:
            found = (f"{stands}: no more than such words' (z below {SPLIT_Z:g}): one blended meaning, as far as its "
                     "nearest words tell (a sense too rare to pull its vector has no stand-in among them)")
        return f"{found}. {len(self.senses)} clusters shown; {shape}"

    def to_dict(self) -> dict:
        return {"word": self.word, "occurrences": self.occurrences, "space": self.space,
                "silhouette": self.silhouette, "baseline": self.baseline, "z": self.z,
                "percentile": self.percentile, "blended": self.blended,
                "senses": [vars(s).copy() for s in self.senses], "runs": list(self.runs), "z_sd": self.z_sd,
                "silhouettes": list(self.silhouettes), "silhouette_sd": self.silhouette_sd,
                "corpus_read": self.reading.to_dict(), "stand_ins": dict(self.stand_ins)}


@dataclass
class _Reservoir:
    """Up to `size` occurrences of one word drawn uniformly from all seen so far: their context
    words (-1: none) and the weights training gives them. Its buffers grow with the occurrences
    found, never beyond them (nor `size`)."""

    size: int
    window: int
    seen: int = 0

    def __post_init__(self):
        self.contexts = np.full((0, 2 * self.window), -1, np.int64)
        self.weights = np.zeros((0, 2 * self.window))
        self.lines: list[str] = []

    def _grow(self, n: int) -> None:
        """Room for the first `n` slots (doubling, at most `size`)."""
        have = len(self.contexts)
        if n <= have:
            return
        rows = min(self.size, max(n, 2 * have, 64)) - have
        check_available(rows * 8 * 4 * self.window,
                        f"senses --max {self.size:,}: {have + rows:,} occurrences kept")
        self.contexts = np.concatenate([self.contexts, np.full((rows, 2 * self.window), -1, np.int64)])
        self.weights = np.concatenate([self.weights, np.zeros((rows, 2 * self.window))])
        self.lines += [""] * rows

    def draw(self, rng: np.random.Generator, m: int) -> tuple[np.ndarray, np.ndarray]:
        """Of the next `m` occurrences, which to keep (indices) and their slots (Algorithm R)."""
        order = self.seen + np.arange(m)
        slots = np.where(order < self.size, order, np.floor(rng.random(m) * (order + 1)).astype(np.int64))
        self.seen += m
        self._grow(len(self))
        keep = np.flatnonzero(slots < self.size)
        # a slot taken twice in one block keeps the later occurrence
        last = len(keep) - 1 - np.unique(slots[keep][::-1], return_index=True)[1]
        return keep[last], slots[keep][last]

    def vectors(self, space: np.ndarray, limit: int | None = None) -> np.ndarray:
        """The first `limit` (default all) occurrences' weighted means of their context words' rows
        of `space`, float64 (the first slots of a reservoir are a uniform sample too), each shrunk
        toward the mean of all as if it held the median occurrence's weight more of it: a window of
        only a few subsampled-away words tells little, and is not set apart for it."""
        n = min(len(self), limit or len(self))
        ctx, w = self.contexts[:n], self.weights[:n]
        summed = np.einsum("ak,akd->ad", w, space[np.maximum(ctx, 0)].astype(np.float64))
        total = w.sum(axis=1, keepdims=True)
        mean = summed.sum(axis=0) / max(total.sum(), 1e-12)
        prior = float(np.median(total)) * SHRINK
        return (summed + prior * mean) / np.maximum(total + prior, 1e-12)

    def __len__(self) -> int:
        return min(self.seen, self.size)


def context_space(model: Model) -> tuple[str, np.ndarray, np.ndarray]:
    """(name, space, metric): the rows contexts are built from (output vectors, or input
    vectors where the outputs are tree nodes) already multiplied by `metric`, the square root of
    the covariance of the frequent words' centred input vectors. The model scores a context c for
    a word v by v . c, so contexts differ as much as they would change the words that fit them:
    directions no word's input vector uses count for nothing."""
    if model.params.negative > 0 and len(model.syn1neg):
        name, rows = "output", model.syn1neg
    elif model.params.softmax and len(model.syn1soft):
        name, rows = "output", model.syn1soft.reshape(-1, model.dim)
    else:
        name, rows = "input", model.vectors
    scorers = model.vectors[:NEAREST_POOL].astype(np.float64)
    scorers = scorers - scorers.mean(axis=0)
    eigenvalues, basis = np.linalg.eigh(scorers.T @ scorers / max(len(scorers), 1))
    metric = basis * np.sqrt(np.maximum(eigenvalues, 0))
    return name, rows.astype(np.float64) @ metric, metric


def similar_frequency(model: Model, row: int, n: int = BASELINE_WORDS) -> list[int]:
    """Rows of the `n` words nearest `row` in frequency rank (other than it)."""
    lo = max(0, min(row - n // 2, len(model.vocab) - n - 1))
    return [r for r in range(lo, min(lo + n + 1, len(model.vocab))) if r != row][:n]


def sample_occurrences(model: Model, paths, rows: list[int], max_occurrences: int = DEFAULT_MAX,
                       seed: int = 0, text_for: int | None = None, task: Task | None = None,
                       window: int = WINDOW, reading: stream.Reading | None = None) -> dict[int, _Reservoir]:
    """For each of `rows`, up to `max_occurrences` occurrences sampled evenly over the corpus
    (a corpus over `stream.LENS_BUDGET`: over stretches spread evenly through it; `reading` says
    how much was read), with their context words and weights (occurrences without a context word
    in the window are left out); for `text_for` also the text around each. The context: the words
    within `window` of it on its line, each weighted by its subsampling keep-probability."""
    keep = keep_probabilities(model.vocab.counts, model.params.sample)
    rng = np.random.default_rng(seed)
    pools = {r: _Reservoir(max_occurrences, window) for r in rows}
    wanted = np.zeros(len(model.vocab) + 1, bool)  # the last (False) entry is read for LINE_END (-1)
    wanted[rows] = True
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    word = model.vocab.words[text_for] if text_for is not None else ""
    for block in stream.blocks(paths, model.vocab.index, model.params.lowercase, task, model.phrases,
                               stream.LENS_BUDGET, reading):
        ids = block.ids[block.ids != stream.UNKNOWN]  # as in training: unknown words never count
        at = np.flatnonzero(wanted[ids])
        if not len(at):
            continue
        lo, hi = stream.window_bounds(ids, at, window)
        has_context = hi - lo > 1
        at, lo, hi = at[has_context], lo[has_context], hi[has_context]
        lines = None
        for r in np.unique(ids[at]).tolist():
            mine = np.flatnonzero(ids[at] == r)
            chosen, slots = pools[r].draw(rng, len(mine))
            if not len(chosen):
                continue
            p = at[mine[chosen]]
            pos = p[:, None] + offsets
            inside = (pos >= lo[mine[chosen], None]) & (pos < hi[mine[chosen], None])
            ctx = np.where(inside, ids[np.clip(pos, 0, len(ids) - 1)], -1)
            pools[r].contexts[slots] = ctx
            # the word itself in its own window tells nothing of its sense
            pools[r].weights[slots] = np.where(inside & (ctx != r), keep[np.maximum(ctx, 0)], 0.0)
            if r == text_for:
                lines = block.lines() if lines is None else lines
                for slot, line, nth in zip(slots.tolist(), stream.line_numbers(ids, p).tolist(),
                                           stream.nth_on_line(ids, p).tolist()):
                    pools[r].lines[slot] = stream.around(lines[line], word, nth, lowercase=model.params.lowercase)
    return pools


def kmeans(x: np.ndarray, k: int, seed: int, n_init: int = 4, iterations: int = 100) -> np.ndarray:
    """Labels of Lloyd's k-means on the rows of `x` (k-means++ starts, the lowest inertia of
    `n_init`)."""
    rng = np.random.default_rng(seed)
    squared = (x * x).sum(axis=1)
    best, best_inertia = None, np.inf
    for _ in range(n_init):
        centres = [x[rng.integers(len(x))]]
        for _ in range(1, k):
            d = np.min(squared[:, None] - 2 * x @ np.array(centres).T + (np.array(centres) ** 2).sum(axis=1), axis=1)
            d = np.maximum(d, 0)
            centres.append(x[rng.choice(len(x), p=d / d.sum())] if d.sum() > 0 else x[rng.integers(len(x))])
        centres = np.array(centres)
        labels = None
        for _ in range(iterations):
            d = squared[:, None] - 2 * x @ centres.T + (centres ** 2).sum(axis=1)
            new = d.argmin(axis=1)
            if labels is not None and np.array_equal(new, labels):
                break
            labels = new
            for c in range(k):
                if np.any(labels == c):
                    centres[c] = x[labels == c].mean(axis=0)
        inertia = float(np.maximum(d[np.arange(len(x)), labels], 0).sum())
        if inertia < best_inertia:
            best, best_inertia = labels, inertia
    return best


def silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    """The mean silhouette of the rows of `x` (Euclidean; 0 for a row alone in its cluster)."""
    squared = (x * x).sum(axis=1)
    dist = np.sqrt(np.maximum(squared[:, None] - 2 * x @ x.T + squared[None, :], 0))
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return 0.0
    sums = np.stack([dist[:, labels == c].sum(axis=1) for c in clusters], axis=1)
    sizes = np.array([np.count_nonzero(labels == c) for c in clusters], np.float64)
    own = np.searchsorted(clusters, labels)
    a = sums[np.arange(len(x)), own] / np.maximum(sizes[own] - 1, 1)
    others = sums / sizes
    others[np.arange(len(x)), own] = np.inf
    b = others.min(axis=1)
    s = np.where(sizes[own] > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-300), 0.0)
    return float(s.mean())


def cluster(x: np.ndarray, k: int | None, seed: int) -> tuple[int, np.ndarray, float]:
    """(k, labels, silhouette) of k-means on the centred rows of `x` (k: given, or the best
    silhouette of K_CHOICES among those whose clusters all hold at least LINES rows)."""
    x = x - x.mean(axis=0)
    best = None
    distinct = len(np.unique(x, axis=0))
    for choice in (k,) if k else K_CHOICES:
        if choice >= distinct:
            continue
        labels = kmeans(x, choice, seed)
        sizes = np.bincount(labels, minlength=choice)
        if not k and sizes.min() < LINES:
            continue
        score = silhouette(x, labels)
        if best is None or score > best[2]:
            best = (choice, labels, score)
    if best is None:
        raise W2VError(f"{len(x)} occurrences in {distinct} distinct contexts are too few to split into "
                       f"{k or min(K_CHOICES)} senses")
    return best


def robust_spread(baseline: np.ndarray) -> tuple[float, float]:
    """(median, scale) of `baseline`: the scale is 1.4826 times the median absolute deviation (the
    sd, for normal data), or the sd where that is 0. A few words of the baseline may have senses of
    their own (or be function words of every topic); they must not widen the yardstick."""
    centre = float(np.median(baseline))
    scale = 1.4826 * float(np.median(np.abs(baseline - centre)))
    return centre, scale if scale > 0 else float(baseline.std())


def standing(value: float, baseline: np.ndarray) -> tuple[float, float]:
    """(z, percentile) of `value` among `baseline` (z: from the median in `robust_spread`'s scale;
    percentile: the share below, ties half)."""
    if not len(baseline):
        return 0.0, 50.0
    centre, scale = robust_spread(baseline)
    z = (value - centre) / scale if scale > 0 else 0.0
    below = np.count_nonzero(baseline < value) + 0.5 * np.count_nonzero(baseline == value)
    return float(z), float(100 * below / len(baseline))


@dataclass
class _Measured:
    """The word's clusters in one run, and where their silhouette stands among the baseline's."""

    row: int
    pool: _Reservoir
    name: str
    space: np.ndarray
    metric: np.ndarray
    x: np.ndarray
    unwhitened: np.ndarray  # the occurrences through the scoring metric, before the whitening
    k: int
    labels: np.ndarray
    silhouette: float
    scores: list  # (word, silhouette) of the baseline words
    z: float
    percentile: float
    candidates: np.ndarray  # the word's stand-ins (rows)
    fits: np.ndarray  # (occurrences, candidates): each occurrence's distribution over them
    divergence: float  # of the stand-ins between the two halves
    divergences: list  # the baseline words'
    divergence_z: float
    divergence_percentile: float


def senses(models: Model | Sequence[Model], paths, word: str, max_occurrences: int = DEFAULT_MAX,
           k: int | None = None, seed: int = 0, task: Task | None = None) -> Senses:
    """The senses of `word` in the corpus files `paths` (see the module's description); `models`:
    one model, or an ensemble's runs (the verdict in each, the senses of the first)."""
    runs = [models] if isinstance(models, Model) else list(models)
    if k is not None and k < 2:
        raise W2VError("k must be at least 2")
    for run in runs:  # contexts and stand-ins are scored by the output weights
        require_output(run, "the model")
    task = task or Task.none()
    sampled: list[tuple[Model, dict]] = []  # each distinct sampling and its pools
    measured, reading = [], stream.Reading()
    for i, run in enumerate(runs):
        part = task.part(i / len(runs), (i + 1) / len(runs))
        rows = _rows(run, word)
        pools = next((p for m, p in sampled if _samples_alike(m, run)), None)
        if pools is None:
            pools = sample_occurrences(run, paths, rows, max_occurrences, seed, rows[0], part.part(0.0, 0.7),
                                       reading=reading)
            sampled.append((run, pools))
        measured.append(_measure(run, pools, rows[0], word, k, seed, part.part(0.7, 1.0)))
    spread = over_runs(measured, lambda m: [m.silhouette, m.z, m.percentile])
    silhouette, z, percentile = (float(v) for v in spread.mean)
    first, model = measured[0], runs[0]
    kv = model.keyed_vectors()
    row, pool, x, k, labels, space = first.row, first.pool, first.x, first.k, first.labels, first.space
    n = len(x)
    base = np.array([s for _, s in first.scores])
    mean, sd = (float(base.mean()), float(base.std())) if len(base) else (0.0, 0.0)
    median, scale = robust_spread(base) if len(base) else (0.0, 0.0)
    verdict = _stand_ins(measured, kv)
    blended = verdict["z"] < SPLIT_Z
    contexts = pool.contexts[:n]
    background = np.bincount(contexts[contexts >= 0], minlength=len(kv)).astype(np.float64)
    centred = x - x.mean(axis=0)
    named = space[:min(NEAREST_POOL, len(space))]
    own = kv.vectors[row].astype(np.float64)
    found = [_sense(kv, row, x, centred, pool, labels == c, named, background, own, first.unwhitened,
                    first.candidates, first.fits) for c in range(k)]
    order = np.argsort([-s.share for s in found], kind="stable")
    relabel = np.empty(k, np.int64)
    relabel[order] = np.arange(k)
    points, word_point = _map(centred, x.mean(axis=0), own @ first.metric)
    return Senses(word, n, first.name, silhouette, {"mean": mean, "sd": sd, "median": median, "scale": scale,
                                                            "words": [w for w, _ in first.scores]},
                  z, percentile, blended, [found[i] for i in order], points, relabel[labels], word_point,
                  pool.lines[:n], [m.z for m in measured], [m.silhouette for m in measured], reading, verdict)


def _stand_ins(measured: list[_Measured], kv) -> dict:
    """The verdict's record: the stand-ins' divergence, its standing (means over the runs), the
    first run's baseline and candidates, each run's z."""
    spread = over_runs(measured, lambda m: [m.divergence, m.divergence_z, m.divergence_percentile])
    divergence, z, percentile = (float(v) for v in spread.mean)
    base = np.array(measured[0].divergences)
    mean, sd = (float(base.mean()), float(base.std())) if len(base) else (0.0, 0.0)
    median, scale = robust_spread(base) if len(base) else (0.0, 0.0)
    runs = [m.divergence_z for m in measured]
    return {"divergence": divergence, "z": z, "percentile": percentile,
            "baseline": {"mean": mean, "sd": sd, "median": median, "scale": scale},
            "candidates": [kv.words[r] for r in measured[0].candidates.tolist()], "runs": runs,
            "z_sd": float(over_runs(runs, float).sd)}


def _rows(model: Model, word: str) -> list[int]:
    """The word's row and those of the words of similar frequency it is measured against."""
    row = model.keyed_vectors().index(word)
    return [row] + similar_frequency(model, row)


def _samples_alike(a: Model, b: Model) -> bool:
    """Whether occurrences sampled for `a` serve `b` too: one vocabulary, counts and reading of the corpus."""
    def settings(m: Model):
        p = m.params
        return (p.sample, p.lowercase, None if m.phrases is None else m.phrases.phrases)

    return (a is b or a.vocab.words == b.vocab.words and np.array_equal(a.vocab.counts, b.vocab.counts)
            and settings(a) == settings(b))


def _measure(model: Model, pools: dict, row: int, word: str, k: int | None, seed: int, task: Task) -> _Measured:
    """The clusters of `word` (row `row`) in `model`'s whitened context space, and where their
    silhouette stands among the baseline words'."""
    pool = pools[row]
    n = len(pool)
    if n < 2 * (k or min(K_CHOICES)):
        raise W2VError(f'"{word}" occurs too rarely in the corpus ({n} times with context) to split')
    name, space, metric = context_space(model)
    enough = min(n, 2 * LINES * min(K_CHOICES))  # as many occurrences as the word's: the statistics depend on it
    others = [(r, p.vectors(space, n)) for r, p in pools.items() if r != row and len(p) >= enough]
    white = within_word_whitening([v for _, v in others], space.shape[1])
    unwhitened = pool.vectors(space)
    space, metric = space @ white, metric @ white
    x = pool.vectors(space)
    k, labels, silhouette = cluster(x, k, seed)
    kv = model.keyed_vectors()
    candidates, fits = stand_ins.of_occurrences(model, kv, row, pool.contexts[:n], pool.weights[:n], NEAREST_POOL)
    divergence = stand_ins.divergence(fits, labels if k == 2 else halves(x, seed))
    scores, divergences = [], []
    for i, (r, v) in enumerate(others):
        task.check("senses cancelled")
        task.progress(i / max(len(others), 1), "clustering words of similar frequency")
        whitened = v @ white
        try:
            scores.append((model.vocab.words[r], cluster(whitened, None, seed)[2]))
        except W2VError:
            continue
        m = len(v)
        fitted = stand_ins.of_occurrences(model, kv, r, pools[r].contexts[:m], pools[r].weights[:m], NEAREST_POOL)[1]
        divergences.append(stand_ins.divergence(fitted, halves(whitened, seed)))
    z, percentile = standing(silhouette, np.array([s for _, s in scores]))
    dz, dpercentile = standing(divergence, np.array(divergences))
    return _Measured(row, pool, name, space, metric, x, unwhitened, k, labels, silhouette, scores, z, percentile,
                     candidates, fits, divergence, divergences, dz, dpercentile)


def halves(x: np.ndarray, seed: int) -> np.ndarray:
    """The labels (0, 1) of the best split of the rows of `x` in two (k-means on the centred rows)."""
    return kmeans(x - x.mean(axis=0), 2, seed)


def within_word_whitening(groups: list[np.ndarray], dim: int) -> np.ndarray:
    """The (dim, dim) map that whitens the pooled covariance of `groups` (each centred on its own
    mean), its eigenvalues ridged by RIDGE times their mean: directions along which every word's
    contexts vary shrink, the rest keep their scale. The identity without groups."""
    if not groups:
        return np.eye(dim)
    pooled = np.vstack([g - g.mean(axis=0) for g in groups])
    eigenvalues, basis = np.linalg.eigh(pooled.T @ pooled / len(pooled))
    eigenvalues = np.maximum(eigenvalues, 0)
    ridge = RIDGE * float(eigenvalues.mean())
    if ridge <= 0:
        return np.eye(dim)
    return basis / np.sqrt(eigenvalues + ridge)


def _map(centred: np.ndarray, mean: np.ndarray, own: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The occurrences' first two principal components, and the word's own vector on them, scaled
    to the mean context's norm (a word's vector is trained to point where its contexts add up)."""
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    basis = vt[:2] if len(vt) >= 2 else np.vstack([vt, np.zeros((2 - len(vt), centred.shape[1]))])
    norm = np.linalg.norm(own)
    placed = own * (np.linalg.norm(mean) / norm if norm > 0 else 0.0)
    return centred @ basis.T, (placed - mean) @ basis.T


def _sense(kv, row: int, x: np.ndarray, centred: np.ndarray, pool: _Reservoir, member: np.ndarray,
           named: np.ndarray, background: np.ndarray, own: np.ndarray, unwhitened: np.ndarray,
           stand_in_rows: np.ndarray, fits: np.ndarray) -> Sense:
    """A sense: its members among the `x` rows; named by the frequent words whose own rows of the
    context space (`named`: the first NEAREST_POOL rows, the space the occurrences were clustered
    in) lie nearest its centroid, both seen from the mean of all the word's occurrences: the words
    that, as a lone context, would pull an occurrence furthest toward this sense; and by the
    context words of highest lift against the `background` counts. Its cosine with the word: of
    the word's input vector `own` and the sense's mean context seen through the scoring metric,
    before the whitening (`unwhitened`: the occurrences there). Its stand-ins: of `stand_in_rows`
    more likely than uniform in it (`fits`: each occurrence's distribution over them), those of
    highest lift against all the occurrences."""
    n = len(x)
    uncentred = unwhitened[member].mean(axis=0)
    direction = centred[member].mean(axis=0)
    offsets = named - x.mean(axis=0)
    cos = offsets @ (direction / max(np.linalg.norm(direction), 1e-12))
    cos /= np.maximum(np.linalg.norm(offsets, axis=1), 1e-12)
    if row < len(cos):
        cos[row] = -np.inf
    nearest = [kv.words[i] for i in np.argsort(-cos, kind="stable")[:NAMES].tolist()]
    mine = pool.contexts[:n][member]
    here = np.bincount(mine[mine >= 0], minlength=len(kv)).astype(np.float64)
    lift = np.divide(here / max(here.sum(), 1), background / max(background.sum(), 1),
                     out=np.zeros(len(kv)), where=(here >= MIN_SUPPORT) & (background > 0))
    lift[row] = 0  # the word itself near itself names nothing
    candidates = np.flatnonzero(lift > 1)
    distinctive = [kv.words[i] for i in candidates[np.lexsort((-here[candidates], -lift[candidates]))][:NAMES]]
    sense_centre = centred[member].mean(axis=0)
    typical = np.flatnonzero(member)[np.argsort(np.linalg.norm(centred[member] - sense_centre, axis=1),
                                                kind="stable")][:LINES]
    denom = np.linalg.norm(own) * np.linalg.norm(uncentred)
    here, overall = fits[member].mean(axis=0), fits.mean(axis=0)
    likely = np.flatnonzero(here >= 1 / max(len(stand_in_rows), 1))
    ranked = likely[np.argsort(-(here[likely] / overall[likely]), kind="stable")][:NAMES]
    return Sense(float(member.sum() / n), nearest, distinctive, [pool.lines[i] for i in typical.tolist()],
                 float(own @ uncentred / denom) if denom > 0 else 0.0, [kv.words[stand_in_rows[i]] for i in ranked.tolist()])

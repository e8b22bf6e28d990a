"""Word senses: one static vector for many meanings, split by the contexts the word occurs in.

One streamed pass over the corpus samples up to `max_occurrences` occurrences of the word evenly
(seeded reservoir sampling, so not the first ones), and as many of about 20 words of similar
frequency for a baseline. Each occurrence is the mean of the input vectors of its window's words,
each weighted by its subsampling keep-probability (the trainer's formula; words out of the
vocabulary are dropped first, as in training). The occurrences are centred and clustered by
k-means (k: the caller's, or the best silhouette among 2-5). Per sense: its share, the frequent
words nearest its centred centroid, the context words most over-represented in it (lift), a few
of its lines, and the cosine of the word's own vector with its uncentred centroid.

A word of one topic spread wide also splits, so the silhouette is shown against the baseline
words' (the same statistic); the word reads as "one blended meaning" unless its silhouette is
above `BLEND_RATIO` times the baseline mean and `BLEND_SDS` standard deviations above it. The
ratio was chosen on generated corpora (tests/core/test_lenses_senses.py: a word planted in two
topics 1.7-1.9 times the baseline, in one topic at most 1.26); the deviations keep a word of a
noisy baseline from splitting (wiki17m: "mercury", element and space programme, 1.8 sd above;
bank, january, piano, football, chemistry at most 1 sd).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from w2vstudio.core.support.memory import check_available

from w2vstudio.core.errors import W2VError
from w2vstudio.core.corpus import stream
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.sampling import keep_probabilities

DEFAULT_MAX = 500
K_CHOICES = (2, 3, 4, 5)
BASELINE_WORDS = 20
NEAREST_POOL = 20_000  # senses are named by the most frequent words
NAMES = 10  # words per sense in `nearest` and `distinctive`
LINES = 5
MIN_SUPPORT = 3  # a context word's occurrences in a sense before its lift counts
BLEND_RATIO = 1.5
BLEND_SDS = 1.5


@dataclass(frozen=True)
class Sense:
    share: float
    nearest: list[str]
    distinctive: list[str]
    lines: list[str]
    cosine_with_word: float


@dataclass(frozen=True)
class Senses:
    word: str
    occurrences: int  # sampled and clustered
    silhouette: float
    baseline: dict  # {"mean", "sd", "words"}: the silhouettes of words of similar frequency
    blended: bool  # True: the split is not clearer than words of similar frequency usually give
    senses: list[Sense]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Reservoir:
    """Up to `size` occurrences of one word drawn uniformly from all seen so far; its buffers
    grow with the occurrences found, never beyond them (nor `size`)."""

    size: int
    dim: int
    window: int
    seen: int = 0

    def __post_init__(self):
        self.vectors = np.zeros((0, self.dim))
        self.contexts = np.full((0, 2 * self.window), -1, np.int64)
        self.lines: list[str] = []

    def _grow(self, n: int) -> None:
        """Room for the first `n` slots (doubling, at most `size`)."""
        have = len(self.vectors)
        if n <= have:
            return
        rows = min(self.size, max(n, 2 * have, 64)) - have
        check_available(rows * 8 * (self.dim + 2 * self.window),
                        f"senses --max {self.size:,}: {have + rows:,} occurrences kept")
        self.vectors = np.concatenate([self.vectors, np.zeros((rows, self.dim))])
        self.contexts = np.concatenate([self.contexts, np.full((rows, 2 * self.window), -1, np.int64)])
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

    def __len__(self) -> int:
        return min(self.seen, self.size)


def similar_frequency(model: Model, row: int, n: int = BASELINE_WORDS) -> list[int]:
    """Rows of the `n` words nearest `row` in frequency rank (other than it)."""
    lo = max(0, min(row - n // 2, len(model.vocab) - n - 1))
    return [r for r in range(lo, min(lo + n + 1, len(model.vocab))) if r != row][:n]


def sample_occurrences(model: Model, paths, rows: list[int], max_occurrences: int = DEFAULT_MAX,
                       seed: int = 0, text_for: int | None = None,
                       task: Task | None = None) -> dict[int, _Reservoir]:
    """For each of `rows`, up to `max_occurrences` context vectors sampled evenly over the corpus
    (occurrences without a context word in the window are left out); for `text_for` also the
    context word rows and the text around each."""
    window, dim = model.params.window, model.dim
    keep = keep_probabilities(model.vocab.counts, model.params.sample)
    vectors = model.vectors
    rng = np.random.default_rng(seed)
    pools = {r: _Reservoir(max_occurrences, dim, window) for r in rows}
    wanted = np.zeros(len(model.vocab) + 1, bool)  # the last (False) entry is read for LINE_END (-1)
    wanted[rows] = True
    offsets = np.concatenate([np.arange(-window, 0), np.arange(1, window + 1)])
    word = model.vocab.words[text_for] if text_for is not None else ""
    for block in stream.blocks(paths, model.vocab.index, model.params.lowercase, task, model.phrases):
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
            weights = np.where(inside, keep[np.maximum(ctx, 0)], 0.0)
            pools[r].vectors[slots] = np.einsum("ak,akd->ad", weights, vectors[np.maximum(ctx, 0)]) \
                / weights.sum(axis=1, keepdims=True)
            if r == text_for:
                pools[r].contexts[slots] = ctx
                lines = block.lines() if lines is None else lines
                for slot, line, nth in zip(slots.tolist(), stream.line_numbers(ids, p).tolist(),
                                           stream.nth_on_line(ids, p).tolist()):
                    pools[r].lines[slot] = stream.around(lines[line], word, nth, lowercase=model.params.lowercase)
    return pools


def _cluster(x: np.ndarray, k: int | None, seed: int) -> tuple[int, np.ndarray, float]:
    """(k, labels, silhouette) of k-means on the rows of `x` (k: given, or the best of K_CHOICES)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    best = None
    distinct = len(np.unique(x, axis=0))  # k-means warns (not thread-safe to silence) for more clusters
    for choice in (k,) if k else K_CHOICES:
        if choice >= distinct:
            continue
        labels = KMeans(choice, n_init=4, random_state=seed).fit_predict(x)
        score = float(silhouette_score(x, labels)) if len(np.unique(labels)) > 1 else 0.0
        if best is None or score > best[2]:
            best = (choice, labels, score)
    if best is None:
        raise W2VError(f"{len(x)} occurrences in {distinct} distinct contexts are too few to split into "
                       f"{k or min(K_CHOICES)} senses")
    return best


def _silhouette(pool: _Reservoir, k: int, seed: int) -> float | None:
    """A baseline word's silhouette at `k` senses (None if its contexts are too few to split)."""
    x = pool.vectors[:len(pool)]
    try:
        return _cluster(x - x.mean(axis=0), k, seed)[2]
    except W2VError:
        return None


def senses(model: Model, paths, word: str, max_occurrences: int = DEFAULT_MAX, k: int | None = None,
           seed: int = 0, task: Task | None = None) -> Senses:
    """The senses of `word` in the corpus files `paths` (see the module's description)."""
    kv = model.keyed_vectors()
    row = kv.index(word)
    if k is not None and k < 2:
        raise W2VError("k must be at least 2")
    others = similar_frequency(model, row)
    pools = sample_occurrences(model, paths, [row] + others, max_occurrences, seed, row, task)
    pool = pools[row]
    n = len(pool)
    if n < 2 * (k or min(K_CHOICES)):
        raise W2VError(f'"{word}" occurs too rarely in the corpus ({n} times with context) to split')
    x = pool.vectors[:n]
    centred = x - x.mean(axis=0)
    given = k
    k, labels, silhouette = _cluster(centred, k, seed)
    scores = [(kv.words[r], _silhouette(p, k, seed)) for r, p in pools.items() if r != row and len(p) > 2 * k]
    scores = [(w, s) for w, s in scores if s is not None]
    base = np.array([s for _, s in scores])
    mean, sd = (float(base.mean()), float(base.std())) if len(base) else (0.0, 0.0)
    blended = not (silhouette > BLEND_RATIO * mean and silhouette > mean + BLEND_SDS * sd)
    if blended and given is None:
        everything = np.ones(n, bool)
        found = [_sense(kv, row, x, pool, everything, kv.vectors[row], model.vocab.counts.astype(np.float64))]
    else:
        contexts = pool.contexts[:n]
        background = np.bincount(contexts[contexts >= 0], minlength=len(kv)).astype(np.float64)
        found = sorted((_sense(kv, row, x, pool, labels == c, centred[labels == c].mean(axis=0), background)
                        for c in range(k)), key=lambda s: -s.share)
    return Senses(word, n, silhouette, {"mean": mean, "sd": sd, "words": [w for w, _ in scores]}, blended,
                  found)


def _sense(kv, row: int, x: np.ndarray, pool: _Reservoir, member: np.ndarray, direction: np.ndarray,
           background: np.ndarray) -> Sense:
    """A sense: its members among the `x` rows; named by the frequent words nearest `direction`
    and by the context words of highest lift against the `background` counts."""
    n = len(x)
    nearest = [w for w, _ in kv.most_similar(positive=[direction], topn=NAMES + 1, restrict_vocab=NEAREST_POOL)
               if w != kv.words[row]][:NAMES]
    mine = pool.contexts[:n][member]
    here = np.bincount(mine[mine >= 0], minlength=len(kv)).astype(np.float64)
    lift = np.divide(here / max(here.sum(), 1), background / max(background.sum(), 1),
                     out=np.zeros(len(kv)), where=(here >= MIN_SUPPORT) & (background > 0))
    lift[row] = 0  # the word itself near itself names nothing
    candidates = np.flatnonzero(lift > 1)
    distinctive = [kv.words[i] for i in candidates[np.lexsort((-here[candidates], -lift[candidates]))][:NAMES]]
    uncentred = x[member].mean(axis=0)
    typical = np.flatnonzero(member)[np.argsort(np.linalg.norm(x[member] - uncentred, axis=1))][:LINES]
    own = kv.vectors[row].astype(np.float64)
    denom = np.linalg.norm(own) * np.linalg.norm(uncentred)
    return Sense(float(member.sum() / n), nearest, distinctive, [pool.lines[i] for i in typical.tolist()],
                 float(own @ uncentred / denom) if denom > 0 else 0.0)

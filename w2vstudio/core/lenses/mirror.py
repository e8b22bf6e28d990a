"""The mirror: a word's contexts in the corpus beside the model's p(context | word).

One streamed pass over the corpus counts the words around each occurrence of the word as training
weighs them: out-of-vocabulary words dropped first, a context at distance d of a window w seen
with probability (w − d + 1)/w (the reduced window; 1 with a fixed window), times the keep
probabilities of subsampling (the trainer's formula) of both words. `corpus_p` is each context's
share of that weight. (Subsampling also brings far words closer, which the distances here ignore.)
Beside it the model's p(context | word) for its own objective (`inside.likelihood`), its rank among
all words, Spearman's ρ over the top contexts and the pairs that leapfrog: ordered one way by the
corpus and the other by the model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from w2vstudio.core.corpus import stream
from w2vstudio.core.errors import UnknownWordError, W2VError
from w2vstudio.core.inside.likelihood import input_vector, log_probs, output_scores
from w2vstudio.core.inside.tables import objective, require_output
from w2vstudio.core.support.task import Task
from w2vstudio.core.train.model import Model
from w2vstudio.core.train.sampling import keep_probabilities

DEFAULT_TOP = 20
DEFAULT_MAX = 200_000  # occurrences of the word counted before reading stops


@dataclass(frozen=True)
class Context:
    word: str
    corpus_p: float  # share of the word's weighted co-occurrences
    model_p: float  # p(context | word) by the model's objective
    corpus_rank: int  # 1 = the most frequent context
    model_rank: int  # 1 = the most likely of all V words


@dataclass(frozen=True)
class Leapfrog:
    corpus_first: str  # ranked above `model_first` by the corpus ...
    model_first: str  # ... and below it by the model
    corpus_ranks: list  # [corpus_first's, model_first's]
    model_ranks: list


@dataclass(frozen=True)
class Mirror:
    word: str
    objective: str
    occurrences: int  # of the word, counted
    capped: bool  # reading stopped at the cap before the corpus ended
    subsampling: bool
    contexts: list[Context]  # by corpus rank
    spearman: float | None  # over `contexts`; None with fewer than two
    leapfrogs: list[Leapfrog]
    pairs: int  # pairs of contexts compared
    reading: stream.Reading = field(default_factory=stream.Reading)  # how much of the corpus was read

    def to_dict(self) -> dict:
        out = asdict(self)
        out["corpus_read"] = self.reading.to_dict()
        del out["reading"]
        return out


def weights(window: int, shrink: bool) -> np.ndarray:
    """The probability that a context at distance d (index d − 1) is inside a reduced window."""
    d = np.arange(1, window + 1, dtype=np.float64)
    return (window - d + 1) / window if shrink else np.ones(window)


def corpus_weights(model: Model, paths, row: int, subsampling: bool = True, max_occurrences: int = DEFAULT_MAX,
                   task: Task | None = None, reading: stream.Reading | None = None) -> tuple[np.ndarray, int, bool]:
    """(each vocabulary word's weighted co-occurrence with `row` (float64, V), occurrences of `row`
    counted, whether the cap stopped the reading). A corpus over `stream.LENS_BUDGET` is read in
    stretches spread evenly through it (`reading` says how much)."""
    p = model.params
    keep = keep_probabilities(model.vocab.counts, p.sample) if subsampling else np.ones(len(model.vocab))
    by_distance = weights(p.window, p.shrink_window)
    total = np.zeros(len(model.vocab))
    seen, capped = 0, False
    for block in stream.blocks(paths, model.vocab.index, p.lowercase, task, model.phrases, stream.LENS_BUDGET,
                               reading):
        if seen >= max_occurrences:
            capped = True
            break
        ids = block.ids[block.ids != stream.UNKNOWN]  # as in training: unknown words never count
        at = np.flatnonzero(ids == row)
        if not len(at):
            continue
        at = at[:max_occurrences - seen]
        seen += len(at)
        lo, hi = stream.window_bounds(ids, at, p.window)
        for d in range(1, p.window + 1):
            for pos, inside in ((at - d, at - d >= lo), (at + d, at + d < hi)):
                ctx = ids[pos[inside]]
                total += np.bincount(ctx, keep[ctx] * by_distance[d - 1], minlength=len(total))
    return total * keep[row], seen, capped


def mirror(model: Model, paths, word: str, top: int = DEFAULT_TOP, subsampling: bool = True,
           max_occurrences: int = DEFAULT_MAX, task: Task | None = None) -> Mirror:
    """The `top` contexts of `word` in the corpus `paths` beside the model's p(context | word)."""
    require_output(model, "the model")
    row = model.vocab.index.get(word.lower() if model.params.lowercase else word)
    if row is None:
        raise UnknownWordError(f'"{word}" is not in the model\'s vocabulary')
    reading = stream.Reading()
    counts, seen, capped = corpus_weights(model, paths, row, subsampling, max_occurrences, task, reading)
    if not seen:
        raise W2VError(f'"{word}" does not occur in the corpus read ({", ".join(map(str, paths))})')
    logp = log_probs(model, output_scores(model, input_vector(model, row)))
    found = np.flatnonzero(counts > 0)
    order = found[np.lexsort((found, -counts[found]))][:max(int(top), 1)]
    share = counts / counts.sum() if counts.sum() > 0 else counts
    words = model.vocab.words
    model_rank = [int(np.count_nonzero(logp > logp[r])) + 1 for r in order.tolist()]
    contexts = [Context(words[r], float(share[r]), float(np.exp(logp[r])), i, m)
                for i, (r, m) in enumerate(zip(order.tolist(), model_rank), 1)]
    return Mirror(words[row], objective(model), seen, capped, subsampling, contexts,
                  spearman(contexts), leapfrogs(contexts), len(contexts) * (len(contexts) - 1) // 2, reading)


def spearman(contexts: list[Context]) -> float | None:
    """Spearman's ρ of corpus_p and model_p over the contexts (ties share their mean rank)."""
    if len(contexts) < 2:
        return None
    from scipy.stats import spearmanr
    rho = spearmanr([c.corpus_p for c in contexts], [c.model_p for c in contexts]).statistic
    return None if not np.isfinite(rho) else float(rho)


def leapfrogs(contexts: list[Context]) -> list[Leapfrog]:
    """Every pair the corpus orders one way and the model the other, the corpus's top pairs first."""
    out = []
    for i, a in enumerate(contexts):
        for b in contexts[i + 1:]:
            if a.corpus_p > b.corpus_p and a.model_p < b.model_p:
                out.append(Leapfrog(a.word, b.word, [a.corpus_rank, b.corpus_rank], [a.model_rank, b.model_rank]))
    out.sort(key=lambda f: (f.corpus_ranks[0] + f.corpus_ranks[1], f.corpus_ranks[0]))
    return out

"""Likelihood probes: p(output | input) of chosen word pairs at every snapshot of a training run.

`LikelihoodProbes` is a training callback placed after the `SnapshotRecorder` in the list: on the
batch report at which the recorder takes a snapshot it computes, over the current weights, each
pair's p as the model's objective defines it (`inside.likelihood`: full softmax, negative
sampling with log Pn, or the Huffman path product), its rank among all words and, for negative
sampling, σ(v·u_o): one matrix-vector product per pair per snapshot, between batches. The values
are stored in `model.extras` (and so in model files and sessions); the pairs in
`model.info["probes"]`. Default pairs: the highest PMI within the window among frequent words.

For a CBOW model each pair is scored as CBOW predicts: the mean p over up to `PROBE_WINDOWS` real
windows of the run's corpus centred on the output that hold the input (`"context": "corpus"`, with
how many windows), never the one-vector figure CBOW was not trained on. With the corpus attached,
each probe also counts the pair's sightings so far in the trainer's corpus order (the times the two
words fell within a window of each other), so a curve can be drawn against them.

For an ensemble, `final_across` gives each pair's p after training in every run (the run's last
probe, as each run records its own) with their mean and sd.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import numpy as np

from w2vstudio.core.explore.agreement import over_runs
from w2vstudio.core.kernels.scoring import cooccurrences, pair_sightings
from w2vstudio.core.errors import FormatError, UnknownWordError
from w2vstudio.core.corpus.windows import windows_of
from w2vstudio.core.inside.likelihood import likelihood, windows_likelihood
from w2vstudio.core.inside.tables import objective
from w2vstudio.core.train.model import Model
from w2vstudio.core.vectors import PHRASE_DELIMITER
from w2vstudio.core.corpus.scan import EncodedCorpus
from w2vstudio.core.train.snapshots import SnapshotRecorder
from w2vstudio.core.train.callbacks import BatchReport, TrainingCallback, TrainResult

DEFAULT_PAIRS = 5
PMI_WORDS = 1_000  # default pairs are drawn from this many most frequent words
PMI_MIN_COUNT = 20  # co-occurrences a pair needs before its PMI counts
PMI_TOKENS = 20_000_000  # default pairs are drawn from the sentences holding this many first words
_WORDS, _P, _RANK, _SIGMOID = "probe_words", "probe_p", "probe_rank", "probe_sigmoid"  # model.extras
_SEEN = "probe_seen"  # model.extras: sightings of each pair so far (NaN: not counted)
PROBE_WINDOWS = 64  # real windows per pair for a CBOW model's probes
INFO = "probes"  # model.info: {"pairs": [[input, output], ...]}


def parse_pair(text: str) -> tuple[str, str]:
    """"INPUT:OUTPUT" as a pair of tokens (ValueError if it is not two); a side of several words is
    their phrase token, as training joins it ("peanut butter:jelly" -> ("peanut_butter", "jelly"))."""
    left, sep, right = text.partition(":")
    if not (sep and left.strip() and right.strip()) or ":" in right:
        raise ValueError(f'expected INPUT:OUTPUT (two words), not "{text}"')
    return PHRASE_DELIMITER.join(left.split()), PHRASE_DELIMITER.join(right.split())


def pmi_pairs(corpus: EncodedCorpus, n: int = DEFAULT_PAIRS, window: int = 5, frequent: int = PMI_WORDS,
              min_count: int = PMI_MIN_COUNT) -> list[tuple[str, str]]:
    """The `n` pairs of the `frequent` most frequent words with the highest pointwise mutual
    information within `window` words (at least `min_count` co-occurrences; each word in one pair
    at most), as input the word that more often comes first ("peanut" → "butter"). One pass of a
    kernel over the corpus's whole sentences holding its first `PMI_TOKENS` words: the pairs of
    frequent words are found long before, and a corpus still arriving from the cache is not waited for."""
    limit = min(frequent, len(corpus.vocab))
    ordered = np.zeros((limit, limit), np.int64)
    offsets = prefix_offsets(corpus, PMI_TOKENS)
    cooccurrences(corpus.tokens, offsets, limit, window, ordered)
    counts = ordered + ordered.T
    np.fill_diagonal(counts, 0)
    margins = counts.sum(axis=1).astype(np.float64)
    total = margins.sum()
    x, y = np.nonzero(np.triu(counts >= min_count))
    if not len(x):
        return []
    pmi = np.log(counts[x, y] * total / (margins[x] * margins[y]))
    pairs, used = [], set()
    for k in np.lexsort((x, -pmi)).tolist():
        a, b = int(x[k]), int(y[k])
        if a not in used and b not in used:
            first, then = (a, b) if ordered[a, b] >= ordered[b, a] else (b, a)
            pairs.append((corpus.vocab.words[first], corpus.vocab.words[then]))
            used.update((a, b))
            if len(pairs) == n:
                break
    return pairs


class LikelihoodProbes(TrainingCallback):
    """p(output | input) of each pair whenever `recorder` takes a snapshot; thread-safe reads."""

    def __init__(self, model: Model, pairs: Sequence[tuple[str, str]], recorder: SnapshotRecorder):
        for word in (w for pair in pairs for w in pair):
            if word not in model.vocab:
                raise UnknownWordError(f'probe word "{word}" is not in the vocabulary')
        self.model, self.recorder = model, recorder
        self.pairs = list(dict.fromkeys((str(a), str(b)) for a, b in pairs))
        self._ids = [(model.vocab.index[a], model.vocab.index[b]) for a, b in self.pairs]
        self._lock = threading.Lock()
        self._words: list[int] = []
        self._rows: list[np.ndarray] = []  # per probe time: (pairs, 3) p, rank, sigmoid
        self._seen = len(recorder)  # snapshots taken before these probes (none of their values)
        self._windows: list[np.ndarray | None] = [None] * len(self._ids)  # CBOW: real contexts per pair
        self._sightings: list[np.ndarray] | None = None  # per pair: corpus positions of its sightings
        self._corpus: EncodedCorpus | None = None
        self._sighted = 0
        self._n_tokens = 0
        self._seen_base = np.zeros(len(self._ids))  # sightings before this run
        self._run_words = 0  # corpus words of the model before this run

    def attach_corpus(self, corpus: EncodedCorpus):
        """Read, from the run's corpus, each pair's sightings and, for a CBOW model, its windows.
        Sightings are counted as far as training has read (`_count_sightings`): tokens still
        arriving from the cache are not waited for."""
        window = self.model.params.window
        self._corpus = corpus
        self._n_tokens = corpus.n_tokens
        history = self.model.loss_history
        self._run_words = int(history[-1, 0]) if len(history) else 0
        self._sightings = [np.zeros(0, np.int64) for _ in self._ids]
        self._sighted = 0  # sentences whose sightings are counted
        if not self.model.params.sg:
            self._windows = [first_windows(corpus, window, i, o, PROBE_WINDOWS) for i, o in self._ids]
            self._windows = [w if len(w) else None for w in self._windows]

    def _count_sightings(self, position: int):
        """Count the sightings of the sentences that begin before `position` (training has read
        that far, so they have arrived: its batches are whole sentences)."""
        corpus = self._corpus
        upto = min(int(np.searchsorted(corpus.offsets, position, side="left")), corpus.n_sentences)
        if upto <= self._sighted:
            return
        offsets = corpus.offsets[self._sighted:upto + 1]
        window = self.model.params.window
        self._sightings = [np.concatenate([pos, sightings(corpus.tokens, offsets, window, i, o)])
                           for pos, (i, o) in zip(self._sightings, self._ids)]
        self._sighted = upto

    def contexts(self) -> list[dict]:
        """Per pair what p is scored on: {"context": "corpus", "windows": n} or {"context": "single"}."""
        return [{"context": "corpus", "windows": len(w)} if w is not None else {"context": "single"}
                for w in self._windows]

    def start(self):
        """Probe the weights as they are before training, unless the recorder's latest snapshot
        (continued training) was probed already."""
        taken = self.recorder.times()["words"]
        with self._lock:
            done = bool(self._words) and len(taken) and self._words[-1] == taken[-1]
        if not done:
            self._take(int(taken[-1]) if len(taken) else 0)

    def on_batch(self, report: BatchReport):
        self.sync()

    def on_end(self, result: TrainResult):
        self.sync()

    def sync(self):
        """Probe now if the recorder took a snapshot since the last probe (the hooks call it
        after the recorder's)."""
        taken = len(self.recorder)
        if taken > self._seen:
            self._seen = taken
            self._take(int(self.recorder.times()["words"][-1]))

    def _take(self, words: int):
        row = np.empty((len(self._ids), 4))
        for k, (i, o) in enumerate(self._ids):
            rows = self._windows[k]
            found = likelihood(self.model, i, o, topn=0) if rows is None else windows_likelihood(self.model, rows, o, 0)
            row[k, :3] = found.p, found.rank, math.nan if found.sigmoid is None else found.sigmoid
            row[k, 3] = self._seen_at(k, words)
        with self._lock:
            self._words.append(words)
            self._rows.append(row)

    def _seen_at(self, k: int, words: int) -> float:
        """The pair's sightings when the model has seen `words` corpus words (the loss axis)."""
        if self._sightings is None or not self._n_tokens:
            return math.nan
        done = max(words - self._run_words, 0)
        laps, rest = divmod(done, self._n_tokens)
        self._count_sightings(self._n_tokens if laps else rest)
        pos = self._sightings[k]
        base = self._seen_base[k]
        return float((0 if math.isnan(base) else base) + laps * len(pos) + np.searchsorted(pos, rest, side="left"))

    def seen(self) -> np.ndarray:
        """(S, pairs) sightings at each probe time (NaN: not counted)."""
        with self._lock:
            rows = list(self._rows)
        return np.stack(rows)[:, :, 3] if rows else np.zeros((0, len(self.pairs)))

    def values(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(words (S,), p (S, pairs), rank (S, pairs; 0: not probed), sigmoid (S, pairs; NaN: not
        negative sampling)); p is NaN where a pair was not probed."""
        with self._lock:
            words, rows = list(self._words), list(self._rows)
        table = np.stack(rows) if rows else np.zeros((0, len(self.pairs), 4))
        rank = np.nan_to_num(table[:, :, 1], nan=0).astype(np.int64)  # 0: not probed
        return np.array(words, np.int64), table[:, :, 0], rank, table[:, :, 2]

    # -- storage in the model ---------------------------------------------------------------------
    def save_into(self, model: Model | None = None):
        model = self.model if model is None else model
        words, p, rank, sigmoid = self.values()
        model.extras.update({_WORDS: words, _P: p, _RANK: rank, _SIGMOID: sigmoid, _SEEN: self.seen()})
        model.info[INFO] = {"pairs": [list(pair) for pair in self.pairs], "contexts": self.contexts()}

    @classmethod
    def resume(cls, model: Model, recorder: SnapshotRecorder,
               pairs: Sequence[tuple[str, str]] = ()) -> LikelihoodProbes | None:
        """Probes that extend the model's stored ones with `pairs` not among them (earlier values
        of new pairs: NaN); None if there are none of either."""
        stored = stored_probes(model)
        known = [tuple(p) for p in stored["pairs"]]
        every = known + [tuple(p) for p in pairs if tuple(p) not in known]
        if not every:
            return None
        probes = cls(model, every, recorder)
        for k, words in enumerate(stored["words"].tolist()):
            row = np.full((len(every), 4), math.nan)
            row[:len(known)] = np.stack([stored["p"][k], stored["rank"][k], stored["sigmoid"][k], stored["seen"][k]],
                                        axis=1)
            probes._seen_base[:len(known)] = stored["seen"][k]
            probes._words.append(int(words))
            probes._rows.append(row)
        return probes


def no_probes() -> dict:
    """What `stored_probes` gives for a model without probes."""
    return {"pairs": [], "words": np.zeros(0, np.int64), "p": np.zeros((0, 0)), "rank": np.zeros((0, 0), np.int64),
            "sigmoid": np.zeros((0, 0)), "seen": np.zeros((0, 0)), "contexts": []}


def stored_probes(model: Model) -> dict:
    """The probes a model holds: {"pairs", "words", "p", "rank", "sigmoid"} (arrays (S,), (S, pairs));
    a `FormatError` if they do not fit together."""
    entry = model.info.get(INFO)
    pairs = entry.get("pairs") if isinstance(entry, dict) else []
    if entry is None or _P not in model.extras:
        return no_probes()
    try:
        if not (isinstance(pairs, list) and all(_is_pair(p) for p in pairs)):
            raise ValueError("the pairs are not lists of two words")
        words = np.asarray(model.extras[_WORDS])
        if words.dtype.kind not in "iu":
            raise ValueError(f"their times are {words.dtype}, not whole numbers")
        words = words.astype(np.int64)
        p, rank, sigmoid = (np.asarray(model.extras[k], dtype=np.float64) for k in (_P, _RANK, _SIGMOID))
        shape = (len(words), len(pairs))
        seen = (np.asarray(model.extras[_SEEN], dtype=np.float64) if _SEEN in model.extras
                else np.full(shape, math.nan))  # older files: not counted
        contexts = entry.get("contexts") or [{"context": "single"}] * len(pairs)
        if not (isinstance(contexts, list) and len(contexts) == len(pairs) and all(isinstance(c, dict) for c in contexts)):
            raise ValueError("the pairs' contexts do not fit the pairs")
        if words.ndim != 1 or any(a.shape != shape for a in (p, rank, sigmoid, seen)):
            raise ValueError(f"values of shape {p.shape} for {len(words)} times and {len(pairs)} pairs")
    except (KeyError, ValueError, TypeError) as exc:
        raise FormatError(f"the model's likelihood probes are damaged ({exc})") from None
    return {"pairs": [tuple(x) for x in pairs], "words": words, "p": p,
            "rank": np.nan_to_num(rank, nan=0).astype(np.int64), "sigmoid": sigmoid, "seen": seen,
            "contexts": contexts}


def _is_pair(value) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(w, str) for w in value)


def probe_summaries(model: Model, epoch_words: float | None = None) -> list[dict]:
    """The stored probes as `info --json` reports them: per pair its input, output, objective and,
    one value per probe time, progress (epochs, or corpus words if `epoch_words` is unknown), p
    and rank (None where not probed)."""
    stored = stored_probes(model)
    progress = (stored["words"] / epoch_words if epoch_words else stored["words"]).tolist()
    out = []
    for k, (i, o) in enumerate(stored["pairs"]):
        p = stored["p"][:, k]
        ranks = stored["rank"][:, k].tolist()
        out.append({"input": i, "output": o, "objective": objective(model), "progress": progress,
                    "p": [None if math.isnan(v) else v for v in p.tolist()],
                    "rank": [None if math.isnan(v) else r for v, r in zip(p.tolist(), ranks)],
                    "seen": [None if math.isnan(v) else int(v) for v in stored["seen"][:, k].tolist()],
                    **stored["contexts"][k]})
    return out


def final_across(models: Sequence[Model]) -> list[dict]:
    """For each pair the first run probed: {"input", "output", "runs": its p at each run's last probe
    (None where a run did not probe it), "p": their mean, "p_sd": their sd (ddof 1; None unless every
    run has it)}. A `FormatError` if a run's probes are damaged."""
    stored = [stored_probes(m) for m in models]
    pairs = stored[0]["pairs"] if stored else []

    def last(probes: dict) -> list:
        column = {pair: k for k, pair in enumerate(probes["pairs"])}
        p = probes["p"]
        return [p[-1, column[pair]] if pair in column and len(p) else None for pair in pairs]

    if not pairs:
        return []
    found = over_runs(stored, last)
    return [{"input": i, "output": o, "runs": found.per_run[:, k].tolist(), "p": float(found.mean[k]),
             "p_sd": float(found.sd[k])} for k, (i, o) in enumerate(pairs)]


def prefix_offsets(corpus: EncodedCorpus, n: int) -> np.ndarray:
    """The offsets of the corpus's first whole sentences that hold at least `n` tokens (all of
    them if it has fewer), once those tokens have arrived."""
    offsets = corpus.offsets
    last = min(int(np.searchsorted(offsets, min(n, corpus.n_tokens), side="left")), len(offsets) - 1)
    corpus.arrived(int(offsets[last]))
    return offsets[:last + 1]


def first_windows(corpus: EncodedCorpus, window: int, input_id: int, output_id: int, cap: int) -> np.ndarray:
    """`windows_of` the whole corpus (the first `cap` in corpus order), read from a prefix that
    grows until it holds them: a corpus still arriving is waited for only as far as needed."""
    n = PMI_TOKENS
    while True:
        offsets = prefix_offsets(corpus, n)
        found = windows_of(corpus.tokens[:int(offsets[-1])], offsets, window, input_id, output_id, cap)
        if len(found) >= cap or int(offsets[-1]) == corpus.n_tokens:
            return found
        n *= 4


def sightings(tokens: np.ndarray, offsets: np.ndarray, window: int, a: int, b: int) -> np.ndarray:
    """Sorted corpus positions at which the trainer, reading in order, has both words of the pair
    within `window` of each other on a sentence (the later word's position; a pair of one word twice
    counts once per such pair of occurrences). One pass of a kernel without the GIL: the studio
    attaches probes to a corpus of billions of words beside its window."""
    tokens, offsets = np.asarray(tokens), np.asarray(offsets, np.int64)
    out = np.empty(pair_sightings(tokens, offsets, window, a, b, np.zeros(0, np.int64)), np.int64)
    pair_sightings(tokens, offsets, window, a, b, out)
    return out

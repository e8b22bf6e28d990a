"""Phrases: collocations ("new york") joined into one token ("new_york") before training, as gensim's
`Phrases` finds them.

Scores, for a pair a b seen count(ab) times (gensim's two scorers):
  default (Mikolov et al.): (count(ab) - min_count) / (count(a) * count(b)) * |vocab|, with |vocab|
      the number of distinct unigrams and pairs counted;
  npmi: ln(p(ab) / (p(a) p(b))) / -ln(p(ab)) with p = count / corpus words, when count(ab) >= min_count.
A pair is a phrase when its score is strictly above the threshold. With connector words
("bank of america"), a pair is two ordinary words with only connectors between them, and
connectors are not counted as unigrams. Each pass joins the phrases it found, greedily from the
left; a second pass finds three- and four-word phrases.

Counting is exact: the pairs are counted over the scan's word ids by a Numba kernel in an
open-addressing table (12 bytes a slot, 24 with connectors; at most half full), checked against the
memory available before it grows; gensim prunes its dictionary past `max_vocab_size` instead.
Runs of more than `max_run` connectors between two words (15 with gensim's English list) make no pair.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from w2vstudio.core.errors import CorpusError, FormatError
from w2vstudio.core.kernels import phrases as kernel
from w2vstudio.core.support.memory import check_available
from w2vstudio.core.support.task import Task

DELIMITER = "_"
# gensim.models.phrases.ENGLISH_CONNECTOR_WORDS
ENGLISH_CONNECTOR_WORDS = frozenset("a an the for of with without at from to in on by and or".split())
SCORINGS = ("default", "npmi")


@dataclass(frozen=True)
class PhraseOptions:
    """How phrases are found: gensim's `Phrases(min_count, threshold, scoring, connector_words)`."""

    threshold: float = 10.0
    min_count: int = 5
    passes: int = 1
    scoring: str = "default"
    connectors: tuple[str, ...] = ()

    def __post_init__(self):
        if self.scoring not in SCORINGS:
            raise ValueError(f"scoring must be one of {', '.join(SCORINGS)}")
        if len(self.connectors) > 255:
            raise ValueError("at most 255 connector words")

    def to_dict(self) -> dict:
        return {"threshold": self.threshold, "min_count": self.min_count, "passes": self.passes,
                "scoring": self.scoring, "connectors": list(self.connectors)}


@dataclass(frozen=True)
class Phrase:
    """A phrase found: its words (connectors included), how often the pair occurred, its score."""

    parts: tuple[str, ...]
    count: int
    score: float
    pass_no: int = 1

    @property
    def token(self) -> str:
        return DELIMITER.join(self.parts)


@dataclass
class PhraseTable:
    """The phrases of every pass, applied to token lists by `join_phrases` and to a scan by `apply`."""

    options: PhraseOptions
    phrases: list[Phrase] = field(default_factory=list)

    def __post_init__(self):
        connectors = frozenset(self.options.connectors)
        self._passes: list[dict[tuple[str, ...], str]] = []
        for p in self.phrases:
            while len(self._passes) < p.pass_no:
                self._passes.append({})
            self._passes[p.pass_no - 1][p.parts] = p.token
        self._connectors = connectors

    def __len__(self) -> int:
        return len(self.phrases)

    @property
    def tokens(self) -> set[str]:
        return {p.token for p in self.phrases}

    def join_phrases(self, tokens: Sequence[str]) -> list[str]:
        """The tokens of one line with the phrases joined, pass after pass, as training saw them."""
        out = list(tokens)
        for table in self._passes:
            out = _join_line(out, table, self._connectors)
        return out

    def apply(self, scanned, task: Task | None = None):
        """A new scan with this table's phrases joined (continued training on a new corpus); the scan
        given is left intact, and returned as it is when the table is empty. `task` hears the passes."""
        task = task or Task.none()
        n = len(self._passes)
        for k, table in enumerate(self._passes):
            scanned = _join_scan(scanned, [(parts, token) for parts, token in table.items()], self.options,
                                 task.part(k / n, (k + 1) / n))
        return scanned

    # -- storage in a model ------------------------------------------------------------------------
    def to_array(self) -> np.ndarray:
        """UTF-8 lines `pass<TAB>count<TAB>score<TAB>word word ...` as uint8 (a model's extra array)."""
        lines = [f"{p.pass_no}\t{p.count}\t{p.score!r}\t{' '.join(p.parts)}" for p in self.phrases]
        return np.frombuffer("\n".join(lines).encode("utf-8"), dtype=np.uint8).copy()

    @classmethod
    def from_array(cls, array: np.ndarray, options: dict) -> PhraseTable:
        """The table a model stored (`to_array` and `options.to_dict()`); FormatError if malformed."""
        try:
            opts = PhraseOptions(float(options["threshold"]), int(options["min_count"]), int(options["passes"]),
                                 str(options["scoring"]), tuple(str(c) for c in options.get("connectors", [])))
            text = np.asarray(array, dtype=np.uint8).tobytes().decode("utf-8")
            phrases = []
            for line in filter(None, text.split("\n")):
                pass_no, count, score, words = line.split("\t")
                parts = tuple(words.split(" "))
                if len(parts) < 2 or int(pass_no) < 1:
                    raise ValueError(line)
                phrases.append(Phrase(parts, int(count), float(score), int(pass_no)))
        except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
            raise FormatError(f"its phrase table is malformed ({exc})") from None
        return cls(opts, phrases)


def _join_line(tokens: list[str], table: dict, connectors: frozenset) -> list[str]:
    """One pass of gensim's `analyze_sentence` over words (plain Python: the reference of the kernel)."""
    out: list[str] = []
    start, between = None, []
    for word in tokens:
        if word not in connectors:
            if start is not None:
                token = table.get((start, *between, word))
                if token is not None:
                    out.append(token)
                    start, between = None, []
                    continue
                out.append(start)
                out.extend(between)
            start, between = word, []
        elif start is not None:
            between.append(word)
        else:
            out.append(word)
    if start is not None:
        out.append(start)
        out.extend(between)
    return out


# -- counting -------------------------------------------------------------------------------------
@dataclass
class PairCounts:
    """Every pair of one pass: words (a, b ids of the scan), connector run, count; and the unigram
    counts, |vocab| and corpus words the scores need."""

    a: np.ndarray
    b: np.ndarray
    runs: np.ndarray
    counts: np.ndarray
    unigrams: np.ndarray
    len_vocab: int
    corpus_words: int
    table_bytes: int  # the largest the counting table grew

    def scores(self, options: PhraseOptions) -> np.ndarray:
        """Each pair's score, computed as gensim's scorers compute it (float64, same order)."""
        ca = self.unigrams[self.a]
        cb = self.unigrams[self.b]
        c = self.counts.astype(np.int64)
        if options.scoring == "npmi":
            n = float(self.corpus_words)
            with np.errstate(divide="ignore", invalid="ignore"):
                pa, pb, pab = ca / n, cb / n, c / n
                s = np.log(pab / (pa * pb)) / -np.log(pab)
            s[(c < options.min_count) | ~np.isfinite(s)] = -np.inf
            return s
        denom = (ca * cb).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = (c - options.min_count).astype(np.float64) / denom * float(self.len_vocab)
        s[denom == 0] = -np.inf
        return s


def _connector_index(words: Sequence[str], connectors: Sequence[str]) -> tuple[np.ndarray, int, int]:
    """connector[w] (0 or 1..K) for the words, the base K + 1 and the longest run a key holds."""
    index = {c: k for k, c in enumerate(sorted(set(connectors)), 1)}
    connector = np.zeros(max(len(words), 1), dtype=np.int32)
    if index:
        for w, word in enumerate(words):
            connector[w] = index.get(word, 0)
    base = len(index) + 1
    max_run = int(62 // math.log2(base)) if base > 1 else 0
    return connector, base, max_run


def count_pairs(scanned, options: PhraseOptions, task: Task | None = None) -> PairCounts:
    """Count the pairs of a scan (a `ScannedCorpus`) exactly; `task` hears the share of the stream
    counted, and a cancel raises `Cancelled`."""
    task = task or Task.none()
    connector, base, max_run = _connector_index(scanned.words, options.connectors)
    use_runs = bool(options.connectors)
    size = 1 << 16
    keys = np.full(size, kernel.EMPTY, np.int64)
    runs = np.zeros(size if use_runs else 0, np.int64)
    counts = np.zeros(size, np.int32)
    state = np.array([-1, 0, 0], np.int64)
    n_used = 0
    done, total = 0, scanned.stream.length
    for chunk in scanned.stream:
        task.check("finding phrases cancelled")
        pos = 0
        while pos < len(chunk):
            used, n_used = kernel.count_pairs(chunk[pos:], connector, base, max_run, state, keys, runs, counts,
                                              n_used, size // 2)
            pos += used
            if n_used >= size // 2:
                size *= 2
                check_available(size * (12 + 8 * use_runs), "counting the pairs of phrases", CorpusError)
                keys, runs, counts = kernel.rehash_pairs(keys, runs, counts, size)
        done += len(chunk)
        task.progress(done / total if total else 1.0)
    filled = keys != kernel.EMPTY
    k = keys[filled]
    unigrams = scanned.counts.astype(np.int64).copy()
    if use_runs:
        unigrams[connector[:len(unigrams)] > 0] = 0  # gensim does not count connectors
    return PairCounts(k >> 32, k & 0xFFFFFFFF, runs[filled] if use_runs else np.zeros(len(k), np.int64),
                      counts[filled], unigrams, int(np.count_nonzero(unigrams)) + len(k), scanned.raw_words,
                      size * (12 + 8 * use_runs))


def _parts(words, a: int, b: int, run: int, connectors_sorted: list[str], base: int) -> tuple[str, ...]:
    between = []
    while run:
        run, digit = divmod(run, base)
        between.append(connectors_sorted[digit - 1])
    return (words[a], *reversed(between), words[b])


def export_phrases(scanned, options: PhraseOptions, task: Task | None = None) -> list[Phrase]:
    """Every pair scoring above the threshold in one pass (gensim's `export_phrases`), best first."""
    return _export(count_pairs(scanned, options, task), scanned.words, options, 1)


def _export(pairs: PairCounts, words, options: PhraseOptions, pass_no: int) -> list[Phrase]:
    scores = pairs.scores(options)
    chosen = np.flatnonzero(scores > options.threshold)
    chosen = chosen[np.lexsort((-pairs.counts[chosen], -scores[chosen]))]
    connectors_sorted = sorted(set(options.connectors))
    base = len(connectors_sorted) + 1
    return [Phrase(_parts(words, int(pairs.a[j]), int(pairs.b[j]), int(pairs.runs[j]), connectors_sorted, base),
                   int(pairs.counts[j]), float(scores[j]), pass_no) for j in chosen.tolist()]


def find_phrases(scanned, options: PhraseOptions, task: Task | None = None):
    """Find the phrases of `options.passes` passes and join them: (PhraseTable, the joined scan).
    The scan given is left intact: the joined one is new, or the one given when nothing was found.
    `task` hears each pass's counting (the first 3/4 of its share) and joining."""
    task = task or Task.none()
    found: list[Phrase] = []
    for pass_no in range(1, options.passes + 1):
        share = task.part((pass_no - 1) / options.passes, pass_no / options.passes)
        pairs = count_pairs(scanned, options, share.part(0.0, 0.75))
        phrases = _export(pairs, scanned.words, options, pass_no)
        if not phrases:
            break
        found.extend(phrases)
        scanned = _join_scan(scanned, [(p.parts, p.token) for p in phrases], options, share.part(0.75, 1.0))
    return PhraseTable(options, found), scanned


def _join_scan(scanned, phrases: list[tuple[tuple[str, ...], str]], options: PhraseOptions,
               task: Task | None = None):
    """A new scan whose id stream has these phrases (parts, token) joined into tokens of their own
    (the scan given is only read)."""
    task = task or Task.none()
    from w2vstudio.core.corpus.scan import _Stream  # the scan module stands beside this one

    words = list(scanned.words)
    index = {w: i for i, w in enumerate(words)}
    connector, base, max_run = _connector_index(words, options.connectors)
    k1s, k2s, values = [], [], []
    for parts, token in phrases:
        ids = [index.get(w) for w in parts]
        if any(i is None for i in ids) or len(parts) - 2 > max_run:
            continue
        run = 0
        for w in ids[1:-1]:
            if connector[w] == 0:
                break
            run = run * base + int(connector[w])
        else:
            value = index.get(token)
            if value is None:
                value = index[token] = len(words)
                words.append(token)
            k1s.append((ids[0] << 32) | ids[-1])
            k2s.append(run)
            values.append(value)
    size = 1 << max(4, (2 * len(k1s) + 1).bit_length())
    keys, runs, found = kernel.phrase_table(np.array(k1s, np.int64), np.array(k2s, np.int64),
                                            np.array(values, np.int32), size, bool(options.connectors))
    connector = np.concatenate([connector, np.zeros(len(words) - len(connector), np.int32)]) \
        if len(connector) < len(words) else connector
    stream = _Stream(scanned.stream.budget, scanned.stream.cache_dir)
    counts = np.zeros(len(words), np.int64)
    carry = np.zeros(0, np.int32)
    done, total = 0, scanned.stream.length
    for chunk in scanned.stream:
        task.check("joining phrases cancelled")
        done += len(chunk)
        task.progress(done / total if total else 1.0)
        ends = np.flatnonzero(chunk < 0)
        if len(ends) == 0:
            carry = np.concatenate([carry, chunk])
            continue
        lines = np.concatenate([carry, chunk[:ends[-1] + 1]])
        carry = chunk[ends[-1] + 1:].copy()
        out = np.empty(len(lines), np.int32)
        n = kernel.join_pairs(lines, connector, base, keys, runs, found, out)
        out = out[:n]
        counts += np.bincount(out[out >= 0], minlength=len(words))
        stream.append(out)
    if len(carry):
        out = np.empty(len(carry), np.int32)
        n = kernel.join_pairs(carry, connector, base, keys, runs, found, out)
        counts += np.bincount(out[:n][out[:n] >= 0], minlength=len(words))
        stream.append(out[:n])
    return replace(scanned, words=words, counts=counts, stream=stream)


def options_of(params) -> PhraseOptions | None:
    """The phrase options of a run's `TrainParams` (None where phrases are off)."""
    if not params.phrases:
        return None
    return PhraseOptions(params.phrase_threshold, params.phrase_min_count, params.phrase_passes,
                         "npmi" if params.phrase_npmi else "default",
                         tuple(sorted(ENGLISH_CONNECTOR_WORDS)) if params.phrase_connectors else ())

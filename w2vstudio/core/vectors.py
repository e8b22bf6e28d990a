"""`KeyedVectors`: word lookups, nearest neighbours, analogies and similarities.

Scores are cosines. Per-row inverse norms are cached (no second copy of the matrix is needed
for queries); a unit-normalised copy is built only when `unit` is asked for. Call `invalidate()`
after changing `vectors` in place. All queries are reentrant: the GUI calls them from threads.
A zero vector has no direction: its word never ranks as a neighbour or an answer, and asking
for the neighbours of such a word (or of a zero query) is an error.
"""

from __future__ import annotations

import difflib
import threading
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from w2vstudio.core.errors import UnknownWordError, W2VError
from w2vstudio.core.kernels.scoring import scaled_dots
from w2vstudio.core.support.chunked import WordIndex

_SMALL_BATCH = 8  # up to this many queries are scored in one pass over the matrix (Numba)
_SCORE_BUDGET = 1 << 24  # scores per chunk of a batched query (64 MiB of float32)
_SPELLING_POOL = 100_000  # fuzzy spelling suggestions look at this many most frequent words
_FUZZY_CANDIDATES = 300  # of which difflib ranks those sharing the most characters
_COSMUL_EPSILON = 1e-6  # as in Levy & Goldberg (2014) and gensim


PHRASE_DELIMITER = "_"  # the phrase token of "new york" is new_york
MAX_PHRASE_WORDS = 8  # the longest run of typed words looked up as one phrase


def unit_rows(m: np.ndarray) -> np.ndarray:
    """Rows of `m` scaled to unit length (zero rows stay zero), float32."""
    m = np.asarray(m, dtype=np.float32)
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.where(norms > 0, norms, 1).astype(np.float32)


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the `k` largest entries of each row of `scores` (n, R), best first."""
    k = max(0, min(k, scores.shape[1]))
    if k == 0:
        return np.zeros((len(scores), 0), np.int64), np.zeros((len(scores), 0), scores.dtype)
    if k < scores.shape[1]:
        cand = np.argpartition(scores, -k, axis=1)[:, -k:]
    else:
        cand = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    vals = np.take_along_axis(scores, cand, axis=1)
    order = np.lexsort((cand, -vals), axis=1)  # by score, ties by index
    return np.take_along_axis(cand, order, axis=1), np.take_along_axis(vals, order, axis=1)


@dataclass(frozen=True)
class AnalogyResult:
    """Answers to a : b :: c : ?, best first, and the 1-based rank of the expected word if given."""

    results: list[tuple[str, float]]
    expected_rank: int | None = None



class KeyedVectors:
    """Words with their vectors (float32, one row per word, most frequent first) and counts;
    `notes`: what the user should know about the file they came from (replaced bytes ...);
    `ranked`: False where the rows are in no order of frequency (a Spark model's hash order)."""

    notes: tuple[str, ...] = ()
    ranked: bool = True

    def __init__(self, words: Sequence[str], vectors: np.ndarray, counts: np.ndarray | None = None,
                 index: WordIndex | None = None):
        self._words = list(words)
        self._index = index if index is not None else WordIndex(self._words)  # `index`: of these very words
        if len(self._index) != len(self._words):
            seen: set[str] = set()
            repeated = next(w for w in self._words if w in seen or seen.add(w))
            raise ValueError(f'words must be unique: "{repeated}" repeats')
        self.counts = None if counts is None else np.asarray(counts, dtype=np.int64)
        if self.counts is not None and self.counts.shape != (len(self._words),):
            raise ValueError(f"counts must have shape ({len(self._words)},)")
        self._lock = threading.Lock()
        self._inv_norms = self._unit = self._zero_rows = None
        self._word_caches: dict = {}  # built from the words alone: shared by `with_vectors`
        self.vectors = vectors

    def with_vectors(self, vectors: np.ndarray) -> KeyedVectors:
        """The same words (and counts) with other vectors, sharing the word caches: cheap to
        make after every epoch."""
        other = object.__new__(KeyedVectors)
        other.__dict__.update(self.__dict__)
        other._lock = threading.Lock()
        other.vectors = vectors
        return other

    # ---- lookups -----------------------------------------------------------------------------

    @property
    def words(self) -> list[str]:
        return self._words

    @property
    def word_rows(self) -> WordIndex:
        """Word -> row (do not modify)."""
        return self._index

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors

    @vectors.setter
    def vectors(self, vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(self._words):
            raise ValueError(
                f"vectors must have shape ({len(self._words)}, dim), not {vectors.shape}"
            )
        self._vectors = vectors
        self.invalidate()

    @property
    def dim(self) -> int:
        return self._vectors.shape[1]

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.key_of(word) in self._index

    def key_of(self, word: str) -> str:
        """The vocabulary's token for a typed word: "peanut butter" is the phrase token
        peanut_butter where the vocabulary has it (words joined by "_"); else the word as typed."""
        if not isinstance(word, str) or word in self._index:
            return word
        parts = word.split()
        if len(parts) > 1:
            joined = PHRASE_DELIMITER.join(parts)
            if joined in self._index:
                return joined
        return word

    def phrase_words(self, words: Sequence[str]) -> list[str]:
        """Typed words with every run that names a phrase token joined into it, from the left, the
        longest phrase in the vocabulary winning ("peanut butter jelly" -> peanut_butter, jelly)."""
        out, i, n = [], 0, len(words)
        while i < n:
            for j in range(min(n, i + MAX_PHRASE_WORDS), i + 1, -1):
                joined = PHRASE_DELIMITER.join(words[i:j])
                if joined in self._index:
                    out.append(joined)
                    i = j
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def __getitem__(self, key: str | int) -> np.ndarray:
        if isinstance(key, (int, np.integer)):
            return self._vectors[key]
        return self._vectors[self.index(key)]

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} words x {self.dim} dims)"

    def index(self, word: str) -> int:
        """Row of `word`; an unknown word raises `UnknownWordError` with spelling suggestions."""
        try:
            return self._index[self.key_of(word)]
        except (KeyError, TypeError):
            hint = ", ".join(self.suggest(word, 3)) if isinstance(word, str) else ""
            hint = f" (did you mean: {hint}?)" if hint else ""
            raise UnknownWordError(f'"{word}" is not in the vocabulary{hint}') from None

    def count(self, word: str) -> int | None:
        """Corpus count of `word`, or None where counts are unknown."""
        i = self.index(word)
        return None if self.counts is None else int(self.counts[i])

    # ---- caches --------------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget cached norms and unit vectors (call after changing `vectors` in place)."""
        with self._lock:
            self._inv_norms = self._unit = self._zero_rows = None

    @property
    def inv_norms(self) -> np.ndarray:
        """1 / row norm, 0 for zero rows (float32, cached)."""
        inv = self._inv_norms
        if inv is None:
            with self._lock:
                if self._inv_norms is None:
                    rows = range(0, len(self), 1 << 16)  # chunks: no full-size temporary
                    norms = np.concatenate(
                        [np.linalg.norm(self._vectors[i : i + (1 << 16)], axis=1) for i in rows]
                        or [np.zeros(0, np.float32)]
                    )
                    safe = np.where(norms > 0, norms, np.float32(1))
                    self._inv_norms = np.where(norms > 0, 1 / safe, 0).astype(np.float32)
                inv = self._inv_norms
        return inv

    @property
    def zero_rows(self) -> np.ndarray:
        """Rows whose vector is zero, ascending (cached; usually none)."""
        zero = self._zero_rows
        if zero is None:
            inv = self.inv_norms
            with self._lock:
                if self._zero_rows is None:
                    self._zero_rows = np.flatnonzero(inv == 0)
                zero = self._zero_rows
        return zero

    def vector_of(self, word: str) -> tuple[int | None, np.ndarray]:
        """The row and vector of a query word; a subclass may build a vector for a word it has no
        row for (row None: fastText's n-grams)."""
        row = self.index(word)
        return row, self._vectors[row]

    def _directed(self, word: str) -> tuple[int | None, np.ndarray]:
        """Row and unit vector of a query word; a zero vector (no direction, so no neighbours)
        is an error."""
        row, vec = self.vector_of(word)
        inv = self.inv_norms[row] if row is not None else np.float32(1 / (np.linalg.norm(vec) or np.inf))
        if inv == 0:
            raise W2VError(f'"{word}" has a zero vector: it has no direction, so no neighbours or analogies')
        return row, vec * inv

    @property
    def unit(self) -> np.ndarray:
        """The vectors scaled to unit length (float32, built on first use and cached)."""
        unit = self._unit
        if unit is None:
            inv = self.inv_norms
            with self._lock:
                if self._unit is None:
                    self._unit = self._vectors * inv[:, None]
                unit = self._unit
        return unit

    def case_folded(self) -> tuple[dict[str, int], np.ndarray]:
        """Upper-cased word -> its first (most frequent) row, and for each row that first row of
        its upper-cased form (cached; gensim's case-insensitive evaluation rules)."""
        folded = self._word_caches.get("case_folded")
        if folded is None:
            first: dict[str, int] = {}
            canon = np.fromiter((first.setdefault(w.upper(), i) for i, w in enumerate(self._words)),
                                dtype=np.int64, count=len(self._words))
            folded = self._word_caches.setdefault("case_folded", (first, canon))
        return folded

    def unit_vector(self, key: str | int) -> np.ndarray:
        """The vector of a word (or row) scaled to unit length."""
        i = key if isinstance(key, (int, np.integer)) else self.index(key)
        return self._vectors[i] * self.inv_norms[i]

    # ---- scoring -------------------------------------------------------------------------------

    def _limit(self, restrict_vocab: int | None) -> int:
        return len(self) if restrict_vocab is None else max(0, min(int(restrict_vocab), len(self)))

    def cosines(self, queries: np.ndarray, restrict_vocab: int | None = None) -> np.ndarray:
        """Cosine of each query row with each of the first `restrict_vocab` words: (n, R)."""
        queries = unit_rows(np.atleast_2d(queries))
        r = self._limit(restrict_vocab)
        x, inv = self._vectors[:r], self.inv_norms[:r]
        if len(queries) <= _SMALL_BATCH and x.flags.c_contiguous:
            out = np.empty((len(queries), r), dtype=np.float32)
            scaled_dots(x, inv, np.ascontiguousarray(queries), out)
            return out
        out = queries @ x.T
        out *= inv
        return out

    def top_similar(
        self,
        queries: np.ndarray,
        topn: int = 10,
        restrict_vocab: int | None = None,
        exclude: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best `topn` rows for each query row by cosine: (indices, scores), each (n, topn).

        `exclude` (n, m) int holds rows to leave out per query (-1 for none). Large batches run
        as matrix products in chunks of bounded memory.
        """
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        r = max(1, self._limit(restrict_vocab))
        step = max(1, _SCORE_BUDGET // r)
        parts = []
        for s in range(0, len(queries), step):
            scores = self.cosines(queries[s : s + step], restrict_vocab)
            if exclude is not None:
                ex = np.asarray(exclude)[s : s + step]
                rows, cols = np.nonzero((ex >= 0) & (ex < scores.shape[1]))
                scores[rows, ex[rows, cols]] = -np.inf
            self.drop_zero_rows(scores)
            parts.append(top_k(scores, topn))
        if not parts:
            return np.zeros((0, 0), np.int64), np.zeros((0, 0), np.float32)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def drop_zero_rows(self, scores: np.ndarray) -> None:
        """Set the scores (n, R) of zero vectors' rows to -inf, so that they never rank."""
        zero = self.zero_rows
        if len(zero):
            scores[:, zero[zero < scores.shape[1]]] = -np.inf

    def _pairs(self, indices: np.ndarray, scores: np.ndarray) -> list[tuple[str, float]]:
        return [(self._words[i], float(s)) for i, s in zip(indices, scores) if s != -np.inf]

    # ---- neighbours ----------------------------------------------------------------------------

    def _query(self, positive, negative) -> tuple[np.ndarray, list[int]]:
        """Weighted mean of the inputs (words unit-normalised, vectors as given), input rows."""
        items = [(x, 1.0) for x in _as_list(positive)] + [(x, -1.0) for x in _as_list(negative)]
        if not items:
            raise W2VError("give at least one word or vector")
        mean = np.zeros(self.dim, dtype=np.float32)
        total, rows = 0.0, []
        for item, sign in items:
            item, weight = _weighted(item, sign)
            if isinstance(item, str):
                row, vec = self._directed(item)
                rows += [] if row is None else [row]
            else:
                vec = np.asarray(item, dtype=np.float32)
                if vec.shape != (self.dim,):
                    raise W2VError(f"a query vector must have {self.dim} values, not {vec.size}")
            mean += np.float32(weight) * vec
            total += abs(weight)
        if not mean.any():
            raise W2VError("the query is a zero vector: it has no direction, so no neighbours")
        return mean / np.float32(total or 1), rows

    def most_similar(
        self,
        positive=(),
        negative=(),
        topn: int = 10,
        restrict_vocab: int | None = None,
        include_inputs: bool = False,
    ) -> list[tuple[str, float]]:
        """Nearest words to the weighted mean of `positive` minus `negative`, by cosine.

        Items are words, vectors or (word or vector, weight) pairs; a weight in `negative` is
        subtracted. Input words are left out unless `include_inputs`.
        """
        query, rows = self._query(positive, negative)
        exclude = None if include_inputs or not rows else np.array([rows])
        idx, scores = self.top_similar(query, topn, restrict_vocab, exclude)
        return self._pairs(idx[0], scores[0])

    def similarity_scores(self, positive=(), negative=(), include_inputs: bool = False) -> np.ndarray:
        """Every word's cosine with the query `most_similar` ranks by, (V,) float32; -inf for the
        input words (unless `include_inputs`) and zero vectors."""
        query, rows = self._query(positive, negative)
        scores = self.cosines(query)[0]
        if not include_inputs:
            scores[rows] = -np.inf
        self.drop_zero_rows(scores[None])
        return scores

    def similar_by_vector(
        self, vector: np.ndarray, topn: int = 10, restrict_vocab: int | None = None
    ) -> list[tuple[str, float]]:
        """Nearest words to a vector, by cosine."""
        return self.most_similar(
            positive=[np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab
        )

    def most_similar_batch(
        self, matrix: np.ndarray, topn: int = 10, restrict_vocab: int | None = None
    ) -> list[list[tuple[str, float]]]:
        """Nearest words to each row of `matrix` (n, dim), computed as matrix products."""
        idx, scores = self.top_similar(matrix, topn, restrict_vocab)
        return [self._pairs(i, s) for i, s in zip(idx, scores)]

    # ---- analogies and similarities ------------------------------------------------------------

    def analogy(
        self,
        a: str,
        b: str,
        c: str,
        method: str = "add",
        topn: int = 10,
        expected: str | None = None,
        include_inputs: bool = False,
        restrict_vocab: int | None = None,
    ) -> AnalogyResult:
        """a is to b as c is to ?  by 3CosAdd ("add") or 3CosMul ("mul", Levy & Goldberg 2014)."""
        target = None if expected is None else self.index(expected)
        scores = self.analogy_scores(a, b, c, method, include_inputs, restrict_vocab)
        idx, vals = top_k(scores[None], topn)
        rank = None
        if target is not None and target < len(scores) and scores[target] != -np.inf:
            rank = 1 + int(np.count_nonzero(scores > scores[target]))
        return AnalogyResult(self._pairs(idx[0], vals[0]), rank)

    def analogy_scores(self, a: str, b: str, c: str, method: str = "add", include_inputs: bool = False,
                       restrict_vocab: int | None = None) -> np.ndarray:
        """Every word's score as an answer to a : b :: c : ? (`analogy` ranks by it), (R,); -inf
        for the inputs (unless `include_inputs`) and zero vectors."""
        inputs = [self._directed(w) for w in (a, b, c)]
        rows = [row for row, _ in inputs if row is not None]
        if method == "add":
            scores = self.cosines(self._query([b, c], [a])[0], restrict_vocab)[0]
        elif method == "mul":
            cos = (1 + self.cosines(np.stack([vec for _, vec in inputs]), restrict_vocab)) / 2
            scores = cos[1] * cos[2] / (cos[0] + np.float32(_COSMUL_EPSILON))
        else:
            raise W2VError(f'unknown analogy method "{method}" (use "add" or "mul")')
        if not include_inputs:
            scores[[i for i in rows if i < len(scores)]] = -np.inf
        self.drop_zero_rows(scores[None])
        return scores

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words."""
        return float(self.unit_vector(w1) @ self.unit_vector(w2))

    def n_similarity(self, ws1: Iterable[str], ws2: Iterable[str]) -> float:
        """Cosine similarity of the means of two sets of words (raw vectors, as gensim)."""
        m1, m2 = (self._vectors[[self.index(w) for w in ws]] for ws in (ws1, ws2))
        if not (len(m1) and len(m2)):
            raise W2VError("n_similarity needs at least one word on each side")
        return float(unit_rows(m1.mean(axis=0)) @ unit_rows(m2.mean(axis=0)))

    def doesnt_match(self, words: Iterable[str]) -> str:
        """The word farthest from the mean of the (unit-normalised) words."""
        words = list(words)
        if not words:
            raise W2VError("doesnt_match needs at least one word")
        units = np.stack([self.unit_vector(w) for w in words])
        return words[int(np.argmin(units @ unit_rows(units.mean(axis=0))))]

    # ---- spelling ------------------------------------------------------------------------------

    def suggest(self, word: str, n: int = 5) -> list[str]:
        """Up to `n` vocabulary words spelled like `word`: case variants, words one edit away
        (most frequent first), then difflib's close matches among the most frequent words."""
        alphabet, masks, lengths = self._spelling()
        found = dict.fromkeys(
            w
            for w in (word.lower(), word.capitalize(), word.upper(), word.title())
            if w in self._index
        )
        edits = [w for w in _one_edit(word, alphabet) if w in self._index]
        found.update(dict.fromkeys(sorted(edits, key=self._index.__getitem__)))
        if len(found) < n:  # prefilter by shared characters, then let difflib rank a few
            query = np.uint64(_char_mask(word))
            shared = _popcount(masks & query) / np.maximum(_popcount(masks | query), 1)
            shared[np.abs(lengths - len(word)) > 2] = 0
            best = np.argpartition(-shared, min(_FUZZY_CANDIDATES, len(shared) - 1))
            pool = [self._words[i] for i in best[:_FUZZY_CANDIDATES] if shared[i] > 0]
            found.update(dict.fromkeys(difflib.get_close_matches(word, pool, n, cutoff=0.75)))
        found.pop(word, None)
        return list(found)[:n]

    def _spelling(self) -> tuple[str, np.ndarray, np.ndarray]:
        """Alphabet, character masks and lengths of the most frequent words (built once)."""
        index = self._word_caches.get("spelling")
        if index is None:
            pool = self._words[:_SPELLING_POOL]
            masks = np.fromiter(map(_char_mask, pool), dtype=np.uint64, count=len(pool))
            lengths = np.fromiter(map(len, pool), dtype=np.int64, count=len(pool))
            index = ("".join(sorted(set("".join(pool)))), masks, lengths)
            index = self._word_caches.setdefault("spelling", index)
        return index


def _char_mask(word: str) -> int:
    """A 64-bit set of the characters of `word` (characters may share a bit)."""
    mask = 0
    for ch in set(word):
        mask |= 1 << (ord(ch) % 64)
    return mask


_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(x: np.ndarray) -> np.ndarray:
    """Set bits of each uint64."""
    return _BITS[x.view(np.uint8)].reshape(len(x), 8).sum(axis=1)


def _as_list(items) -> list:
    """A single word or vector, or a sequence of items, as a list of items."""
    if items is None:
        return []
    if isinstance(items, str) or (isinstance(items, np.ndarray) and items.ndim == 1):
        return [items]
    return list(items)


def _weighted(item, sign: float) -> tuple:
    """(word or vector, signed weight) from an item that may carry its own weight."""
    if (
        isinstance(item, (tuple, list))
        and len(item) == 2
        and isinstance(item[0], (str, np.ndarray))
    ):
        return item[0], sign * float(item[1])
    return item, sign


def _one_edit(word: str, letters: str) -> set[str]:
    """All strings one deletion, transposition, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + ch + b[1:] for a, b in splits if b for ch in letters}
        | {a + ch + b for a, b in splits for ch in letters}
    )

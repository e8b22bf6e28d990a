"""Meaning that changes between corpora (after Hamilton, Leskovec & Jurafsky, "Diachronic word
embeddings", 2016).

The slices' unit vectors are aligned to the first slice by orthogonal Procrustes (scipy's) on anchor
words (default: every word all slices know). Each of the `top` most frequent shared words is scored
between the first and the last slice by
- `distance`: the cosine distance between its aligned vectors;
- `neighbour_change`: Hamilton's local measure, the cosine distance between its cosines to the union
  of its k nearest neighbours in each slice, measured in each slice (no alignment needed);
and, frequency controlled, `z`: the mean of both measures' z-scores among the words of similar
frequency (bins of consecutive frequency ranks). A slice may be an ensemble (several runs): its runs
are aligned to its first run and averaged, and their mean distance from that average (seed-to-seed
movement) is taken from `distance` as a noise floor before the z-scores.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy.linalg import orthogonal_procrustes

from w2vstudio.core.errors import W2VError
from w2vstudio.core.explore.neighbourhoods import DEFAULT_K, neighbour_ids
from w2vstudio.core.files.vectorfiles import save_vectors
from w2vstudio.core.vectors import KeyedVectors, unit_rows

DEFAULT_TOP = 20_000  # the most frequent shared words that are ranked (and searched as neighbours)
BINS = 20  # frequency bins (at least MIN_BIN words each)
MIN_BIN = 20

Slice = KeyedVectors | Sequence[KeyedVectors]


def _runs(slice_: Slice) -> list[KeyedVectors]:
    runs = [slice_] if isinstance(slice_, KeyedVectors) else list(slice_)
    if not runs:
        raise W2VError("a slice needs at least one model")
    return runs


def rotation(reference: np.ndarray, moving: np.ndarray) -> np.ndarray:
    """The orthogonal R minimising ‖moving · R − reference‖ (rows matched)."""
    return orthogonal_procrustes(moving.astype(np.float64), reference.astype(np.float64))[0]


@dataclass(frozen=True)
class Change:
    """The shared words ranked (in frequency order), each slice's aligned unit vectors of them, the
    measures per word and `order`: most changed first."""

    words: list[str]
    aligned: list[np.ndarray]
    rotations: list[np.ndarray]
    distance: np.ndarray
    neighbour_change: np.ndarray
    noise: np.ndarray
    z: np.ndarray
    order: np.ndarray
    anchors: int
    k: int

    def index(self, word: str) -> int:
        try:
            return self.words.index(word)
        except ValueError:
            raise W2VError(f"“{word}” is not among the words every slice knows") from None

    def ranked(self, n: int | None = None) -> list[dict]:
        """The `n` most changed words as {"word", "distance", "neighbour_change", "z"}."""
        return [{"word": self.words[i], "distance": float(self.distance[i]),
                 "neighbour_change": float(self.neighbour_change[i]), "z": float(self.z[i])}
                for i in self.order[:n].tolist()]

    def neighbours(self, word: str, k: int | None = None) -> list[list[tuple[str, float]]]:
        """`word`'s `k` nearest ranked words in each slice, with their cosines."""
        i, k = self.index(word), min(k or self.k, len(self.words) - 1)
        lists = []
        for unit in self.aligned:
            sims = unit @ unit[i]
            sims[i] = -np.inf
            best = np.argsort(-sims, kind="stable")[:k]
            lists.append([(self.words[j], float(sims[j])) for j in best.tolist()])
        return lists

    def word_map(self, word: str, k: int | None = None) -> tuple[np.ndarray, list[tuple[str, int]]]:
        """One aligned 2-D map (PCA) of `word` in each slice and its neighbours in each slice:
        (points (n, 2), labels [(word, slice)]); the word's points come first, one per slice."""
        i = self.index(word)
        labels = [(word, s) for s in range(len(self.aligned))]
        rows = [self.aligned[s][i] for s in range(len(self.aligned))]
        for s, found in enumerate(self.neighbours(word, k)):
            for other, _ in found:
                labels.append((other, s))
                rows.append(self.aligned[s][self.words.index(other)])
        points = np.asarray(rows, np.float64)
        centred = points - points.mean(axis=0)
        _, _, vt = np.linalg.svd(centred, full_matrices=False)
        basis = np.zeros((points.shape[1], 2))
        basis[:, :min(2, len(vt))] = vt[:2].T
        return centred @ basis, labels


def _shared(slices: list[list[KeyedVectors]]) -> list[str]:
    first = slices[0][0]
    others = [kv for runs in slices for kv in runs if kv is not first]
    return [w for w in first.words if all(w in kv for kv in others)]


def _frequency_order(slices: list[list[KeyedVectors]], words: list[str]) -> list[str]:
    """`words` most frequent first: by their summed counts where every model has counts."""
    models = [kv for runs in slices for kv in runs]
    if not all(kv.counts is not None for kv in models):
        return words
    total = sum(kv.counts[[kv.index(w) for w in words]] for kv in models)
    return [words[i] for i in np.argsort(-total, kind="stable").tolist()]


def _slice_vectors(runs: list[KeyedVectors], words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The slice's unit vectors of `words` (runs aligned to the first and averaged) and each word's
    mean cosine distance from that average over the runs (0 for one run)."""
    units = [unit_rows(kv.vectors[[kv.index(w) for w in words]].astype(np.float64)) for kv in runs]
    if len(units) == 1:
        return units[0], np.zeros(len(words))
    units = [units[0]] + [u @ rotation(units[0], u) for u in units[1:]]
    mean = unit_rows(np.mean(units, axis=0))
    return mean, np.mean([1 - np.sum(u * mean, axis=1) for u in units], axis=0)


def _zscores(values: np.ndarray, bins: list[np.ndarray]) -> np.ndarray:
    z = np.zeros(len(values))
    for members in bins:
        v = values[members]
        sd = v.std(ddof=1) if len(v) > 1 else 0.0
        z[members] = (v - v.mean()) / sd if sd > 0 else 0.0
    return z


def frequency_bins(n: int, bins: int = BINS, min_bin: int = MIN_BIN) -> list[np.ndarray]:
    """Ranks 0..n-1 cut into about `bins` runs of consecutive ranks, each at least `min_bin` long."""
    count = max(1, min(bins, n // max(min_bin, 1)))
    return [b for b in np.array_split(np.arange(n), count) if len(b)]


def local_change(a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """Hamilton's local neighbourhood measure per row of two unit matrices of the same words."""
    na, nb = neighbour_ids(a, k), neighbour_ids(b, k)
    union = np.concatenate([na, nb], axis=1)
    weight = np.concatenate([np.ones(na.shape), ~(nb[:, :, None] == na[:, None, :]).any(axis=2)], axis=1)
    sa = np.einsum("nd,nkd->nk", a, a[union]) * weight
    sb = np.einsum("nd,nkd->nk", b, b[union]) * weight
    norm = np.linalg.norm(sa, axis=1) * np.linalg.norm(sb, axis=1)
    return 1 - np.divide(np.sum(sa * sb, axis=1), norm, out=np.ones(len(a)), where=norm > 0)


def change(slices: Sequence[Slice], top: int | None = DEFAULT_TOP, anchors: Sequence[str] | None = None,
           k: int = DEFAULT_K) -> Change:
    """Align the slices and rank the `top` most frequent shared words by how far they moved between
    the first and the last slice (see the module's docstring); anchors not shared are left out."""
    slices = [_runs(s) for s in slices]
    if len(slices) < 2:
        raise W2VError("change needs at least two models (slices) to compare")
    shared = _shared(slices)
    if len(shared) < 3:
        raise W2VError(f"the models share {len(shared)} words: too few to align them")
    words = _frequency_order(slices, shared)[:top]
    anchor_words = words if anchors is None else [w for w in dict.fromkeys(anchors) if w in set(shared)]
    if len(anchor_words) < 2:
        raise W2VError("fewer than two anchor words are known to every model: nothing to align on")
    vectors, noise = zip(*(_slice_vectors(runs, words) for runs in slices))
    anchor_vectors = list(vectors) if anchors is None else [_slice_vectors(runs, anchor_words)[0] for runs in slices]
    rotations = [np.eye(vectors[0].shape[1])] + [rotation(anchor_vectors[0], anchor_vectors[s])
                                                 for s in range(1, len(slices))]
    aligned = [v @ r for v, r in zip(vectors, rotations)]
    distance = 1 - np.sum(aligned[0] * aligned[-1], axis=1)
    floor = np.mean(noise, axis=0)
    neighbour = local_change(aligned[0], aligned[-1], min(k, len(words) - 1))
    bins = frequency_bins(len(words))
    z = (_zscores(distance - floor, bins) + _zscores(neighbour, bins)) / 2
    order = np.lexsort((np.arange(len(words)), -z))
    return Change(words, aligned, rotations, distance, neighbour, floor, z, order, len(anchor_words), k)


def write_aligned(slices: Sequence[Slice], result: Change, folder: str | Path, names: Sequence[str],
                  fmt: str = "txt") -> list[Path]:
    """Each slice's vectors (every word of its first run) rotated into the first slice's space,
    written to `folder` as `<name>.aligned.<fmt>` with the vector-file writer."""
    folder = Path(folder)
    if not folder.is_dir():
        raise W2VError(f"{folder}: not a folder")
    written = []
    for runs, r, name in zip((_runs(s) for s in slices), result.rotations, names):
        kv = runs[0]
        out = folder / f"{name}.aligned.{'npz' if fmt == 'model' else fmt}"
        save_vectors(KeyedVectors(kv.words, (unit_rows(kv.vectors.astype(np.float64)) @ r).astype(np.float32),
                                  kv.counts), out, fmt)
        written.append(out)
    return written

"""The shape of a space: how far all vectors lean one way, and the space centred.

After short training word vectors share a common direction (Mu & Viswanath 2018): the cosine of
two random words is well above 0, so raw cosines and axis scores are shifted and only their order
means much. `anisotropy` measures it (the mean cosine of random pairs of frequent words);
`centred` removes it: the mean vector subtracted and, optionally, the top principal components
too (all-but-the-top), which carry frequency more than meaning.
"""

from __future__ import annotations

import numpy as np

from w2vstudio.core.vectors import KeyedVectors

ANISOTROPIC = 0.3  # a mean cosine of random pairs above this: the space leans one way
PAIRS = 10_000
FREQUENT = 20_000  # pairs are drawn among this many most frequent words


def anisotropy(kv: KeyedVectors, pairs: int = PAIRS, frequent: int | None = FREQUENT, seed: int = 0) -> float:
    """The mean cosine of `pairs` random pairs of distinct words among the `frequent` most
    frequent (all words for None or an unranked model; past 2 × `pairs` words, among a random
    2 × `pairs` of them); words of zero length left out."""
    n = len(kv) if frequent is None or not kv.ranked else min(frequent, len(kv))
    rng = np.random.default_rng(seed)
    # only the rows a pair can use are read: no norms of a whole vocabulary of millions
    pool = np.arange(n) if n <= 2 * pairs else np.unique(rng.integers(n, size=2 * pairs))
    unit = kv.vectors[pool].astype(np.float64)
    norms = np.linalg.norm(unit, axis=1)
    nonzero = np.flatnonzero(norms > 0)
    if len(nonzero) < 2:
        return 0.0
    unit = unit[nonzero] / norms[nonzero, None]
    a = rng.integers(len(nonzero), size=pairs)
    b = (a + rng.integers(1, len(nonzero), size=pairs)) % len(nonzero)
    return float(np.einsum("ij,ij->i", unit[a], unit[b]).mean())


def anisotropy_warning(value: float) -> str | None:
    """One line for a space whose mean cosine of random pairs is above ANISOTROPIC, else None."""
    if not value > ANISOTROPIC:
        return None
    return (f"the vectors lean one way: two random words have a mean cosine of {value:.2f} (above "
            f"{ANISOTROPIC:g}), as after short training; raw cosines and scores are shifted, so read "
            "their order, not their size. Train longer, or centre the space.")


def leaning(kv: KeyedVectors) -> str | None:
    """`anisotropy_warning` of `kv`'s `anisotropy`: one line when its space leans one way, else None."""
    return anisotropy_warning(anisotropy(kv))


def centred(kv: KeyedVectors, components: int = 0) -> KeyedVectors:
    """`kv` with the mean vector subtracted and the top `components` principal components removed
    (all-but-the-top), same words and counts."""
    x = kv.vectors.astype(np.float64)
    x = x - x.mean(axis=0)
    if components > 0:
        components = min(components, x.shape[1])
        _, _, vt = np.linalg.svd(x, full_matrices=False)
        top = vt[:components]
        x = x - (x @ top.T) @ top
    return kv.with_vectors(np.ascontiguousarray(x, dtype=np.float32))

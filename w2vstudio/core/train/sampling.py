"""What training draws from: subsampling's keep probabilities, negatives' alias table, and the
Huffman tree of hierarchical softmax."""

from __future__ import annotations

import numpy as np

from w2vstudio.core.kernels.random import alias_table
from w2vstudio.core.kernels.training import huffman_tree
from w2vstudio.core.train.model import Model


def keep_probabilities(counts: np.ndarray, sample: float) -> np.ndarray:
    """Each word's probability of being kept by subsampling (word2vec.c's formula), float64."""
    counts = np.asarray(counts, dtype=np.float64)
    if sample <= 0:
        return np.ones(len(counts))
    threshold = sample * counts.sum()
    keep = np.divide((np.sqrt(counts / threshold) + 1.0) * threshold, counts, out=np.ones(len(counts)),
                     where=counts > 0)
    return np.minimum(keep, 1.0)


class SamplingTables:
    """Per-run lookup tables derived from the vocabulary and parameters: keep probabilities,
    the alias table of the noise distribution, the Huffman tree."""

    def __init__(self, model: Model):
        p, counts = model.params, model.vocab.counts.astype(np.float64)
        self.keep = keep_probabilities(counts, p.sample)
        if p.negative > 0:
            self.thresholds, self.aliases = alias_table(counts ** p.ns_exponent)
        else:
            self.thresholds, self.aliases = np.zeros(1, np.uint64), np.zeros(1, np.int32)
        if p.hs:
            self.codes, self.points, self.lengths = huffman_tree(counts)
        else:
            self.codes, self.points, self.lengths = (np.zeros((1, 1), np.uint8), np.zeros((1, 1), np.int32),
                                                     np.zeros(1, np.int32))

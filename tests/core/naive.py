"""Slow, plain-numpy reference of the training kernel (same random stream, same update rules).

Every random draw (subsampling, window shrink, negative samples) is made in the same order as
``kernels.train_sentences``, so the discrete path is identical and the weights must agree up to
float32 rounding. The loss here is computed with exact formulas.
"""

import numpy as np

MASK = (1 << 64) - 1


class Rng:
    """xorshift64*, as in the kernels."""

    def __init__(self, state: int):
        self.x = state

    def bits(self) -> int:
        x = self.x
        x ^= x >> 12
        x ^= (x << 25) & MASK
        x ^= x >> 27
        self.x = x
        return (x * 0x2545F4914F6CDD1D) & MASK

    def below(self, n: int) -> int:
        return ((self.bits() >> 32) * n) >> 32

    def uniform(self) -> float:
        return (self.bits() >> 11) * (1.0 / 9007199254740992.0)

    def negative(self, thresholds, aliases) -> int:
        r = self.bits()
        i = ((r >> 32) * len(aliases)) >> 32
        return i if (r & 0xFFFFFFFF) < int(thresholds[i]) else int(aliases[i])


def output_step(l1, syn_out, t, label, alpha, work):
    f = np.float64(np.dot(l1.astype(np.float64), syn_out[t].astype(np.float64)))
    sig = 1.0 / (1.0 + np.exp(-f))
    loss = -np.log(sig) if label == 1 else -np.log1p(-sig)
    g = np.float32((label - sig) * alpha)
    work += g * syn_out[t]
    syn_out[t] += g * l1
    return loss


def predict(l1, word, w, t, p, alpha, rng, work, together=False):
    """With `together` (CBOW) the negative-sampling scores come from the rows before the update."""
    loss = 0.0
    if p["hs"]:
        for k in range(t["lengths"][word]):
            loss += output_step(l1, w["syn1"], t["points"][word, k], 1 - int(t["codes"][word, k]), alpha, work)
    if p["negative"] > 0:
        negs = [rng.negative(t["thresholds"], t["aliases"]) for _ in range(p["negative"])]
        outs = [word] + [n for n in negs if n != word]
        if not together:
            for k, n in enumerate(outs):
                loss += output_step(l1, w["syn1neg"], n, 1 if k == 0 else 0, alpha, work)
            return loss
        syn1neg = w["syn1neg"]
        labels = np.zeros(len(outs))
        labels[0] = 1.0
        sig = 1.0 / (1.0 + np.exp(-(syn1neg[outs].astype(np.float64) @ l1.astype(np.float64))))
        loss += -np.log(sig[0]) - np.log1p(-sig[1:]).sum()
        g = ((labels - sig) * alpha).astype(np.float32)
        work += g @ syn1neg[outs]
        np.add.at(syn1neg, outs, g[:, None] * l1)
    return loss


def shared_window(ctx, word, w, t, p, alpha, rng):
    """Skip-gram, negatives shared by the window: scores from the weights before the update."""
    syn0, syn1neg = w["syn0"], w["syn1neg"]
    negs = [rng.negative(t["thresholds"], t["aliases"]) for _ in range(p["negative"])]
    outs = [word] + [n for n in negs if n != word]
    labels = np.zeros(len(outs))
    labels[0] = 1.0
    scores = syn0[ctx].astype(np.float64) @ syn1neg[outs].astype(np.float64).T
    sig = 1.0 / (1.0 + np.exp(-scores))
    loss = -np.log(sig[:, 0]).sum() - np.log1p(-sig[:, 1:]).sum()
    g = ((labels - sig) * alpha).astype(np.float32)
    d_in, d_out = g @ syn1neg[outs], g.T @ syn0[ctx]
    np.add.at(syn1neg, outs, d_out)
    np.add.at(syn0, ctx, d_in)
    return loss


def train_sentences(sentences, w, t, p, alpha, rng):
    """Train on a list of id lists; returns (loss sum, predictions, words kept)."""
    syn0 = w["syn0"]
    loss, predictions, kept = 0.0, 0, 0
    for raw in sentences:
        sent = []
        for word in raw:
            if t["keep"][word] < 1.0 and t["keep"][word] < rng.uniform():
                continue
            sent.append(word)
        kept += len(sent)
        n = len(sent)
        for i in range(n):
            b = rng.below(p["window"]) if p["shrink_window"] else 0
            lo, hi = max(0, i - p["window"] + b), min(n, i + p["window"] + 1 - b)
            ctx = [sent[j] for j in range(lo, hi) if j != i]
            if p["sg"] and p.get("shared_negatives") and p["negative"] > 0 and not p["hs"]:
                if ctx:
                    loss += shared_window(ctx, sent[i], w, t, p, alpha, rng)
                    predictions += len(ctx)
                continue
            if p["sg"]:
                for c in ctx:
                    work = np.zeros(syn0.shape[1], np.float32)
                    loss += predict(syn0[c].copy(), sent[i], w, t, p, alpha, rng, work)
                    syn0[c] += work
                    predictions += 1
                continue
            if not ctx:
                continue
            neu1 = syn0[ctx].sum(axis=0, dtype=np.float32)
            if p["cbow_mean"]:
                neu1 *= np.float32(1.0 / len(ctx))
            work = np.zeros(syn0.shape[1], np.float32)
            loss += predict(neu1, sent[i], w, t, p, alpha, rng, work, together=True)
            if not p["cbow_mean"]:
                work *= np.float32(1.0 / len(ctx))
            for c in ctx:
                syn0[c] += work
            predictions += 1
    return loss, predictions, kept

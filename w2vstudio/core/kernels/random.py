"""Random numbers (xorshift64*) and the alias table for drawing negatives."""

from __future__ import annotations

import numpy as np
from numba import njit

from w2vstudio.core.kernels.jit import NOFAST

# ---------------------------------------------------------------------------------------------
# Random numbers: xorshift64*. A kernel keeps its thread's state in a local variable (the
# helpers take and return it) and stores it back at the end, so threads share no cache line.

_U32 = np.uint64(32)


@njit(inline="always")
def _rand(x):
    """(next state, 64 random bits)."""
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    return x, x * np.uint64(0x2545F4914F6CDD1D)


@njit(inline="always")
def below(x, n):
    """(next state, a uniform integer in [0, n))."""
    x, r = _rand(x)
    return x, np.int64(((r >> _U32) * np.uint64(n)) >> _U32)


@njit(inline="always")
def uniform(x):
    """(next state, a uniform float in [0, 1))."""
    x, r = _rand(x)
    return x, np.float64(r >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(inline="always")
def draw_negative(x, thresholds, aliases):
    """(next state, a word from the noise distribution): Walker's alias method, one draw."""
    x, r = _rand(x)
    i = np.int64(((r >> _U32) * np.uint64(len(aliases))) >> _U32)
    if (r & np.uint64(0xFFFFFFFF)) < thresholds[i]:
        return x, i
    return x, np.int64(aliases[i])


def seed_states(seed: int, n: int) -> list[np.ndarray]:
    """n independent non-zero xorshift states derived from one seed (splitmix64)."""
    states = []
    x = (int(seed) * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF
    for _ in range(n):
        x = (x + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        z ^= z >> 31
        states.append(np.array([z or 1], dtype=np.uint64))
    return states


# ---------------------------------------------------------------------------------------------
# Sampling tables


@njit(**NOFAST)
def alias_table(weights):
    """Walker/Vose alias table for sampling index i with probability weights[i] / sum.

    Returns (thresholds, aliases): draw i uniformly, keep it if a uniform 32-bit number is
    below thresholds[i], else take aliases[i].
    """
    n = len(weights)
    scaled = weights * (n / weights.sum())
    thresholds = np.full(n, np.uint64(1) << _U32, dtype=np.uint64)
    aliases = np.arange(n).astype(np.int32)
    small = np.empty(n, dtype=np.int64)
    large = np.empty(n, dtype=np.int64)
    ns = 0
    nl = 0
    for i in range(n):
        if scaled[i] < 1.0:
            small[ns] = i
            ns += 1
        else:
            large[nl] = i
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        g = large[nl - 1]
        thresholds[s] = np.uint64(scaled[s] * 4294967296.0)
        aliases[s] = g
        scaled[g] = (scaled[g] + scaled[s]) - 1.0
        if scaled[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    return thresholds, aliases

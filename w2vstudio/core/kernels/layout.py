"""Placing map labels without overlap."""

from __future__ import annotations

from numba import njit

from w2vstudio.core.kernels.jit import NOFAST

# ---------------------------------------------------------------------------------------------
# Map labels

@njit(**NOFAST)
def place_boxes(low, high, taken, placed):  # pragma: no cover - compiled
    """Greedy placement of boxes in order: box k covers the cells low[k]..high[k] (inclusive, x
    then y) of the occupancy grid `taken`; a box whose cells are all free is placed (its index
    into `placed`, its cells taken). Stops when `placed` is full; returns how many were placed."""
    found = 0
    for k in range(low.shape[0]):
        if found == placed.shape[0]:
            break
        free = True
        for x in range(low[k, 0], high[k, 0] + 1):
            for y in range(low[k, 1], high[k, 1] + 1):
                if taken[x, y]:
                    free = False
                    break
            if not free:
                break
        if free:
            for x in range(low[k, 0], high[k, 0] + 1):
                for y in range(low[k, 1], high[k, 1] + 1):
                    taken[x, y] = True
            placed[found] = k
            found += 1
    return found

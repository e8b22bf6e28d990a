"""Numba options shared by every kernel: all release the GIL and are cached on disk; only the
training and scoring loops may reorder float arithmetic (fastmath)."""

JIT = dict(nogil=True, fastmath=True, cache=True)
NOFAST = dict(nogil=True, cache=True)

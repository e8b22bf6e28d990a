"""Numba kernels, split by purpose: text, random, training, scoring, fastText, layout."""

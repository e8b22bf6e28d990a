"""Watching training: trajectories, snapshot t-SNE, stability, pinned-word probes, per-epoch quality."""

"""Watching a model learn: its snapshots analysed in the background, the timeline, probes and stability."""

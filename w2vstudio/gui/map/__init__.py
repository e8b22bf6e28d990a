"""The Map tab: a 2D map of the vocabulary over the timeline of a run's snapshots."""

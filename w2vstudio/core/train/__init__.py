"""Training: the model and its file, the trainer, sampling tables, callbacks, snapshots."""

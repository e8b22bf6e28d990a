"""What the `pairs` and `step` commands share: reading a model for a look inside."""

from __future__ import annotations

from w2vstudio.core.files.ensemble import first_run
from w2vstudio.core.files.vectorfiles import detect_format
from w2vstudio.core.train.model import Model


def load_for_inside(path: str) -> Model | None:
    """The model in ``path`` if it is one trained here (with word counts), else None."""
    path = first_run(path)  # an ensemble: its first run
    if detect_format(path) != "model":
        return None
    model = Model.load(path)
    return model if model.vocab.counts.any() else None


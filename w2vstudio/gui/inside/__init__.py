"""The Inside tab: a sentence → training samples → one learning step, and a tiny model."""

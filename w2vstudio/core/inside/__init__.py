"""Inside word2vec: a sentence → training samples → one learning step, on the user's own model."""

from w2vstudio.core.inside.likelihood import Likelihood, likelihood

__all__ = ["Likelihood", "likelihood"]

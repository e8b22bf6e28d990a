"""Exploring a model: neighbours, analogies, evaluation, comparing two models, a word in the corpus."""

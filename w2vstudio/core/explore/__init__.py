"""Exploring a model: evaluation, lookups, comparison, queries, prefixes, neighbourhoods."""

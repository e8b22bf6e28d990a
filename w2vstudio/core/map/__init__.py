"""The map of a model's words: its points, labels and spatial queries, apart from any view."""

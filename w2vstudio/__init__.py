"""w2vstudio: a desktop studio for word embeddings."""

__version__ = "0.1.0"

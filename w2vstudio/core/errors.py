"""Errors a user can cause. Each is shown as one line, never as a traceback."""


class W2VError(Exception):
    """Base class: a problem with the user's input, reported as one clear sentence."""


class CorpusError(W2VError):
    """A corpus path that cannot be read or yields no usable text."""


class FormatError(W2VError):
    """A vectors or model file that is malformed or of an unknown format."""


class ForeignFile(FormatError):
    """A file recognised as one w2vstudio will not read (a Python pickle, a compressed fastText
    model): never taken for a corpus either."""


class UnknownWordError(W2VError, KeyError):
    """A word that is not in the vocabulary."""

    def __str__(self):  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class Cancelled(W2VError):
    """A long operation was cancelled by the user."""

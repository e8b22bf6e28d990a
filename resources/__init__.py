"""Files shipped with w2vstudio: evaluation sets, a sample corpus and the icon."""

from importlib.resources import files
from pathlib import Path

ANALOGIES = "questions-words.txt"
WORDSIM = "wordsim353.tsv"
SAMPLE_CORPUS = "sample-corpus.txt.gz"
OCCUPATIONS = "occupations.txt"
ICON = "w2vstudio.svg"


def path(name: str) -> Path:
    """Filesystem path of a bundled resource."""
    return Path(str(files(__name__) / name))

"""The Word Embedding Association Test (Caliskan, Bryson & Narayanan, Science 2017).

For a word w, s(w, A, B) = mean cos(w, a) - mean cos(w, b). The effect size is
d = (mean_{x in X} s(x) - mean_{y in Y} s(y)) / sd_{w in X ∪ Y} s(w) (ddof 1); the test statistic is
S = sum_X s(x) - sum_Y s(y), and the one-sided p-value the share of partitions of X ∪ Y into two
sets of the sizes of X and Y whose statistic exceeds the observed one: all of them when there are at
most `EXACT_LIMIT`, else `permutations` seeded random ones. Several vector sets (the runs of an
ensemble) give one d per run; the p-value is that of s averaged over the runs.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from w2vstudio.core.errors import FormatError, W2VError
from w2vstudio.core.support.opener import open_input
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.resources import path as resource_path

DEFAULT_PERMUTATIONS = 100_000
EXACT_LIMIT = 100_000  # partitions enumerated when there are at most this many
MAX_WORDS = 10_000  # words in one list file
MAX_LINE = 1_000  # bytes in one line of a list file
_CHUNK = 1 << 20  # partition members summed at once (8 MiB of float64)

# name: (targets X, Y, attributes A, B) as files in resources/weat; the paper's WEAT 1-10
BUNDLED = {
    "flowers-insects": ("flowers", "insects", "pleasant", "unpleasant"),
    "instruments-weapons": ("instruments", "weapons", "pleasant", "unpleasant"),
    "names-pleasant": ("european-american-names", "african-american-names", "pleasant", "unpleasant-names"),
    "short-names-pleasant": ("european-american-names-short", "african-american-names-short", "pleasant",
                             "unpleasant-names"),
    "short-names-pleasant-short": ("european-american-names-short", "african-american-names-short",
                                   "pleasant-short", "unpleasant-short"),
    "career-family": ("male-names", "female-names", "career", "family"),
    "maths-arts": ("maths", "arts", "male-terms", "female-terms"),
    "science-arts": ("science", "arts-science", "male-kin", "female-kin"),
    "disease-permanence": ("mental-disease", "physical-disease", "temporary", "permanent"),
    "age-pleasant": ("young-names", "old-names", "pleasant-short", "unpleasant-short"),
}
ROLES = ("X", "Y", "A", "B")


def read_word_list(path: str | Path) -> list[str]:
    """The words of a list file: one per line, blank lines and `#` comments ignored, repeats once."""
    words: dict[str, None] = {}
    with open_input(path, FormatError) as f:
        for no, raw in enumerate(iter(lambda: f.readline(MAX_LINE + 1), b""), 1):
            if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
                raise FormatError(f"{path}, line {no}: longer than {MAX_LINE:,} bytes: not a word list")
            try:
                word = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise FormatError(f"{path}, line {no}: not valid UTF-8") from None
            if word and not word.startswith("#"):
                words[word] = None
                if len(words) > MAX_WORDS:
                    raise FormatError(f"{path}: more than {MAX_WORDS:,} words: not a word list")
    if not words:
        raise FormatError(f"{path}: no words (one word per line; # starts a comment)")
    return list(words)


def bundled_lists(name: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """The four word lists of a bundled test (see `BUNDLED`)."""
    if name not in BUNDLED:
        raise W2VError(f"no bundled WEAT test {name!r}: choose one of {', '.join(BUNDLED)}")
    return tuple(read_word_list(bundled_path(f)) for f in BUNDLED[name])


def bundled_path(list_name: str) -> Path:
    return resource_path("weat") / f"{list_name}.txt"


@dataclass(frozen=True)
class WeatResult:
    """d per run and its mean, the p-value, the partitions' statistics (for a histogram), the
    observed statistic, and the words each list lost (missing from some run's vocabulary)."""

    effect_sizes: list[float]
    p_value: float
    permutations: int
    exact: bool
    statistic: float
    distribution: np.ndarray = field(repr=False)
    used: dict[str, list[str]]
    missing: dict[str, list[str]]

    @property
    def effect_size(self) -> float:
        return float(np.mean(self.effect_sizes))

    @property
    def effect_size_sd(self) -> float | None:
        return float(np.std(self.effect_sizes, ddof=1)) if len(self.effect_sizes) > 1 else None

    @property
    def missing_words(self) -> list[str]:
        return list(dict.fromkeys(w for role in ROLES for w in self.missing[role]))

    def to_dict(self) -> dict:
        return {"effect_size": self.effect_size, "p_value": self.p_value, "permutations": self.permutations,
                "exact": self.exact, "missing": self.missing_words, "runs": list(self.effect_sizes),
                "effect_size_sd": self.effect_size_sd, "statistic": self.statistic,
                "words": {role: len(self.used[role]) for role in ROLES}}


def _found(runs: Sequence[KeyedVectors], word: str) -> str | None:
    """`word` as every run knows it: as written, else in lower case."""
    for form in dict.fromkeys((word, word.lower())):
        if all(form in kv for kv in runs):
            return form
    return None


def associations(kv: KeyedVectors, targets: list[str], a: list[str], b: list[str]) -> np.ndarray:
    """s(w, A, B) for each target word w (all known to `kv`)."""
    unit = kv.unit
    t, ua, ub = (unit[[kv.index(w) for w in group]].astype(np.float64) for group in (targets, a, b))
    return (t @ ua.T).mean(axis=1) - (t @ ub.T).mean(axis=1)


def effect_size(s: np.ndarray, nx: int) -> float:
    """d from the associations of X (the first `nx`) and Y (the rest)."""
    sd = np.std(s, ddof=1) if len(s) > 1 else 0.0
    return float((s[:nx].mean() - s[nx:].mean()) / sd) if sd > 0 else 0.0


def partition_statistics(s: np.ndarray, nx: int, permutations: int = DEFAULT_PERMUTATIONS,
                         seed: int = 0) -> tuple[np.ndarray, bool]:
    """S of every partition of `s` into `nx` and the rest (exact, when few), else of `permutations`
    random ones drawn from `seed`: (statistics, exact)."""
    n, total = len(s), float(s.sum())
    exact = math.comb(n, nx) <= EXACT_LIMIT
    if exact:
        count = math.comb(n, nx)
        members = np.fromiter(itertools.chain.from_iterable(itertools.combinations(range(n), nx)),
                              np.int64, count * nx).reshape(count, nx)
        return 2 * s[members].sum(axis=1) - total, True
    rng = np.random.default_rng(seed)
    step = max(1, _CHUNK // max(n, 1))
    parts = []
    for start in range(0, permutations, step):
        rows = min(step, permutations - start)
        members = np.argsort(rng.random((rows, n)), axis=1)[:, :nx]
        parts.append(2 * s[members].sum(axis=1) - total)
    return np.concatenate(parts), False


def weat(runs: KeyedVectors | Sequence[KeyedVectors], x: Sequence[str], y: Sequence[str], a: Sequence[str],
         b: Sequence[str], permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0) -> WeatResult:
    """The test on one model or on each run of an ensemble (words every run knows)."""
    runs = [runs] if isinstance(runs, KeyedVectors) else list(runs)
    if not runs:
        raise W2VError("WEAT needs a model")
    if permutations < 1:
        raise W2VError("--permutations must be at least 1")
    used, missing = {}, {}
    for role, words in zip(ROLES, (x, y, a, b)):
        found = [(w, _found(runs, w)) for w in dict.fromkeys(words)]
        used[role] = list(dict.fromkeys(f for _, f in found if f is not None))
        missing[role] = [w for w, f in found if f is None]
        if not used[role]:
            raise W2VError(f"none of the {role} words is in the vocabulary"
                           + (f" ({', '.join(missing[role][:5])}…)" if missing[role] else ""))
    nx = len(used["X"])
    per_run = [associations(kv, used["X"] + used["Y"], used["A"], used["B"]) for kv in runs]
    s = np.mean(per_run, axis=0)
    observed = float(s[:nx].sum() - s[nx:].sum())
    stats, exact = partition_statistics(s, nx, permutations, seed)
    tolerance = 1e-9 * max(1.0, float(np.abs(s).sum()))
    p = float(np.mean(stats > observed + tolerance))
    return WeatResult([effect_size(r, nx) for r in per_run], p, len(stats), exact, observed, stats, used, missing)

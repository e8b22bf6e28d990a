"""The training parameters, declared once: label, help, command-line flag, range and group of each.

`TrainParams` holds the values; `PARAMS` describes its fields in order (the studio's form, its
settings keys and `w2vstudio train`'s flags are generated from it); validation lives here, so a
value refused on the command line is refused in the form and in a model file alike. Ranges follow
word2vec practice with room around it (docs/architecture.md lists them).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, fields

from w2vstudio.core.errors import W2VError

GROUPS = ("basic", "advanced", "corpus")  # corpus: settles how the text is read (the corpus step's)


class ParamError(W2VError, ValueError):
    """A parameter value out of its range or a combination that cannot train.

    `param` is the offending `Param` (None for a malformed set), `value` its value and `reason`
    what is wrong, so a form can show the field's label instead of the flag."""

    def __init__(self, message: str, param: Param | None = None, value=None, reason: str = ""):
        super().__init__(message)
        self.param, self.value, self.reason = param, value, reason or message


@dataclass(frozen=True)
class Param:
    """One field of `TrainParams` as the form, the settings and the command line see it."""

    name: str
    label: str
    help: str
    flag: str  # the command-line option (booleans: their first switch)
    type: type
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple = ()  # booleans: (text, value) for a drop-down
    group: str = "basic"
    special: str = ""  # what the lowest value means, e.g. "all cores"
    switches: tuple = ()  # booleans: (flag, value, help) command-line switches

    def range_text(self) -> str:
        """The allowed values in words, e.g. "1 to 1,000"."""
        if self.type is bool:
            return "on or off"
        text = f"{_number(self.low)} to {_number(self.high)}"
        return f"{text} ({_number(self.low)}: {self.special})" if self.special else text

    def check(self, value):
        """The value converted to the field's type, or ParamError naming the flag and the value."""
        if self.type is bool:
            if not isinstance(value, bool):
                raise self._error(value, "must be true or false")
            return value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy numbers are Real too
            raise self._error(value, f"must be a number from {self.range_text()}")
        if self.type is int:
            if not isinstance(value, numbers.Integral):
                if not float(value).is_integer():
                    raise self._error(value, f"must be a whole number from {self.range_text()}")
            value = int(value)
        else:
            value = float(value)
            if not math.isfinite(value):
                raise self._error(value, f"must be a finite number from {self.range_text()}")
        if not self.low <= value <= self.high:
            raise self._error(value, f"must be from {self.range_text()}")
        return value

    def _error(self, value, reason: str) -> ParamError:
        return ParamError(f"{self.flag} {shown(value)}: {reason}", self, value, reason)


def _param(default, label: str, help: str, flag: str, low=None, high=None, **more):
    return field(default=default, metadata=dict(label=label, help=help, flag=flag, low=low, high=high, **more))


def _switch(default, label: str, help: str, choices: tuple, switches: tuple, **more):
    return field(default=default, metadata=dict(label=label, help=help, flag=switches[0][0], choices=choices,
                                                switches=switches, **more))


@dataclass
class TrainParams:
    """Hyperparameters, with word2vec.c / gensim defaults; validated when made."""

    sg: bool = _switch(
        True, "Architecture", "Skip-gram predicts the context from each word: better for rare words, slower. "
        "CBOW predicts a word from its context: faster, good for frequent words.",
        (("Skip-gram", True), ("CBOW", False)),
        (("--sg", True, "skip-gram (default)"), ("--cbow", False, "continuous bag of words")))
    hs: bool = _switch(
        False, "Loss", "Negative sampling contrasts each true context with a few random words (usual choice). "
        "Hierarchical softmax walks a binary tree of the vocabulary: can help rare words.",
        (("Negative sampling", False), ("Hierarchical softmax", True)),
        (("--hs", True, "hierarchical softmax (with --negative 0: alone)"),))
    softmax: bool = _switch(
        False, "Full softmax", "Train the exact softmax over the whole vocabulary instead of negative sampling "
        "or hierarchical softmax: the textbook objective, about V/(k+1) times slower than negative sampling "
        "(the bottleneck negative sampling removes). Usual: off; for small vocabularies and comparisons.",
        (("Off", False), ("On (slow)", True)),
        (("--softmax", True, "the full softmax over the vocabulary (implies --negative 0; not with --hs)"),),
        group="advanced")
    negative: int = _param(
        5, "Negatives", "Random words contrasted with each true context (negative sampling only; 0: none, "
        "needs hierarchical softmax). Usual: 5-20 for small corpora, 2-5 for large ones.", "--negative", 0, 100)
    shared_negatives: bool = _switch(
        True, "Negatives per window", "Skip-gram with negative sampling alone: one draw of negatives for each "
        "centre word, shared by its whole window, which is updated at once (HogBatch): much faster, at the "
        "same quality. Per pair: a fresh draw for every (context, centre) pair, as word2vec.c and "
        "gensim do. A model keeps its choice when trained further.",
        (("Shared by the window", True), ("Per pair", False)),
        (("--shared-negatives", True, "skip-gram: one draw of negatives per window (default)"),
         ("--no-shared-negatives", False, "skip-gram: a fresh draw of negatives for every pair, as word2vec.c")),
        group="advanced")
    ns_exponent: float = _param(
        0.75, "Sampling exponent", "Negative words are drawn with probability proportional to their count to "
        "this power (negative sampling only). Usual: 0.75; 1 samples by frequency, 0 uniformly, negative "
        "values favour rare words.", "--ns-exponent", -1.0, 1.0, group="advanced")
    dim: int = _param(
        100, "Dimensions", "Length of each word vector. Usual: 100-300; 50 for a quick look; more needs a "
        "larger corpus, and memory: vocabulary x dimensions x 4 bytes per weight matrix, checked before "
        "training.", "--dim", 1, 1_000_000_000)
    window: int = _param(
        5, "Window", "Largest distance between a word and a context word. Usual: 5-10; small windows favour "
        "syntax, large ones topics.", "--window", 1, 1000)
    shrink_window: bool = _switch(
        True, "Window width", "Whether each word's window is drawn at random up to the largest distance "
        "(word2vec's way: near words weigh more) or always the full window.",
        (("Random up to the window", True), ("Always the full window", False)),
        (("--fixed-window", False, "always use the full window"),), group="advanced")
    cbow_mean: bool = _switch(
        True, "CBOW context", "How CBOW combines the context words' vectors (CBOW only): their mean (usual) "
        "or their sum, which calls for a smaller learning rate.", (("Mean", True), ("Sum", False)),
        (("--cbow-sum", False, "CBOW sums the context instead of averaging it"),), group="advanced")
    sample: float = _param(
        1e-3, "Subsampling", "Frequent words are randomly skipped above this relative frequency, which speeds "
        "training and helps rare words. Usual: 1e-3 to 1e-5; 0 turns it off.", "--sample", 0.0, 1.0)
    min_count: int = _param(
        5, "Min count", "Words seen fewer times than this are ignored. Usual: 5; raise it (10-100) for large "
        "corpora to shrink the vocabulary.", "--min-count", 1, 1_000_000_000)
    max_vocab: int = _param(
        0, "Max vocabulary", "Keep at most this many of the most frequent words (after min count). Usual: "
        "no limit, or 100k-1M for huge corpora.", "--max-vocab", 0, 1_000_000_000, special="no limit")
    alpha: float = _param(
        0.025, "Learning rate", "Starting learning rate, lowered linearly to the final one. Usual: 0.025 for "
        "skip-gram, 0.05 for CBOW.", "--alpha", 1e-6, 1.0)
    min_alpha: float = _param(
        0.0001, "Final learning rate", "The learning rate falls linearly from the starting rate to this one "
        "at the end of training. Usual: 0.0001; at most the starting rate.", "--min-alpha", 0.0, 1.0,
        group="advanced")
    epochs: int = _param(
        5, "Epochs", "Passes over the corpus. Usual: 5; 10-20 for small corpora.", "--epochs", 1, 1000)
    threads: int = _param(
        0, "Threads", "Worker threads. All cores is fastest; fewer leaves the computer responsive.",
        "--threads", 0, 1024, special="all cores")
    seed: int = _param(
        1, "Seed", "Random seed for initial vectors and sampling. With one thread, the same seed gives the "
        "same model.", "--seed", 0, 2**31 - 1)
    lowercase: bool = _switch(
        True, "Lowercase", "Whether words are lowercased when the corpus is read.",
        (("Lowercase", True), ("Keep case", False)), (("--keep-case", False, "do not lowercase words"),),
        group="corpus")
    phrases: bool = _switch(
        False, "Join phrases", "Join collocations such as \"new york\" into one token (new_york) before training, "
        "as gensim's Phrases does: a pair is joined when (count(ab) - min count) / (count(a) count(b)) x "
        "|vocabulary| is above the threshold.", (("Off", False), ("Join phrases", True)),
        (("--phrases", True, "join collocations into one token before training (gensim's Phrases)"),),
        group="corpus")
    phrase_threshold: float = _param(
        10.0, "Phrase threshold", "A pair becomes a phrase when its score is above this. Usual: 10 (gensim's "
        "default); higher gives fewer phrases; with npmi scoring, a value from -1 to 1 (e.g. 0.5).",
        "--phrase-threshold", -1.0, 1e9, group="corpus")
    phrase_min_count: int = _param(
        5, "Phrase min count", "Pairs seen fewer times are never phrases (the default scorer also subtracts "
        "it from the pair's count). Usual: 5.", "--phrase-min-count", 1, 1_000_000_000, group="corpus")
    phrase_passes: int = _param(
        1, "Phrase passes", "Passes of phrase finding: 1 joins pairs; 2 also joins a phrase with the next "
        "word or phrase (three- and four-word phrases).", "--phrase-passes", 1, 5, group="corpus")
    phrase_npmi: bool = _switch(
        False, "Phrase scoring", "Score pairs by normalised pointwise mutual information (from -1 to 1) "
        "instead of the default scorer.", (("Default", False), ("npmi", True)),
        (("--phrase-npmi", True, "score phrases by normalised PMI (use a threshold from -1 to 1)"),),
        group="corpus")
    phrase_connectors: bool = _switch(
        False, "Connector words", "Let English connector words (of, the, and, ...) stand inside a phrase, "
        "as in bank_of_america (gensim's ENGLISH_CONNECTOR_WORDS).", (("Off", False), ("English", True)),
        (("--phrase-connectors", True, "allow English connector words inside phrases (bank_of_america)"),),
        group="corpus")
    batch_words: int = _param(
        50_000, "Batch size", "Corpus words per batch: the unit of work of a thread; the loss, the plots and "
        "the snapshots are updated once per batch. Usual: 50,000; smaller batches give finer plots and train "
        "a little slower.", "--batch-words", 10, 10_000_000, group="advanced")

    def __post_init__(self):
        if self.max_vocab is None:  # older files and callers: None was "no limit"
            self.max_vocab = 0
        for p in PARAMS:
            setattr(self, p.name, p.check(getattr(self, p.name)))
        if self.softmax:
            if self.hs:
                raise ParamError("--softmax replaces --hs: choose one of them", BY_NAME["softmax"], True)
            self.negative = 0  # the full softmax draws no negatives
        elif not self.hs and self.negative == 0:
            raise ParamError("--negative 0 needs --hs: choose negative sampling (negative > 0), hierarchical "
                             "softmax, or both", BY_NAME["negative"], 0)
        if self.min_alpha > self.alpha:
            raise ParamError(f"--min-alpha {shown(self.min_alpha)}: the final learning rate must not be above "
                             f"the starting one (--alpha {shown(self.alpha)})", BY_NAME["min_alpha"],
                             self.min_alpha, "must not be above the starting learning rate")

    @classmethod
    def from_dict(cls, data) -> TrainParams:
        """Parameters read from a file: unknown keys are left out, the others validated."""
        if not isinstance(data, dict):
            raise ParamError(f"the training parameters are a {type(data).__name__}, not a mapping")
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values.setdefault("shared_negatives", False)  # files from before shared negatives: trained per pair
        try:
            return cls(**values)
        except ParamError as exc:
            if exc.param is None:
                raise
            raise ParamError(f"parameter {exc.param.name} = {shown(exc.value)}: {exc.reason}",
                             exc.param, exc.value, exc.reason) from None


def _describe(f) -> Param:
    m = f.metadata
    return Param(f.name, m["label"], m["help"], m["flag"], type(f.default), f.default, m.get("low"), m.get("high"),
                 m.get("choices", ()), m.get("group", "basic"), m.get("special", ""), m.get("switches", ()))


PARAMS: tuple[Param, ...] = tuple(_describe(f) for f in fields(TrainParams))
BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}


def memory_needed(params: TrainParams, vocab_size: int) -> int:
    """Bytes of the weight matrices of a model of `vocab_size` words: input vectors, plus output
    weights for negative sampling, hierarchical softmax and the full softmax."""
    matrices = 1 + (params.negative > 0) + bool(params.hs) + bool(params.softmax)
    return vocab_size * params.dim * 4 * matrices


# -- the command line -------------------------------------------------------------------------------
def add_arguments(parser) -> None:
    """One option per field of `PARAMS` (booleans: their switches), help and range from the spec;
    an option not given is None (see `given`)."""
    for p in PARAMS:
        if p.type is bool:
            target = parser.add_mutually_exclusive_group() if len(p.switches) > 1 else parser
            for flag, value, text in p.switches:
                target.add_argument(flag, dest=p.name, action="store_const", const=value, default=None,
                                    help=_escape(text))
            continue
        metavar = "N" if p.type is int else "F"
        parser.add_argument(p.flag, dest=p.name, type=p.type, default=None, metavar=metavar,
                            help=_escape(f"{p.help} Range: {p.range_text()}; default {_number(p.default)}."))


def given(args) -> frozenset[str]:
    """The names of the parameters whose options were given on the command line."""
    return frozenset(p.name for p in PARAMS if getattr(args, p.name) is not None)


def from_args(args) -> TrainParams:
    """`TrainParams` from the options `add_arguments` declared, defaults where not given
    (ParamError if a value is refused)."""
    return TrainParams(**{name: getattr(args, name) for name in given(args)})


# -- continued training -----------------------------------------------------------------------------
CONTINUED = frozenset({"epochs", "alpha", "min_alpha", "threads", "min_count"})  # what a continued run sets


def check_continued(own: TrainParams, asked: TrainParams, names, source: str) -> None:
    """Refuse (ParamError naming the flag) a parameter in `names`, asked for continuing the model
    `source` trained with `own`, that the model cannot honour: only `CONTINUED` ones may differ."""
    for p in PARAMS:
        value, kept = getattr(asked, p.name), getattr(own, p.name)
        if p.name not in names or p.name in CONTINUED or value == kept:
            continue
        if p.type is bool:
            flag = next((f for f, v, _ in p.switches if v == value), p.flag)
            had = next((text for text, v in p.choices if v == kept), shown(kept))
            asked_text = flag
        else:
            flag, had, asked_text = p.flag, shown(kept), f"{p.flag} {shown(value)}"
        raise ParamError(f"{asked_text}: {source} was trained with {p.label.lower()} {had}, which continued "
                         f"training keeps; leave out {flag}", p, value, "the continued model keeps its own")


def _escape(text: str) -> str:
    return text.replace("%", "%%")


def _number(value) -> str:
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}"


def shown(value) -> str:
    """A value as the user typed it (floats in short form, other things as repr)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return f"{float(value):g}"
    return repr(value)

"""A sentence → tokens → training samples, as the seeds draw them or exactly as our kernel does.

Without a model: the full window, no subsampling, input = the centre word: skip-gram rows
(input, output, label 1) and CBOW rows (context words → target), the seeds' tables. With a model
(one trained here, with counts) the rows follow ``kernels.train_sentences`` draw for draw from a
seed: tokens not in the vocabulary are left out, frequent ones dropped with the trainer's keep
probability, a reduced window drawn for each centre, and the model's k negatives (label 0) from
its noise distribution (a negative equal to the true word is skipped, as the kernel skips it):
drawn afresh for every prediction, or, for a skip-gram model trained with shared negatives
(negative sampling alone), drawn once per centre whose window has a context and shared by every
context of it. Skip-gram then runs the other way round, as in word2vec.c: each context word's E
row predicts the centre's C row.
"""

from __future__ import annotations

from dataclasses import dataclass

from w2vstudio.core.corpus.files import word_spans
from w2vstudio.core.inside.tables import Stream, noise_table
from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.support.csvfile import SafeWriter
from w2vstudio.core.train.sampling import keep_probabilities

SEED_SENTENCE = "The nurse assisted the doctor with the patient's treatment at the hospital."
SEED_WINDOW = 2


@dataclass(frozen=True)
class Token:
    text: str
    line: int  # sentences are lines: windows never cross them
    id: int | None = None  # vocabulary id; None without a model or when not in the vocabulary
    count: int | None = None
    keep_p: float | None = None  # probability of surviving subsampling (model only)
    kept: bool | None = None  # whether this draw kept it (model only; False when not in the vocabulary)
    span: tuple[int, int] = (0, 0)  # where it is in the text


@dataclass(frozen=True)
class Sample:
    """One training row. ``inputs`` are the words whose E rows make v, ``output`` the word whose C
    row is scored; ``centre`` and ``context`` are token positions (for the spotlight)."""

    centre: int
    context: tuple[int, ...]
    inputs: tuple[str, ...]
    output: str
    label: int
    window: int | None = None  # the reduced window drawn for this centre (model only)
    input_ids: tuple[int, ...] = ()
    output_id: int | None = None


@dataclass(frozen=True)
class Samples:
    tokens: list[Token]
    samples: list[Sample]
    sg: bool
    window: int
    with_model: bool
    negative: int = 0  # the model's k negatives per draw (0: none drawn)
    shared: bool = False  # one draw of negatives per centre, shared by its window (the model's choice)

    @property
    def direction(self) -> str:
        """Which way the rows run, in words."""
        if not self.sg:
            return "context words → target (the centre)"
        if self.with_model:
            return "input = a context word's E row, output = the centre's C row (our kernel, as word2vec.c)"
        return "input = the centre word, output = a context word (as the seeds' tables)"

    @property
    def negatives(self) -> str:
        """How the label-0 rows were drawn, in words ("" without negatives drawn by a model)."""
        if not self.negative:
            return ""
        if self.shared:
            return (f"Negatives shared by the window: {self.negative} drawn once per centre, the same for each "
                    "of its contexts")
        return f"Negatives drawn afresh for every prediction: {self.negative} each"

    def to_json(self) -> dict:
        """The `pairs` command's JSON: tokens as strings, samples as the issue names them."""
        out: dict = {"tokens": [t.text for t in self.tokens]}
        if self.with_model:
            out["kept"] = [bool(t.kept) for t in self.tokens]
            out["keep_p"] = [t.keep_p for t in self.tokens]
            out["shared_negatives"] = self.shared
        rows = []
        for s in self.samples:
            row = ({"input": s.inputs[0], "output": s.output} if self.sg
                   else {"context": list(s.inputs), "target": s.output})
            row["label"] = s.label
            if self.with_model:
                row["window"] = s.window
            rows.append(row)
        out["samples"] = rows
        return out

    def write_csv(self, path) -> None:
        """The table as CSV (atomically): input words (space-separated), output, label, window."""
        with atomic_write(path, "w") as f:
            writer = SafeWriter(f, lineterminator="\n")
            writer.writerow(["input" if self.sg else "context", "output" if self.sg else "target", "label",
                             "window"])
            for s in self.samples:
                writer.writerow([" ".join(s.inputs), s.output, s.label, "" if s.window is None else s.window])


def make_samples(text: str, window: int | None = None, sg: bool | None = None, model=None,
                 seed: int = 1) -> Samples:
    """The tokens of ``text`` and the samples they make (see the module docstring).

    ``window`` and ``sg`` default to the model's, or to the seeds' (2, skip-gram) without one."""
    p = model.params if model is not None else None
    window = (p.window if p else SEED_WINDOW) if window is None else int(window)
    sg = (p.sg if p else True) if sg is None else bool(sg)
    if window < 1:
        raise ValueError("the window must be at least 1")
    lowercase = p.lowercase if p else True
    lines, offset = [], 0
    for line in text.splitlines(keepends=True):
        words = [(line[a:b].lower() if lowercase else line[a:b], (offset + a, offset + b)) for a, b in word_spans(line)]
        lines.append(words)
        offset += len(line)
    if model is None:
        tokens = [Token(w, n, span=span) for n, line in enumerate(lines) for w, span in line]
        return Samples(tokens, _seed_rows(tokens, window, sg), sg, window, False)
    return _model_samples(lines, window, sg, model, seed)


def _sentences(tokens: list[Token], usable) -> list[list[int]]:
    """Token positions of each line that pass ``usable(token)``."""
    out: dict[int, list[int]] = {}
    for k, t in enumerate(tokens):
        out.setdefault(t.line, [])
        if usable(t):
            out[t.line].append(k)
    return list(out.values())


def _seed_rows(tokens: list[Token], window: int, sg: bool) -> list[Sample]:
    rows = []
    for sentence in _sentences(tokens, lambda t: True):
        for i, c in enumerate(sentence):
            ctx = tuple(sentence[max(0, i - window):i] + sentence[i + 1:i + 1 + window])
            if sg:
                rows.extend(Sample(c, (j,), (tokens[c].text,), tokens[j].text, 1) for j in ctx)
            elif ctx:
                rows.append(Sample(c, ctx, tuple(tokens[j].text for j in ctx), tokens[c].text, 1))
    return rows


def _model_samples(lines: list[list[tuple[str, tuple[int, int]]]], window: int, sg: bool, model,
                   seed: int) -> Samples:
    p, vocab = model.params, model.vocab
    keep = keep_probabilities(vocab.counts, p.sample)
    if p.negative > 0:
        thresholds, aliases = noise_table(model)
    shared = sg and p.shared_negatives and p.negative > 0 and not p.hs  # the kernel's `together`
    stream = Stream(seed)

    def draw() -> list[int]:
        return [stream.negative(thresholds, aliases) for _ in range(p.negative)] if p.negative > 0 else []

    tokens: list[Token] = []
    rows: list[Sample] = []
    for n, line in enumerate(lines):
        first = len(tokens)
        for w, span in line:  # subsampling draws, in the kernel's order: only for words that may be dropped
            i = vocab.index.get(w)
            if i is None:
                tokens.append(Token(w, n, kept=False, span=span))
                continue
            kept = keep[i] >= 1.0 or not keep[i] < stream.uniform()
            tokens.append(Token(w, n, i, int(vocab.counts[i]), float(keep[i]), kept, span))
        sentence = [k for k in range(first, len(tokens)) if tokens[k].kept]
        for i, c in enumerate(sentence):
            b = stream.below(window) if p.shrink_window else 0
            ctx = tuple(sentence[max(0, i - window + b):i] + sentence[i + 1:i + 1 + window - b])
            centre = tokens[c]
            predictions = [(j,) for j in ctx] if sg else ([ctx] if ctx else [])
            window_draw = draw() if shared and ctx else []
            for inputs in predictions:
                base = dict(centre=c, context=inputs, inputs=tuple(tokens[j].text for j in inputs),
                            window=window - b, input_ids=tuple(tokens[j].id for j in inputs))
                drawn = window_draw if shared else draw()
                rows.append(Sample(output=centre.text, label=1, output_id=centre.id, **base))
                rows.extend(Sample(output=vocab.words[d], label=0, output_id=d, **base)
                            for d in drawn if d != centre.id)
    return Samples(tokens, rows, sg, window, True, p.negative, shared)

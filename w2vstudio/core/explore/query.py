"""The text of a neighbours query, as typed in the studio's search box or on the command line:
`king - man + woman` (or `king -man woman`) is the words to add and the words to subtract."""

from __future__ import annotations


def parse_terms(text: str, kv=None) -> tuple[list[str], list[str]]:
    """`king - man + woman` (or `king -man woman`) as positive and negative words. With the
    vectors `kv`, words typed in a row without a sign between them that name a phrase token are
    that token (`peanut butter - jelly` -> peanut_butter, the longest phrase winning)."""
    runs: list[tuple[int, list[str]]] = []  # (sign, words typed in a row)
    sign, signed = 1, True
    for token in text.split():
        if token in ("+", "-"):
            sign, signed = (-1 if token == "-" else 1), True
            continue
        if len(token) > 1 and token[0] in "+-":
            sign, token, signed = (-1 if token[0] == "-" else 1), token[1:], True
        if signed or not runs:
            runs.append((sign, []))
        runs[-1][1].append(token)
        sign, signed = 1, False
    positive, negative = [], []
    for sign, words in runs:
        words = kv.phrase_words(words) if kv is not None and hasattr(kv, "phrase_words") else words
        (positive if sign > 0 else negative).extend(words)
    return positive, negative


def query_words(kv, positive: list[str], negative: list[str]) -> list[dict]:
    """The words of a query for a JSON answer: each with its sign and whether its vector is built
    from character n-grams (a fastText model's word not in the vocabulary)."""
    built = getattr(kv, "built_from_ngrams", lambda word: False)
    return [{"word": w, "sign": sign, "built_from_ngrams": built(w)}
            for words, sign in ((positive, "+"), (negative, "-")) for w in words]


def ngram_note(kv, text: str) -> str:
    """A line naming the words of `text` whose vectors a fastText model builds from their
    character n-grams ("" where there are none)."""
    built = [q["word"] for q in query_words(kv, *parse_terms(text, kv)) if q["built_from_ngrams"]]
    return f"Not in the vocabulary, built from character n-grams: {', '.join(built)}" if built else ""

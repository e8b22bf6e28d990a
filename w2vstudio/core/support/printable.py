"""Messages safe to print: no raw control character, so a name cannot split or forge a line."""

from __future__ import annotations

import html
import sys
import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with every control, line or paragraph separator and format character escaped
    (`\\n`, `\\x1b`, `\\u2028` ...); the backslash of an escape is itself left as it is."""
    return "".join(_escaped(c) if unicodedata.category(c) in ("Cc", "Zl", "Zp", "Cf") else c for c in str(text))


def _escaped(c: str) -> str:
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def say(message: str) -> None:
    """Print one line of `message`, escaped, on standard error."""
    print(printable(message), file=sys.stderr)


def verbatim_html(text: str) -> str:
    """`text` as rich text that shows it as it is (for a tooltip, which Qt may read as rich text):
    escaped, its lines kept, no control character."""
    lines = (html.escape(printable(line)) for line in str(text).split("\n"))
    return "".join(f"<p style='white-space:pre'>{line}</p>" for line in lines)

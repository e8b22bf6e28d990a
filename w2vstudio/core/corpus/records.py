"""JSON lines of records (gensim-data's corpora) → a plain-text corpus, gzip-compressed.

One record a line, each a JSON object; a record becomes its named text fields, one after the
other, each on its own line(s) (a list of strings gives one line per string; line breaks inside a
text stay). Streamed: never more than one record in memory. The hostile-input rules: a line is
capped in length and all lines together in size, a line that is not a JSON object (or nests too
deep to read) stops the conversion with one line naming it, a record whose fields are missing or
not text is skipped and counted. The text is written through `atomic_write`: complete or not at all.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.task import Task

MAX_LINE = 64 << 20  # bytes a record's line may take
_REPORT_EVERY = 1 << 20  # compressed bytes read between two progress reports


def to_text(source: Path, target: Path, fields: tuple[str, ...], label: str, limit: int,
            task: Task | None = None) -> tuple[int, int]:
    """Write the text fields of the gzip-compressed JSON lines `source` to `target` (gzip);
    (records written, records skipped). `label` names the source in messages; `limit` caps the
    bytes the JSON lines unpack to (the text written is never longer). `task` hears the share
    read as it goes and stops it with `Cancelled`. Nothing is left at `target`
    unless it all went well."""
    task = task or Task.none()
    size, reported, written, skipped, unpacked = max(source.stat().st_size, 1), 0, 0, 0, 0
    try:
        with open(source, "rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as lines, \
                atomic_write(target) as out_file, \
                gzip.GzipFile(filename="", mode="wb", fileobj=out_file, compresslevel=6, mtime=0) as out:
            number = 0
            while line := lines.readline(MAX_LINE + 1):
                number += 1
                task.check("the conversion to text was cancelled; nothing was kept")
                if len(line) > MAX_LINE:
                    raise W2VError(f"{label}, line {number:,}: longer than the {MAX_LINE:,} bytes "
                                   "allowed for a record")
                unpacked += len(line)
                if unpacked > limit:
                    raise W2VError(f"{label}: unpacks to more than the {limit:,} bytes allowed")
                if not line.strip():
                    continue
                text = _text(_record(line, label, number), fields)
                if text is None:
                    skipped += 1
                    continue
                out.write(text.replace("\x00", " ").encode("utf-8", "replace") + b"\n")
                written += 1
                if raw.tell() - reported >= _REPORT_EVERY:
                    reported = raw.tell()
                    task.progress(reported / size)
            if written == 0:
                raise W2VError(f"{label}: no record has the text fields {', '.join(fields)}; "
                               "nothing was kept")
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise W2VError(f"{label}: not a complete gzip file of JSON lines: {exc}") from None
    return written, skipped


def _record(line: bytes, label: str, number: int) -> dict:
    """The JSON object on `line`, or a `W2VError` naming it."""
    try:
        record = json.loads(line)
    except RecursionError:
        raise W2VError(f"{label}, line {number:,}: nests too deep to be read") from None
    except ValueError:  # invalid JSON or invalid UTF-8
        raise W2VError(f"{label}, line {number:,}: not JSON text") from None
    if not isinstance(record, dict):
        raise W2VError(f"{label}, line {number:,}: not a JSON object (each line must be one record)")
    return record


def _text(record: dict, fields: tuple[str, ...]) -> str | None:
    """The record's named fields as lines of text; None if one is missing or not text."""
    parts = []
    for field in fields:
        value = record.get(field)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            parts.extend(value)
        else:
            return None
    return "\n".join(parts)

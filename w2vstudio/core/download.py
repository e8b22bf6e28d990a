"""Get a corpus: a catalogue of well-known free corpora, downloaded with progress and cancel,
checked against the catalogue's size and MD5 checksum, cached in the user's data folder
(`$XDG_DATA_HOME/w2vstudio/corpora`) and unpacked with the hostile-input rules.

Nothing partial is ever kept: the download goes to a temporary file created exclusively beside
its target and renamed only once complete and checked; a zip archive is unpacked into a temporary
folder renamed once every member is out. gzip, bz2 and xz files are kept as they are (the corpus
reader undoes them); from a zip only regular files with plain relative names are taken, each and
all together capped in size, never a link, never a name leading outside the cache.
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from w2vstudio.core.atomic import atomic_write
from w2vstudio.core.desktop import data_home
from w2vstudio.core.errors import Cancelled, W2VError

Progress = Callable[[float], None]

_CHUNK = 1 << 16  # bytes read at a time (and between two looks at the cancel event)
_TIMEOUT = 30  # seconds a connection may stay silent
_DOWNLOADED = 0.8  # the share of the progress bar the download takes (the rest: unpacking)
_ZIP_MAGIC = b"PK\x03\x04"
_MAX_MEMBERS = 100_000  # files a zip may hold


@dataclass(frozen=True)
class Corpus:
    """One corpus of the catalogue: where it comes from and what it is."""

    name: str  # the cache folder's name
    title: str
    url: str
    size: int  # bytes downloaded
    md5: str
    words: str  # about how many, in words
    licence: str
    source: str
    description: str
    unpacked_limit: int = 1 << 32  # bytes a zip may unpack to, all members together


# From gensim-data's catalogue (list.json, as printed in gensim's downloader tutorial; it cannot be
# fetched from where this was written): URL pattern, size and MD5 as gensim's downloader uses them.
CATALOGUE = (
    Corpus(
        name="text8",
        title="text8",
        url="https://github.com/RaRe-Technologies/gensim-data/releases/download/text8/text8.gz",
        size=33_182_058,
        md5="68799af40b6bda07dfa47a32612e5364",
        words="17 million",
        licence="Wikipedia text (CC BY-SA); gensim-data lists no licence of its own",
        source="Matt Mahoney, https://mattmahoney.net/dc/textdata.html, via gensim-data",
        description="The first 100 MB of English Wikipedia (March 2006), lower-cased letters and "
        "spaces only: the classic word2vec demo corpus.",
    ),
)


def cache_folder() -> Path:
    """Where downloaded corpora are kept."""
    return data_home() / "w2vstudio" / "corpora"


def cached(corpus: Corpus, cache: Path | None = None) -> Path | None:
    """The corpus's path in the cache (a file or a folder), or None if it is not there."""
    folder = (cache_folder() if cache is None else cache) / corpus.name
    if not folder.is_dir() or folder.is_symlink():
        return None
    done = [p for p in folder.iterdir() if not p.name.startswith(".")]
    return done[0] if len(done) == 1 else None


def fetch(corpus: Corpus, cache: Path | None = None, progress: Progress | None = None,
          cancel: threading.Event | None = None) -> Path:
    """The corpus's path in the cache, downloaded and unpacked first unless already there.
    Meant for a background thread: `progress(fraction)` is called as it goes, and setting
    `cancel` stops it soon with `Cancelled`. Every failure is one `W2VError` line; nothing partial
    is left in the cache."""
    found = cached(corpus, cache)
    if found is not None:
        _report(progress, 1.0)
        return found
    folder = (cache_folder() if cache is None else cache) / corpus.name
    folder.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink():
        raise W2VError(f"{folder} is a link: w2vstudio keeps its corpora in a folder of its own")
    name = PurePosixPath(corpus.url).name
    download = folder / f".{name}.download"
    with atomic_write(download) as f:
        head = _download(corpus, f, progress, cancel)
    try:
        if head.startswith(_ZIP_MAGIC):
            target = _unzip(corpus, download, folder / PurePosixPath(name).stem, progress, cancel)
        else:  # text, or gzip, bz2 or xz, which the corpus reader undoes
            target = folder / name
            download.replace(target)
    finally:
        download.unlink(missing_ok=True)
    _report(progress, 1.0)
    return target


def _download(corpus: Corpus, f, progress, cancel) -> bytes:
    """Write the corpus's bytes to `f`, checked for size and MD5; the first bytes."""
    digest, done, head = hashlib.md5(), 0, b""
    try:
        with urllib.request.urlopen(corpus.url, timeout=_TIMEOUT) as response:
            while chunk := response.read(_CHUNK):
                _check(cancel)
                done += len(chunk)
                if done > corpus.size:
                    raise W2VError(f"{corpus.url}: the server sends more than the {corpus.size:,} bytes "
                                   "the catalogue gives: not the expected file")
                head = head or chunk[:16]
                digest.update(chunk)
                f.write(chunk)
                _report(progress, _DOWNLOADED * done / corpus.size)
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, urllib.error.HTTPError):
            exc.close()  # it holds the connection
        raise W2VError(f"{corpus.url}: the download failed after {done:,} of {corpus.size:,} bytes: "
                       f"{_reason(exc)}") from None
    if done < corpus.size:
        raise W2VError(f"{corpus.url}: the download stopped after {done:,} of {corpus.size:,} bytes; "
                       "nothing was kept, try again")
    if digest.hexdigest() != corpus.md5:
        raise W2VError(f"{corpus.url}: the download is damaged or not the catalogue's file (its MD5 "
                       f"checksum is {digest.hexdigest()}, not {corpus.md5}); nothing was kept")
    return head


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed early"
    return str(exc) or type(exc).__name__


def _unzip(corpus: Corpus, archive: Path, target: Path, progress, cancel) -> Path:
    """The regular files of the zip `archive` in a new folder `target`, or a `W2VError`."""
    where = tempfile.mkdtemp(prefix=".unpack-", dir=target.parent)
    try:
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            if len(members) > _MAX_MEMBERS:
                raise W2VError(f"{corpus.url}: the archive holds {len(members):,} files, more than the "
                               f"{_MAX_MEMBERS:,} allowed")
            total = sum(m.file_size for m in members)
            if total > corpus.unpacked_limit:
                raise W2VError(f"{corpus.url}: the archive unpacks to {total:,} bytes, more than the "
                               f"{corpus.unpacked_limit:,} allowed")
            written = 0
            for member in members:
                out = Path(where, *_safe_parts(corpus, member))
                out.parent.mkdir(parents=True, exist_ok=True)
                with z.open(member) as src, atomic_write(out) as dst:
                    left = member.file_size
                    while data := src.read(min(_CHUNK, left + 1)):
                        _check(cancel)
                        left -= len(data)
                        if left < 0:
                            raise W2VError(f"{corpus.url}: {member.filename} unpacks to more than it announces")
                        dst.write(data)
                        written += len(data)
                        _report(progress, _DOWNLOADED + (1 - _DOWNLOADED) * written / max(total, 1))
        Path(where).rename(target)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise W2VError(f"{corpus.url}: the archive is damaged: {exc}") from None
    finally:
        shutil.rmtree(where, ignore_errors=True)
    return target


def _safe_parts(corpus: Corpus, member: zipfile.ZipInfo) -> tuple[str, ...]:
    """A member's path parts, refused where it is a link or would lead out of its folder."""
    if (member.external_attr >> 16) & 0o170000 not in (0, 0o100000):
        raise W2VError(f"{corpus.url}: the archive's member {member.filename!r} is not a regular file")
    parts = PurePosixPath(member.filename.replace("\\", "/")).parts
    if not parts or member.filename.startswith("/") or any(p in ("..", ".") or ":" in p for p in parts):
        raise W2VError(f"{corpus.url}: the archive's member {member.filename!r} would be written "
                       "outside its folder")
    return parts


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("the download was cancelled; nothing was kept")


def _report(progress: Progress | None, fraction: float) -> None:
    if progress is not None:
        progress(fraction)

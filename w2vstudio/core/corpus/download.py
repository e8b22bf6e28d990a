"""Get a corpus: a catalogue of well-known free corpora, downloaded with progress and cancel,
checked against the catalogue's size and MD5 checksums, cached in the user's data folder
(`$XDG_DATA_HOME/w2vstudio/corpora`) and unpacked with the hostile-input rules.

Nothing partial is ever kept: the download goes to a temporary file created exclusively beside
its target and renamed only once complete and checked; a zip archive is unpacked into a temporary
folder renamed once every member is out. gzip, bz2 and xz files are kept as they are (the corpus
reader undoes them); from a zip only regular files with plain relative names are taken, each and
all together capped in size, never a link, never a name leading outside the cache. A corpus of
JSON lines (gensim-data's records) is converted to a gzip-compressed text by `records.to_text`,
and only the text is kept. A corpus in parts (gensim-data's largest) is downloaded part by part,
each checked against its own MD5, into one file. A download that stays silent, runs past its
deadline or falls below its minimum rate over a window (`Limits`) is given up.
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

from w2vstudio.core.corpus import records
from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.support.folders import app_data
from w2vstudio.core.support.task import Task


_CHUNK = 1 << 16  # bytes read at a time (and between two looks at the cancel event)
_TIMEOUT = 30  # seconds a connection may stay silent
_DOWNLOADED = 0.8  # the share of the progress bar the download takes (the rest: unpacking)
_ZIP_MAGIC = b"PK\x03\x04"
_MAX_MEMBERS = 100_000  # files a zip may hold


@dataclass(frozen=True)
class Limits:
    """How long a download may take: `silence` seconds without a byte, `deadline` seconds in all,
    and at least `min_rate` bytes per second over each `window` seconds."""

    silence: float = _TIMEOUT
    deadline: float = 24 * 3600
    min_rate: float = 1000
    window: float = 60


LIMITS = Limits()


class _Pace:
    """The download's clock: raises W2VError, stating the limit, past the deadline or below the rate."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.start = self.window_start = time.monotonic()
        self.window_done = 0

    def check(self, url: str, done: int) -> None:
        now, lim = time.monotonic(), self.limits
        if now - self.start > lim.deadline:
            raise W2VError(f"{url}: the download took longer than its deadline of {lim.deadline:,.0f} s "
                           f"({done:,} bytes received); nothing was kept, try again")
        if now - self.window_start >= lim.window:
            rate = (done - self.window_done) / (now - self.window_start)
            if rate < lim.min_rate:
                raise W2VError(f"{url}: the download is too slow: {rate:,.0f} bytes/s over the last "
                               f"{now - self.window_start:,.0f} s, below the minimum of {lim.min_rate:,.0f} "
                               f"bytes/s over {lim.window:,.0f} s (deadline {lim.deadline:,.0f} s); "
                               "nothing was kept, try again")
            self.window_start, self.window_done = now, done


@dataclass(frozen=True)
class Corpus:
    """One corpus of the catalogue: where it comes from and what it is."""

    name: str  # the cache folder's name
    title: str
    url: str  # of the file; of a corpus in parts, what each part's URL extends (`pieces`)
    size: int  # bytes downloaded, all parts together
    md5: str  # of the file ("" for a corpus in parts: see `parts`)
    words: str  # how much text: "17 million words", "18,846 posts"
    licence: str
    source: str
    description: str
    unpacked_limit: int = 1 << 32  # bytes a zip or JSON lines may unpack to, all together
    fields: tuple[str, ...] = ()  # JSON lines of records: the fields whose text makes the corpus
    parts: tuple[str, ...] = ()  # downloaded in parts: the MD5 of each, in order

    def pieces(self) -> list[tuple[str, str]]:
        """The URL and MD5 of each file to download, in order; gensim-data names the parts of
        `name.gz` `name.gz_00`, `name.gz_01`, … (its downloader's pattern `_0{part}`)."""
        if not self.parts:
            return [(self.url, self.md5)]
        return [(f"{self.url}_0{part}", md5) for part, md5 in enumerate(self.parts)]


_GENSIM_DATA = "https://github.com/RaRe-Technologies/gensim-data/releases/download"

# From gensim-data's catalogue (list.json, as printed in gensim's downloader tutorial; it cannot be
# fetched from where this was written): URL pattern, sizes and MD5s as gensim's downloader uses them.
CATALOGUE = (
    Corpus(
        name="text8",
        title="text8",
        url=f"{_GENSIM_DATA}/text8/text8.gz",
        size=33_182_058,
        md5="68799af40b6bda07dfa47a32612e5364",
        words="17 million words",
        licence="Wikipedia text (CC BY-SA); gensim-data lists no licence of its own",
        source="Matt Mahoney, https://mattmahoney.net/dc/textdata.html, via gensim-data",
        description="The first 100 MB of English Wikipedia (March 2006), lower-cased letters and "
        "spaces only: the classic word2vec demo corpus.",
    ),
    Corpus(
        name="20-newsgroups",
        title="20 Newsgroups",
        url=f"{_GENSIM_DATA}/20-newsgroups/20-newsgroups.gz",
        size=14_483_581,
        md5="c92fd4f6640a86d5ba89eaad818a9891",
        words="18,846 posts",
        licence="no licence stated; the collection of Ken Lang, via qwone.com/~jason/20Newsgroups",
        source="http://qwone.com/~jason/20Newsgroups/, via gensim-data",
        description="Usenet posts spread nearly evenly over 20 newsgroups (training and test sets "
        "together): the text of each post.",
        fields=("data",),
    ),
    Corpus(
        name="fake-news",
        title="Fake news",
        url=f"{_GENSIM_DATA}/fake-news/fake-news.gz",
        size=20_102_776,
        md5="5e64e942df13219465927f92dcefd5fe",
        words="12,999 posts",
        licence="CC0 1.0 (public domain), https://creativecommons.org/publicdomain/zero/1.0/",
        source="https://www.kaggle.com/mrisdal/fake-news (crawled through the webhose.io API), "
        "via gensim-data",
        description="Title and text of posts from 244 websites (those the BS Detector flags) over "
        "30 days: unreliable news by design, not a reference text.",
        fields=("title", "text"),
    ),
    Corpus(
        name="wiki-english-20171001",
        title="English Wikipedia (October 2017)",
        url=f"{_GENSIM_DATA}/wiki-english-20171001/wiki-english-20171001.gz",
        size=6_516_051_717,
        md5="",
        words="4,924,894 articles",
        licence="CC BY-SA and GFDL (Wikipedia's terms: https://dumps.wikimedia.org/legal.html)",
        source="https://dumps.wikimedia.org/enwiki/20171001/, extracted by gensim's segment_wiki, "
        "via gensim-data",
        description="The articles of the English Wikipedia dump of October 2017: each one's title and "
        "the text of its sections. A 6.5 GB download in 4 parts, then converted to text (a long "
        "job), with room needed for the download and the text side by side.",
        unpacked_limit=1 << 37,
        fields=("title", "section_texts"),
        parts=("a7d7d7fd41ea7e2d7fa32ec1bb640d71", "b2683e3356ffbca3b6c2dca6e9801f9f",
               "c5cde2a9ae77b3c4ebce804f6df542c2", "00b71144ed5e3aeeb885de84f7452b81"),
    ),
)


def cache_folder() -> Path:
    """Where downloaded corpora are kept."""
    return app_data() / "corpora"


def cached(corpus: Corpus, cache: Path | None = None) -> Path | None:
    """The corpus's path in the cache (a file or a folder), or None if it is not there."""
    folder = (cache_folder() if cache is None else cache) / corpus.name
    if not folder.is_dir() or folder.is_symlink():
        return None
    done = [p for p in folder.iterdir() if not p.name.startswith(".")]
    return done[0] if len(done) == 1 else None


def fetch(corpus: Corpus, cache: Path | None = None, task: Task | None = None,
          note: Callable[[str], None] | None = None, limits: Limits = LIMITS) -> Path:
    """The corpus's path in the cache, downloaded and unpacked first unless already there.
    Meant for a background thread: `task` hears the progress (the bytes downloaded in its text)
    and stops it soon with `Cancelled`; `note(sentence)` hears of records left out of a
    conversion; `limits` bound the download's time. Every failure is one `W2VError` line; nothing
    partial is left in the cache."""
    task = task or Task.none()
    found = cached(corpus, cache)
    if found is not None:
        task.progress(1.0)
        return found
    folder = (cache_folder() if cache is None else cache) / corpus.name
    folder.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink():
        raise W2VError(f"{folder} is a link: w2vstudio keeps its corpora in a folder of its own")
    name = PurePosixPath(corpus.url).name
    download = folder / f".{name}.download"
    with atomic_write(download) as f:
        head = _download(corpus, f, task, limits)
    try:
        if corpus.fields:
            target = _convert(corpus, download, folder / f"{corpus.name}.txt.gz", task.part(_DOWNLOADED, 1.0), note)
        elif head.startswith(_ZIP_MAGIC):
            target = _unzip(corpus, download, folder / PurePosixPath(name).stem, task.part(_DOWNLOADED, 1.0))
        else:  # text, or gzip, bz2 or xz, which the corpus reader undoes
            target = folder / name
            download.replace(target)
    finally:
        download.unlink(missing_ok=True)
    task.progress(1.0)
    return target


def _convert(corpus: Corpus, download: Path, target: Path, task: Task, note) -> Path:
    """The JSON lines `download` converted to the text `target`; `note` hears of records left out."""
    written, skipped = records.to_text(
        download, target, corpus.fields, corpus.url, corpus.unpacked_limit, task)
    if skipped and note is not None:
        note(f"{corpus.title}: {skipped:,} of {written + skipped:,} records were left out (a field of "
             f"{', '.join(corpus.fields)} missing or not text).")
    return target


def _download(corpus: Corpus, f, task: Task, limits: Limits) -> bytes:
    """Write the corpus's bytes (its parts one after the other) to `f`, checked for size and MD5
    and paced by `limits`; the first bytes."""
    done, head, pieces = 0, b"", corpus.pieces()
    pace = _Pace(limits)
    for i, (url, md5) in enumerate(pieces):
        digest = hashlib.md5()
        try:
            with urllib.request.urlopen(url, timeout=limits.silence) as response:
                while chunk := response.read1(_CHUNK):  # what has come: the pace is checked between
                    task.check("the download was cancelled; nothing was kept")
                    pace.check(url, done + len(chunk))
                    done += len(chunk)
                    if done > corpus.size:
                        raise W2VError(f"{url}: the server sends more than the {corpus.size:,} bytes "
                                       "the catalogue gives: not the expected file")
                    head = head or chunk[:16]
                    digest.update(chunk)
                    f.write(chunk)
                    task.progress(_DOWNLOADED * done / corpus.size, f"{done:,} of {corpus.size:,} bytes")
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, urllib.error.HTTPError):
                exc.close()  # it holds the connection
            raise W2VError(f"{url}: the download failed after {done:,} of {corpus.size:,} bytes: "
                           f"{_reason(exc)}") from None
        if i == len(pieces) - 1 and done < corpus.size:
            raise W2VError(f"{url}: the download stopped after {done:,} of {corpus.size:,} bytes; "
                           "nothing was kept, try again")
        if digest.hexdigest() != md5:
            raise W2VError(f"{url}: the download is damaged or not the catalogue's file (its MD5 "
                           f"checksum is {digest.hexdigest()}, not {md5}); nothing was kept")
    return head


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return _reason(exc.reason) if isinstance(exc.reason, BaseException) else str(exc.reason)
    if isinstance(exc, socket.gaierror):
        return "the server's name could not be looked up (no network, or no such server)"
    if isinstance(exc, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "the server did not answer in time"
    if isinstance(exc, ConnectionError):
        return "the connection was lost"
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection closed early"
    return str(exc) or type(exc).__name__


def _unzip(corpus: Corpus, archive: Path, target: Path, task: Task) -> Path:
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
                        task.check("the download was cancelled; nothing was kept")
                        left -= len(data)
                        if left < 0:
                            raise W2VError(f"{corpus.url}: {member.filename} unpacks to more than it announces")
                        dst.write(data)
                        written += len(data)
                        task.progress(written / max(total, 1))
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


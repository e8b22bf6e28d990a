"""The encoded corpus kept on disk, so that another run on the same files with the same vocabulary
settings starts training without scanning them again.

An entry is a folder ``FOLDER/<32 hex digits of the key's SHA-256>/`` holding ``tokens.i32``,
``offsets.i64``, ``counts.i64``, ``words.txt`` (one word a line, UTF-8), ``phrases.u8`` (the phrase
table, when the run joined phrases) and ``manifest.json``: the key (every corpus file's absolute
path, size and modification time in nanoseconds; the settings that shape the encoding: lowercase,
min-count, max-vocab, the scan's memory, phrase settings when phrases are on), each array's dtype
and length, the scan's facts, when it was made and last used. Every file is written by
`atomic_write` into a hidden folder beside the entry, renamed into place once complete: a cancelled
or failed write leaves no entry.

Reading trusts nothing: the manifest is read with a size limit and must carry the very key asked
for; each array's file must be a regular file (opened without following links or blocking) of
exactly the manifest's size; ids must lie in the vocabulary and offsets must cover them. An entry
that fails any check is removed and the corpus scanned again. The tokens are read (``readinto``)
into memory the run owns: RAM up to `read_budget()`, else a memory map of an unlinked temporary
file of our own (`scan._allocate`). The cache file itself is never memory-mapped: another process
truncating it would turn page faults into SIGBUS. A training run does not wait for them: they
arrive while it trains (`arrival.Arrival`, each piece's ids checked before training reads it), so
a billion-word corpus starts training in seconds whatever the disk; a piece that fails its check
then stops the run with one line naming the file, and the entry is removed.

The cache holds at most `cap` bytes (default: 20 GB, and at most half the free disk space beside
what it already holds); the entries used least recently are removed to make room, and a corpus
that does not fit, or would leave less than `MARGIN` free on the disk, is not cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from w2vstudio.core.corpus import files as corpus_files
from w2vstudio.core.corpus import phrases as corpus_phrases
from w2vstudio.core.corpus.arrival import Arrival, read_exactly
from w2vstudio.core.corpus.scan import DEFAULT_BUDGET, MAX_SENTENCE, EncodedCorpus, _allocate
from w2vstudio.core.errors import Cancelled, FormatError, W2VError
from w2vstudio.core.support import folders
from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.support.chunked import all_distinct, split_lines
from w2vstudio.core.support.memory import available_memory
from w2vstudio.core.support.task import Task
from w2vstudio.core.vocab import Vocabulary

VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_LIMIT = 64 << 20  # bytes of a manifest read at most
DEFAULT_CAP = 20 * 10**9  # bytes the cache may hold, at most, by default
FREE_SHARE = 0.5  # ... and at most this share of the free disk space (beside what it holds)
MARGIN = 256 << 20  # free disk space left after writing an entry, at least
AUTO_SHARE = 0.25  # a corpus whose files exceed this share of the memory available is cached by default
STALE = 86_400  # seconds after which an unfinished entry is taken as abandoned
CHUNK = 1 << 22  # items read or written at a time (progress and cancel between chunks)
_ENTRY = re.compile(r"[0-9a-f]{32}")
_TEMP = re.compile(r"\.tmp-[0-9a-f]{32}-[0-9a-f]{8}")
_ARRAYS = {"tokens": ("tokens.i32", "int32"), "offsets": ("offsets.i64", "int64"),
           "counts": ("counts.i64", "int64"), "phrases": ("phrases.u8", "uint8")}


def default_folder() -> Path:
    """The cache folder used when none is given: `folders.app_cache() / "corpora"`."""
    return folders.app_cache() / "corpora"


def settings_of(params, scan_memory: int | None = None) -> dict:
    """What, beside the files, shapes a run's encoded corpus (`TrainParams` and the scan's memory)."""
    settings = {"lowercase": bool(params.lowercase), "min_count": int(params.min_count),
                "max_vocab": int(params.max_vocab or 0), "scan_memory": scan_memory, "max_sentence": MAX_SENTENCE}
    options = corpus_phrases.options_of(params)
    if options is not None:
        settings["phrases"] = options.to_dict()
    return settings


def file_stats(paths) -> list[dict]:
    """The files of a corpus as its key holds them: absolute path, size, mtime in ns."""
    found = []
    for f in corpus_files.find_files(paths):
        path = Path(f.path).absolute()
        st = os.stat(path)
        found.append({"path": str(path), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return found


def corpus_key(paths, settings: dict) -> dict:
    """The key of a corpus: its files (`file_stats`) and `settings`."""
    return {"version": VERSION, "files": file_stats(paths), "settings": settings}


def key_name(key: dict) -> str:
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()[:32]


def corpus_bytes(paths) -> int:
    """Bytes the corpus's files take on disk."""
    return sum(f.bytes for f in corpus_files.find_files(paths))


def wanted_folder(paths, folder: str | Path | bool | None) -> Path | None:
    """Where a run caches its corpus: `folder` if given; with None, `default_folder()` when the
    files exceed `AUTO_SHARE` of the memory available, else nowhere; False: nowhere."""
    if folder is False:
        return None
    if folder is not None and folder is not True:
        return Path(folder)
    if folder is True:
        return default_folder()
    free = available_memory()
    return default_folder() if free is not None and corpus_bytes(paths) > AUTO_SHARE * free else None


def cached_entries(paths, folder: str | Path | bool | None, lowercase: bool | None = None) -> list[Entry]:
    """The entries (`CorpusCache.matching`) of the corpus at `paths` in the cache folder a run with
    `cache=folder` uses (`wanted_folder`); none when it uses no cache."""
    where = wanted_folder(paths, folder)
    return [] if where is None else CorpusCache(where).matching(paths, lowercase)


def reads_entry(paths, settings: dict, folder: str | Path | bool | None, entry: Entry) -> bool:
    """Whether a run on `paths` whose encoding has these `settings` (`settings_of`, the scan's
    memory included) with `cache=folder` looks up `entry`: the same folder and the same key, the
    files as they are now."""
    where = wanted_folder(paths, folder)
    if where is None:
        return False
    key = corpus_key(paths, settings)
    return key == entry.key and (Path(where) / key_name(key)).absolute() == Path(entry.path).absolute()


def read_budget() -> int:
    """Bytes of cached tokens read into RAM: a quarter of the memory available (at least the
    scan's `DEFAULT_BUDGET`). Beyond it they are copied to a temporary file, as the cache file is
    never mapped itself: at a billion words that copy wrote 4 GB and delayed training by a minute,
    and in RAM they count no more than the resident pages of the map would."""
    free = available_memory()
    return DEFAULT_BUDGET if free is None else max(DEFAULT_BUDGET, free // 4)


@dataclass
class Cached:
    """An encoded corpus read from the cache, with what its scan said."""

    corpus: EncodedCorpus
    phrases: object | None  # corpus.phrases.PhraseTable
    invalid_utf8: int
    skipped: list
    counting: dict
    path: Path


@dataclass
class Entry:
    """One entry as listed: its folder, bytes, words (tokens kept), when made and last used, the
    settings of its key; the distinct words kept (`vocab_size`), the corpus's words before
    min-count (`raw_words`), its files as the key holds them (`key_files`: path, size,
    mtime_ns; `files`: their paths) and the words the scan read in each (`file_words`, by
    absolute path; empty where the manifest does not say)."""

    path: Path
    size: int
    words: int
    created: float
    last_used: float
    settings: dict = field(default_factory=dict)
    vocab_size: int = 0
    raw_words: int = 0
    key_files: list = field(default_factory=list)
    file_words: dict = field(default_factory=dict)

    @property
    def files(self) -> list[str]:
        """The corpus files' paths."""
        return [f["path"] for f in self.key_files]

    def files_text(self, shown: int = 3) -> str:
        """The first `shown` files' paths, "and N more"."""
        more = len(self.key_files) - shown
        return ", ".join(self.files[:shown]) + (f" and {more} more" if more > 0 else "")

    @property
    def key(self) -> dict:
        """The entry's key (`corpus_key`)."""
        return {"version": VERSION, "files": self.key_files, "settings": self.settings}

    def same_vocabulary(self, settings: dict) -> bool:
        """Whether `settings` (`settings_of`) make the encoding this entry holds: equal settings,
        the scan's memory aside (a run reads the entry with the entry's own, `scan_memory`)."""
        return _vocabulary_settings(self.settings) == _vocabulary_settings(settings)

    @property
    def scan_memory(self) -> int | None:
        return self.settings.get("scan_memory")

    def to_dict(self) -> dict:
        return {"path": str(self.path), "files": self.files, "size": self.size, "words": self.words,
                "created": self.created, "last_used": self.last_used, "settings": self.settings,
                "vocab_size": self.vocab_size, "raw_words": self.raw_words}


def _file_words(manifest: dict) -> dict[str, int]:
    """{absolute path: words} of the files a manifest lists (none in a manifest without them)."""
    return {str(Path(f["path"]).absolute()): int(f["words"]) for f in manifest.get("files", ())}


def _vocabulary_settings(settings: dict) -> dict:
    return {k: v for k, v in settings.items() if k != "scan_memory"}


class CorpusCache:
    """The entries of one cache folder (see the module's docstring)."""

    def __init__(self, folder: str | Path | None = None, cap: int | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()
        self._cap = cap

    # -- reading --------------------------------------------------------------------------------
    def lookup(self, key: dict, task: Task | None = None, budget: int | None = None,
               arriving: bool = False) -> Cached | None:
        """The entry of `key`, read and checked; None when there is none or it fails a check (then
        it is removed). `Cancelled` when `task` is cancelled while reading. `budget`: bytes of
        tokens read into RAM, beyond which they go to a memory-mapped temporary file (default
        `read_budget()`). `arriving`: return before the tokens are read, with the corpus's
        `arrival` reading them (`corpus.arrival`): training starts at once and a failed check of
        the tokens surfaces at its `wait`, the entry removed."""
        task = task or Task.none()
        budget = read_budget() if budget is None else budget
        path = self.folder / key_name(key)
        if not path.is_dir() or path.is_symlink():
            return None
        try:
            manifest = _read_manifest(path)
            if manifest.get("key") != key:
                raise ValueError("another key")
            with contextlib.suppress(OSError):  # before the tokens' reader may remove the entry
                _write_manifest(path, {**manifest, "last_used": time.time()})
            return _read_entry(path, manifest, task, budget, arriving)
        except Cancelled:
            raise
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, FormatError,
                UnicodeDecodeError, MemoryError):
            _remove(path)
            return None

    def entries(self) -> list[Entry]:
        """Every readable entry, most recently used first."""
        found = []
        for path in self._entry_folders():
            try:
                m = _read_manifest(path)
                key_files = [{"path": str(f["path"]), "size": int(f["size"]), "mtime_ns": int(f["mtime_ns"])}
                             for f in m["key"]["files"]]
                found.append(Entry(path, _size_of(path),
                                   int(m["n_tokens"]), float(m["created"]), float(m["last_used"]),
                                   dict(m["key"]["settings"]), int(m["vocab_size"]), int(m["raw_words"]),
                                   key_files, _file_words(m)))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
        return sorted(found, key=lambda e: e.last_used, reverse=True)

    def matching(self, paths, lowercase: bool | None = None) -> list[Entry]:
        """The entries of these files as they are now (every path, size and modification time equal
        to the key's, in the same order) that a run of this version can read, read with this case
        folding when `lowercase` is given; most recently used first. Nothing is read but manifests:
        a matching entry may still fail its checks when a run reads it (then it is scanned)."""
        now = file_stats(paths)
        if not now:
            return []
        return [e for e in self.entries()
                if e.key_files == now and e.settings.get("max_sentence") == MAX_SENTENCE
                and (lowercase is None or e.settings.get("lowercase") == bool(lowercase))]

    def size(self) -> int:
        return sum(_size_of(p) for p in self._entry_folders())

    def clear(self) -> tuple[int, int]:
        """Remove every entry (and any unfinished one); (entries removed, bytes freed)."""
        removed = freed = 0
        if not self.folder.is_dir():
            return 0, 0
        for path in list(self.folder.iterdir()):
            if _ENTRY.fullmatch(path.name) or _TEMP.fullmatch(path.name):
                size = _size_of(path)
                _remove(path)
                if not os.path.lexists(path):
                    removed += bool(_ENTRY.fullmatch(path.name))
                    freed += size
        return removed, freed

    def cap(self) -> int:
        """Bytes the cache may hold."""
        if self._cap is not None:
            return self._cap
        held = self.size()
        free = shutil.disk_usage(self.folder).free if self.folder.is_dir() else 0
        return int(min(DEFAULT_CAP, held + FREE_SHARE * free))

    # -- writing --------------------------------------------------------------------------------
    def store(self, key: dict, corpus: EncodedCorpus, phrases=None, invalid_utf8: int = 0,
              skipped: list = (), counting: dict | None = None, task: Task | None = None) -> Path | None:
        """Write `corpus` as the entry of `key` (oldest entries removed to make room); its folder, or
        None where it does not fit in the cap or the free disk space, or a word holds a line break.
        Cancelled (or any failure) leaves no entry."""
        task = task or Task.none()
        words = corpus.vocab.words
        if any("\n" in w or "\r" in w for w in words):
            return None
        words_bytes = "\n".join(words).encode("utf-8")
        table = None if phrases is None or not len(phrases) else phrases.to_array()
        need = (4 * len(corpus.tokens) + 8 * len(corpus.offsets) + 8 * len(corpus.vocab) + len(words_bytes)
                + (0 if table is None else len(table)) + 4096)
        self.folder.mkdir(parents=True, exist_ok=True)
        cap = self.cap()
        if need > cap:
            return None
        self.evict(cap - need)
        if shutil.disk_usage(self.folder).free < need + MARGIN:
            return None
        name = key_name(key)
        final = self.folder / name
        temp = self.folder / f".tmp-{name}-{secrets.token_hex(4)}"
        temp.mkdir()
        try:
            arrays = {"tokens": corpus.tokens, "offsets": corpus.offsets, "counts": corpus.vocab.counts}
            if table is not None:
                arrays["phrases"] = table
            total = sum(len(a) for a in arrays.values()) or 1
            done = 0
            described = {}
            for what, array in arrays.items():
                filename, dtype = _ARRAYS[what]
                with atomic_write(temp / filename) as f:
                    for start in range(0, len(array), CHUNK):
                        task.check("caching the encoded corpus cancelled")
                        # the buffer itself, not a `tobytes()` copy: that copy would read a memory-mapped
                        # corpus's pages back from disk holding the GIL (the write lets go of it)
                        f.write(memoryview(np.ascontiguousarray(array[start:start + CHUNK], dtype=dtype)).cast("B"))
                        done += min(CHUNK, len(array) - start)
                        task.progress(done / total, "caching the encoded corpus")
                described[what] = len(array)
            with atomic_write(temp / "words.txt") as f:
                f.write(words_bytes)
            task.check("caching the encoded corpus cancelled")
            now = time.time()
            manifest = {
                "key": key, "arrays": described, "words_bytes": len(words_bytes), "n_tokens": corpus.n_tokens,
                "raw_words": corpus.raw_words, "vocab_size": len(corpus.vocab),
                "files": [{"path": str(f.path), "bytes": int(f.bytes), "words": int(f.words)} for f in corpus.files],
                "phrase_options": None if table is None else phrases.options.to_dict(),
                "invalid_utf8": int(invalid_utf8), "skipped": list(skipped),
                "counting": counting or {"method": "exact", "max_lost_count": 0},
                "created": now, "last_used": now,
            }
            _write_manifest(temp, manifest)
            if os.path.lexists(final):
                _remove(final)
            os.rename(temp, final)
        except BaseException:
            _remove(temp)
            raise
        return final

    def evict(self, room: int) -> None:
        """Remove the entries used least recently until the cache holds at most `room` bytes (and
        any unfinished entry a killed process left more than `STALE` seconds ago)."""
        with contextlib.suppress(OSError):
            for path in self.folder.iterdir():
                if _TEMP.fullmatch(path.name) and time.time() - path.lstat().st_mtime > STALE:
                    _remove(path)
        listed = {e.path: e for e in self.entries()}
        folders_ = self._entry_folders()
        sizes = {p: _size_of(p) for p in folders_}
        total = sum(sizes.values())
        # unreadable entries first, then by last use
        order = sorted(folders_, key=lambda p: listed[p].last_used if p in listed else float("-inf"))
        for path in order:
            if total <= room:
                break
            _remove(path)
            total -= sizes[path]

    def _entry_folders(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return [p for p in self.folder.iterdir() if _ENTRY.fullmatch(p.name) and p.is_dir() and not p.is_symlink()]


def _remove(path: Path) -> None:
    """Remove an entry's folder (a link in its place is unlinked, never followed)."""
    with contextlib.suppress(OSError):
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)


def _size_of(path: Path) -> int:
    total = 0
    with contextlib.suppress(OSError):
        for child in path.iterdir():
            with contextlib.suppress(OSError):
                st = child.lstat()
                total += st.st_size if stat.S_ISREG(st.st_mode) else 0
    return total


def _open_regular(path: Path) -> int:
    """A descriptor of the regular file at `path`, opened without following a link or blocking."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
                 | getattr(os, "O_CLOEXEC", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ValueError(f"{path.name} is not a regular file")
    return fd


def _read_bytes(path: Path, limit: int) -> bytes:
    fd = _open_regular(path)
    with open(fd, "rb") as f:
        if os.fstat(f.fileno()).st_size > limit:
            raise ValueError(f"{path.name} is too large")
        return f.read(limit + 1)[:limit]


def _read_manifest(path: Path) -> dict:
    manifest = json.loads(_read_bytes(path / MANIFEST, MANIFEST_LIMIT).decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("key", {}).get("version") != VERSION:
        raise ValueError("not a manifest of this version")
    return manifest


def _write_manifest(path: Path, manifest: dict) -> None:
    with atomic_write(path / MANIFEST, "w") as f:
        json.dump(manifest, f)


def _read_array(path: Path, dtype: str, n: int, task: Task) -> np.ndarray:
    """`n` items of `dtype` from the file at `path`, whose size must be exactly theirs."""
    if not isinstance(n, int) or n < 0:
        raise ValueError("a bad length")
    dtype = np.dtype(dtype)
    fd = _open_regular(path)
    with open(fd, "rb", buffering=0) as f:
        if os.fstat(f.fileno()).st_size != n * dtype.itemsize:
            raise ValueError(f"{path.name} has not the size its manifest says")
        array = np.empty(n, dtype=dtype)
        view = memoryview(array).cast("B") if n else memoryview(b"")
        step = CHUNK * dtype.itemsize
        for start in range(0, len(view), step):
            task.check("reading the cached corpus cancelled")
            part = view[start:start + step]
            read_exactly(f, part)
            task.progress((start + len(part)) / len(view), "reading the cached corpus")
    return array


def _read_entry(path: Path, m: dict, task: Task, budget: int, arriving: bool) -> Cached:
    arrays = m["arrays"]
    n_tokens, vocab_size = arrays["tokens"], arrays["counts"]
    if n_tokens != m["n_tokens"] or vocab_size != m["vocab_size"] or vocab_size < 1:
        raise ValueError("lengths disagree")
    counts = _read_array(path / "counts.i64", "int64", vocab_size, task)
    if counts.min() < 1:
        raise ValueError("a count below 1")
    words_bytes = _read_bytes(path / "words.txt", int(m["words_bytes"]))
    words = split_lines(words_bytes.decode("utf-8"))
    if len(words) != vocab_size or not all_distinct(words):
        raise ValueError("the words disagree with the counts")
    offsets = _read_array(path / "offsets.i64", "int64", arrays["offsets"], task)
    lengths = np.diff(offsets)
    if (len(offsets) < 2 or offsets[0] != 0 or offsets[-1] != n_tokens or lengths.min() < 1
            or lengths.max() > MAX_SENTENCE):
        raise ValueError("offsets that do not cover the tokens")
    table = None
    if "phrases" in arrays:
        raw = _read_array(path / "phrases.u8", "uint8", arrays["phrases"], task)
        table = corpus_phrases.PhraseTable.from_array(raw, m["phrase_options"])
    files = [corpus_files.FileStat(Path(f["path"]), int(f["bytes"]), int(f["words"])) for f in m["files"]]
    counting = m["counting"]
    if not isinstance(counting, dict):
        raise ValueError("counting")
    skipped = m["skipped"]
    if not isinstance(skipped, list):
        raise ValueError("skipped")
    arrival = _tokens_arriving(path, n_tokens, vocab_size, budget)
    if not arriving:
        _wait_whole(arrival, task)
    corpus = EncodedCorpus(Vocabulary(words, counts), arrival.out, offsets, int(m["raw_words"]), files,
                           arrival if arriving else None)
    return Cached(corpus, table, int(m["invalid_utf8"]), skipped, counting, path)


def _tokens_arriving(path: Path, n_tokens, vocab_size: int, budget: int) -> Arrival:
    """tokens.i32 being read, on a thread, into memory the run owns (`Arrival`)."""
    if not isinstance(n_tokens, int) or os.lstat(path / "tokens.i32").st_size != 4 * n_tokens:
        raise ValueError("tokens.i32 has not the size its manifest says")  # before allocating for it
    fd = _open_regular(path / "tokens.i32")
    try:
        out = _allocate(n_tokens, np.int32, budget, None)
    except BaseException:
        os.close(fd)
        raise
    return Arrival(fd, out, vocab_size, str(path / "tokens.i32"), lambda reason: _remove(path))


def _wait_whole(arrival: Arrival, task: Task) -> None:
    """Wait until every token has arrived, reporting progress; a failed check is a ValueError."""
    try:
        while not arrival.wait(arrival.total, timeout=0.1):
            if task.cancelled:
                arrival.abandon()
                task.check("reading the cached corpus cancelled")
            task.progress(arrival.arrived / max(arrival.total, 1), "reading the cached corpus")
    except W2VError as exc:
        raise ValueError(str(exc)) from None

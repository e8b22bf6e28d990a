"""The corpus: its files (name, size, words once scanned) and the background scan, which write the
session's corpus. Opening a corpus first looks, with the listing, for its encoding in the encoded
corpus cache (`core.corpus.cache`): when the files are as an entry's key holds them and were read
with the same case folding, the corpus is not scanned (the summary says so, and Read scans it
anyway); training with that entry's vocabulary settings reads the cache."""

from __future__ import annotations

import contextlib
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QHeaderView, QLabel, QListWidget, QProgressBar,
                               QPushButton, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from w2vstudio.core.corpus import phrases
from w2vstudio.core.corpus.cache import Entry as CacheEntry
from w2vstudio.core.corpus.cache import cached_entries
from w2vstudio.core.corpus.files import FileStat, find_files
from w2vstudio.core.params import TrainParams
from w2vstudio.core.corpus.scan import ScannedCorpus, scan_corpus
from w2vstudio.core.support.printable import verbatim_html
from w2vstudio.gui.studio_session import StudioSession
from w2vstudio.gui.workers import Call


def human_bytes(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    return ""


class CorpusPanel(QWidget):
    """Lists the corpus files and scans them off the GUI thread, with progress and cancel, when the
    corpus is opened or the session asks for it (`scan_requested`); the session's corpus follows.

    `scan_finished(ScannedCorpus)`: the corpus was read. `scan_failed(message)`: it could not be
    listed or read."""

    scan_finished = Signal(object)
    scan_failed = Signal(str)

    def __init__(self, session: StudioSession, actions: list[QAction], parent=None):
        super().__init__(parent)
        self._session = session
        self._files: list[FileStat] = []
        self._cached_words: dict = {}  # {listed path: words} the newest cache entry read in each file
        self._scan_after_listing = False
        self._scan_bytes = 0  # bytes of the files being read
        self._lister = Call(self)
        self._lister.succeeded.connect(self._on_listing_succeeded)
        self._lister.failed.connect(self._on_scan_failed)
        self._scan = Call(self)
        self._scan.progressed.connect(self._on_scan_progressed)
        self._scan.succeeded.connect(self._on_scan_succeeded)
        self._scan.failed.connect(self._on_scan_failed)
        self._scan.cancelled.connect(self._on_scan_cancelled)
        self._cache_lookup = Call(self)
        self._cache_lookup.succeeded.connect(self._on_cache_looked_up)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["file", "size", "words"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSizeAdjustPolicy(QTreeWidget.SizeAdjustPolicy.AdjustToContents)  # short for a few files
        self.tree.setToolTip("Drop text files, compressed files (gzip, bz2, xz) or folders here.")
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
            self.tree.headerItem().setTextAlignment(column, Qt.AlignmentFlag.AlignRight)

        self.lowercase = QCheckBox("Lowercase")
        self.lowercase.setChecked(session.corpus.lowercase)
        self.lowercase.setToolTip("Fold words to lower case while reading (usual for English; "
                                  "changing it rescans the corpus).")
        self.lowercase.toggled.connect(self._on_lowercase_toggled)
        self.join_phrases = QCheckBox("Join phrases")
        self.join_phrases.setChecked(session.corpus.phrases)
        self.join_phrases.setToolTip("Join collocations such as \"new york\" into one token (new_york) before "
                                     "training, as gensim's Phrases does (min count 5, threshold 10).")
        self.join_phrases.toggled.connect(self._on_phrases_toggled)
        self.phrase_list = QListWidget()
        self.phrase_list.setToolTip("The phrases found in the corpus, best score first: phrase, count, score.")
        self.phrase_list.setVisible(False)
        self._phrases = Call(self)
        self._phrases.succeeded.connect(self._on_phrases_found)
        self._phrases.failed.connect(self._on_scan_failed)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # error messages name files
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop reading the corpus.")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.read_button = QPushButton("Read the corpus")
        self.read_button.setToolTip("Read the corpus now, though its encoding is in the cache: needed to train "
                                    "with other vocabulary settings or to list its phrases.")
        self.read_button.setVisible(False)
        self.read_button.clicked.connect(self.scan)

        buttons = QHBoxLayout()
        for action in actions:
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.lowercase)
        buttons.addWidget(self.join_phrases)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.progress, 1)
        scan_row.addWidget(self.cancel_button)
        scan_row.addWidget(self.read_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.phrase_list, 1)
        layout.addLayout(scan_row)
        layout.addWidget(self.summary)
        session.scan_requested.connect(self.scan)
        session.scan_cancel_requested.connect(self.cancel_scan)
        session.cache_written.connect(self._on_cache_written)

    @property
    def is_scanning(self) -> bool:
        return self._scan.busy

    # -- actions -------------------------------------------------------------------------------------
    def set_paths(self, paths, scan: bool = True):
        """Make these files and folders the corpus: they are listed and looked for in the encoded
        corpus cache, then read if `scan` and the cache holds no encoding of them, in the
        background (bad paths: `scan_failed`)."""
        self.cancel_scan()
        self._files = []
        self._scan_after_listing = scan
        self.summary.setText("Listing the files…")
        self._session.set_corpus(paths, self.lowercase.isChecked())
        self._list()

    def _list(self):
        corpus = self._session.corpus
        self._lister.start(list_corpus, list(corpus.paths), corpus.lowercase, self._session.cache)

    def _on_listing_succeeded(self, listed: tuple):
        files, entries, words, lowercase = listed
        corpus = self._session.corpus
        if lowercase != corpus.lowercase:  # listed for another case folding: another listing comes
            return
        self._files, self._cached_words = files, words
        if corpus.scanned is None:
            self._session.set_cached(entries)
        self._show_files()
        scan, self._scan_after_listing = self._scan_after_listing, False
        if scan and self._session.corpus.scanned is None and not entries:
            self.scan()

    def scan(self):
        """Read the corpus in the background; `scan_finished` brings the result."""
        corpus = self._session.corpus
        if self.is_scanning or not corpus.paths:
            return
        self._scan_bytes = sum(f.bytes for f in self._files)  # those listed (0 before the listing)
        self.read_button.setVisible(False)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("Reading the corpus…")
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self._session.set_scanning(True)
        self._scan.start(scan_corpus, list(corpus.paths), lowercase=corpus.lowercase, with_task=True)

    def cancel_scan(self):
        """Stop a running scan (the corpus stays unscanned)."""
        if self.is_scanning:
            self._scan.stop()
            self._on_scan_cancelled()

    # -- display -------------------------------------------------------------------------------------
    def _show_files(self):
        self.tree.clear()
        paths, scanned = self._session.corpus.paths, self._session.corpus.scanned
        base = paths[0].parent if len(paths) == 1 else None
        for stat in self._files:
            name = stat.path.name if base is None or stat.path.parent == base else str(stat.path.relative_to(base))
            item = QTreeWidgetItem([name, human_bytes(stat.bytes), self._words_text(stat)])
            item.setToolTip(0, verbatim_html(str(stat.path)))
            for column in (1, 2):
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
        size = human_bytes(sum(f.bytes for f in self._files))
        files = f"{len(self._files)} file{'s' if len(self._files) != 1 else ''}, {size}"
        s = scanned
        cached = self._session.corpus.cached
        self.read_button.setVisible(s is None and bool(cached) and not self.is_scanning)
        if s is None and cached:
            self.summary.setText(cached_summary(files, cached))
            return
        if s is None:
            self.summary.setText(f"{files}. Not read yet: it is read when you train.")
            return
        text = f"{files}: {s.raw_words:,} words, {len(s.words):,} distinct."
        if s.invalid_utf8:
            text += f" {s.invalid_utf8:,} bytes that were not UTF-8 were replaced."
        if cached:
            text += f" Its encoding for {held_text(cached)} is in the cache: a run with those settings reads it."
        self.summary.setText(text)

    def _words_text(self, stat: FileStat) -> str:
        """The words of a file: the scan's, else those of the cache entry found ("" if unknown)."""
        corpus = self._session.corpus
        words = stat.words if corpus.scanned is not None else \
            self._cached_words.get(stat.path) if corpus.cached else None
        return "" if words is None else f"{words:,}"

    def _end_scan(self):
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        if self._session.corpus.scanning:
            self._session.set_scanning(False)
        corpus = self._session.corpus
        self.read_button.setVisible(corpus.scanned is None and bool(corpus.cached))

    def _on_scan_progressed(self, fraction: float, words: str):
        self.progress.setValue(round(1000 * fraction))
        total = self._scan_bytes
        read = f" · {human_bytes(fraction * total)} of {human_bytes(total)}" if total else ""
        self.progress.setFormat(f"Reading the corpus… %p%{read} · {words}")

    def _on_scan_succeeded(self, scanned: ScannedCorpus):
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._files = scanned.files
        self._session.set_scanned(scanned)
        self._show_files()
        self._find_phrases()
        self.scan_finished.emit(scanned)

    def _on_scan_failed(self, message: str):
        self._end_scan()
        self.scan_failed.emit(message)

    def _on_scan_cancelled(self):
        self._end_scan()
        self.summary.setText("Reading the corpus was cancelled.")

    def _on_cache_written(self):
        """A run cached an encoding: look up the corpus's entries again (on a worker)."""
        corpus = self._session.corpus
        if corpus.paths:
            self._cache_lookup.start(look_up_cache, list(corpus.paths), corpus.lowercase, self._session.cache)

    def _on_cache_looked_up(self, found: tuple):
        paths, lowercase, entries = found
        corpus = self._session.corpus
        if (tuple(paths), lowercase) != (corpus.paths, corpus.lowercase):  # another corpus since
            return
        self._session.set_cached(entries)
        self._show_files()

    def _on_lowercase_toggled(self, checked: bool):
        self.cancel_scan()
        scanned = self._session.corpus.scanned
        self._session.set_corpus(self._session.corpus.paths, checked)
        if scanned is not None or self.read_button.isVisible():
            self._show_files()
        if self._session.corpus.paths:
            self._list()  # the cache's entries of the other case folding

    def _on_phrases_toggled(self, checked: bool):
        self._session.set_phrases(checked)
        self._find_phrases()

    def _find_phrases(self):
        """List the phrases of the scanned corpus (in the background) while "Join phrases" is on."""
        scanned = self._session.corpus.scanned
        self.phrase_list.setVisible(self.join_phrases.isChecked())
        if not self.join_phrases.isChecked() or scanned is None:
            self._phrases.stop()
            self.phrase_list.clear()
            if self.join_phrases.isChecked() and self._session.corpus.cached:
                self.phrase_list.addItem("The corpus was not read (its encoding is in the cache): "
                                         "read it to list its phrases.")
            return
        self.phrase_list.clear()
        self.phrase_list.addItem("Finding phrases…")
        self._phrases.start(phrases.export_phrases, scanned, phrases.options_of(TrainParams(phrases=True)),
                            with_task=True)

    def _on_phrases_found(self, found: list):
        self.phrase_list.clear()
        self.phrase_list.addItems([f"{p.token}   {p.count:,}   {p.score:,.1f}" for p in found[:5000]])
        if not found:
            self.phrase_list.addItem("No phrases found.")


def list_corpus(paths: list, lowercase: bool, cache) -> tuple[list[FileStat], list[CacheEntry], dict, bool]:
    """(files, cache entries, words, `lowercase`): the corpus's files, the entries of the encoded
    corpus cache `cache` (`StudioSession.cache`) made from them as they are now, read with
    `lowercase`, most recently used first, and {file's path: words} as the newest entry's scan read
    them (on a worker: it reads the disk). A cache that cannot be read has none."""
    files = find_files(paths)
    entries = _entries(paths, lowercase, cache)
    return files, entries, cached_words(files, entries), lowercase


def look_up_cache(paths: list, lowercase: bool, cache) -> tuple[list, bool, list[CacheEntry]]:
    """(`paths`, `lowercase`, cache entries): the entries of `list_corpus`, alone (on a worker)."""
    return paths, lowercase, _entries(paths, lowercase, cache)


def _entries(paths: list, lowercase: bool, cache) -> list[CacheEntry]:
    with contextlib.suppress(OSError, ValueError):
        return cached_entries(paths, cache, lowercase)
    return []


def cached_words(files: list[FileStat], entries: list[CacheEntry]) -> dict:
    """{path: words} of the `files` the first of `entries` counted (none without entries)."""
    known = entries[0].file_words if entries else {}
    words = ((f.path, known.get(str(f.path.absolute()))) for f in files)
    return {path: n for path, n in words if n is not None}


def vocabulary_text(entry: CacheEntry) -> str:
    """The vocabulary settings of a cache entry: "min count 5, at most 100,000 words, phrases joined"."""
    settings = entry.settings
    text = f"min count {int(settings.get('min_count', 0)):,}"
    if settings.get("max_vocab"):
        text += f", at most {int(settings['max_vocab']):,} words"
    if settings.get("phrases"):
        text += ", phrases joined"
    return text


def held_text(entries) -> str:
    """The vocabulary settings of up to three cache entries: "min count 5; min count 2; …"."""
    return "; ".join(vocabulary_text(e) for e in entries[:3]) + ("; …" if len(entries) > 3 else "")


def cached_summary(files: str, entries) -> str:
    """The summary of a corpus whose encoding is in the cache (`entries`, most recently used first),
    not read again."""
    e = entries[0]
    made = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.created))
    text = (f"{files}: {e.raw_words:,} words; its encoding ({e.vocab_size:,} words of {vocabulary_text(e)}) "
            f"is in the cache from {made}: not read again.")
    if len(entries) > 1:
        text += f" The cache also holds it for {held_text(entries[1:])}."
    return text + " Read it to change the vocabulary settings."

"""Get a corpus: download from a local HTTP server with progress and cancel, MD5 and
size checks, the cache, zip archives unpacked and JSON lines converted to text with the
hostile-input rules, corpora in parts; nothing partial kept."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from w2vstudio.cli import main
from w2vstudio.core.corpus import download
from w2vstudio.core.corpus import records
from w2vstudio.core.corpus.download import CATALOGUE, Corpus, cache_folder, cached, fetch
from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.support.task import Task

WORDS = "the king and queen man woman of a in to was is for on".split()
TEXT = " ".join(random.Random(0).choices(WORDS, k=200_000)).encode()  # gzip: several chunks


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


FILES = {
    "/small.txt.gz": gzip.compress(TEXT),
    "/corpus.zip": zipped({"corpus/a.txt": TEXT, "corpus/b.txt": TEXT[:100]}),
    "/escape.zip": zipped({"ok.txt": TEXT, "../escape.txt": TEXT}),
    "/bomb.zip": zipped({"zeros.txt": bytes(1 << 20)}),
    "/many.zip": zipped({f"{i}.txt": b"x" for i in range(5)}),
}


def json_lines(*records, raw: bytes = b"") -> bytes:
    """Gzip-compressed JSON lines: the records, then `raw` as it is."""
    return gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in records) + raw)


RECORDS = [
    {"title": "Kings", "text": "the king\nand the queen", "id": 1},
    {"title": "Lists", "text": ["one", "two"]},
    {"title": "Number", "text": 42},
    {"text": "no title"},
    {"title": "Odd", "text": "caf\u00e9 \ud800 nul\u0000 end"},
]
RECORDS_TEXT = "Kings\nthe king\nand the queen\nLists\none\ntwo\nOdd\ncafé ? nul  end\n"
MANY = [{"title": f"post {i}", "text": " ".join(random.Random(i).choices(WORDS, k=50))} for i in range(400)]
PARTS = json_lines(*MANY)
HALF = len(PARTS) // 2
DEEP = b"[" * 100_000 + b"]" * 100_000
HOSTILE = {  # name: (served, changes to the corpus, what the error says)
    "not-json": (json_lines(RECORDS[0], raw=b"not json\n"), {}, "line 2: not JSON text"),
    "not-utf8": (json_lines(raw=b'{"title": "a", "text": "\xff"}\n'), {}, "line 1: not JSON text"),
    "array": (json_lines([1, 2]), {}, "line 1: not a JSON object"),
    "deep": (json_lines(raw=b'{"title": "a", "text": "b", "x": ' + DEEP + b"}\n"), {}, "line 1: nests too deep"),
    "long": (json_lines({"title": "a", "text": "b" * 400_000}), {}, "line 1: longer than the 300,000 bytes"),
    "big": (json_lines(*MANY), {"unpacked_limit": 1000}, "unpacks to more than the 1,000 bytes allowed"),
    "no-text": (json_lines({"title": 1, "text": 2}, {"other": "x"}), {}, "no record has the text fields title, text"),
    "not-gzip": (b"plain text, not gzip\n", {}, "not a complete gzip file"),
    "cut": (json_lines(*MANY)[:-100], {}, "not a complete gzip file"),
}
FILES.update({"/news.gz": json_lines(*RECORDS, raw=b"\n"), "/parts.gz_00": PARTS[:HALF], "/parts.gz_01": PARTS[HALF:]})
FILES.update({f"/{name}.gz": data for name, (data, _, _) in HOSTILE.items()})


class Handler(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        Handler.requests.append(self.path)
        name, _, how = self.path.partition("?")
        data = FILES.get(name)
        if data is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if how == "half":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        else:
            self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def entry(server, path, content=None, **changes) -> Corpus:
    data = FILES.get(path.partition("?")[0], b"") if content is None else content
    fields = dict(name="test", title="Test", url=server + path, size=len(data),
                  md5=hashlib.md5(data).hexdigest(), words="a few", licence="CC0", source="here",
                  description="a test corpus")
    return Corpus(**{**fields, **changes})


def left_in(cache) -> list[str]:
    """Everything in the cache, hidden files included."""
    return sorted(str(p.relative_to(cache)) for p in cache.rglob("*") if not p.is_dir())


def test_the_catalogue_starts_with_text8():
    text8 = CATALOGUE[0]
    assert text8.name == "text8" and text8.url.startswith("https://") and text8.size == 33_182_058
    assert len(text8.md5) == 32 and all(c in "0123456789abcdef" for c in text8.md5)
    assert text8.licence and text8.source and text8.words


def test_the_cache_is_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "w2vstudio" / "corpora"


def test_a_compressed_corpus_is_kept_as_it_is_and_cached(server, tmp_path):
    corpus, reports = entry(server, "/small.txt.gz"), []
    path = fetch(corpus, tmp_path, Task(lambda fraction, _: reports.append(fraction)))
    assert path == tmp_path / "test" / "small.txt.gz" and gzip.decompress(path.read_bytes()) == TEXT
    assert reports == sorted(reports) and reports[-1] == 1.0 and len(reports) > 2
    assert left_in(tmp_path) == ["test/small.txt.gz"] and cached(corpus, tmp_path) == path
    asked = len(Handler.requests)
    assert fetch(corpus, tmp_path) == path and len(Handler.requests) == asked  # from the cache


def test_a_zip_is_unpacked_into_a_folder(server, tmp_path):
    path = fetch(entry(server, "/corpus.zip"), tmp_path)
    assert path == tmp_path / "test" / "corpus" and (path / "corpus" / "a.txt").read_bytes() == TEXT
    assert left_in(tmp_path) == ["test/corpus/corpus/a.txt", "test/corpus/corpus/b.txt"]


@pytest.mark.parametrize("path, changes, said", [
    ("/small.txt.gz", {"md5": "0" * 32}, "MD5 checksum"),
    ("/small.txt.gz?half", {}, "of"),
    ("/small.txt.gz", {"size": 100}, "more than the 100 bytes"),
    ("/small.txt.gz", {"size": 10**6}, "stopped after"),
    ("/missing.gz", {"size": 10}, "HTTP 404"),
    ("/escape.zip", {}, "outside its folder"),
    ("/bomb.zip", {"unpacked_limit": 1000}, "more than the 1,000 allowed"),
    ("/many.zip", {}, "holds 5 files, more than the 4 allowed"),
])
def test_failures_are_one_line_and_keep_nothing(server, tmp_path, monkeypatch, path, changes, said):
    monkeypatch.setattr(download, "_MAX_MEMBERS", 4)
    with pytest.raises(W2VError, match=None) as err:
        fetch(entry(server, path, **changes), tmp_path)
    message = str(err.value)
    assert said in message and "\n" not in message and message.startswith(server)
    assert left_in(tmp_path) == [] and not (tmp_path.parent / "escape.txt").exists()


def test_a_download_stopped_half_way_says_so(server, tmp_path):
    with pytest.raises(W2VError, match="(stopped|failed) after .* of .* bytes"):
        fetch(entry(server, "/small.txt.gz?half", FILES["/small.txt.gz"]), tmp_path)
    assert left_in(tmp_path) == []


def test_cancel_keeps_nothing(server, tmp_path):
    def progress(fraction, _):
        if fraction > 0:
            task.cancel()

    task = Task(progress)
    big = entry(server, "/bomb.zip")
    with pytest.raises(Cancelled):
        fetch(big, tmp_path, task)
    assert left_in(tmp_path) == []


def test_the_corpora_command_lists_and_gets(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    corpus = entry(server, "/small.txt.gz")
    monkeypatch.setattr(download, "CATALOGUE", (corpus,))
    assert main(["corpora"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("test: Test, 0.") and "licence: CC0" in out and str(cache_folder()) in out
    assert main(["corpora", "--get", "test"]) == 0
    path = cache_folder() / "test" / "small.txt.gz"
    assert capsys.readouterr().out == f"{path}\n" and path.is_file()
    assert main(["corpora"]) == 0 and f"(cached: {path})" in capsys.readouterr().out
    assert main(["corpora", "--get", "text8"]) == 1
    assert capsys.readouterr().err == 'w2vstudio: error: no corpus called "text8" in the catalogue (one of: test)\n'


def test_the_catalogue_gives_every_corpus_its_checks_and_text_fields():
    names = [c.name for c in CATALOGUE]
    assert names == ["text8", "20-newsgroups", "fake-news", "wiki-english-20171001"]
    for corpus in CATALOGUE:
        assert corpus.url == f"{download._GENSIM_DATA}/{corpus.name}/{corpus.name}.gz"
        assert corpus.words and corpus.licence and corpus.source and corpus.description
        for _, md5 in corpus.pieces():
            assert len(md5) == 32 and all(c in "0123456789abcdef" for c in md5)
    assert [c.fields for c in CATALOGUE[1:]] == [("data",), ("title", "text"), ("title", "section_texts")]
    wiki = CATALOGUE[-1]
    assert [url for url, _ in wiki.pieces()] == [f"{wiki.url}_0{part}" for part in range(4)]
    assert wiki.size == 6_516_051_717 and "6.5 GB" in wiki.description


def test_json_lines_are_converted_to_text_and_only_the_text_is_kept(server, tmp_path):
    corpus, reports, notes = entry(server, "/news.gz", fields=("title", "text")), [], []
    path = fetch(corpus, tmp_path, Task(lambda fraction, _: reports.append(fraction)), note=notes.append)
    assert path == tmp_path / "test" / "test.txt.gz" and left_in(tmp_path) == ["test/test.txt.gz"]
    assert gzip.decompress(path.read_bytes()).decode() == RECORDS_TEXT
    assert notes == ["Test: 2 of 5 records were left out (a field of title, text missing or not text)."]
    assert reports == sorted(reports) and reports[-1] == 1.0
    assert cached(corpus, tmp_path) == path and fetch(corpus, tmp_path) == path


def parts_entry(server, *md5s) -> Corpus:
    return entry(server, "/parts.gz", PARTS, md5="", fields=("title", "text"), parts=md5s)


def test_a_corpus_in_parts_is_checked_part_by_part_and_converted(server, tmp_path):
    md5s = [hashlib.md5(part).hexdigest() for part in (PARTS[:HALF], PARTS[HALF:])]
    asked = len(Handler.requests)
    path = fetch(parts_entry(server, *md5s), tmp_path)
    assert Handler.requests[asked:] == ["/parts.gz_00", "/parts.gz_01"]
    lines = [line for r in MANY for line in (r["title"], r["text"])]
    assert gzip.decompress(path.read_bytes()).decode() == "\n".join(lines) + "\n"
    assert left_in(tmp_path) == ["test/test.txt.gz"]


def test_a_damaged_part_keeps_nothing(server, tmp_path):
    with pytest.raises(W2VError) as err:
        fetch(parts_entry(server, hashlib.md5(PARTS[:HALF]).hexdigest(), "0" * 32), tmp_path)
    message = str(err.value)
    assert message.startswith(f"{server}/parts.gz_01: ") and "MD5 checksum" in message and "\n" not in message
    assert left_in(tmp_path) == []


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_json_lines_are_one_line_and_keep_nothing(server, tmp_path, monkeypatch, name):
    monkeypatch.setattr(records, "MAX_LINE", 300_000)
    _, changes, said = HOSTILE[name]
    with pytest.raises(W2VError) as err:
        fetch(entry(server, f"/{name}.gz", fields=("title", "text"), **changes), tmp_path)
    message = str(err.value)
    assert said in message and "\n" not in message and message.startswith(f"{server}/{name}.gz")
    assert left_in(tmp_path) == []


def test_cancel_during_the_conversion_keeps_nothing(server, tmp_path, monkeypatch):
    monkeypatch.setattr(records, "_REPORT_EVERY", 1)
    converting = []

    def progress(fraction, _):
        if fraction > download._DOWNLOADED:
            converting.append(fraction)
            task.cancel()

    task = Task(progress)
    with pytest.raises(Cancelled):
        fetch(entry(server, "/big.gz", fields=("title", "text")), tmp_path, task)
    assert converting and left_in(tmp_path) == []

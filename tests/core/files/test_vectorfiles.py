"""Vector files: every layout, exact round trips, gensim interop, errors that say where."""

import bz2
import gzip
import json
import lzma
import os
import struct
import sys
import tracemalloc
import zipfile

import numpy as np
import pytest

from w2vstudio.core.files import vectorfiles as io
from w2vstudio.core.errors import Cancelled, FormatError, W2VError
from w2vstudio.core.files.vectorfiles import detect_format, load_vectors, metadata_path, save_vectors
from w2vstudio.core.vectors import KeyedVectors
from w2vstudio.core.support.task import Task

WORDS = ["the", "café", "日本", "#tag", "naïve_x", "Zürich"]


def random_floats(shape, rng):
    """Finite float32 values with random bit patterns: every exponent, subnormals, signed zeros."""
    bits = rng.integers(0, 2**32, size=shape, dtype=np.uint64).astype(np.uint32)
    values = bits.view(np.float32)
    return np.where(np.isfinite(values), values, np.float32(-0.0))


@pytest.fixture()
def kv():
    rng = np.random.default_rng(11)
    return KeyedVectors(WORDS, random_floats((len(WORDS), 5), rng), counts=[60, 50, 40, 30, 20, 10])


def same_bits(a, b):
    return a.shape == b.shape and np.array_equal(a.view(np.uint32), b.view(np.uint32))


def c_binary(words, vectors, newline=True):
    """A word2vec.c binary file (gensim 4 writes the same without the newlines)."""
    out = [f"{len(words)} {vectors.shape[1]}\n".encode()]
    for w, v in zip(words, vectors):
        out += [w.encode() + b" ", v.astype("<f4").tobytes(), b"\n" if newline else b""]
    return b"".join(out)


def text_file(words, vectors, header=True, end="\n"):
    """word2vec text (header) or GloVe (none); values in float32's shortest exact form."""
    lines = [f"{len(words)} {vectors.shape[1]}"] if header else []
    lines += [w + " " + " ".join(str(x) for x in v) for w, v in zip(words, vectors)]
    return "".join(line + end for line in lines)


@pytest.mark.parametrize(
    "fmt, detected",
    [("bin", "word2vec-bin"), ("txt", "word2vec-txt"), ("tsv", "tsv"), ("model", "model")],
)
def test_round_trips_are_exact(tmp_path, kv, fmt, detected):
    f = tmp_path / f"out.{fmt}"
    save_vectors(kv, f, fmt)
    assert detect_format(f) == detected
    back = load_vectors(f)
    assert back.words == WORDS and same_bits(back.vectors, kv.vectors)
    if fmt in ("tsv", "model"):
        np.testing.assert_array_equal(back.counts, kv.counts)
    else:
        assert back.counts is None
    assert sorted(os.listdir(tmp_path)) == sorted(
        [f.name] + ([metadata_path(f).name] if fmt == "tsv" else [])
    )


def test_model_without_counts_and_its_meta(tmp_path):
    f = tmp_path / "m.npz"
    save_vectors(KeyedVectors(["a", "b"], np.eye(2)), f, "model")
    assert load_vectors(f).counts is None
    with np.load(f, allow_pickle=False) as z:
        meta = json.loads(z["meta"].tobytes())
    assert meta == {
        "format": "w2vstudio-model",
        "version": 1,
        "params": {},
        "epoch_losses": [],
        "epochs_trained": 0,
    }


def test_model_file_opens_with_model_class(tmp_path, kv):
    model = pytest.importorskip("w2vstudio.core.train.model")
    f = tmp_path / "m.npz"
    save_vectors(kv, f, "model")
    loaded = model.Model.load(f).keyed_vectors()
    assert loaded.words == WORDS and same_bits(loaded.vectors, kv.vectors)


LAYOUTS = {
    "word2vec.c binary": (lambda w, v: c_binary(w, v), "word2vec-bin"),
    "gensim binary (no newlines)": (lambda w, v: c_binary(w, v, newline=False), "word2vec-bin"),
    "word2vec text": (lambda w, v: text_file(w, v).encode(), "word2vec-txt"),
    "fastText .vec (trailing spaces)": (
        lambda w, v: text_file(w, v, end=" \n").encode(),
        "word2vec-txt",
    ),
    "CRLF text": (lambda w, v: text_file(w, v, end="\r\n").encode(), "word2vec-txt"),
    "GloVe (no header)": (lambda w, v: text_file(w, v, header=False).encode(), "glove"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reads_each_layout(tmp_path, layout):
    rng = np.random.default_rng(5)
    vectors = rng.standard_normal((len(WORDS), 7)).astype(np.float32)
    build, fmt = LAYOUTS[layout]
    f = tmp_path / "vectors.dat"  # the name says nothing: the content decides
    f.write_bytes(build(WORDS, vectors))
    assert detect_format(f) == fmt
    kv = load_vectors(f)
    assert kv.words == WORDS and same_bits(kv.vectors, vectors)
    limited = load_vectors(f, limit=2)
    assert limited.words == WORDS[:2] and same_bits(limited.vectors, vectors[:2])


@pytest.mark.parametrize("compress", [gzip.compress, bz2.compress, lzma.compress])
def test_reads_compressed_files(tmp_path, compress):
    vectors = np.arange(12, dtype=np.float32).reshape(6, 2)
    for data in (c_binary(WORDS, vectors), text_file(WORDS, vectors, header=False).encode()):
        f = tmp_path / "v"
        f.write_bytes(compress(data))
        kv = load_vectors(f)
        assert kv.words == WORDS and same_bits(kv.vectors, vectors)


def test_limit_for_every_format(tmp_path, kv):
    for fmt in io.WRITE_FORMATS:
        f = tmp_path / f"v.{fmt}"
        save_vectors(kv, f, fmt)
        got = load_vectors(f, limit=3)
        assert got.words == WORDS[:3] and same_bits(got.vectors, kv.vectors[:3])
        assert len(load_vectors(f, limit=0)) == 0 and len(load_vectors(f, limit=100)) == len(WORDS)
    with pytest.raises(W2VError):
        load_vectors(f, limit=-1)


def test_projector_metadata_variants(tmp_path):
    vectors = np.arange(6, dtype=np.float32).reshape(3, 2)
    tsv = "".join("\t".join(str(x) for x in row) + "\n" for row in vectors)
    (tmp_path / "vectors.tsv").write_text(tsv)
    assert load_vectors(tmp_path / "vectors.tsv").words == [
        "0",
        "1",
        "2",
    ]  # no metadata: row numbers
    (tmp_path / "metadata.tsv").write_text("a\nb\nc\n")
    assert load_vectors(tmp_path / "vectors.tsv").words == ["a", "b", "c"]
    (tmp_path / "emb.tsv").write_text(tsv)
    (tmp_path / "emb-metadata.tsv").write_text("id\tWord\tcount\n7\tx\t5\n8\ty\t4\n9\tz\t3\n")
    kv = load_vectors(tmp_path / "emb.tsv")
    assert kv.words == ["x", "y", "z"] and kv.counts.tolist() == [5, 4, 3]
    assert same_bits(kv.vectors, vectors)
    (tmp_path / "bad.tsv").write_text(tsv)
    (tmp_path / "bad-metadata.tsv").write_text("word\tcount\nx\t5\ny\tmany\nz\t3\n")
    with pytest.raises(FormatError, match="bad-metadata.tsv, line 3: the count 'many'"):
        load_vectors(tmp_path / "bad.tsv")
    assert metadata_path("a/vectors.tsv").as_posix() == "a/metadata.tsv"
    assert metadata_path("a/en_vectors.tsv").as_posix() == "a/en_metadata.tsv"
    assert metadata_path("a/emb.tsv").as_posix() == "a/emb-metadata.tsv"


@pytest.mark.parametrize("fmt, rows", [("bin", 4_000), ("txt", 1_000), ("model", 4_000)])
def test_loading_never_holds_two_copies(tmp_path, monkeypatch, fmt, rows):
    kv = KeyedVectors([f"w{i}" for i in range(rows)], np.ones((rows, 1000), np.float32))
    f = tmp_path / f"v.{fmt}"
    save_vectors(kv, f, fmt)
    monkeypatch.setattr(io, "_CHUNK", 1 << 18)
    tracemalloc.start()
    try:
        load_vectors(f)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * kv.vectors.nbytes  # the matrix, its words and one chunk


class CancelAfter(Task):
    """A task cancelled at its `looks + 1`-th check: cancels a load part-way."""

    def __init__(self, looks: int):
        super().__init__()
        self.looks, self.seen = looks, 0

    def check(self, message: str = "cancelled") -> None:
        self.seen += 1
        if self.seen > self.looks:
            self.cancel()
        super().check(message)


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.parametrize("fmt", ["bin", "txt", "glove", "tsv"])
def test_a_cancelled_load_stops_part_way_and_leaves_nothing_behind(tmp_path, fmt):
    rows = 3 * io._CANCEL_ROWS
    kv = KeyedVectors([f"w{i}" for i in range(rows)], np.arange(rows * 4, dtype=np.float32).reshape(rows, 4))
    path = tmp_path / f"v.{fmt}"
    if fmt == "glove":
        path.write_text(text_file(kv.words, kv.vectors, header=False))
    else:
        save_vectors(kv, path, fmt)
    files = open_files() if sys.platform.startswith("linux") else None
    cancel = CancelAfter(3)
    with pytest.raises(Cancelled, match="^loading the vectors was cancelled$"):
        load_vectors(path, task=cancel)
    assert cancel.seen == 4  # stopped at that look
    assert files is None or open_files() == files  # every file closed
    with pytest.raises(Cancelled):
        load_vectors(path, task=CancelAfter(0))
    whole = CancelAfter(sys.maxsize)
    again = load_vectors(path, task=whole)  # nothing left half-done: a new load is whole
    assert again.words == kv.words and np.array_equal(again.vectors, kv.vectors)
    assert whole.seen > 4  # so the cancelled load stopped part-way


def test_a_model_file_is_read_whole_but_its_load_can_be_cancelled(tmp_path, kv):
    path = tmp_path / "v.npz"
    save_vectors(kv, path, "model")
    for looks in (0, 1):  # before reading it, and after
        with pytest.raises(Cancelled):
            load_vectors(path, task=CancelAfter(looks))
    assert load_vectors(path, task=Task()).words == kv.words


def test_repeated_words_keep_their_first_vector(tmp_path):
    words = ["a", "b", "a", "c", "b"]
    vectors = np.arange(10, dtype=np.float32).reshape(5, 2)
    f = tmp_path / "v.bin"
    f.write_bytes(c_binary(words, vectors))
    kv = load_vectors(f)
    assert kv.words == ["a", "b", "c"] and kv.vectors.tolist() == [[0, 1], [2, 3], [6, 7]]


def test_gensim_interop(tmp_path, kv):
    gensim = pytest.importorskip("gensim")
    g = gensim.models.KeyedVectors(kv.dim)
    g.add_vectors(kv.words, kv.vectors.copy())
    for binary in (True, False):
        f = tmp_path / f"gensim-{binary}"
        g.save_word2vec_format(str(f), binary=binary)
        back = load_vectors(f)
        assert back.words == WORDS and same_bits(back.vectors, kv.vectors)
        ours = tmp_path / f"ours-{binary}"
        save_vectors(kv, ours, "bin" if binary else "txt")
        theirs = gensim.models.KeyedVectors.load_word2vec_format(str(ours), binary=binary)
        assert theirs.index_to_key == WORDS and same_bits(theirs.vectors, kv.vectors)
    g.save_word2vec_format(str(tmp_path / "glove"), write_header=False)
    assert same_bits(load_vectors(tmp_path / "glove").vectors, kv.vectors)


# ---- malformed files: a FormatError that says where ----------------------------------------------

VEC = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]], dtype=np.float32)
BIN = c_binary(["a", "b", "c"], VEC)  # records at byte offsets 4, 19, 34 (each 2 + 12 + 1 bytes)
NAN_BIN = BIN[:21] + struct.pack("<f", float("nan")) + BIN[25:]


def bad_metadata(tmp_path):
    (tmp_path / "v.tsv").write_text("1\t2\n3\t4\n")
    (tmp_path / "v-metadata.tsv").write_text("only-one\n")
    return tmp_path / "v.tsv"


MALFORMED = {
    "empty": (b"", "the file is empty"),
    "bad header": (b"3 x\na 1 2 3\n", "line 1: not a vectors file"),
    "truncated binary": (BIN[:30], "the header: 3 words of 3 dimensions announced, but the file's 30 bytes hold at most 1"),
    "binary, header dimension too small": (b"3 2" + BIN[3:], "byte offset 14: malformed record"),
    "binary without a word end": (b"1 3\n" + b"x\x01" * 35000, "byte offset 4: no word ends here"),
    "header then plain text": (b"1999 2000\nthe cat sat\n", "line 2: not a vectors file"),
    "binary NaN": (NAN_BIN, "byte offset 19: a value is NaN or infinite"),
    "binary more words than declared": (
        b"2" + BIN[1:],
        "byte offset 34: more data after the 2 words",
    ),
    "text: wrong number of values": (
        b"2 3\na 1 2 3\nb 1 2\n",
        "line 3: expected 3 values, found 2",
    ),
    "text: not a number": (b"2 3\na 1 2 3\nb 1 x 3\n", "line 3: 'x' is not a number"),
    "text: NaN": (b"2 3\na 1 nan 3\nb 1 2 3\n", "line 2: a value is NaN or infinite"),
    "text: truncated": (b"3 3\na 1 2 3\nb 1 2 3\n", "line 4: the file ends after 2 of 3 vectors"),
    "text: more lines than declared": (b"1 3\na 1 2 3\nb 1 2 3\n", "line 3: more lines than the 1"),
    "glove: blank line": (b"a 1 2\n\nb 1 2\n", "line 2: empty line"),
    "glove: no word": (b"a 1 2\n 1 2\n", "line 2: no word before the values"),
    "tsv: ragged": (b"1\t2\n3\t4\t5\n", "line 2: expected 2 values, found 3"),
    "zip that is not a model": (None, "not a w2vstudio model"),
    "truncated model": (None, "w2vstudio model"),
    "tsv: too few words": (None, "line 2: 1 words for 2 vectors"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_files_name_the_place(tmp_path, kv, case):
    content, message = MALFORMED[case]
    f = tmp_path / "v"
    if content is not None:
        f.write_bytes(content)
    elif case == "zip that is not a model":
        with zipfile.ZipFile(f, "w") as z:
            z.writestr("hello.txt", "hi")
    elif case == "truncated model":
        save_vectors(kv, tmp_path / "m", "model")
        f.write_bytes((tmp_path / "m").read_bytes()[:300])
    else:
        f = bad_metadata(tmp_path)
    with pytest.raises(FormatError) as err:
        load_vectors(f)
    assert message in str(err.value) and str(tmp_path) in str(err.value)
    assert "\n" not in str(err.value)


def test_bad_model_contents(tmp_path):
    f = tmp_path / "m.npz"
    meta = np.frombuffer(json.dumps({"format": "w2vstudio-model"}).encode(), np.uint8)
    words = np.frombuffer(b"a\nb", np.uint8)
    np.savez(
        f, meta=meta, words=words, counts=np.ones(2, np.int64), vectors=np.ones((3, 2), np.float32)
    )
    with pytest.raises(FormatError, match="damaged: it holds 2 words for 3 vectors"):
        load_vectors(f)
    np.savez(
        f,
        meta=meta,
        words=words,
        counts=np.ones(2, np.int64),
        vectors=np.array([[1, 2], [np.inf, 0]], np.float32),
    )
    with pytest.raises(FormatError, match="damaged: its vectors hold NaN or infinite values"):
        load_vectors(f)


# ---- writing ------------------------------------------------------------------------------------


def test_failed_write_keeps_the_old_file(tmp_path, kv, monkeypatch):
    f = tmp_path / "v.bin"
    f.write_bytes(b"precious")

    def broken(kv, out):
        out.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(io, "_write_binary", broken)
    with pytest.raises(OSError):
        save_vectors(kv, f, "bin")
    assert f.read_bytes() == b"precious" and os.listdir(tmp_path) == ["v.bin"]


@pytest.mark.parametrize(
    "fmt, word", [("bin", "a b"), ("txt", ""), ("tsv", "a\tb"), ("tsv", ""), ("model", "a\nb")]
)
def test_words_a_format_cannot_hold_are_refused(tmp_path, fmt, word):
    f = tmp_path / "v"
    f.write_bytes(b"precious")
    with pytest.raises(W2VError, match="cannot be written"):
        save_vectors(KeyedVectors(["ok", word], np.ones((2, 2))), f, fmt)
    assert f.read_bytes() == b"precious" and os.listdir(tmp_path) == ["v"]


def test_unknown_formats(tmp_path, kv):
    with pytest.raises(W2VError, match="unknown output format"):
        save_vectors(kv, tmp_path / "v", "csv")
    save_vectors(kv, tmp_path / "v", "txt")
    with pytest.raises(W2VError, match="unknown vectors format"):
        load_vectors(tmp_path / "v", fmt="csv")


@pytest.mark.parametrize("content, bad", [(BIN.replace(b"b ", b"b\xff "), 1),
                                          (b"2 3\na\xfe\xfe 1 2 3\nb\xff 1 2 3\n", 2)])
def test_words_not_utf8_are_replaced_and_counted(tmp_path, content, bad):
    """As gensim's unicode_errors="replace", with a note counting the words."""
    f = tmp_path / "v"
    f.write_bytes(content)
    kv = load_vectors(f)
    assert "b\ufffd" in kv.words
    some = "1 word is" if bad == 1 else f"{bad} words are"
    assert kv.notes == (f"{f}: {some} not valid UTF-8: their bad bytes were replaced by \ufffd",)

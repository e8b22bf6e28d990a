"""A fastText model in a session keeps its n-grams without copying them: the session names its
`.bin` (path, size, mtime, word limit) and reopens it; a missing, changed, linked or special file
gives back the saved words alone, with a note; crafted entries are refused in one line."""

import json
import os

import numpy as np
import pytest

from tests.core.files.test_fasttext import fasttext_file
from w2vstudio.core.errors import FormatError, UnknownWordError
from w2vstudio.core.files.fasttext import FastTextVectors, NgramRows
from w2vstudio.core.files.vectorfiles import load_vectors
from w2vstudio.core.files.sessionfile import SESSION_FILE, load_session, save_session
from w2vstudio.core.vectors import KeyedVectors

WORDS = ["ab", "c", "abc", "bca"]
UNKNOWN = "zzq"  # not in WORDS: built from its n-grams


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path.resolve() / "models" / "m.bin"  # as the session names it: no link on the way
    path.parent.mkdir()
    path.write_bytes(fasttext_file(WORDS, bucket=8))
    return path


def saved(tmp_path, kv):
    """A session of one fastText entry ("ft") and one plain vectors entry; its folder."""
    folder = tmp_path / "s"
    save_session(folder, [("ft", kv), ("plain", KeyedVectors(["x", "y"], np.eye(2, dtype=np.float32)))], current=0)
    return folder


def entry(folder) -> dict:
    return json.loads((folder / SESSION_FILE).read_text(encoding="utf-8"))["models"][0]


def rewrite(folder, **fields):
    index = folder / SESSION_FILE
    data = json.loads(index.read_text(encoding="utf-8"))
    data["models"][0].update(fields)
    index.write_text(json.dumps(data), encoding="utf-8")


def fell_back(folder, kv, reason: str) -> str:
    """Load the session: the saved words come back without n-grams, and the one note says `reason`."""
    back = load_session(folder)
    name, ft = back.models[0]
    assert name == "ft" and ft.words == kv.words
    np.testing.assert_array_equal(ft.vectors, kv.vectors)
    np.testing.assert_array_equal(ft.counts, kv.counts)
    assert not ft.built_from_ngrams(UNKNOWN)
    with pytest.raises(UnknownWordError, match="not in the vocabulary"):
        ft[UNKNOWN]
    assert len(back.notes) == 1 and ft.notes == tuple(back.notes)
    note = back.notes[0]
    assert "\n" not in note and note.startswith("ft: its character n-grams are not available (")
    assert reason in note and note.endswith("so words not in its vocabulary are refused"), note
    return note


def test_the_model_is_reopened_with_its_ngrams(tmp_path, model_file):
    kv = load_vectors(model_file)
    folder = saved(tmp_path, kv)
    status = os.stat(model_file)
    assert entry(folder) == {"name": "ft", "file": "model-1.npz", "kind": "fasttext", "source": str(model_file),
                             "size": status.st_size, "mtime_ns": status.st_mtime_ns, "limit": None}
    back = load_session(folder)
    ft = back.models[0][1]
    assert isinstance(ft, FastTextVectors) and back.notes == [] and ft.notes == ()
    assert ft.words == WORDS and ft.built_from_ngrams(UNKNOWN)
    assert isinstance(ft.ngrams, NgramRows)  # read from the model file, not copied into the session
    np.testing.assert_allclose(ft[UNKNOWN], kv[UNKNOWN], atol=1e-6)
    np.testing.assert_array_equal(ft.vectors, kv.vectors)
    plain = back.models[1][1]
    assert type(plain) is KeyedVectors and plain.words == ["x", "y"] and back.current == 0


def test_a_model_opened_through_a_link_names_the_file_itself(tmp_path, model_file):
    link = tmp_path / "link.bin"
    link.symlink_to(model_file)
    folder = saved(tmp_path, load_vectors(link))
    assert entry(folder)["source"] == str(model_file)
    assert load_session(folder).models[0][1].built_from_ngrams(UNKNOWN)


def test_a_word_limit_is_read_again(tmp_path, model_file):
    kv = load_vectors(model_file, limit=2)
    folder = saved(tmp_path, kv)
    assert entry(folder)["limit"] == 2
    ft = load_session(folder).models[0][1]
    assert ft.words == WORDS[:2] and ft.built_from_ngrams("abc")
    np.testing.assert_allclose(ft["abc"], kv["abc"], atol=1e-6)


def test_a_missing_source_gives_the_words_and_a_note_and_is_still_named(tmp_path, model_file):
    kv = load_vectors(model_file)
    before = kv[UNKNOWN]
    folder = saved(tmp_path, kv)
    away = tmp_path / "away.bin"
    os.replace(model_file, away)
    fell_back(folder, kv, f"{model_file} is missing")
    save_session(folder, load_session(folder).models)  # saved again while the file is away
    assert entry(folder)["source"] == str(model_file)
    os.replace(away, model_file)
    back = load_session(folder)
    assert back.notes == [] and back.models[0][1].built_from_ngrams(UNKNOWN)
    np.testing.assert_allclose(back.models[0][1][UNKNOWN], before, atol=1e-6)


def test_a_changed_source_gives_the_words_and_a_note(tmp_path, model_file):
    kv = load_vectors(model_file)
    folder = saved(tmp_path, kv)
    model_file.write_bytes(fasttext_file(["other", "words"], bucket=8))  # another size
    fell_back(folder, kv, f"{model_file} has changed since the session was saved")
    model_file.write_bytes(fasttext_file(WORDS, bucket=8))  # the same size, another time
    status = os.stat(model_file)
    os.utime(model_file, ns=(status.st_atime_ns, entry(folder)["mtime_ns"] + 1_000_000_000))
    fell_back(folder, kv, "has changed since the session was saved")


def test_a_source_that_is_now_a_link_is_not_followed(tmp_path, model_file):
    kv = load_vectors(model_file)
    folder = saved(tmp_path, kv)
    moved = tmp_path / "moved.bin"
    os.replace(model_file, moved)
    model_file.symlink_to(moved)  # the same file, its size and time, behind a link
    fell_back(folder, kv, f"{model_file} is a link")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_source_that_is_a_fifo_is_not_waited_on(tmp_path, model_file):
    kv = load_vectors(model_file)
    folder = saved(tmp_path, kv)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    rewrite(folder, source=str(fifo))
    fell_back(folder, kv, f"{fifo} is a FIFO (named pipe), not a regular file")


def test_a_source_that_is_not_a_fasttext_model_gives_the_reason(tmp_path, model_file):
    """A crafted entry naming another file with its own size and time: read, refused, noted."""
    kv = load_vectors(model_file)
    folder = saved(tmp_path, kv)
    other = tmp_path / "notes.txt"
    other.write_text("not a model at all, only some words of text " * 4)
    status = os.stat(other)
    rewrite(folder, source=str(other), size=status.st_size, mtime_ns=status.st_mtime_ns)
    note = fell_back(folder, kv, str(other))
    assert "Traceback" not in note


@pytest.mark.parametrize("fields, message", [
    ({"source": {"a": 1}}, 'the source of model 1 is {"a": 1}, not an absolute path'),
    ({"source": "models/m.bin"}, 'the source of model 1 is "models/m.bin", not an absolute path'),
    ({"source": "/x\u0000.bin"}, "not an absolute path"),
    ({"source": ""}, "not an absolute path"),
    ({"size": "12"}, 'the size of model 1 is "12", not a number of bytes'),
    ({"size": -1}, "the size of model 1 is -1"),
    ({"mtime_ns": 1.5}, "the mtime_ns of model 1 is 1.5, not a whole number"),
    ({"mtime_ns": None}, "the mtime_ns of model 1 is null"),
    ({"limit": -1}, "the word limit of model 1 is -1, not a number of words or null"),
    ({"limit": True}, "the word limit of model 1 is true"),
])
def test_crafted_entries_are_one_line(tmp_path, model_file, fields, message):
    folder = saved(tmp_path, load_vectors(model_file))
    rewrite(folder, **fields)
    with pytest.raises(FormatError) as err:
        load_session(folder)
    text = str(err.value)
    assert "\n" not in text and SESSION_FILE in text and message in text, text


def test_vectors_without_a_source_stay_plain_vectors(tmp_path, model_file):
    kv = load_vectors(model_file)
    built = FastTextVectors(kv.words, kv.vectors, kv.counts, kv.ngrams, kv.minn, kv.maxn)  # read from no file
    save_session(tmp_path / "s", [("built", built)])
    assert entry(tmp_path / "s")["kind"] == "vectors"


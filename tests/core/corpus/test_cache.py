"""The encoded corpus cached on disk (core/corpus/cache.py) and its use by a training run: reuse
without a scan, invalidation by the files and the settings, hostile or truncated entries ignored
and rebuilt, the cap evicting the entry used least recently, cancel leaving no partial entry."""

import json
import os
import time
from dataclasses import replace

import numpy as np
import pytest

from w2vstudio.core import run as run_module
from w2vstudio.core.corpus import cache as corpus_cache
from w2vstudio.core.corpus.cache import CorpusCache, corpus_key, settings_of
from w2vstudio.core.corpus.scan import scan_corpus
from w2vstudio.core.errors import Cancelled, W2VError
from w2vstudio.core.params import TrainParams
from w2vstudio.core.run import TrainingRun
from w2vstudio.core.support.task import Task

PARAMS = TrainParams(dim=8, epochs=1, min_count=2, threads=1, batch_words=500)


def _train(paths, folder, params=PARAMS, **kw):
    return TrainingRun([str(p) for p in paths], params, cache=folder, **kw).train()


def _no_scan(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the corpus was scanned")
    monkeypatch.setattr(run_module, "scan_corpus", refuse)


def _entries(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_second_run_reads_the_cache_without_scanning(topic_file, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    first = _train([topic_file], folder)
    assert first.cache["used"] is False and first.cache["path"] is not None
    assert _entries(folder) == [os.path.basename(first.cache["path"])]
    _no_scan(monkeypatch)
    second = _train([topic_file], folder)
    assert second.cache == {"used": True, "path": first.cache["path"]}
    assert second.model.vocab.words == first.model.vocab.words
    assert np.array_equal(second.model.vocab.counts, first.model.vocab.counts)
    assert (second.raw_words, second.corpus_words, second.counting) == (first.raw_words, first.corpus_words,
                                                                        first.counting)
    expected = scan_corpus([topic_file]).encode(min_count=2)
    run = TrainingRun([str(topic_file)], PARAMS, cache=folder)
    run.prepare()
    assert np.array_equal(run.corpus.whole().tokens, expected.tokens) and np.array_equal(run.corpus.offsets, expected.offsets)
    assert run.model.info["corpus"] == [str(topic_file.absolute())]


def test_a_touched_file_is_scanned_again_and_other_settings_take_another_entry(topic_file, tmp_path):
    folder = tmp_path / "cache"
    first = _train([topic_file], folder)
    st = topic_file.stat()
    os.utime(topic_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    touched = _train([topic_file], folder)
    assert touched.cache["used"] is False and touched.cache["path"] != first.cache["path"]
    other = _train([topic_file], folder, TrainParams(dim=8, epochs=1, min_count=3, threads=1))
    assert other.cache["used"] is False and other.cache["path"] not in (first.cache["path"], touched.cache["path"])
    assert len(_entries(folder)) == 3
    assert _train([topic_file], folder, TrainParams(dim=8, epochs=1, min_count=3, threads=1)).cache["used"]
    key = corpus_key([topic_file], settings_of(PARAMS))
    assert set(key["settings"]) >= {"lowercase", "min_count", "max_vocab", "scan_memory"}
    assert "phrases" not in key["settings"]
    assert "phrases" in settings_of(TrainParams(phrases=True))


def test_phrases_are_kept_with_the_entry(tmp_path, monkeypatch):
    corpus = tmp_path / "c.txt"
    corpus.write_text("new york is big and the city of new york is old\n" * 50 + "words of other kinds here\n" * 20)
    params = TrainParams(dim=8, epochs=1, min_count=2, threads=1, phrases=True, phrase_min_count=2,
                         phrase_threshold=0.1)
    first = _train([corpus], tmp_path / "cache", params)
    assert "new_york" in first.model.vocab
    _no_scan(monkeypatch)
    second = _train([corpus], tmp_path / "cache", params)
    assert second.cache["used"] and "new_york" in second.model.vocab
    assert second.model.phrases is not None and len(second.model.phrases) == len(first.model.phrases)


@pytest.mark.parametrize("damage", ["truncate tokens", "grow offsets", "garbage manifest",
                                    "link tokens", "fifo tokens", "huge length", "words missing"])
def test_a_damaged_entry_is_ignored_and_rebuilt(topic_file, tmp_path, damage):
    folder = tmp_path / "cache"
    entry = tmp_path / "cache" / os.path.basename(_train([topic_file], folder).cache["path"])
    tokens = entry / "tokens.i32"
    if damage == "truncate tokens":
        os.truncate(tokens, tokens.stat().st_size - 4)
    elif damage == "grow offsets":
        with open(entry / "offsets.i64", "ab") as f:
            f.write(b"\0" * 8)
    elif damage == "garbage manifest":
        (entry / "manifest.json").write_bytes(b"\xff{not json")
    elif damage == "link tokens":
        tokens.unlink()
        tokens.symlink_to("/dev/zero")
    elif damage == "fifo tokens":
        tokens.unlink()
        os.mkfifo(tokens)
    elif damage == "huge length":
        manifest = json.loads((entry / "manifest.json").read_text())
        manifest["arrays"]["tokens"] = manifest["n_tokens"] = 10**15
        (entry / "manifest.json").write_text(json.dumps(manifest))
    elif damage == "words missing":
        (entry / "words.txt").unlink()
    again = _train([topic_file], folder)
    assert again.cache["used"] is False and again.cache["path"] == str(entry)
    assert _train([topic_file], folder).cache["used"] is True


def test_an_id_outside_the_vocabulary_stops_the_run_naming_the_file_and_the_entry_goes(topic_file, tmp_path):
    """Tokens arrive while training reads them: a bad id is found then, not before (one line)."""
    folder = tmp_path / "cache"
    entry = tmp_path / "cache" / os.path.basename(_train([topic_file], folder).cache["path"])
    data = np.fromfile(entry / "tokens.i32", dtype=np.int32)
    data[-3] = 10**6
    data.tofile(entry / "tokens.i32")
    with pytest.raises(W2VError, match=r"tokens\.i32 is damaged: it holds an id outside the vocabulary"):
        _train([topic_file], folder)
    assert not entry.exists()
    again = _train([topic_file], folder)
    assert again.cache["used"] is False and again.cache["path"] == str(entry)
    key = json.loads((entry / "manifest.json").read_text())["key"]
    assert CorpusCache(folder).lookup(key) is not None
    data.tofile(entry / "tokens.i32")
    assert CorpusCache(folder).lookup(key) is None and not entry.exists()  # read whole: ignored, removed


def test_the_cap_evicts_the_entry_used_least_recently(tmp_path):
    paths = []
    for k in range(3):
        p = tmp_path / f"c{k}.txt"
        p.write_text(" ".join(f"w{i % 50}" for i in range(k, 20000 + k)) + "\n")
        paths.append(p)
    folder = tmp_path / "cache"
    made = []
    for p in paths[:2]:
        made.append(_train([p], folder).cache["path"])
        time.sleep(0.01)
    size = CorpusCache(folder).size()
    assert TrainingRun([str(paths[0])], PARAMS, cache=folder).train().cache["used"]  # c0 used last now
    key = corpus_key([paths[2]], settings_of(PARAMS))
    run = TrainingRun([str(paths[2])], PARAMS, cache=False)
    run.prepare()
    stored = CorpusCache(folder, cap=int(size * 1.2)).store(key, run.corpus)
    assert stored is not None
    left = {str(e.path) for e in CorpusCache(folder).entries()}
    assert left == {made[0], str(stored)}  # c1, used least recently, went first
    assert CorpusCache(folder, cap=100).store(key, run.corpus) is None  # larger than the cap: not cached
    stale = folder / f".tmp-{'0' * 32}-{'1' * 8}"
    stale.mkdir()
    os.utime(stale, (time.time() - 2 * corpus_cache.STALE,) * 2)
    CorpusCache(folder).evict(10**12)
    assert not stale.exists()


def test_no_room_on_the_disk_is_no_entry(topic_file, tmp_path, monkeypatch):
    class Usage:
        free = 10
    monkeypatch.setattr(corpus_cache.shutil, "disk_usage", lambda path: Usage)
    result = _train([topic_file], tmp_path / "cache")
    assert result.cache == {"used": False, "path": None} and result.model is not None


def test_cancel_while_writing_leaves_no_partial_entry(topic_file, tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_cache, "CHUNK", 64)
    task = Task()
    real = corpus_cache.atomic_write
    written = []

    def counting(path, *args, **kwargs):
        written.append(path)
        if len(written) == 2:
            task.cancel()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(corpus_cache, "atomic_write", counting)
    with pytest.raises(Cancelled):
        TrainingRun([str(topic_file)], PARAMS, cache=tmp_path / "cache", task=task).prepare()
    assert list((tmp_path / "cache").iterdir()) == []


def test_automatic_caching_by_size(topic_file, tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_cache, "default_folder", lambda: tmp_path / "auto")
    monkeypatch.setattr(corpus_cache, "available_memory", lambda: 10**12)
    assert TrainingRun([str(topic_file)], PARAMS).train().cache == {"used": False, "path": None}
    monkeypatch.setattr(corpus_cache, "available_memory", lambda: 100)
    assert TrainingRun([str(topic_file)], PARAMS).train().cache["path"].startswith(str(tmp_path / "auto"))
    assert TrainingRun([str(topic_file)], PARAMS, cache=False).train().cache == {"used": False, "path": None}


def test_clear_removes_only_entries(topic_file, tmp_path):
    folder = tmp_path / "cache"
    _train([topic_file], folder)
    (folder / "mine.txt").write_text("a user's file")
    removed, freed = CorpusCache(folder).clear()
    assert removed == 1 and freed > 0 and _entries(folder) == ["mine.txt"]


def test_a_run_given_a_scan_caches_its_encoding_and_leaves_the_scan_intact(topic_file, tmp_path):
    folder = tmp_path / "cache"
    scanned = scan_corpus([topic_file])
    first = TrainingRun(scanned, PARAMS, cache=folder).train()
    assert first.cache["used"] is False and len(_entries(folder)) == 1
    by_paths = _train([topic_file], folder, replace(PARAMS, dim=12))
    assert by_paths.cache == {"used": True, "path": first.cache["path"]}  # the same key as the paths'
    again = TrainingRun(scanned, TrainParams(dim=4, epochs=2, min_count=2, threads=1), cache=folder).train()
    assert again.cache["used"] is True and len(_entries(folder)) == 1
    assert np.array_equal(again.model.vocab.counts, first.model.vocab.counts)
    other = TrainingRun(scanned, TrainParams(dim=4, epochs=1, min_count=3, threads=1), cache=folder).train()
    assert other.cache["used"] is False and len(_entries(folder)) == 2  # another vocabulary, another entry


def test_an_ensemble_reads_and_writes_the_cache(topic_file, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    first = run_module.EnsembleRun([str(topic_file)], PARAMS, 2, cache=folder).train()
    assert first.cache["used"] is False and len(_entries(folder)) == 1
    _no_scan(monkeypatch)
    second = run_module.EnsembleRun([str(topic_file)], TrainParams(dim=4, epochs=1, min_count=2, threads=1), 2,
                                    cache=folder).train()
    assert second.cache == {"used": True, "path": first.cache["path"]}
    assert [len(r.model.vocab) for r in second.results] == [len(r.model.vocab) for r in first.results]


def test_an_ensemble_with_phrases_joins_them_and_keeps_their_table(topic_file, tmp_path):
    params = TrainParams(dim=4, epochs=1, min_count=1, threads=1, phrases=True, phrase_min_count=2,
                         phrase_threshold=0.1)
    result = run_module.EnsembleRun([str(topic_file)], params, 2, cache=tmp_path / "cache").train()
    single = TrainingRun([str(topic_file)], params, cache=False).train()
    assert [r.model.vocab.words for r in result.results] == [single.model.vocab.words] * 2
    assert all(r.model.phrases is not None and len(r.model.phrases) == len(single.model.phrases)
               for r in result.results)


def test_the_entries_of_a_corpus_are_found_by_its_files_as_they_are_now(topic_file, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    assert corpus_cache.cached_entries([topic_file], folder) == []  # no cache folder yet
    first = _train([topic_file], folder)
    other = _train([topic_file], folder, replace(PARAMS, min_count=3), scan_memory=10**8)
    found = CorpusCache(folder).matching([topic_file], lowercase=True)
    assert {str(e.path) for e in found} == {first.cache["path"], other.cache["path"]}
    entry = next(e for e in found if str(e.path) == first.cache["path"])
    assert (entry.vocab_size, entry.words, entry.raw_words) == (len(first.model.vocab), first.corpus_words,
                                                                first.raw_words)
    assert entry.key == corpus_key([topic_file], settings_of(PARAMS))  # the key a run of PARAMS looks up
    assert entry.same_vocabulary(settings_of(PARAMS))
    assert not entry.same_vocabulary(settings_of(replace(PARAMS, min_count=3)))
    assert not entry.same_vocabulary(settings_of(replace(PARAMS, lowercase=False)))
    by_memory = next(e for e in found if str(e.path) == other.cache["path"])
    assert by_memory.scan_memory == 10**8 and by_memory.same_vocabulary(settings_of(replace(PARAMS, min_count=3)))
    assert corpus_cache.reads_entry([topic_file], settings_of(PARAMS), folder, entry)  # the run's key is the entry's
    other_settings = settings_of(replace(PARAMS, min_count=3), 10**8)
    assert corpus_cache.reads_entry([topic_file], other_settings, folder, by_memory)
    assert not corpus_cache.reads_entry([topic_file], settings_of(replace(PARAMS, min_count=3)), folder, by_memory)
    assert not corpus_cache.reads_entry([topic_file], settings_of(PARAMS), tmp_path / "elsewhere", entry)
    listed = entry.to_dict()  # `cache --list --json`: the keys it had, and new ones
    assert set(listed) >= {"path", "files", "size", "words", "created", "last_used", "settings", "vocab_size",
                           "raw_words"}
    assert corpus_cache.cached_entries([str(topic_file)], folder, lowercase=True) == found
    assert corpus_cache.cached_entries([topic_file], False, lowercase=True) == []  # no cache: none
    assert CorpusCache(folder).matching([topic_file], lowercase=False) == []  # read with another case folding
    more = tmp_path / "more.txt"
    more.write_text("some other words\n")
    assert CorpusCache(folder).matching([topic_file, more]) == []  # other files
    st = topic_file.stat()
    os.utime(topic_file, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert CorpusCache(folder).matching([topic_file]) == []  # touched since
    assert not corpus_cache.reads_entry([topic_file], settings_of(PARAMS), folder, entry)
    os.utime(topic_file, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert len(CorpusCache(folder).matching([topic_file])) == 2
    monkeypatch.setattr(corpus_cache, "MAX_SENTENCE", corpus_cache.MAX_SENTENCE + 1)
    assert CorpusCache(folder).matching([topic_file]) == []  # a key this version's runs do not make


def test_cached_tokens_go_to_ram_within_a_quarter_of_the_memory_available(topic_file, tmp_path, monkeypatch):
    """At a billion words the copy of the tokens to a temporary file (beyond the scan's 512 MiB)
    delayed training by a minute: they are read into RAM while they fit a quarter of the memory."""
    folder = tmp_path / "cache"
    _train([topic_file], folder)
    key = corpus_key([str(topic_file)], settings_of(PARAMS))
    monkeypatch.setattr(corpus_cache, "available_memory", lambda: 4 * corpus_cache.DEFAULT_BUDGET + (4 << 20))
    assert corpus_cache.read_budget() == corpus_cache.DEFAULT_BUDGET + (1 << 20)
    monkeypatch.setattr(corpus_cache, "DEFAULT_BUDGET", 100)  # the scan's budget: far below the tokens
    assert not isinstance(CorpusCache(folder).lookup(key).corpus.tokens, np.memmap)
    monkeypatch.setattr(corpus_cache, "available_memory", lambda: 0)
    assert isinstance(CorpusCache(folder).lookup(key).corpus.tokens, np.memmap)


def test_an_entry_lists_the_words_read_in_each_file_and_an_old_manifest_none(topic_file, tmp_path):
    folder = tmp_path / "cache"
    more = tmp_path / "more.txt"
    more.write_text("some other words\nand a second line of them\n")
    scanned = scan_corpus([topic_file, more])
    first = _train([topic_file, more], folder)
    [entry] = CorpusCache(folder).entries()
    assert entry.file_words == {str(f.path.absolute()): f.words for f in scanned.files}
    assert entry.file_words[str(more.absolute())] == 9 and sum(entry.file_words.values()) == first.raw_words

    manifest_path = entry.path / corpus_cache.MANIFEST
    manifest = json.loads(manifest_path.read_text())
    del manifest["files"]  # a manifest that does not say
    manifest_path.write_text(json.dumps(manifest))
    [old] = CorpusCache(folder).entries()
    assert old.file_words == {} and old.raw_words == first.raw_words

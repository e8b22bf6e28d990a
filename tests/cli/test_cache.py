"""`train --cache DIR` (the summary's "cache") and `w2vstudio cache --list/--clear --json`."""

import json

from w2vstudio.cli import main


def _json(capsys, *argv):
    assert main([str(a) for a in argv]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_train_caches_then_reuses_and_cache_lists_and_clears(topic_file, tmp_path, capsys):
    folder = tmp_path / "cache"
    train = ["train", topic_file, "-o", tmp_path / "m.npz", "--epochs", "1", "--dim", "8", "--min-count", "2",
             "--threads", "1", "--quiet", "--cache", folder]
    first = _json(capsys, *train)
    assert first["cache"]["used"] is False and first["cache"]["path"].startswith(str(folder))
    second = _json(capsys, *train)
    assert second["cache"] == {"used": True, "path": first["cache"]["path"]}
    assert second["vocab_size"] == first["vocab_size"] and second["raw_words"] == first["raw_words"]
    listed = _json(capsys, "cache", "--list", "--cache", folder, "--json")
    assert listed["folder"] == str(folder) and len(listed["entries"]) == 1
    entry = listed["entries"][0]
    assert entry["files"] == [str(topic_file.absolute())] and entry["size"] > 0 and entry["last_used"] > 0
    assert entry["path"] == first["cache"]["path"] and entry["settings"]["min_count"] == 2
    assert main(["cache", "--cache", str(folder)]) == 0
    assert "1 entry" in capsys.readouterr().out
    cleared = _json(capsys, "cache", "--clear", "--cache", folder, "--json")
    assert cleared["removed"] == 1 and cleared["freed_bytes"] > 0
    assert _json(capsys, "cache", "--list", "--cache", folder, "--json")["entries"] == []


def test_train_without_cache_says_so(topic_file, tmp_path, capsys):
    summary = _json(capsys, "train", topic_file, "-o", tmp_path / "m.npz", "--epochs", "1", "--dim", "8",
                    "--min-count", "2", "--threads", "1", "--quiet")
    assert summary["cache"] == {"used": False, "path": None}

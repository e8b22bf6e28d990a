"""The one atomic writer: all or nothing, exclusive temporary files, links never written through."""

import os
import stat

import pytest

from w2vstudio.core.support import atomic
from w2vstudio.core.support.atomic import atomic_write


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_write(target, "w") as f:
        f.write("first ünïcode")
    with atomic_write(target) as f:
        f.write(b"second")
    assert target.read_bytes() == b"second" and os.listdir(tmp_path) == ["out.txt"]


def test_a_new_file_gets_the_umask_default_and_a_replaced_one_keeps_its_mode(tmp_path, umask_022):
    new = tmp_path / "new.bin"
    with atomic_write(new) as f:
        f.write(b"x")
    assert mode(new) == 0o644  # not mkstemp's 0600
    for old_mode in (0o600, 0o640, 0o664):
        os.chmod(new, old_mode)
        with atomic_write(new) as f:
            f.write(b"y")
        assert mode(new) == old_mode


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt(), SystemExit(143)])
def test_any_failure_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, exc):
    target = tmp_path / "m.npz"
    target.write_bytes(b"precious")
    with pytest.raises(type(exc)):
        with atomic_write(target) as f:
            f.write(b"partial")
            raise exc
    assert target.read_bytes() == b"precious" and os.listdir(tmp_path) == ["m.npz"]


def test_a_link_at_the_destination_is_replaced_not_written_through(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "out.txt").symlink_to(outside)
    with atomic_write(folder / "out.txt") as f:
        f.write(b"new")
    assert outside.read_text() == "keep me"
    assert not (folder / "out.txt").is_symlink() and (folder / "out.txt").read_bytes() == b"new"


def test_the_temporary_name_is_never_reused_nor_followed(tmp_path, monkeypatch):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / ".out.txt.aaaa.tmp").symlink_to(outside)  # a planted link at the first name tried
    (folder / ".out.txt.bbbb.tmp").symlink_to(tmp_path / "missing")  # a dangling one at the second
    names = iter(["aaaa", "bbbb", "cccc"])
    monkeypatch.setattr(atomic.secrets, "token_hex", lambda n: next(names))
    with atomic_write(folder / "out.txt") as f:
        f.write(b"new")
    assert outside.read_text() == "keep me" and not (tmp_path / "missing").exists()
    assert (folder / "out.txt").read_bytes() == b"new"
    assert sorted(os.listdir(folder)) == [".out.txt.aaaa.tmp", ".out.txt.bbbb.tmp", "out.txt"]


def test_only_write_modes(tmp_path):
    with pytest.raises(ValueError, match="mode"):
        with atomic_write(tmp_path / "x", "a"):
            pass
    assert os.listdir(tmp_path) == []

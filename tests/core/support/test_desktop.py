"""A desktop citizen: `--version`, `w2vstudio PATH...` opening the studio, and the
freedesktop entry and icon installed under a temporary $XDG_DATA_HOME and removed again."""

import os
import shutil
import subprocess
import sys
import types

import pytest

from w2vstudio import __version__
from w2vstudio.cli import main
from w2vstudio.core.support import desktop
from w2vstudio.resources import ICON, path


def entry_keys(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def validate(entry) -> None:
    """desktop-file-validate (Debian's desktop-file-utils) finds nothing to say; .ci/run installs it, so
    CI always validates (elsewhere it is checked where installed)."""
    tool = shutil.which("desktop-file-validate")
    if tool is None:
        assert not os.environ.get("CI"), "desktop-file-validate is missing: .ci/run installs desktop-file-utils"
        return
    done = subprocess.run([tool, str(entry)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out == f"w2vstudio {__version__}\n"


def test_install_and_uninstall(tmp_path, monkeypatch, capsys):
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    assert main(["--install-desktop"]) == 0
    entry, icon = desktop.entry_path(home), desktop.icon_path(home)
    assert capsys.readouterr().out == f"installed {icon}\ninstalled {entry}\n"
    keys = entry_keys(entry.read_text(encoding="utf-8"))
    command = desktop.installed_command()
    assert command.is_absolute() and keys["Exec"] == f"{command} %F"
    assert keys["Icon"] == "w2vstudio" and keys["Type"] == "Application" and keys["Categories"].startswith("Science;")
    assert keys["MimeType"].split(";")[:-1] == list(desktop.MIME_TYPES)
    assert icon.read_bytes() == path(ICON).read_bytes()
    validate(entry)
    assert main(["--install-desktop"]) == 0  # again: replaced, not refused
    capsys.readouterr()
    assert main(["--uninstall-desktop"]) == 0
    assert capsys.readouterr().out == f"removed {entry}\nremoved {icon}\n"
    assert not entry.exists() and not icon.exists()
    assert main(["--uninstall-desktop"]) == 0 and capsys.readouterr().out == "nothing to remove\n"


def test_data_home_defaults_to_local_share(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    for value in ("", "relative/path"):
        monkeypatch.setenv("XDG_DATA_HOME", value)
        assert desktop.data_home() == tmp_path / ".local" / "share"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert desktop.data_home() == tmp_path / ".local" / "share"


def test_a_command_path_with_spaces_and_quotes_is_quoted(tmp_path):
    command = tmp_path / 'my "venv" $HOME' / "bin" / "w2vstudio"
    written = desktop.install_desktop(tmp_path / "data", command)
    keys = entry_keys(written[-1].read_text(encoding="utf-8"))
    assert keys["Exec"] == '"' + str(command).replace('"', '\\\\"').replace("$", "\\\\$") + '" %F'
    validate(written[-1])
    with pytest.raises(Exception, match="cannot go in a desktop entry"):
        desktop.install_desktop(tmp_path / "data", tmp_path / "100%" / "w2vstudio")


def test_a_link_is_replaced_never_followed(tmp_path):
    home = tmp_path / "data"
    outside = tmp_path / "outside.desktop"
    outside.write_text("keep me")
    desktop.entry_path(home).parent.mkdir(parents=True)
    desktop.entry_path(home).symlink_to(outside)
    desktop.install_desktop(home, tmp_path / "w2vstudio")
    assert outside.read_text() == "keep me" and not desktop.entry_path(home).is_symlink()
    desktop.entry_path(home).unlink()
    desktop.entry_path(home).symlink_to(outside)
    assert desktop.entry_path(home) in desktop.uninstall_desktop(home)
    assert outside.read_text() == "keep me"


@pytest.fixture
def studio(monkeypatch):
    """The paths the studio would be opened with (the GUI itself is not started)."""
    opened = []
    fake = types.ModuleType("w2vstudio.gui.app")
    fake.run = lambda paths=(): opened.append(list(paths)) or 0
    monkeypatch.setitem(sys.modules, "w2vstudio.gui.app", fake)
    return opened


def test_paths_open_the_studio_and_commands_stay_commands(tmp_path, monkeypatch, studio, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "train").write_text("a file called train\n")
    (tmp_path / "corpus").mkdir()
    assert main(["./train", "corpus"]) == 0 and main([]) == 0
    assert studio == [["./train", "corpus"], []]
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "usage: w2vstudio train" in capsys.readouterr().out and len(studio) == 2


def test_a_word_that_is_neither_a_command_nor_a_path(tmp_path, monkeypatch, studio, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["trian", "corpus.txt"])
    assert stop.value.code == 2 and studio == []
    assert "'trian' is neither a command" in capsys.readouterr().err

"""The studio as a desktop application: a freedesktop.org desktop entry (so that a file manager's
"Open with" offers it for text, compressed files and folders) and the icon, installed under
`$XDG_DATA_HOME` (default `~/.local/share`) and removed again. Files are written atomically, never
through a link; removing deletes only these two entries."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from w2vstudio.core.support.atomic import atomic_write
from w2vstudio.core.errors import W2VError
from w2vstudio.core.support.folders import data_home
from w2vstudio.resources import ICON, path as resource

APP = "w2vstudio"
# Types registered by shared-mime-info: text (corpora, text vectors, Projector TSV), the
# compressions the opener undoes, and folders (corpora, sessions).
MIME_TYPES = ("text/plain", "text/tab-separated-values", "application/gzip", "application/x-bzip2",
              "application/x-xz", "inode/directory")
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")  # characters that make an Exec argument need quotes


def entry_path(home: Path) -> Path:
    return home / "applications" / f"{APP}.desktop"


def icon_path(home: Path) -> Path:
    return home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP}.svg"


def installed_command() -> Path:
    """The absolute path of the installed `w2vstudio` command (beside the running Python, as in a
    virtual environment, else found on PATH): a desktop does not see a virtual environment's PATH."""
    beside = Path(sys.executable).parent / APP
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside.absolute()
    found = shutil.which(APP)
    if found is None:
        raise W2VError("cannot find the installed w2vstudio command: install the package first (pip install .)")
    return Path(found).absolute()


def desktop_entry(command: Path) -> str:
    """The desktop entry's text, launching `command` with the files given (%F)."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=w2vstudio",
        "GenericName=Word Embedding Studio",
        "Comment=Train word2vec on your texts and explore the vectors: neighbours, analogies, maps",
        f"Icon={APP}",
        f"Exec={_quoted(str(command))} %F",
        "Terminal=false",
        "Categories=Science;DataVisualization;ArtificialIntelligence;",
        "Keywords=word2vec;embeddings;word vectors;NLP;",
        f"MimeType={';'.join(MIME_TYPES)};",
        "",
    ])


def _quoted(argument: str) -> str:
    """`argument` as the Exec key wants it: in double quotes with `"`, `` ` ``, `$` and `\\` escaped
    where it holds a reserved character, then with every backslash doubled (string escaping)."""
    if any(ch in _RESERVED for ch in argument):
        argument = '"' + "".join("\\" + ch if ch in '"`$\\' else ch for ch in argument) + '"'
    return argument.replace("\\", "\\\\")


def install_desktop(home: Path | None = None, command: Path | None = None) -> list[Path]:
    """Write the desktop entry and the icon under `home` (default `data_home()`); the paths written."""
    home = data_home() if home is None else home
    command = installed_command() if command is None else command
    if any(ch in str(command) for ch in "\n\r%"):
        raise W2VError(f"the w2vstudio command's path cannot go in a desktop entry: {str(command)!r}")
    written = []
    for target, content in ((icon_path(home), resource(ICON).read_bytes()),
                            (entry_path(home), desktop_entry(command).encode())):
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(target) as f:
            f.write(content)
        written.append(target)
    return written


def uninstall_desktop(home: Path | None = None) -> list[Path]:
    """Remove the desktop entry and the icon from under `home` (default `data_home()`); the paths
    removed (a link there is removed, never its target)."""
    home = data_home() if home is None else home
    removed = []
    for target in (entry_path(home), icon_path(home)):
        if target.is_symlink() or target.exists():
            if target.is_dir() and not target.is_symlink():
                raise W2VError(f"{target} is a folder, not the desktop file w2vstudio installed: left as it is")
            target.unlink()
            removed.append(target)
    return removed

"""The user's folders, by one rule on every platform (platformdirs): where data and caches go.

A relative or empty `$XDG_DATA_HOME` / `$XDG_CACHE_HOME` is ignored, as the XDG specification
says; a relative or empty home folder is refused, never resolved against the working folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from w2vstudio.core.errors import W2VError

APP = "w2vstudio"


def home() -> Path:
    """The user's home folder; `W2VError` where `$HOME` is empty or relative."""
    value = os.environ.get("HOME")
    if value is not None and not os.path.isabs(value):
        raise W2VError(f"the home folder ($HOME) is {'empty' if not value else 'relative'}: "
                       "set it to an absolute path")
    return Path(os.path.expanduser("~"))


def data_home() -> Path:
    """The base folder of user data ($XDG_DATA_HOME or ~/.local/share on Linux)."""
    base = home()
    found = platformdirs.user_data_path(ensure_exists=False)
    return found if found.is_absolute() else base / ".local" / "share"


def app_data() -> Path:
    """w2vstudio's own data folder (downloaded corpora, rescued results)."""
    base = data_home()
    found = platformdirs.user_data_path(APP, appauthor=False, ensure_exists=False)
    return found if found.is_absolute() else base / APP


def app_cache() -> Path:
    """w2vstudio's cache folder."""
    base = home()
    found = platformdirs.user_cache_path(APP, appauthor=False, ensure_exists=False)
    return found if found.is_absolute() else base / ".cache" / APP

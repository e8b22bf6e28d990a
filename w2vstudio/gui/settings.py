"""The studio's remembered settings: one defaults dict over QSettings.

Values are stored as JSON text (window geometry as bytes), so every value comes back with the
type of its default. Tests point `store` at a temporary file. QSettings writes changes to disk
in the background; `sync()` forces it (the window calls it when it closes).
"""

from __future__ import annotations

import functools
import json

from PySide6.QtCore import QByteArray, QSettings

from w2vstudio.core.params import PARAMS
from w2vstudio.core.train.snapshots import DEFAULT_PER_EPOCH, DEFAULT_TRACKED
from w2vstudio.core.spark.engine import DEFAULT_MASTER

MAX_RECENT = 8

DEFAULTS: dict[str, object] = {
    "window/geometry": QByteArray(),
    "window/state": QByteArray(),
    "window/tab": 0,
    "files/last_dir": "",
    "files/recent": [],
    "corpus/lowercase": True,
    **{f"train/{p.name}": p.default for p in PARAMS if p.group != "corpus"},  # the Train form's fields
    "engine/spark": False,  # the Train form's Engine: Spark MLlib, else this computer
    "engine/master": DEFAULT_MASTER,
    "engine/partitions": 1,
    "ensemble/runs": 1,  # the Train form's Runs: more than one trains an ensemble
    "ensemble/bootstrap": False,
    "explore/topn": 15,
    "analogy/method": "add",
    "evaluate/restrict_vocab": 30_000,
    "watch/snapshots": DEFAULT_PER_EPOCH,
    "watch/tracked": DEFAULT_TRACKED,
    "watch/quality": True,
    "watch/heldout": True,
    "watch/pins": [],
    "map/align": "none",
    "map/live_method": "pca",
    "map/trails": True,
}


@functools.cache
def store() -> QSettings:
    """The QSettings behind the studio, one per process (tests replace this function)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "w2vstudio", "w2vstudio")


def sync() -> None:
    """Write pending changes to disk now."""
    store().sync()


def get(key: str):
    """The stored value of `key`, or its default when absent or unreadable."""
    default = DEFAULTS[key]
    raw = store().value(key)
    if raw is None:
        return default
    if isinstance(default, QByteArray):
        return raw if isinstance(raw, QByteArray) else default
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return default
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    return value if type(value) is type(default) else default


def put(key: str, value) -> None:
    """Remember `value` for `key` (a key of DEFAULTS)."""
    if key not in DEFAULTS:
        raise KeyError(key)
    store().setValue(key, value if isinstance(value, QByteArray) else json.dumps(value))


def add_recent(path: str) -> list[str]:
    """Put `path` first in the recent files and return the list."""
    recent = [path] + [p for p in get("files/recent") if p != path]
    put("files/recent", recent[:MAX_RECENT])
    return recent[:MAX_RECENT]

"""A built wheel carries every module of the package and every bundled resource."""

import fnmatch
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _package_data() -> dict[str, list[str]]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["tool"]["setuptools"]["package-data"]


def _build(tmp_path: Path) -> zipfile.ZipFile:
    """The wheel of a copy of the sources (the working tree gets no build folder)."""
    source = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.nbi", "*.nbc")
    for folder in ("w2vstudio", "resources"):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                           "--no-cache-dir", "-q", "-w", str(tmp_path / "dist")], capture_output=True, text=True)
    if done.returncode and "No module named pip" in done.stderr:
        pytest.skip("pip is not installed")
    assert done.returncode == 0, done.stderr
    [wheel] = (tmp_path / "dist").glob("w2vstudio-*.whl")
    return zipfile.ZipFile(wheel)


def test_the_wheel_carries_every_module_and_resource(tmp_path):
    with _build(tmp_path) as wheel:
        names = set(wheel.namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "w2vstudio").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert len(modules) > 40 and modules <= names, sorted(modules - names)
    resources = {f"w2vstudio/resources/{p.name}" for p in (ROOT / "resources").iterdir()
                 if any(fnmatch.fnmatch(p.name, pattern) for pattern in _package_data()["w2vstudio.resources"])}
    assert "w2vstudio/resources/questions-words.txt" in resources and resources <= names, sorted(resources - names)
    assert "w2vstudio/resources/__init__.py" in names
    weat = {f"w2vstudio/resources/weat/{p.name}" for p in (ROOT / "resources" / "weat").glob("*.txt")}
    assert len(weat) == 31 and weat <= names, sorted(weat - names)
    assert {"w2vstudio/cli.py", "w2vstudio/core/params.py"} <= names

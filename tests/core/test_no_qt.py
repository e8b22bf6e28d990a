"""w2vstudio.core must never import Qt."""

import pkgutil
import subprocess
import sys

import w2vstudio.core


def test_core_imports_no_qt():
    names = [m.name for m in pkgutil.walk_packages(w2vstudio.core.__path__, "w2vstudio.core.")]
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', 'pyqtgraph'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(names) >= 60

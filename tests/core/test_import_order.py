"""The import graph of w2vstudio, read with `ast` (imports inside functions count): no circle
between modules or between core's packages, and no core package imports one declared after it
in `w2vstudio.core.LAYERS`."""

import ast
from pathlib import Path

import w2vstudio
from w2vstudio.core import LAYERS

ROOT = Path(w2vstudio.__file__).parent


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in ROOT.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """The w2vstudio modules `path` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("w2vstudio"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("w2vstudio"))
    return {m for m in found if m in MODULES}


GRAPH = {m: _imports(p) - {m} for m, p in MODULES.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if parts[:2] == ["w2vstudio", "core"] and len(parts) > 2 else None


def test_every_core_module_has_a_declared_layer():
    assert {_layer(m) for m in MODULES} - {None} <= set(LAYERS)
    assert len([p for p in (ROOT / "core").glob("*.py")]) <= 12


def test_no_circle_between_modules():
    assert _circles(GRAPH) == []


def test_no_circle_between_core_packages():
    packages = {}
    for m, targets in GRAPH.items():
        if (mine := _layer(m)) is not None:
            packages.setdefault(mine, set()).update(t for t in map(_layer, targets) if t and t != mine)
    assert _circles(packages) == []


def test_no_core_layer_imports_one_declared_after_it():
    upward = [f"{m} -> {t}" for m, targets in GRAPH.items() if (mine := _layer(m))
              for t in targets if (theirs := _layer(t)) and LAYERS.index(theirs) > LAYERS.index(mine)]
    assert upward == []


def test_core_imports_nothing_of_the_studio_or_the_commands():
    outside = [f"{m} -> {t}" for m, targets in GRAPH.items() if _layer(m) or m == "w2vstudio.core"
               for t in targets if not t.startswith("w2vstudio.core") and t != "w2vstudio.resources"]
    assert outside == []


def test_the_checks_see_a_circle_and_an_upward_import():
    assert _circles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert LAYERS.index("run") > LAYERS.index("train")  # run may import train, never the reverse

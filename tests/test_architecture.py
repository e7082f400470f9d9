"""The import rule, read from the source: data flows spec -> reference -> conformance.

Every import statement is counted, at module level or inside a function: a deferred
import is still a dependency. The rooms are ``deltaspec.spec``, ``deltaspec.reference``
and ``deltaspec.conformance``; the top package ``deltaspec`` (spec/_root) holds only
what every room may use and imports none of them.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"deltaspec": ROOT / "spec" / "_root", "deltaspec.spec": ROOT / "spec",
           "deltaspec.reference": ROOT / "reference", "deltaspec.conformance": ROOT / "conformance"}
RANK = {"deltaspec": 0, "deltaspec.spec": 1, "deltaspec.reference": 2, "deltaspec.conformance": 3}


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the installed namespace."""
    found = {}
    for package, folder in FOLDERS.items():
        for path in folder.rglob("*.py"):
            rel = path.relative_to(folder)
            if package == "deltaspec.spec" and rel.parts[0] == "_root":
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The deltaspec modules that ``name`` imports (absolute and relative, any depth)."""
    tree = ast.parse(path.read_text(), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and getattr(block.test, "id", getattr(block.test, "attr", None)) == "TYPE_CHECKING"
                   for stmt in block.body for n in ast.walk(stmt)}  # annotations only: not run
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def room(name: str) -> str:
    for candidate in ("deltaspec.conformance", "deltaspec.reference", "deltaspec.spec"):
        if name == candidate or name.startswith(candidate + "."):
            return candidate
    return "deltaspec"


GRAPH = {name: imports(name, path, set(modules())) for name, path in modules().items()}


def test_every_room_is_found():
    assert {room(n) for n in GRAPH} == set(RANK) and len(GRAPH) > 40


@pytest.mark.parametrize("name", sorted(GRAPH))
def test_imports_flow_one_way(name):
    """A module imports only from its own room or from rooms before it; a package's
    ``__init__`` never counts as importing its own children."""
    wrong = sorted(t for t in GRAPH[name] if RANK[room(t)] > RANK[room(name)])
    assert not wrong, f"{name} imports {wrong}: data flows spec -> reference -> conformance"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle():
    """Not even through a deferred import: packages' own __init__ modules aside (a child
    module importing its parent package is how Python loads it, not a dependency)."""
    graph = {n: {t for t in deps if not n.startswith(t + ".")} for n, deps in GRAPH.items()}
    assert _cycles(graph) == []


def test_the_cycle_detector_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

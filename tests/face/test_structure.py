"""The face package's modules import each other without a cycle, and at their top."""

from __future__ import annotations

import ast
from pathlib import Path

import kiosk.face

PACKAGE = Path(kiosk.face.__file__).parent
LAZY_ALLOWED = {"numpy", "cv2", "dlib", "face_recognition"}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("kiosk.face", *parts))


def _imports(tree: ast.AST, modules: set[str]) -> list[tuple[str, ast.stmt]]:
    """(imported kiosk.face module, statement) for every import in the tree, at any depth."""
    found: list[tuple[str, ast.stmt]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node) for a in node.names if a.name in modules]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                if sub in modules:  # from kiosk.face import errors
                    found.append((sub, node))
                elif node.module in modules:
                    found.append((node.module, node))
    return found


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    late: list[str] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set(map(id, tree.body))
        for target, node in _imports(tree, modules):
            if target != name:
                graph[name].add(target)
            if id(node) not in top:
                late.append(f"{name} imports {target} inside a function (line {node.lineno})")
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
                if isinstance(node, ast.ImportFrom):
                    roots = [node.module or ""]
                else:
                    roots = [a.name for a in node.names]
                for root in roots:
                    if root.split(".")[0] not in LAZY_ALLOWED and not root.startswith("kiosk"):
                        late.append(f"{name} imports {root} inside a function (line {node.lineno})")
    return graph, late


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first search (each reported once per entry point)."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_in_the_face_package() -> None:
    graph, _late = _graph()
    submodules = {m: {t for t in deps if t != "kiosk.face"} for m, deps in graph.items()}
    # the graph is real
    assert "kiosk.face.matching.verifier" in submodules["kiosk.face.matching.worker"]
    assert _cycles(submodules) == []


def test_kiosk_modules_are_imported_at_the_top() -> None:
    late = _graph()[1]
    assert late == []

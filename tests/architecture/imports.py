"""Reads kiosk's own imports from the source (ast): where each sits and what it names."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "kiosk"


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the imported kiosk module
    line: int
    in_function: bool
    type_checking: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def kiosk_imports() -> list[Import]:
    """Every import of a kiosk module in kiosk/, with where it sits."""
    found: list[Import] = []
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        _walk(tree, module, path.name == "__init__.py", modules, found, False, False)
    return found


def _walk(
    node: ast.AST,
    module: str,
    is_package: bool,
    modules: set[str],
    found: list[Import],
    in_function: bool,
    type_checking: bool,
) -> None:
    for child in ast.iter_child_nodes(node):
        inner_fn = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        inner_tc = type_checking or (
            isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test)
        )
        targets: list[str] = []
        if isinstance(child, ast.Import):
            targets = [a.name for a in child.names]
        elif isinstance(child, ast.ImportFrom):
            base = _resolve(child, module, is_package)
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in child.names
            ]
        for target in targets:
            if target.split(".")[0] == "kiosk" and target != module:
                line = getattr(child, "lineno", 0)
                found.append(Import(module, target, line, in_function, type_checking))
        _walk(child, module, is_package, modules, found, inner_fn, inner_tc)


def cycles(imports: list[Import]) -> list[list[str]]:
    """Module cycles among the imports that run (TYPE_CHECKING ones excluded)."""
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if not imp.type_checking:
            graph.setdefault(imp.module, set()).add(imp.target)
    found: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def strongconnect(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strongconnect(v)
    return found

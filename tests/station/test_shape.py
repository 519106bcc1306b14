"""The station's code stays readable: no module of kiosk/station over 600 lines, no function
over 120, and ``create_app`` only builds the application."""

from __future__ import annotations

import ast
from pathlib import Path

STATION = Path(__file__).resolve().parents[2] / "kiosk" / "station"


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


def test_no_long_module_and_no_long_function() -> None:
    long = []
    for path in sorted(STATION.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 600:
            long.append(f"{path.relative_to(STATION)}: {len(text.splitlines())} lines")
        for fn in _functions(ast.parse(text)):
            length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
            if length > 120:
                long.append(f"{path.relative_to(STATION)}:{fn.lineno} {fn.name}: {length} lines")
    assert long == []


def test_the_endpoints_are_module_functions_not_closures() -> None:
    tree = ast.parse((STATION / "app.py").read_text(encoding="utf-8"))
    create_app = next(f for f in _functions(tree) if f.name == "create_app")
    assert [f.name for f in _functions(create_app) if f is not create_app] == []

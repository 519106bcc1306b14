"""Small modules, short functions: no module of kiosk/ over 600 lines, no function over 120."""

from __future__ import annotations

import ast
from pathlib import Path

import kiosk

KIOSK = Path(kiosk.__file__).resolve().parent
MODULE_LINES = 600
FUNCTION_LINES = 120


def _modules() -> list[Path]:
    return sorted(p for p in KIOSK.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_is_longer_than_600_lines() -> None:
    long = {
        str(p.relative_to(KIOSK)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MODULE_LINES
    }
    assert long == {}


def test_no_function_is_longer_than_120_lines() -> None:
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > FUNCTION_LINES:
                    long[f"{path.relative_to(KIOSK)}:{node.name}"] = lines
    assert long == {}

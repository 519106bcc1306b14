"""The package's shape: the import-linter contract in pyproject.toml, no import cycle, and
kiosk's own modules imported at the top of modules (a few late ones, for heavy packages)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LATE_IMPORTS_ALLOWED = 40
"""Imports of kiosk's own modules inside functions: only where the module pulls a heavy
optional package (numpy, OpenCV, dlib, Qt, a web server, a database driver)."""


def _imports_module():  # the sibling helper, loaded by path (importlib import mode)
    spec = importlib.util.spec_from_file_location("kiosk_imports", HERE / "imports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["kiosk_imports"] = module
    spec.loader.exec_module(module)
    return module


imports = _imports_module()


def test_the_import_linter_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed")
    out = subprocess.run(
        [str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert "broken" in out.stdout and " 0 broken" in out.stdout


def test_no_module_of_kiosk_imports_itself_round_a_cycle() -> None:
    assert imports.cycles(imports.kiosk_imports()) == []


def test_kiosk_modules_are_imported_at_the_top() -> None:
    late = [i for i in imports.kiosk_imports() if i.in_function and not i.type_checking]
    statements = sorted({f"{i.module}:{i.line} -> {i.target}" for i in late})
    assert len({(i.module, i.line) for i in late}) <= LATE_IMPORTS_ALLOWED, "\n".join(statements)


def test_the_cycle_finder_finds_a_cycle() -> None:
    found = imports.cycles(
        [
            imports.Import("kiosk.a", "kiosk.b", 1, False, False),
            imports.Import("kiosk.b", "kiosk.c", 1, True, False),
            imports.Import("kiosk.c", "kiosk.a", 1, False, False),
            imports.Import("kiosk.c", "kiosk.d", 1, False, True),
            imports.Import("kiosk.d", "kiosk.c", 1, False, False),
        ]
    )
    assert found == [["kiosk.a", "kiosk.b", "kiosk.c"]]

"""Importing the face layer loads no model and no heavy library; using it does."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("cv2", "dlib", "face_recognition", "face_recognition_models", "PySide6")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return [m for m in out.stdout.strip().split(",") if m]


def test_importing_the_face_layer_loads_nothing_heavy() -> None:
    code = (
        "import kiosk.face, kiosk.face.matching.verifier, kiosk.face.camera.sources\n"
        "import kiosk.face.matching.worker, kiosk.face.matching.scripted\n"
        "import kiosk.face.evaluation.evaluate, kiosk.face.matching.engine\n"
        "import kiosk.commands.face, kiosk.bench.face"
    )
    assert _loaded_after(code) == []


def test_building_the_cli_parser_loads_nothing_heavy() -> None:
    assert _loaded_after("from kiosk.cli import build_parser; build_parser()") == []


def test_the_models_load_on_first_use() -> None:
    loaded = _loaded_after("from kiosk.face.matching.engine import load_engine; load_engine()")
    assert "face_recognition" in loaded
    assert "dlib" in loaded


def test_a_missing_model_package_is_a_clear_error() -> None:
    code = (
        "import sys\n"
        "sys.modules['face_recognition'] = None\n"
        "from kiosk.face.matching.engine import load_engine\n"
        "from kiosk.face.errors import ModelMissingError\n"
        "try:\n"
        "    load_engine()\n"
        "except ModelMissingError as exc:\n"
        "    print('ERR', exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.startswith("ERR")
    assert "pip install" in out.stdout

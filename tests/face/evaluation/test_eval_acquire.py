"""``kiosk face eval`` on images without a face: failures to acquire, never an abort."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.cli import main
from kiosk.face.camera.people import find_photo
from kiosk.face.errors import FaceError
from kiosk.face.evaluation.evaluate import evaluate, live_face, wilson_interval
from kiosk.face.matching.results import Box

FACELESS = ("grey1.png", "landscape1.png")


def _landscape(width: int = 480, height: int = 360) -> np.ndarray:
    """A sky fading to the horizon over green hills: no face anywhere."""
    y = np.linspace(0.0, 1.0, height)[:, None]
    x = np.linspace(0.0, 1.0, width)[None, :]
    image = np.zeros((height, width, 3), np.float64)
    image[..., 0] = 90 + 100 * y
    image[..., 1] = 150 + 80 * y
    image[..., 2] = 235 - 20 * y
    ground = y > 0.62 + 0.06 * np.sin(6.0 * x)
    image[ground] = (60, 130, 55)
    return np.asarray(np.clip(image, 0, 255), np.uint8)


def _folder(root: Path) -> Path:
    """Two photos of Obama, one of Biden, a flat grey picture and a landscape."""
    root.mkdir(exist_ok=True)
    shutil.copy(find_photo("obama-2").path, root / "obama1.jpg")
    shutil.copy(find_photo("obama-3").path, root / "obama2.jpg")
    shutil.copy(find_photo("biden").path, root / "biden1.jpg")
    Image.new("RGB", (360, 440), (128, 128, 128)).save(root / FACELESS[0])
    Image.fromarray(_landscape()).save(root / FACELESS[1])
    return root


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _folder(tmp_path_factory.mktemp("eval") / "people-and-no-face")


@pytest.fixture(scope="module")
def report(folder: Path) -> dict[str, object]:
    return evaluate(folder, frames=1)


def test_an_image_without_a_face_is_a_failure_to_acquire(report: dict) -> None:
    failures = report["failures_to_acquire"]
    assert {(f["image"], f["side"]) for f in failures} == {
        (name, side) for name in FACELESS for side in ("card", "live")
    }
    assert len(failures) == 4  # once per image and side, not once per pair
    for failure in failures:
        assert set(failure) == {"image", "side", "reason"}
        assert "no face" in failure["reason"] and len(failure["reason"]) < 120


def test_its_pairs_are_left_out_and_counted_apart(report: dict) -> None:
    # 5 photos: 20 ordered pairs; the 6 among the 3 faces are compared, the 14 others are not
    assert report["pairs_not_compared"] == 14
    assert len(report["pairs"]) == 6
    assert (report["genuine_pairs"], report["impostor_pairs"]) == (2, 4)
    assert not any(
        name in (row["card"], row["live"]) for row in report["pairs"] for name in FACELESS
    )
    assert report["false_matches"] == 0 and report["false_non_matches"] == 0


def test_the_report_keeps_its_keys_and_adds_the_new_ones(report: dict, folder: Path) -> None:
    old = {
        "tolerance",
        "fmr",
        "fnmr",
        "false_matches",
        "false_non_matches",
        "impostor_pairs",
        "genuine_pairs",
        "closest_impostor",
        "farthest_genuine",
        "rule_tolerance",
        "frames",
        "pairs",
    }
    new = {"model", "set", "fmr_ci95", "fnmr_ci95", "failures_to_acquire", "pairs_not_compared"}
    assert old | new <= set(report)
    assert report["set"] == folder.name and report["model"] == "mobilefacenet"
    assert report["fmr_ci95"] == pytest.approx(list(wilson_interval(0, 4) or ()), abs=1e-6)
    assert report["fnmr_ci95"] == pytest.approx(list(wilson_interval(0, 2) or ()), abs=1e-6)
    # names, counts and distances only: nothing the size of an image or an encoding
    text = json.dumps(report)
    assert len(text) < 4000
    assert all(set(row) == {"card", "live", "same", "distance", "match"} for row in report["pairs"])


def test_a_csv_naming_a_faceless_image_finishes(folder: Path) -> None:
    csv = folder / "pairs.csv"
    csv.write_text(
        "card,live,same\n"
        "obama1.jpg,obama2.jpg,1\n"
        "obama1.jpg,grey1.png,0\n"
        "grey1.png,biden1.jpg,0\n"
        "obama2.jpg,biden1.jpg,0\n"
    )
    try:
        report = evaluate(csv, frames=1)
    finally:
        csv.unlink()
    assert report["set"] == "pairs.csv"
    assert report["pairs_not_compared"] == 2
    assert [(r["card"], r["live"]) for r in report["pairs"]] == [
        ("obama1.jpg", "obama2.jpg"),
        ("obama2.jpg", "biden1.jpg"),
    ]
    assert {(f["image"], f["side"]) for f in report["failures_to_acquire"]} == {
        ("grey1.png", "live"),
        ("grey1.png", "card"),
    }


def test_a_missing_file_is_still_bad_input(tmp_path: Path) -> None:
    shutil.copy(find_photo("hopper").path, tmp_path / "hopper.jpg")
    csv = tmp_path / "p.csv"
    csv.write_text("card,live,same\nhopper.jpg,hopper.jpg,1\nhopper.jpg,nobody.jpg,0\n")
    with pytest.raises(FaceError, match=r"nobody\.jpg"):
        evaluate(csv, frames=1)
    assert main(["face", "eval", str(csv)]) == 2


def test_the_engine_and_the_model_must_agree(folder: Path) -> None:
    from kiosk.face.matching.engine import load_engine

    with pytest.raises(FaceError, match="not dlib"):
        evaluate(folder, engine=load_engine("mobilefacenet"), model="dlib")


def test_the_command_lists_the_failures_apart(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["face", "eval", str(folder), "--json", "--frames", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "runs" not in report  # one source, one model: the single object as before
    assert report["pairs_not_compared"] == 14 and len(report["failures_to_acquire"]) == 4
    assert main(["face", "eval", str(folder), "--frames", "1"]) == 0
    out = capsys.readouterr().out.splitlines()
    summary = [line for line in out if line.startswith(f"{folder.name} · mobilefacenet")]
    assert len(summary) == 1
    assert "FMR 0.000" in summary[0] and "95 % CI" in summary[0]
    assert "4 failures to acquire, 14 pairs not compared" in summary[0]
    listed = [line for line in out if line.startswith("  failure to acquire: ")]
    assert len(listed) == 4
    assert any("grey1.png (card side)" in line for line in listed)
    assert any("landscape1.png (live side)" in line for line in listed)


class _Engine:
    """Detectors that find what they are told to, and say in which order they were asked."""

    def __init__(self, hog0: list[Box], hog1: list[Box], cnn: list[Box]) -> None:
        self.found = {"hog0": hog0, "hog1": hog1, "cnn": cnn}
        self.asked: list[str] = []

    def detect(self, image: np.ndarray, upsample: int = 0) -> list[Box]:
        self.asked.append(f"hog{upsample}")
        return self.found[f"hog{upsample}"]

    def detect_hard(self, image: np.ndarray) -> list[Box]:
        self.asked.append("cnn")
        return self.found["cnn"]


def test_live_face_tries_hog_then_upsampled_hog_then_the_cnn() -> None:
    frame = np.zeros((300, 800, 3), np.uint8)  # wider than 400: HOG looks at a half-size copy
    box = Box(50, 150, 150, 50)
    engine = _Engine([], [], [box])
    assert live_face(frame, engine) == box  # type: ignore[arg-type]  # CNN boxes: frame pixels
    assert engine.asked == ["hog0", "hog1", "cnn"]
    engine = _Engine([], [box], [])
    assert live_face(frame, engine) == Box(100, 300, 300, 100)  # type: ignore[arg-type]
    assert engine.asked == ["hog0", "hog1"]
    engine = _Engine([], [], [])
    with pytest.raises(FaceError, match="no face"):
        live_face(frame, engine)  # type: ignore[arg-type]
    assert engine.asked == ["hog0", "hog1", "cnn"]

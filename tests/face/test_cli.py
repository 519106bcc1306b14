"""``kiosk face compare | eval | check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from kiosk.cli import main
from kiosk.face.camera.people import find_photo, people_dir
from kiosk.face.matching.verifier import DEFAULT_TOLERANCE


def _path(photo_id: str) -> str:
    return str(find_photo(photo_id).path)


def test_compare_same_and_different(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face", "compare", _path("obama-3"), _path("obama-2"), "--json"]) == 0
    same = json.loads(capsys.readouterr().out)
    assert same["match"] is True and same["distance"] <= DEFAULT_TOLERANCE
    assert main(["face", "compare", _path("biden"), _path("obama")]) == 1
    assert "different people" in capsys.readouterr().out


def test_compare_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["face", "compare", str(tmp_path / "x.jpg"), _path("obama")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_eval_on_the_shipped_pairs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    det = tmp_path / "det.png"
    pairs = str(people_dir() / "pairs.csv")
    assert main(["face", "eval", pairs, "--json", "--det", str(det)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tolerance"] == DEFAULT_TOLERANCE
    assert report["fmr"] == 0.0 and report["fnmr"] == 0.0
    assert len(report["pairs"]) == 36
    assert sum(p["same"] for p in report["pairs"]) == 12
    row = report["pairs"][0]
    assert set(row) == {"card", "live", "same", "distance", "match"}
    # 24 different-person pairs: enough for the rule, which allows more than the shipped value
    assert report["rule_tolerance"] >= DEFAULT_TOLERANCE
    with Image.open(det) as picture:
        assert picture.format == "PNG" and picture.size[0] >= 800


def test_eval_on_a_folder_of_people(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import shutil

    shutil.copy(find_photo("obama-2").path, tmp_path / "obama1.jpg")
    shutil.copy(find_photo("obama-3").path, tmp_path / "obama2.jpg")
    shutil.copy(find_photo("biden").path, tmp_path / "biden1.jpg")
    assert main(["face", "eval", str(tmp_path), "--json", "--frames", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["genuine_pairs"], report["impostor_pairs"]) == (2, 4)
    assert report["false_matches"] == 0 and report["false_non_matches"] == 0
    assert {(p["card"], p["live"]) for p in report["pairs"] if p["same"]} == {
        ("obama1.jpg", "obama2.jpg"),
        ("obama2.jpg", "obama1.jpg"),
    }


def test_eval_refuses_a_bad_det_path(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pairs = str(people_dir() / "pairs.csv")
    assert main(["face", "eval", pairs, "--det", str(tmp_path / "no" / "det.png")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["face", "eval", pairs, "--det", str(tmp_path / "det.jpg")]) == 2
    assert "PNG" in capsys.readouterr().err


def test_eval_rejects_a_bad_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "pairs.csv"
    bad.write_text("card,live,same\na.jpg,b.jpg,maybe\n")
    assert main(["face", "eval", str(bad)]) == 2
    assert "line 2" in capsys.readouterr().err
    bad.write_text("left,right\n")
    assert main(["face", "eval", str(bad)]) == 2
    assert "card,live,same" in capsys.readouterr().err


def test_eval_paths_are_relative_to_the_csv(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import shutil

    for name in ("hopper", "collins"):
        shutil.copy(find_photo(name).path, tmp_path / f"{name}.jpg")
    (tmp_path / "p.csv").write_text(
        "card,live,same\nhopper.jpg,hopper.jpg,1\nhopper.jpg,collins.jpg,0\n"
    )
    assert main(["face", "eval", str(tmp_path / "p.csv"), "--json", "--tolerance", "0.6"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [p["match"] for p in report["pairs"]] == [True, False]


def test_check_on_a_still_image(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face", "check", "--camera", f"image:{_path('biden')}", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["faces"] == 1
    assert lines[-2]["verdict"] == "not_live" and lines[-2]["liveness"] == "frozen"
    summary = lines[-1]["summary"]
    assert summary["liveness"] == "frozen" and summary["frames_with_face"] == summary["frames"]
    assert any("静止" in sentence for sentence in lines[-1]["text"])


def test_check_on_a_live_person(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "face",
            "check",
            "--camera",
            "person:collins",
            "--frames",
            "50",
            "--lang",
            "en",
            "--card",
            _path("collins"),
        ]
    )
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert "Please hold still." in out[0]
    frames = [line for line in out if line[:4].strip().isdigit()]
    assert "match" in frames[-1] and "blink" in frames[-1]
    words = "\n".join(out[len(frames) :])
    assert "a good distance" in words and "Light on the face" in words
    assert "A blink was seen" in words and "frames checked per second" in words


def test_check_says_a_far_face_is_too_far(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from kiosk.face.camera.people import load_rgb

    small = Image.fromarray(load_rgb(find_photo("biden").path)).resize((300, 375))
    frame = Image.new("RGB", (1280, 720), (90, 90, 90))
    frame.paste(small, (490, 170))
    frame.save(tmp_path / "far.png")
    camera = f"image:{tmp_path / 'far.png'}"
    assert main(["face", "check", "--camera", camera, "--frames", "3", "--lang", "en"]) == 0
    assert "too far" in capsys.readouterr().out

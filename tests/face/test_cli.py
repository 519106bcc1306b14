"""``kiosk face compare | eval | check`` and ``kiosk bench face``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.face.people import find_photo, people_dir
from kiosk.face.verifier import DEFAULT_TOLERANCE


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


def test_eval_on_the_shipped_pairs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["face", "eval", str(people_dir() / "pairs.csv"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tolerance"] == DEFAULT_TOLERANCE
    assert report["fmr"] == 0.0 and report["fnmr"] == 0.0
    assert len(report["pairs"]) == 36
    assert sum(p["same"] for p in report["pairs"]) == 12
    row = report["pairs"][0]
    assert set(row) == {"card", "live", "same", "distance", "match"}


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
    assert lines[-1]["verdict"] == "not_live" and lines[-1]["liveness"] == "frozen"


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
    assert "match" in out[-1] and "blink" in out[-1]


def test_bench_face_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "face", "--json", "--frames", "2", "--seconds", "1"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["frame_size"] == "1280x720"
    for key in (
        "detect_ms",
        "encode_ms",
        "decision_ms",
        "naive_decision_ms",
        "naive_no_upsample_ms",
        "speedup",
        "decision_over_encode",
        "preview_fps",
        "peak_rss_mb",
    ):
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
    assert isinstance(figures["decisions_during_preview"], int)

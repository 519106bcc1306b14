"""``kiosk face eval`` over several sources and models, and their DET curves in one picture."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.cli import main
from kiosk.face.camera.people import find_photo, people_dir
from kiosk.face.errors import FaceError
from kiosk.face.evaluation.det import DET_BOX, PALETTE, curve_label, draw_det, draw_dets
from kiosk.face.matching.models import face_model


def _colours_in_det_panel(path: Path) -> set[tuple[int, int, int]]:
    with Image.open(path) as picture:
        panel = np.asarray(picture.convert("RGB").crop(DET_BOX))
    return {tuple(int(c) for c in px) for px in panel.reshape(-1, 3)}  # type: ignore[misc]


def _report(name: str, model: str, genuine: list[float], impostor: list[float]) -> dict:
    rows = [{"card": "a", "live": "b", "same": 1, "distance": d} for d in genuine]
    rows += [{"card": "a", "live": "c", "same": 0, "distance": d} for d in impostor]
    return {
        "set": name,
        "model": model,
        "tolerance": 0.5,
        "fmr": None,
        "fnmr": None,
        "pairs": rows,
        "failures_to_acquire": [],
        "pairs_not_compared": 0,
    }


def _overlapping(count: int) -> list[dict]:
    """Reports whose genuine and impostor distances overlap a little more each time."""
    spread = np.linspace(0.0, 1.0, 40)
    return [
        _report(
            f"set-{k}",
            "mobilefacenet",
            [float(d) for d in 0.2 + 0.3 * spread + 0.05 * k],
            [float(d) for d in 0.45 + 0.5 * spread - 0.04 * k],
        )
        for k in range(count)
    ]


def test_draw_dets_draws_one_curve_per_report(tmp_path: Path) -> None:
    path = tmp_path / "det.png"
    draw_dets(_overlapping(3), path, "three sets")
    colours = _colours_in_det_panel(path)
    assert all(colour in colours for colour in PALETTE[:3])
    assert PALETTE[3] not in colours and PALETTE[4] not in colours


def test_curves_lying_on_each_other_all_show(tmp_path: Path) -> None:
    # perfectly separated sets: every curve runs along the panel's edges (rates of 0)
    same = _report("a", "mobilefacenet", [0.1, 0.2], [0.8, 0.9])
    path = tmp_path / "det.png"
    draw_dets([same, {**same, "model": "dlib"}, {**same, "set": "b"}], path)
    colours = _colours_in_det_panel(path)
    assert all(colour in colours for colour in PALETTE[:3])


def test_one_report_keeps_the_histogram(tmp_path: Path) -> None:
    path = tmp_path / "det.png"
    draw_det(_overlapping(1)[0], path, "one")
    with Image.open(path) as picture:
        assert picture.format == "PNG" and picture.size == (1200, 540)
        right = np.asarray(picture.convert("RGB").crop((650, 50, 1170, 480)))
    assert (right == PALETTE[0]).all(axis=2).any()  # the same-person bars
    with pytest.raises(FaceError, match="both"):
        draw_det(_report("x", "dlib", [0.2], []), path)


def test_a_report_without_both_kinds_of_pairs_is_named_but_not_drawn(tmp_path: Path) -> None:
    path = tmp_path / "det.png"
    draw_dets([*_overlapping(1), _report("lonely", "dlib", [0.3], [])], path)
    colours = _colours_in_det_panel(path)
    assert PALETTE[0] in colours and PALETTE[1] not in colours
    assert curve_label(_report("faces-asia-dev", "mobilefacenet", [], [])) == (
        "faces-asia-dev · mobilefacenet"
    )


def test_several_sources_and_models_give_one_run_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "three"
    folder.mkdir()
    shutil.copy(find_photo("obama-2").path, folder / "obama1.jpg")
    shutil.copy(find_photo("obama-3").path, folder / "obama2.jpg")
    shutil.copy(find_photo("biden").path, folder / "biden1.jpg")
    Image.new("RGB", (300, 360), (120, 120, 120)).save(folder / "grey1.png")
    pairs = people_dir() / "pairs.csv"
    det = tmp_path / "det.png"
    argv = ["face", "eval", str(pairs), str(folder), "--model", "mobilefacenet"]
    argv += ["--model", "dlib", "--frames", "1", "--json", "--det", str(det)]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    runs = out["runs"]
    assert [(r["set"], r["model"]) for r in runs] == [
        ("pairs.csv", "mobilefacenet"),
        ("pairs.csv", "dlib"),
        ("three", "mobilefacenet"),
        ("three", "dlib"),
    ]
    for run in runs:
        assert run["tolerance"] == face_model(run["model"]).tolerance
        assert run["fmr_ci95"] is not None and run["fnmr_ci95"] is not None
    assert [len(r["pairs"]) for r in runs] == [36, 36, 6, 6]
    assert [r["pairs_not_compared"] for r in runs] == [0, 0, 6, 6]
    assert [len(r["failures_to_acquire"]) for r in runs] == [0, 0, 2, 2]
    assert out["det"] == str(det)
    colours = _colours_in_det_panel(det)
    assert all(colour in colours for colour in PALETTE[:4])
    assert PALETTE[4] not in colours


def test_text_output_has_one_summary_line_per_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pairs = str(people_dir() / "pairs.csv")
    argv = ["face", "eval", pairs, "--model", "dlib", "--model", "mobilefacenet"]
    assert main([*argv, "--frames", "1", "--tolerance", "0.5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "pairs.csv · dlib",
        "pairs.csv · mobilefacenet",
    ]
    assert all("tolerance 0.5:" in line and "FNMR" in line for line in lines)


def test_an_unknown_model_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["face", "eval", str(people_dir() / "pairs.csv"), "--model", "facenet512"])
    assert "invalid choice" in capsys.readouterr().err

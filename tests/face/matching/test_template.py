"""The card encoding over views and the quality-weighted fusion of live frames."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
from PIL import Image, ImageFilter

from kiosk.face.camera.people import find_photo, load_rgb
from kiosk.face.evaluation.evaluate import live_face
from kiosk.face.matching.engine import load_engine
from kiosk.face.matching.models import face_model
from kiosk.face.matching.template import LiveFusion, card_views, frame_weight, mean_encoding


def test_card_views_are_turned_chips_each_with_its_mirror() -> None:
    chip = np.zeros((150, 150, 3), np.uint8)
    chip[:, :40] = 200  # a bright left edge
    views = card_views(chip)
    assert len(views) == 6
    assert np.array_equal(views[0], chip)
    assert np.array_equal(views[1], chip[:, ::-1])
    assert not np.array_equal(views[2], chip)  # turned


def test_a_blurred_frame_weighs_less_than_a_sharp_one() -> None:
    engine = load_engine()
    frame = load_rgb(find_photo("obama").path)
    blurred = np.asarray(Image.fromarray(frame).filter(ImageFilter.GaussianBlur(4)))
    box = live_face(frame, engine)
    sharp_chip, sharp_marks = engine.align(frame, box)
    blur_chip, blur_marks = engine.align(blurred, box)
    assert frame_weight(blur_chip, blur_marks) < 0.5 * frame_weight(sharp_chip, sharp_marks)


def test_the_fusion_is_the_weighted_mean_of_the_last_frames() -> None:
    fusion = LiveFusion(window=2)
    assert fusion.fused() is None
    a, b, c = np.zeros(128), np.ones(128), np.full(128, 3.0)
    fusion.add(a, 1.0)
    fusion.add(b, 1.0)
    fusion.add(c, 3.0)  # a leaves the window
    fused = fusion.fused()
    assert fused is not None and np.allclose(fused, (1.0 + 9.0) / 4.0)
    euclidean = face_model("dlib").distance
    assert fusion.distance_to(np.zeros(128), euclidean) == euclidean(np.zeros(128), fused)
    assert np.allclose(mean_encoding([a, b]), 0.5)
    fusion.forget()
    assert len(fusion) == 0


def test_no_pkg_resources_warning_reaches_the_user() -> None:
    photo = str(find_photo("hopper").path)
    out = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "face", "compare", photo, photo],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "pkg_resources" not in out.stderr

"""Camera sources chosen by one string; failures are clear CameraErrors."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from kiosk.face.camera.people import find_photo
from kiosk.face.camera.sources import CameraEndedError, open_camera
from kiosk.face.errors import CameraError, CameraSpecError, FaceError


@pytest.mark.parametrize("spec", ["", "obama", "webcam:0", "cv:", "cv:front"])
def test_unknown_camera_strings_are_refused(spec: str) -> None:
    with pytest.raises(CameraSpecError):
        open_camera(spec)


def test_image_source_repeats_the_still() -> None:
    path = find_photo("biden").path
    with open_camera(f"image:{path}", size=(320, 400)) as camera:  # type: ignore[attr-defined]
        first, second = camera.read(), camera.read()
    assert first.shape == (400, 320, 3) and first.dtype == np.uint8
    assert np.array_equal(first, second)


def test_missing_sources_say_so(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="does not exist"):
        open_camera(f"image:{tmp_path / 'none.jpg'}")
    with pytest.raises(CameraError, match="does not exist"):
        open_camera(f"dir:{tmp_path / 'none'}")
    with pytest.raises(CameraError, match="does not exist"):
        open_camera(f"video:{tmp_path / 'none.mp4'}")
    with pytest.raises(CameraError, match="no images"):
        open_camera(f"dir:{tmp_path}")


def test_folder_source_plays_in_order_then_ends(tmp_path: Path) -> None:
    for i, name in enumerate(["hopper", "collins", "biden"]):
        shutil.copy(find_photo(name).path, tmp_path / f"{i:02d}.jpg")
    camera = open_camera(f"dir:{tmp_path}", size=(200, 250))
    frames = [camera.read() for _ in range(3)]
    assert all(f.shape == (250, 200, 3) for f in frames)
    assert not np.array_equal(frames[0], frames[1])
    with pytest.raises(CameraEndedError, match="ended after 3 frames"):
        camera.read()


def test_a_frame_that_disappears_is_an_error(tmp_path: Path) -> None:
    for i in range(2):
        shutil.copy(find_photo("hopper").path, tmp_path / f"{i}.jpg")
    camera = open_camera(f"dir:{tmp_path}")
    camera.read()
    (tmp_path / "1.jpg").unlink()
    with pytest.raises(CameraError, match="disappeared"):
        camera.read()


def test_an_absent_device_is_a_camera_error() -> None:
    with pytest.raises(CameraError):
        open_camera("cv:57")


def test_an_unknown_person_is_named() -> None:
    with pytest.raises(FaceError, match="no person or photo named 'nobody'"):
        open_camera("person:nobody")


def test_person_source_is_a_live_looking_kiosk_camera(
    person_camera: Callable[..., object],
) -> None:
    camera = person_camera("collins")
    frames = [camera.read() for _ in range(45)]  # type: ignore[attr-defined]
    assert camera.size == (1280, 720)  # type: ignore[attr-defined]
    assert all(f.shape == (720, 1280, 3) and f.dtype == np.uint8 for f in frames)
    diffs = [np.abs(a.astype(int) - b).mean() for a, b in pairwise(frames)]
    assert min(diffs) > 0.4  # never frozen
    assert camera.closure(1.35) == 1.0 and camera.closure(0.5) == 0.0  # type: ignore[attr-defined]


def test_person_source_by_string_defaults_to_1280x720() -> None:
    with open_camera("person:hopper") as camera:  # type: ignore[attr-defined]
        assert camera.read().shape == (720, 1280, 3)


def test_person_options_in_the_camera_string() -> None:
    from kiosk.face.matching.verifier import DlibVerifier

    with pytest.raises(CameraSpecError, match="unknown person option 'hat'"):
        open_camera("person:hopper?hat")
    still = open_camera("person:hopper?still")
    assert np.array_equal(still.read(), still.read())
    verifier = DlibVerifier()
    verifier.watch()
    masked = verifier.check(open_camera("person:biden?mask").read(), now=0.0)
    assert masked.guidance.value == "face.covered"

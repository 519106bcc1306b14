"""A face whose eyes stay shut is not a live patient: moving the head does not count."""

from __future__ import annotations

import pytest

from kiosk.face.camera.people import find_photo, load_rgb
from kiosk.face.matching.chip import chip_photo_jp2
from kiosk.wiring.camera_face import CameraFace


def _attempt(camera: str, person: str) -> tuple[bool, str]:
    face = CameraFace(camera, parallel=False)
    try:
        face.prepare(chip_photo_jp2(load_rgb(find_photo(person).path)))
        verdict = face.attempt(lambda _frame: True)
    finally:
        face.close()
    return verdict.matched, verdict.reason


@pytest.mark.parametrize("person", ["obama", "biden"])
def test_eyes_kept_shut_are_refused_as_not_live(person: str) -> None:
    assert _attempt(f"person:{person}?closed", person) == (False, "not_live")


def test_the_same_face_with_open_eyes_is_accepted() -> None:
    assert _attempt("person:obama", "obama") == (True, "")

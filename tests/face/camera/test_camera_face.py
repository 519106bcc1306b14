"""The flow's face adapter: a dead camera is dropped so the next attempt reopens it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from kiosk.face.camera.people import find_photo, load_rgb
from kiosk.face.camera.sources import CameraEndedError
from kiosk.reception.ports import FaceFrame
from kiosk.wiring.camera_face import CameraFace


def test_an_ended_camera_is_reopened_by_the_next_attempt(
    tmp_path: Path, card_jp2: Callable[[str], bytes]
) -> None:
    Image.fromarray(load_rgb(find_photo("obama").path)).save(tmp_path / "0001.png")
    face = CameraFace(f"dir:{tmp_path}", parallel=False)
    seen: list[FaceFrame] = []
    try:
        face.prepare(card_jp2("obama-2"))
        with pytest.raises(CameraEndedError):  # one frame, then the sequence ends
            face.attempt(lambda frame: seen.append(frame) is None)
        assert face._source is None and len(seen) == 1
        face.forget()
        face.prepare(card_jp2("obama-2"))
        with pytest.raises(CameraEndedError):
            face.attempt(lambda frame: seen.append(frame) is None)
        assert len(seen) == 2  # the folder was read from its start again
    finally:
        face.close()

"""Camera sources behind one interface, chosen by one string.

``cv:<index>`` (an OpenCV device), ``video:<path>``, ``image:<path>`` (the same still, every
frame), ``dir:<path>`` (an image sequence, in name order) and ``person:<name>`` (a live-looking
sequence made from a photo in assets/people: head motion, light change, blinks; with
``?photo``, ``?still``, ``?mask`` or ``?closed`` it plays an attack or a problem instead).
Every source gives numpy RGB uint8 frames of ``source.size`` (width, height); ``person:``
defaults to 1280x720, the usual kiosk camera. A source that cannot open, fails or ends raises a
:class:`~kiosk.face.errors.CameraError`. Nothing is opened at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from kiosk.face.camera.base import CameraEndedError, Closing, fit
from kiosk.face.camera.opencv import OpenCvCamera
from kiosk.face.camera.people import load_rgb
from kiosk.face.camera.synthetic import PersonCamera
from kiosk.face.errors import CameraError, CameraSpecError

__all__ = [
    "IMAGE_SUFFIXES",
    "KIOSK_CAMERA_SIZE",
    "PERSON_FLAGS",
    "CameraEndedError",
    "CameraSource",
    "FolderCamera",
    "ImageCamera",
    "OpenCvCamera",
    "PersonCamera",
    "open_camera",
]

KIOSK_CAMERA_SIZE = (1280, 720)
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".webp", ".jp2", ".tif"})


PERSON_FLAGS: dict[str, dict[str, object]] = {
    "photo": {"blink": False},
    "still": {"blink": False, "motion": False, "light": False},
    "mask": {"mask": True},
    "closed": {"eyes_closed": True},
}
"""``person:<name>?flag,flag``: ``photo`` a printed photo moved about (no blink), ``still`` a
photo held still (identical frames), ``mask`` a face mask over nose and mouth, ``closed`` eyes
kept shut."""


@runtime_checkable
class CameraSource(Protocol):
    """A source of RGB frames."""

    size: tuple[int, int]
    """(width, height) of every frame, in pixels."""
    fps: float
    """Nominal frames per second."""

    def read(self) -> np.ndarray:
        """The next frame (H x W x 3 RGB uint8); raises CameraError when it cannot."""

    def close(self) -> None:
        """Release the device or files."""


class ImageCamera(Closing):
    """The same still image, every frame (a printed photo held perfectly still)."""

    def __init__(self, path: Path, size: tuple[int, int] | None = None, fps: float = 30.0) -> None:
        if not path.is_file():
            raise CameraError(f"image source {path} does not exist")
        self._frame = fit(load_rgb(path), size)
        self._frame.setflags(write=False)
        self.size = (self._frame.shape[1], self._frame.shape[0])
        self.fps = fps

    def read(self) -> np.ndarray:
        return self._frame.copy()


class FolderCamera(Closing):
    """The images of a folder in name order, then :class:`CameraEndedError` (or again)."""

    def __init__(
        self,
        path: Path,
        size: tuple[int, int] | None = None,
        fps: float = 30.0,
        loop: bool = False,
    ) -> None:
        if not path.is_dir():
            raise CameraError(f"image folder {path} does not exist")
        self._files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise CameraError(f"image folder {path} has no images")
        self._index = 0
        self._loop = loop
        first = fit(load_rgb(self._files[0]), size)
        self.size = size or (first.shape[1], first.shape[0])
        self.fps = fps

    def read(self) -> np.ndarray:
        if self._index >= len(self._files):
            if not self._loop:
                raise CameraEndedError(f"image sequence ended after {len(self._files)} frames")
            self._index = 0
        path = self._files[self._index]
        self._index += 1
        if not path.is_file():
            raise CameraError(f"image {path.name} disappeared from the sequence")
        return fit(load_rgb(path), self.size)


def open_camera(
    spec: str, size: tuple[int, int] | None = None, fps: float = 30.0, **options: object
) -> CameraSource:
    """Open the camera named by ``spec`` (see the module docstring).

    ``size`` (width, height) resizes frames (default: the source's own size, 1280x720 for
    ``person:``); ``options`` go to the ``person:`` source (``blink``, ``motion``, ``seed``…).
    """
    kind, sep, rest = spec.partition(":")
    if not sep or not rest:
        raise CameraSpecError(
            f"camera {spec!r} not understood: use cv:<index>, video:<path>, image:<path>, "
            "dir:<path> or person:<name>"
        )
    if kind == "image":
        return ImageCamera(Path(rest), size, fps)
    if kind == "dir":
        return FolderCamera(Path(rest), size, fps, loop=bool(options.get("loop", False)))
    if kind == "person":
        name, _, flags = rest.partition("?")
        for flag in filter(None, flags.split(",")):
            if flag not in PERSON_FLAGS:
                raise CameraSpecError(
                    f"unknown person option {flag!r}: use {', '.join(sorted(PERSON_FLAGS))}"
                )
            options = {**PERSON_FLAGS[flag], **options}
        return PersonCamera(name, size or KIOSK_CAMERA_SIZE, fps, **options)  # type: ignore[arg-type]
    if kind in ("cv", "video"):
        if kind == "cv":
            try:
                index = int(rest)
            except ValueError:
                raise CameraSpecError(f"camera index {rest!r} is not a number") from None
            return OpenCvCamera(index, size)
        return OpenCvCamera(Path(rest), size)
    raise CameraSpecError(f"unknown camera kind {kind!r}: use cv, video, image, dir or person")

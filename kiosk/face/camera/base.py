"""What every camera source shares: closing, the end of a finite source, OpenCV loading.

:mod:`kiosk.face.camera.sources` (the sources and ``open_camera``), :mod:`kiosk.face.camera.opencv`
(OpenCV devices and videos) and :mod:`kiosk.face.camera.synthetic` (``person:``) all build on this
module and none of them on another's private names.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any

import numpy as np
from PIL import Image

from kiosk.face.errors import CameraError, ModelMissingError


class CameraEndedError(CameraError):
    """A finite source (video file, image folder) has no more frames."""


class Closing:
    """Base of the sources: ``close()`` frees what they hold; usable in a ``with`` block."""

    def close(self) -> None:  # pragma: no cover - overridden where there is something to free
        pass

    def __enter__(self) -> Closing:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def opencv() -> Any:
    """The cv2 module; :class:`ModelMissingError` naming the package when it is missing.

    OpenCV's own warnings (``[ WARN:0@0.013] global cap_v4l.cpp …``) are kept off stderr: the
    kiosk says in words what went wrong with a camera.
    """
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")  # read once, at the first import
    try:
        import cv2
    except ImportError:
        raise ModelMissingError(
            "camera and video sources need OpenCV: pip install opencv-python-headless"
        ) from None
    return cv2


def fit(frame: np.ndarray, size: tuple[int, int] | None) -> np.ndarray:
    """``frame`` resized to ``size`` (width, height) unless it already has it (or size is None)."""
    if size is None or (frame.shape[1], frame.shape[0]) == size:
        return frame
    return np.asarray(Image.fromarray(frame).resize(size, Image.Resampling.BILINEAR))

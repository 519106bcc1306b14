"""OpenCV adapter for ``cv:<index>`` and ``video:<path>`` sources (imports cv2 lazily)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.face.camera.base import CameraEndedError, Closing, opencv
from kiosk.face.errors import CameraError


def quietly(cv2: Any, opening: Callable[[], Any]) -> Any:
    """``opening()`` with OpenCV's log silenced: a camera that is absent makes its back ends
    print errors of their own (``obsensor … Camera index out of range``); ours says it once."""
    log = cv2.utils.logging
    previous = log.getLogLevel()
    log.setLogLevel(log.LOG_LEVEL_SILENT)
    try:
        return opening()
    finally:
        log.setLogLevel(previous)


class OpenCvCamera(Closing):
    """A webcam (by index) or a video file through cv2.VideoCapture."""

    def __init__(self, device: int | Path, size: tuple[int, int] | None = None) -> None:
        cv2 = opencv()
        self._cv2 = cv2
        self._name = f"camera {device}" if isinstance(device, int) else f"video {device}"
        self._file = not isinstance(device, int)
        if isinstance(device, Path) and not device.is_file():
            raise CameraError(f"{self._name} does not exist")
        capture = quietly(
            cv2, lambda: cv2.VideoCapture(device if isinstance(device, int) else str(device))
        )
        if not capture.isOpened():
            raise CameraError(f"{self._name} cannot be opened (is it connected and free?)")
        if size is not None and isinstance(device, int):
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        self._capture: Any = capture
        self._size = size
        width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)) or (size or (640, 480))[0]
        height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) or (size or (640, 480))[1]
        self.size = size or (width, height)
        self.fps = float(capture.get(cv2.CAP_PROP_FPS) or 30.0)

    def read(self) -> np.ndarray:
        if self._capture is None:
            raise CameraError(f"{self._name} is closed")
        ok, frame = self._capture.read()
        if not ok or frame is None:
            if self._file:
                raise CameraEndedError(f"{self._name} ended")
            raise CameraError(f"{self._name} stopped delivering frames (unplugged?)")
        rgb = self._cv2.cvtColor(frame, self._cv2.COLOR_BGR2RGB)
        if (rgb.shape[1], rgb.shape[0]) != self.size:
            rgb = self._cv2.resize(rgb, self.size)
        return np.asarray(rgb)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None

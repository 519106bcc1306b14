"""A camera that disappears in the middle of a face attempt.

:class:`VanishingCamera` wraps the flow's face port (:class:`~kiosk.reception.ports.FaceVerifier`,
e.g. :class:`~kiosk.wiring.camera_face.CameraFace` or scripted verdicts): during an attempt,
after ``after_frames`` frames have reached the flow, the next frame read raises
:class:`~kiosk.face.errors.CameraError` — what a camera source raises when its device is
unplugged (OpenCV's read fails). ``vanish_on`` picks the attempts it happens on (0-based).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from kiosk.face.errors import CameraError
from kiosk.reception.ports import FaceFrame, FaceVerdict, FaceVerifier

CAMERA_GONE = "the camera stopped answering (device disconnected)"


class VanishingCamera:
    """A FaceVerifier whose camera goes away after ``after_frames`` frames of an attempt."""

    def __init__(
        self,
        inner: FaceVerifier,
        *,
        after_frames: int = 0,
        vanish_on: Collection[int] | None = None,
    ) -> None:
        self.inner = inner
        self.after_frames = after_frames
        self.vanish_on = None if vanish_on is None else set(vanish_on)
        self.attempts = 0
        self.vanished = 0

    def prepare(self, card_photo: bytes) -> None:
        self.inner.prepare(card_photo)

    def attempt(self, on_frame: Callable[[FaceFrame], bool]) -> FaceVerdict:
        number = self.attempts
        self.attempts += 1
        if self.vanish_on is not None and number not in self.vanish_on:
            return self.inner.attempt(on_frame)
        frames = 0

        def frame_or_gone(frame: FaceFrame) -> bool:
            nonlocal frames
            if frames >= self.after_frames:
                self.vanished += 1
                raise CameraError(CAMERA_GONE)
            frames += 1
            return on_frame(frame)

        if self.after_frames == 0:
            self.vanished += 1
            raise CameraError(CAMERA_GONE)
        return self.inner.attempt(frame_or_gone)

    def forget(self) -> None:
        self.inner.forget()

    def close(self) -> None:
        close: Any = getattr(self.inner, "close", None)
        if close is not None:
            close()

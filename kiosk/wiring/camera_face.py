"""The flow's FaceVerifier over kiosk.face: a camera source and the dlib verifier.

One attempt pulls frames from the camera and gives each to the verifier until its verdict is
final (match, no match, not live, timeout) or the frame budget is spent. Frame times are the
camera's own (frame index / fps) for recorded or synthetic sources, so they behave the same
however fast the machine is; a live ``cv:`` camera uses the monotonic clock. The chip photo
is kept in memory only until :meth:`forget`.

The default verifier encodes on the machine's second core (``parallel=True``): the process's
encoder child (:func:`kiosk.face.matching.encoder.shared_encoder`) encodes the chip photo while the
first frames are detected here, then the queued frames; ``parallel=False`` encodes every face
in this thread, one after the other; ``in_child=True`` runs the whole verifier in a child
process (a window: dlib holds the GIL while it works, which would freeze the GUI thread).
The decisions are the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kiosk.reception.ports import FaceFrame, FaceUnavailableError, FaceVerdict


class CameraFace:
    """``camera`` is a kiosk.face camera spec (``person:<name>``, ``cv:0``, ``image:…``)."""

    def __init__(
        self,
        camera: str,
        *,
        tolerance: float | None = None,
        model: str | None = None,
        size: tuple[int, int] | None = None,
        fps: float = 30.0,
        max_frames: int = 600,
        verifier: Any = None,
        camera_options: dict[str, Any] | None = None,
        parallel: bool = True,
        in_child: bool = False,
    ) -> None:
        self.camera = camera
        self.tolerance = tolerance
        self.model = model
        self.size = size
        self.fps = fps
        self.max_frames = max_frames
        self._verifier = verifier
        self.camera_options = camera_options or {}
        self.parallel = parallel
        self.in_child = in_child
        self._source: Any = None
        self._photo: bytes | None = None
        self._clock = 0.0
        self.live = camera.startswith("cv:")  # a real camera: frames come in real time

    @property
    def verifier(self) -> Any:
        if self._verifier is None:
            from kiosk.face.matching.models import face_model
            from kiosk.face.matching.verifier import DlibVerifier, VerifierPolicy

            policy = VerifierPolicy(tolerance=self.tolerance, model=face_model(self.model).name)
            if self.in_child:
                from kiosk.face.matching.worker import VerifierProcess

                self._verifier = VerifierProcess(policy)
            else:
                from kiosk.face.matching.encoder import shared_encoder

                encoder = shared_encoder(policy.model) if self.parallel else None
                self._verifier = DlibVerifier(policy, encoder=encoder)
        return self._verifier

    def _camera(self) -> Any:
        if self._source is None:
            from kiosk.face.camera.sources import open_camera

            self._source = open_camera(self.camera, self.size, self.fps, **self.camera_options)
        return self._source

    def prepare(self, card_photo: bytes) -> None:
        from kiosk.face.errors import ModelMissingError

        self._photo = card_photo
        try:
            self.verifier.prepare(card_photo)
        except ModelMissingError as exc:
            raise FaceUnavailableError(str(exc)) from None

    def attempt(self, on_frame: Callable[[FaceFrame], bool]) -> FaceVerdict:
        from kiosk.face.matching.results import Verdict

        if self._photo is None:
            return FaceVerdict(False, "no_photo")
        if not self.verifier.ready:  # a final verdict dropped the encoding: prepare again
            self.verifier.prepare(self._photo)
        from kiosk.face.errors import CameraError

        source = self._camera()
        for _ in range(self.max_frames):
            try:
                frame = source.read()
            except CameraError:  # unplugged or ended: the next attempt reopens the camera
                self._drop_source()
                raise
            self._clock += 1.0 / self.fps
            now = time.monotonic() if self.live else self._clock
            result = self.verifier.check(frame, now=now)
            guidance = None if result.guidance is None else str(result.guidance.value)
            if not on_frame(FaceFrame(frame, guidance, result.progress)):
                self.verifier.forget()
                return FaceVerdict(False, "stopped")
            if result.verdict.final:
                matched = result.verdict is Verdict.MATCH
                return FaceVerdict(matched, "" if matched else str(result.verdict.value))
        self.verifier.forget()
        return FaceVerdict(False, "timeout")

    def read_frame(self) -> Any:
        """One frame from the camera, for the staff's live view while they confirm (the
        caller keeps it in memory only)."""
        return self._camera().read()

    def warm_up(self) -> None:
        """Open the camera and start the verifier (a child process, when it has one) before
        the first patient: opening a source imports OpenCV and the face libraries."""
        self._camera()
        start = getattr(self.verifier, "start", None)
        if callable(start):
            start()

    def forget(self) -> None:
        self._photo = None
        if self._verifier is not None:
            self._verifier.forget()

    def _drop_source(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            source.close()

    def close(self) -> None:
        self.forget()
        self._drop_source()

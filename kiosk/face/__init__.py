"""Face verification against the chip's photo: cameras, quality guidance, liveness, matching.

Importing this package loads no model and imports neither face_recognition, dlib nor cv2:
they load on first use, in whichever thread or process does the work.

How the reception flow uses it (all blocking calls belong in a worker, never the UI thread)::

    from kiosk.face import VerifierProcess, VerifierPolicy, open_camera

    verifier = VerifierProcess(VerifierPolicy())     # or DlibVerifier() in-process,
    verifier.start()                                 # or ScriptedVerifier([...]) headless
    verifier.prepare(card_photo_jp2)                 # worker: as soon as the card is read
    with open_camera("person:obama") as camera:      # or cv:0, video:…, image:…, dir:…
        while True:
            result = verifier.check(camera.read())   # worker; or submit() + result() from a
            show(result.guidance, result.progress)   # preview loop that keeps 30 fps
            if result.verdict.final:                 # MATCH, NO_MATCH, NOT_LIVE, TIMEOUT
                break
    verifier.forget()                                # card removed, cancel, timeout: always

Each :class:`FrameResult` carries ``guidance`` (a :class:`Guidance` id, whose words are in the
text catalogue, :mod:`kiosk.texts`), ``liveness`` (waiting / blink / head_movement / frozen),
match progress (``agreeing`` of ``needed`` frames, ``progress`` 0..1), ``distance`` of this
frame when it was encoded, and ``verdict``. Once the verdict is final the verifier has already
dropped the card encoding and every frame-derived value; call ``prepare`` again to retry.
Nothing is written to disk, logged or put in an exception text.

Two cores for one kiosk: ``DlibVerifier(encoder=shared_encoder())`` (what the reception flow's
:class:`~kiosk.wiring.camera_face.CameraFace` uses) detects and tracks liveness in its own
thread and hands the encodings (the chip photo's as soon as ``prepare`` found its face, then
the live frames') to :mod:`kiosk.face.matching.encoder`'s child process; same decisions, less
waiting.

Why a process: dlib holds the GIL while it computes (~85 ms a decision), so in a thread it
would stall the Qt event loop and the preview; :class:`VerifierProcess` keeps it apart.
Headless scenarios that need no images use :class:`ScriptedVerifier` (same protocol).
"""

from __future__ import annotations

from kiosk.face.camera.sources import CameraSource, open_camera
from kiosk.face.errors import (
    CameraError,
    CameraSpecError,
    CardPhotoError,
    FaceError,
    ModelMissingError,
    VerifierStateError,
)
from kiosk.face.guidance.liveness import LivenessPolicy
from kiosk.face.guidance.messages import Guidance
from kiosk.face.guidance.quality import QualityLimits
from kiosk.face.matching.chip import card_path, chip_photo_jp2, decode_card_photo
from kiosk.face.matching.encoder import EncoderProcess, shared_encoder
from kiosk.face.matching.results import Box, FrameResult, Liveness, Verdict
from kiosk.face.matching.scripted import ScriptedVerifier
from kiosk.face.matching.verifier import (
    DEFAULT_TOLERANCE,
    CardFace,
    DlibVerifier,
    FaceVerifier,
    VerifierPolicy,
)
from kiosk.face.matching.worker import VerifierProcess

__all__ = [
    "DEFAULT_TOLERANCE",
    "Box",
    "CameraError",
    "CameraSource",
    "CameraSpecError",
    "CardFace",
    "CardPhotoError",
    "DlibVerifier",
    "EncoderProcess",
    "FaceError",
    "FaceVerifier",
    "FrameResult",
    "Guidance",
    "Liveness",
    "LivenessPolicy",
    "ModelMissingError",
    "QualityLimits",
    "ScriptedVerifier",
    "Verdict",
    "VerifierPolicy",
    "VerifierProcess",
    "VerifierStateError",
    "card_path",
    "chip_photo_jp2",
    "decode_card_photo",
    "open_camera",
    "shared_encoder",
]

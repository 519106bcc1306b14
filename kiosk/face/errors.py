"""The face layer's exceptions: one root, :class:`FaceError`, below :class:`KioskError`.

Messages never contain image data, encodings or distances of a real person: only what failed
and what to do about it.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class FaceError(KioskError):
    """Root of every face-verification error."""


class CameraError(FaceError):
    """A camera source could not be opened, failed, or disappeared while in use."""


class CameraSpecError(CameraError):
    """The camera string (``cv:0``, ``image:PATH`` …) is not understood."""


class ModelMissingError(FaceError):
    """A package the face models need (face_recognition, dlib, OpenCV) is not installed."""


class CardPhotoError(FaceError):
    """The chip's face photo cannot be decoded, or has no usable face in it."""


class VerifierStateError(FaceError):
    """The verifier was used out of order (frames before ``prepare``, after ``forget``)."""

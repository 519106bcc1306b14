"""Adapter over face_recognition/dlib: detection, 68-point landmarks and 128-d encodings.

This is the only module that imports face_recognition (and through it dlib and the model
files). Nothing is imported or loaded until :func:`load_engine` is called, from a worker — the
models take a second or two to load and about 100 MB of memory. Images are numpy RGB uint8
arrays (H x W x 3); boxes are :class:`~kiosk.face.results.Box` in that image's pixels.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

import numpy as np

from kiosk.face.errors import ModelMissingError
from kiosk.face.results import Box

Landmarks = dict[str, list[tuple[int, int]]]

_INSTALL = (
    "face verification needs face_recognition with its models and dlib: "
    "pip install 'kiosk[face]' and 'face_recognition==1.3.0' --no-deps"
)


class FaceEngine:
    """HOG face detection, landmarks and encodings, serialised by a lock (dlib is not re-entrant).

    dlib holds the GIL while it computes, so a thread running the engine stalls every other
    Python thread; :mod:`kiosk.face.worker` runs it in a separate process for a smooth preview.
    """

    def __init__(self, api: Any) -> None:
        self._api = api
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray, upsample: int = 0) -> list[Box]:
        """Face boxes found by the HOG detector (``upsample`` doubles the size that often)."""
        with self._lock:
            found = self._api.face_locations(image, number_of_times_to_upsample=upsample)
        return [Box(*map(int, b)) for b in found]

    def detect_weak(self, image: np.ndarray, threshold: float, upsample: int = 0) -> list[Box]:
        """Boxes the HOG detector scores above ``threshold`` (negative: weaker than a face).

        Used only when :meth:`detect` finds nothing, to tell "face covered" from "no face".
        """
        h, w = image.shape[:2]
        with self._lock:
            rects, _scores, _kinds = self._api.api.face_detector.run(image, upsample, threshold)
        return [
            Box(max(0, r.top()), min(w, r.right()), min(h, r.bottom()), max(0, r.left()))
            for r in rects
        ]

    def landmarks(self, image: np.ndarray, boxes: list[Box]) -> list[Landmarks]:
        """The 68-point landmarks (face_recognition's named groups) for each box."""
        with self._lock:
            marks: list[Landmarks] = self._api.face_landmarks(
                image, face_locations=[tuple(b) for b in boxes], model="large"
            )
        return marks

    def encode(self, image: np.ndarray, boxes: list[Box]) -> list[np.ndarray]:
        """One 128-d encoding (float64) per box, from the image at the resolution given."""
        with self._lock:
            encodings: list[np.ndarray] = self._api.face_encodings(
                image, known_face_locations=[tuple(b) for b in boxes], num_jitters=1
            )
        return encodings


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two face encodings (face_recognition's face_distance)."""
    return float(np.linalg.norm(a - b))


@lru_cache(maxsize=1)
def load_engine() -> FaceEngine:
    """Import face_recognition and load its models (once per process).

    Raises :class:`ModelMissingError` naming what to install when a package is missing.
    """
    try:
        import face_recognition
        import face_recognition.api
    except ImportError as exc:
        raise ModelMissingError(f"{_INSTALL} ({exc.name or exc} is missing)") from None
    except SystemExit:  # face_recognition exits when face_recognition_models is missing
        raise ModelMissingError(f"{_INSTALL} (face_recognition_models is missing)") from None
    return FaceEngine(face_recognition)

"""Adapter over face_recognition/dlib: detection, 68-point landmarks, aligned face chips and
128-d encodings.

This is the only module that imports face_recognition (and through it dlib and the model
files). Nothing is imported or loaded until :func:`load_engine` is called, from a worker — the
models take a second or two to load and about 100 MB of memory. Images are numpy RGB uint8
arrays (H x W x 3); boxes are :class:`~kiosk.face.results.Box` in that image's pixels.

The verifier encodes in two steps: :meth:`FaceEngine.align` takes the 68-point landmarks once
(they serve quality and liveness too) and cuts the face out as dlib's aligned 150x150 chip;
:meth:`FaceEngine.describe` runs the encoding network on chips. A chip is small (66 KB), so it
is what crosses the pipe to the encoder child, never the frame.
"""

from __future__ import annotations

import threading
import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from kiosk.face.errors import ModelMissingError
from kiosk.face.results import Box

Landmarks = dict[str, list[tuple[int, int]]]

CHIP_SIZE = 150
"""Side in pixels of the aligned face chip the encoding network reads."""
CHIP_PADDING = 0.25
"""Margin of the chip around the aligned face (what dlib's network was trained with)."""

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

    def align(self, image: np.ndarray, box: Box) -> tuple[np.ndarray, Landmarks]:
        """The face at ``box`` as dlib's aligned chip (150x150 RGB, eyes and mouth in place,
        cut from ``image`` at full resolution) and its 68-point landmarks."""
        dlib = self._api.api.dlib
        with self._lock:
            rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
            shape = self._api.api.pose_predictor_68_point(image, rect)
            chip = np.asarray(dlib.get_face_chip(image, shape, CHIP_SIZE, CHIP_PADDING))
        points = [(p.x, p.y) for p in shape.parts()]
        return chip, named_landmarks(points)

    def describe(self, chips: list[np.ndarray]) -> list[np.ndarray]:
        """One 128-d encoding (float64) per aligned chip (see :meth:`align`)."""
        with self._lock:
            encoder = self._api.api.face_encoder
            return [
                np.asarray(encoder.compute_face_descriptor(np.ascontiguousarray(chip), 1))
                for chip in chips
            ]

    def encode(self, image: np.ndarray, boxes: list[Box]) -> list[np.ndarray]:
        """One 128-d encoding (float64) per box, from the image at the resolution given
        (face_recognition's own pipeline: 5-point alignment, no chip views)."""
        with self._lock:
            encodings: list[np.ndarray] = self._api.face_encodings(
                image, known_face_locations=[tuple(b) for b in boxes], num_jitters=1
            )
        return encodings


def named_landmarks(points: list[tuple[int, int]]) -> Landmarks:
    """The 68 points in face_recognition's named groups (chin, eyebrows, nose, eyes, lips)."""
    return {
        "chin": points[0:17],
        "left_eyebrow": points[17:22],
        "right_eyebrow": points[22:27],
        "nose_bridge": points[27:31],
        "nose_tip": points[31:36],
        "left_eye": points[36:42],
        "right_eye": points[42:48],
        "top_lip": [*points[48:55], points[64], points[63], points[62], points[61], points[60]],
        "bottom_lip": [
            *points[54:60],
            *(points[48], points[60], points[67], points[66], points[65], points[64]),
        ],
    }


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Euclidean distance between two face encodings (face_recognition's face_distance)."""
    return float(np.linalg.norm(a - b))


@lru_cache(maxsize=1)
def load_engine() -> FaceEngine:
    """Import face_recognition and load its models (once per process).

    Raises :class:`ModelMissingError` naming what to install when a package is missing.
    """
    try:
        with warnings.catch_warnings():
            # face_recognition_models finds its files through the deprecated pkg_resources
            warnings.filterwarnings("ignore", message=".*pkg_resources", category=UserWarning)
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            import face_recognition
            import face_recognition.api
    except ImportError as exc:
        raise ModelMissingError(f"{_INSTALL} ({exc.name or exc} is missing)") from None
    except SystemExit:  # face_recognition exits when face_recognition_models is missing
        raise ModelMissingError(f"{_INSTALL} (face_recognition_models is missing)") from None
    return FaceEngine(face_recognition)

"""Adapter over face_recognition/dlib and the embedding model: detection, 68-point landmarks,
aligned face chips and encodings.

This is the only module that imports face_recognition (and through it dlib and the model
files). Nothing is imported or loaded until :func:`load_engine` is called, from a worker — the
models take a second or two to load and about 100 MB of memory. Images are numpy RGB uint8
arrays (H x W x 3); boxes are :class:`~kiosk.face.matching.results.Box` in that image's pixels.

The verifier encodes in two steps: :meth:`FaceEngine.align` takes the 68-point landmarks once
(they serve quality and liveness too) and cuts the face out as the model's chip (the five-point
112x112 chip of :mod:`kiosk.face.matching.align`, or dlib's own 150x150 one);
:meth:`FaceEngine.describe` runs the embedding network on chips. A chip is small (37-66 KB), so it
is what crosses the pipe to the encoder child, never the frame. Which network:
:mod:`kiosk.face.matching.models`.

Detection is dlib's HOG detector; where it finds nothing (a face lit from the side, a tilted
head), :meth:`FaceEngine.detect_hard` asks dlib's CNN detector (MMOD) on a small copy: slower
(about 0.2 s at 200 px), so it runs on card photos and, now and then, on live frames.
"""

from __future__ import annotations

import threading
import warnings
from functools import lru_cache
from typing import Any

import numpy as np

from kiosk.face.errors import ModelMissingError
from kiosk.face.matching.align import aligned_chip, five_points
from kiosk.face.matching.models import FaceModel, OnnxEmbedder, face_model
from kiosk.face.matching.results import Box

Landmarks = dict[str, list[tuple[int, int]]]

CHIP_SIZE = 150
"""Side in pixels of dlib's aligned face chip (the ``dlib`` model)."""
CNN_WIDTH = 200
"""Width in px of the copy dlib's CNN detector looks at (:meth:`FaceEngine.detect_hard`)."""
CHIP_PADDING = 0.25
"""Margin of the chip around the aligned face (what dlib's network was trained with)."""

_INSTALL = (
    "face verification needs face_recognition with its models and dlib: "
    "pip install 'kiosk[face]' and 'face_recognition==1.3.0' --no-deps"
)


class FaceEngine:
    """HOG face detection, landmarks and encodings, serialised by a lock (dlib is not re-entrant).

    dlib holds the GIL while it computes, so a thread running the engine stalls every other
    Python thread; :mod:`kiosk.face.matching.worker` runs it in a separate process for a smooth
    preview.
    """

    def __init__(self, api: Any, model: FaceModel | None = None) -> None:
        self._api = api
        self._lock = threading.Lock()
        self.model = model or face_model("dlib")
        self._embedder = OnnxEmbedder(self.model) if self.model.file is not None else None

    def detect(self, image: np.ndarray, upsample: int = 0) -> list[Box]:
        """Face boxes found by the HOG detector (``upsample`` doubles the size that often)."""
        with self._lock:
            found = self._api.face_locations(image, number_of_times_to_upsample=upsample)
        return [Box(*map(int, b)) for b in found]

    def detect_hard(self, image: np.ndarray) -> list[Box]:
        """Boxes of dlib's CNN face detector, run on a copy at most ``CNN_WIDTH`` px wide (for
        faces the HOG detector misses)."""
        h, w = image.shape[:2]
        factor = min(1.0, CNN_WIDTH / w)
        small = image
        if factor < 1.0:
            import cv2

            size = (max(1, round(w * factor)), max(1, round(h * factor)))
            small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        with self._lock:
            found = self._api.face_locations(small, number_of_times_to_upsample=0, model="cnn")
        return [Box(*map(int, b)).scaled(1.0 / factor, w, h) for b in found]

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
        """The face at ``box`` as the model's aligned chip (RGB, cut from ``image`` at full
        resolution: five points on the 112x112 template, or dlib's 150x150 chip) and its
        68-point landmarks."""
        dlib = self._api.api.dlib
        with self._lock:
            rect = dlib.rectangle(box.left, box.top, box.right, box.bottom)
            shape = self._api.api.pose_predictor_68_point(image, rect)
            dlib_chip = None
            if self.model.chip == "dlib150":
                dlib_chip = np.asarray(dlib.get_face_chip(image, shape, CHIP_SIZE, CHIP_PADDING))
        points = [(p.x, p.y) for p in shape.parts()]
        chip = dlib_chip if dlib_chip is not None else aligned_chip(image, five_points(points))
        return chip, named_landmarks(points)

    def distance(self, a: np.ndarray, b: np.ndarray) -> float:
        """How far apart two encodings of this engine's model are."""
        return self.model.distance(a, b)

    def describe(self, chips: list[np.ndarray]) -> list[np.ndarray]:
        """One encoding (float64; 192-d unit vectors for MobileFaceNet, 128-d for dlib) per
        aligned chip (see :meth:`align`)."""
        if self._embedder is not None:
            return self._embedder.embed(chips)
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


def load_engine(model: str | None = None) -> FaceEngine:
    """Import face_recognition, load its models and the embedding model ``model`` (default:
    :data:`~kiosk.face.matching.models.DEFAULT_MODEL`), once per process and model.

    Raises :class:`ModelMissingError` naming what to install, or the model file to restore.
    """
    return _engine(face_model(model).name)


@lru_cache(maxsize=2)
def _engine(name: str) -> FaceEngine:
    chosen = face_model(name)
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
    return FaceEngine(face_recognition, chosen)

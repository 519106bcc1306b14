"""The face-embedding models the kiosk can run, and loading the one shipped as a file.

``mobilefacenet`` (the default) is MobileFaceNet, a 192-d embedding trained with an ArcFace-style
loss on insightface's aligned MS1M crops; it reads the 112x112 five-point chip of
:mod:`kiosk.face.matching.align`. Its weights ship in ``assets/models/`` as ONNX, converted from the
TFLite file of a registry package (``assets/models/PROVENANCE.md`` says which, with the
licence and the training data; ``assets/models/rebuild.py`` repeats the conversion). It runs in
OpenCV's DNN module; nothing is downloaded, ever.

``dlib`` is dlib's ResNet (through face_recognition, 128-d, its own 150x150 chip): kept for
comparison (``[face] model = "dlib"``). It hardly separates East Asian faces (docs/face.md).

Each model has its own distance and its own tolerance, chosen by the rule in docs/face.md from
the different-person distances of several sets.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kiosk.face.camera.base import opencv
from kiosk.face.errors import ModelMissingError
from kiosk.paths import assets_dir


@dataclass(frozen=True)
class FaceModel:
    """One embedding model: how its chip is cut, how far apart two faces are, its tolerance."""

    name: str
    dimensions: int
    metric: str
    """``cosine`` (1 - cosine similarity, 0 … 2) or ``euclidean``."""
    tolerance: float
    """Distance at or below which two faces are the same person (docs/face.md's rule)."""
    chip: str
    """``arcface112`` (five points, 112x112) or ``dlib150`` (dlib's own chip)."""
    file: str | None = None
    """The weights under assets/models (None: they come with a package)."""
    sha256: str | None = None
    mean: float = 127.5
    scale: float = 1.0 / 128.0

    def path(self) -> Path:
        if self.file is None:
            raise ModelMissingError(f"the {self.name} model has no file of its own")
        return assets_dir() / "models" / self.file

    def distance(self, a: np.ndarray, b: np.ndarray) -> float:
        """How far apart two encodings are (0: identical)."""
        if self.metric == "cosine":
            norms = float(np.linalg.norm(a) * np.linalg.norm(b))
            return 1.0 - float(np.dot(a, b)) / norms if norms > 0 else 1.0
        return float(np.linalg.norm(a - b))


MOBILEFACENET = FaceModel(
    name="mobilefacenet",
    dimensions=192,
    metric="cosine",
    tolerance=0.31,
    chip="arcface112",
    file="mobilefacenet.onnx",
    sha256="b17b4d46a8bf5723607217c9f5a055635a988a6b809fc23261d9a73588d3cff1",
)
DLIB = FaceModel(name="dlib", dimensions=128, metric="euclidean", tolerance=0.31, chip="dlib150")

MODELS: dict[str, FaceModel] = {m.name: m for m in (MOBILEFACENET, DLIB)}
DEFAULT_MODEL = MOBILEFACENET.name


def face_model(name: str | None = None) -> FaceModel:
    """The model called ``name`` (default: :data:`DEFAULT_MODEL`)."""
    try:
        return MODELS[name or DEFAULT_MODEL]
    except KeyError:
        raise ModelMissingError(
            f"unknown face model {name!r} (known: {', '.join(MODELS)})"
        ) from None


def restore_hint(model: FaceModel) -> str:
    return (
        f"restore it with `git checkout -- assets/models/{model.file}` or rebuild it with "
        "`python assets/models/rebuild.py` (see assets/models/PROVENANCE.md)"
    )


def checked_file(model: FaceModel) -> Path:
    """The model's file, after checking it is there and is the file shipped (its sha256)."""
    path = model.path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelMissingError(
            f"the face model file {path} cannot be read ({exc.strerror or exc}); "
            + restore_hint(model)
        ) from None
    if model.sha256 is not None and hashlib.sha256(data).hexdigest() != model.sha256:
        raise ModelMissingError(
            f"the face model file {path} is damaged (its checksum differs); " + restore_hint(model)
        )
    return path


class OnnxEmbedder:
    """An embedding network in ONNX run by OpenCV's DNN module (one call at a time)."""

    def __init__(self, model: FaceModel) -> None:
        cv2 = opencv()
        path = checked_file(model)
        try:
            self._net: Any = cv2.dnn.readNetFromONNX(str(path))
        except cv2.error:
            raise ModelMissingError(
                f"OpenCV cannot load the face model file {path}; " + restore_hint(model)
            ) from None
        self.model = model
        self._lock = threading.Lock()

    def embed(self, chips: list[np.ndarray]) -> list[np.ndarray]:
        """One unit-length embedding (float64) per aligned RGB uint8 chip."""
        if not chips:
            return []
        batch = (np.asarray(chips, dtype=np.float32) - self.model.mean) * self.model.scale
        blob = np.ascontiguousarray(batch.transpose(0, 3, 1, 2))
        with self._lock:
            self._net.setInput(blob)
            out = np.asarray(self._net.forward(), dtype=np.float64)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out = out / np.maximum(norms, 1e-12)
        return [row.copy() for row in out]

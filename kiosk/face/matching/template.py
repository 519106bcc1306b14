"""Face templates: the card photo's encoding from several views, and the live face's encoding
fused over several frames, weighted by their quality.

Card side (a cost paid once per card, at ``prepare``): the chip photo's face is aligned on its
68 landmarks and cut out once; the encoding is the mean of the encodings of ``CARD_VIEWS``
(the chip turned by a few degrees) and of their mirror images — six encodings that average out
how the small, compressed greyscale photo happens to fall on the network's grid.

Live side: every encoded frame's encoding joins a :class:`LiveFusion` with a weight from its
quality (:func:`frame_weight`: sharpness of the chip, face turned towards the camera); the
distance that decides is the one between the card encoding and the weighted mean of the last
``window`` frames. A camera gives several frames of one attempt anyway; their mean is steadier
than any single one (noise, a half-blink, a slight turn).

Measured on faces-dev and the licensed photos (see docs/face.md): with 68-point alignment,
the card views and the fused frames, genuine distances drop by about 0.03-0.07 while the
closest different-person pair stays where it was.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

import numpy as np

from kiosk.face.guidance.liveness import nose_offset
from kiosk.face.matching.engine import FaceEngine, Landmarks

CARD_VIEWS: tuple[float, ...] = (0.0, 4.0, -4.0)
"""Rotations in degrees of the card photo's aligned chip whose encodings (with their mirror
images) are averaged into the card encoding."""

SHARP_REFERENCE = 120.0
"""Laplacian variance of a chip's grey values at which a frame counts as fully sharp."""
MIN_WEIGHT = 0.1
"""The least weight of a frame that passed the quality checks."""


def card_views(chip: np.ndarray, views: tuple[float, ...] = CARD_VIEWS) -> list[np.ndarray]:
    """The aligned chip turned by each of ``views`` degrees, each followed by its mirror."""
    import cv2

    h, w = chip.shape[:2]
    out: list[np.ndarray] = []
    for angle in views:
        view = chip
        if angle:
            matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
            view = cv2.warpAffine(
                chip, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
            )
        out += [np.ascontiguousarray(view), np.ascontiguousarray(view[:, ::-1])]
    return out


def card_encoding(engine: FaceEngine, chip: np.ndarray) -> np.ndarray:
    """The card photo's encoding: the mean over its views (see the module docstring)."""
    return mean_encoding(engine.describe(card_views(chip)))


def mean_encoding(encodings: list[np.ndarray], weights: list[float] | None = None) -> np.ndarray:
    """The (weighted) mean of encodings."""
    stack = np.asarray(encodings, dtype=np.float64)
    w = np.ones(len(encodings)) if weights is None else np.asarray(weights, dtype=np.float64)
    return np.asarray((stack * w[:, None]).sum(axis=0) / w.sum())


def sharpness(chip: np.ndarray) -> float:
    """Variance of the Laplacian of the chip's grey values (higher: sharper)."""
    grey = chip.astype(np.float64).mean(axis=2)
    lap = (
        grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1] - 4.0 * grey[1:-1, 1:-1]
    )
    return float(lap.var())


def frame_weight(chip: np.ndarray, marks: Landmarks) -> float:
    """How much a frame counts in the fusion, in [MIN_WEIGHT, 1]: sharp and frontal is 1."""
    sharp = min(1.0, sharpness(chip) / SHARP_REFERENCE)
    along, _across = nose_offset(marks)
    frontal = max(0.0, 1.0 - abs(along) / 0.35)
    return max(MIN_WEIGHT, sharp * frontal)


class LiveFusion:
    """The live encodings of one attempt and their weights; the last ``window`` count."""

    def __init__(self, window: int = 5) -> None:
        self._frames: deque[tuple[np.ndarray, float]] = deque(maxlen=max(1, window))

    def __len__(self) -> int:
        return len(self._frames)

    def add(self, encoding: np.ndarray, weight: float) -> None:
        self._frames.append((encoding, weight))

    def fused(self) -> np.ndarray | None:
        """The weighted mean of the frames in the window (None before the first)."""
        if not self._frames:
            return None
        return mean_encoding([e for e, _ in self._frames], [w for _, w in self._frames])

    def distance_to(
        self, card: np.ndarray, measure: Callable[[np.ndarray, np.ndarray], float]
    ) -> float | None:
        """The fused live encoding's distance to the card's (``measure``: the model's
        distance, e.g. ``engine.distance``)."""
        fused = self.fused()
        return None if fused is None else measure(card, fused)

    def forget(self) -> None:
        self._frames.clear()

"""Image-quality checks on one frame: face count, size, position, light, eyes, face covered.

Pure numpy over the frame, the face boxes and the 68-point landmarks; thresholds are in
:class:`QualityLimits` (fractions of the frame, 0-255 luma, ratios).

The covered-face (mask) heuristic compares the lower face (below the nose, around the mouth
and chin, from the landmarks) with the forehead band above the brows: a mask differs from
skin in colour (Cr/Cb chroma distance) or is much flatter (less gradient energy). Limits: dlib
places landmarks on a masked face by guessing, HOG often finds no face at all under a mask
(then the guidance is "no face"), a skin-coloured mask or a beard can fool it either way, a
fringe or a hat over the forehead spoils the reference, and greyscale frames only have the
texture test.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.face.guidance.messages import Guidance
from kiosk.face.matching.results import Box

Landmarks = dict[str, list[tuple[int, int]]]


@dataclass(frozen=True)
class QualityLimits:
    """Thresholds of the quality checks."""

    min_face_width: float = 0.12
    """Face narrower than this fraction of the frame width: too far."""
    max_face_width: float = 0.45
    """Face wider than this fraction of the frame width: too close."""
    max_offset_x: float = 0.20
    """Face centre further than this fraction of the width from the centre: off-centre."""
    max_offset_y: float = 0.25
    """Face centre further than this fraction of the height from the centre: off-centre."""
    second_face_area: float = 0.15
    """A second face counts when its area is at least this fraction of the largest's."""
    min_luma: float = 55.0
    """Mean face luma (0-255) below this: too dark."""
    max_luma: float = 215.0
    """Mean face luma above this: too bright."""
    eyes_closed_ear: float = 0.17
    """Mean eye aspect ratio below this: eyes closed (open eyes are about 0.25-0.35)."""
    covered_chroma: float = 35.0
    """Lower-face/forehead chroma distance above this: covered (colour frames)."""
    covered_texture: float = 0.30
    """Lower-face gradient energy below this fraction of the forehead's: covered."""


def eye_aspect_ratio(eye: list[tuple[int, int]]) -> float:
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) over the six eye landmarks; 0 for a degenerate eye."""
    p = np.asarray(eye, dtype=np.float64)
    width = np.linalg.norm(p[0] - p[3])
    if width < 1e-6:
        return 0.0
    return float((np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2.0 * width))


def mean_ear(marks: Landmarks) -> float:
    """Mean eye aspect ratio of both eyes."""
    return (eye_aspect_ratio(marks["left_eye"]) + eye_aspect_ratio(marks["right_eye"])) / 2.0


def _luma(frame: np.ndarray) -> np.ndarray:
    rgb = frame.astype(np.float32)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


def _chroma(pixels: np.ndarray) -> np.ndarray:
    """Mean (Cr, Cb) of an N x 3 RGB pixel array."""
    rgb = pixels.astype(np.float32)
    y = 0.299 * rgb[:, 0] + 0.587 * rgb[:, 1] + 0.114 * rgb[:, 2]
    cr = 0.713 * (rgb[:, 0] - y)
    cb = 0.564 * (rgb[:, 2] - y)
    return np.array([cr.mean(), cb.mean()])


def _patch(frame: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    h, w = frame.shape[:2]
    xa, xb = sorted((int(max(0, min(w, x0))), int(max(0, min(w, x1)))))
    ya, yb = sorted((int(max(0, min(h, y0))), int(max(0, min(h, y1)))))
    return frame[ya:yb, xa:xb]


def _gradient_energy(grey: np.ndarray) -> float:
    if grey.shape[0] < 3 or grey.shape[1] < 3:
        return 0.0
    gx = np.diff(grey, axis=1)
    gy = np.diff(grey, axis=0)
    return float(np.abs(gx).mean() + np.abs(gy).mean())


def cover_scores(frame: np.ndarray, marks: Landmarks) -> tuple[float, float]:
    """(chroma distance, lower/forehead texture ratio) between the lower face and the forehead."""
    brows = np.asarray(marks["left_eyebrow"] + marks["right_eyebrow"], dtype=np.float64)
    chin = np.asarray(marks["chin"], dtype=np.float64)
    nose = np.asarray(marks["nose_tip"], dtype=np.float64)
    lips = np.asarray(marks["top_lip"] + marks["bottom_lip"], dtype=np.float64)
    eye_span = brows[:, 0].max() - brows[:, 0].min()
    brow_top = brows[:, 1].min()
    forehead = _patch(
        frame,
        brows[:, 0].min() + 0.2 * eye_span,
        brow_top - 0.22 * eye_span,
        brows[:, 0].max() - 0.2 * eye_span,
        brow_top - 0.04 * eye_span,
    )
    lower = _patch(
        frame,
        lips[:, 0].min() - 0.10 * eye_span,
        nose[:, 1].max(),
        lips[:, 0].max() + 0.10 * eye_span,
        min(chin[:, 1].max(), lips[:, 1].max() + 0.15 * eye_span),
    )
    if forehead.size == 0 or lower.size == 0:
        return 0.0, 1.0
    chroma = float(np.linalg.norm(_chroma(forehead.reshape(-1, 3)) - _chroma(lower.reshape(-1, 3))))
    upper_energy = _gradient_energy(_luma(forehead))
    lower_energy = _gradient_energy(_luma(lower))
    ratio = lower_energy / upper_energy if upper_energy > 1e-6 else 1.0
    return chroma, ratio


def face_luma(frame: np.ndarray, box: Box) -> float | None:
    """Mean luma (0-255) inside the face box; None when the box holds no pixel."""
    face = _patch(frame, box.left, box.top, box.right, box.bottom)
    return float(_luma(face).mean()) if face.size else None


def is_greyscale(frame: np.ndarray) -> bool:
    """True when the three channels are (nearly) equal, as in a chip photo."""
    sample = frame[::8, ::8].astype(np.int16)
    return bool(np.abs(sample[..., 0] - sample[..., 1]).mean() < 2.0)


def assess(
    frame: np.ndarray,
    faces: list[Box],
    largest: Box | None,
    marks: Landmarks | None,
    limits: QualityLimits,
) -> list[Guidance]:
    """Every quality problem of this frame, most important first (empty when all is well)."""
    if largest is None:
        return [Guidance.NO_FACE]
    issues: list[Guidance] = []
    h, w = frame.shape[:2]
    others = [b for b in faces if b != largest and b.area >= limits.second_face_area * largest.area]
    if others:
        issues.append(Guidance.SEVERAL_FACES)
    if largest.width < limits.min_face_width * w:
        issues.append(Guidance.TOO_FAR)
    elif largest.width > limits.max_face_width * w:
        issues.append(Guidance.TOO_CLOSE)
    cx = (largest.left + largest.right) / 2 / w - 0.5
    cy = (largest.top + largest.bottom) / 2 / h - 0.5
    if abs(cx) > limits.max_offset_x or abs(cy) > limits.max_offset_y:
        issues.append(Guidance.OFF_CENTRE)
    luma = face_luma(frame, largest)
    if luma is not None:
        if luma < limits.min_luma:
            issues.append(Guidance.TOO_DARK)
        elif luma > limits.max_luma:
            issues.append(Guidance.TOO_BRIGHT)
    if marks is not None:
        chroma, texture = cover_scores(frame, marks)
        colour_says = not is_greyscale(frame) and chroma > limits.covered_chroma
        if colour_says or texture < limits.covered_texture:
            issues.append(Guidance.COVERED)
        if mean_ear(marks) < limits.eyes_closed_ear:
            issues.append(Guidance.EYES_CLOSED)
    return issues

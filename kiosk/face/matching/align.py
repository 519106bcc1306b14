"""Five-point face alignment, exactly as ArcFace-family networks were trained.

Networks trained on insightface's aligned MS1M crops (MobileFaceNet among them) read a 112x112
RGB chip on which five points sit at fixed places (:data:`ARCFACE_112`): the centre of the eye
on the image's left, the centre of the eye on the image's right, the tip of the nose, and the
left and right corners of the mouth. The chip is cut by the similarity transform (rotation,
uniform scale, shift; no shear, no reflection) that carries the face's five points onto the
template in the least-squares sense (Umeyama's method, as insightface's ``norm_crop``).

The five points come from dlib's 68 landmarks (:func:`five_points`): the mean of each eye's six
contour points, point 30 (the nose tip: 27-29 are the bridge, 31-35 the nostrils' base), and
points 48 and 54 (the mouth's outer corners). Taking the nose from the wrong landmark moves the
whole chip and costs more accuracy than any threshold can win back; the tests pin each point.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ARCFACE_112: np.ndarray = np.array(
    [
        [38.2946, 51.6963],
        [73.5318, 51.5014],
        [56.0252, 71.7366],
        [41.5493, 92.3655],
        [70.7299, 92.2041],
    ],
    dtype=np.float64,
)
"""Where the five points sit on a 112x112 chip (insightface's ``arcface_dst``), x then y."""

CHIP_SIDE = 112

LEFT_EYE = slice(36, 42)
"""The eye on the image's left (the person's right eye), 68-point indices."""
RIGHT_EYE = slice(42, 48)
NOSE_TIP = 30
MOUTH_LEFT = 48
MOUTH_RIGHT = 54


def five_points(points: Sequence[tuple[float, float]]) -> np.ndarray:
    """The five alignment points (5 x 2, x then y) from dlib's 68 landmarks, in the order of
    :data:`ARCFACE_112`."""
    if len(points) != 68:
        raise ValueError(f"need the 68 landmarks, got {len(points)} points")
    p = np.asarray(points, dtype=np.float64)
    return np.array(
        [
            p[LEFT_EYE].mean(axis=0),
            p[RIGHT_EYE].mean(axis=0),
            p[NOSE_TIP],
            p[MOUTH_LEFT],
            p[MOUTH_RIGHT],
        ]
    )


def similarity(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 2x3 similarity transform that best maps ``source`` points onto ``target`` points
    (least squares; Umeyama 1991, reflection excluded)."""
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    if src.shape != dst.shape or src.ndim != 2 or src.shape[1] != 2 or len(src) < 2:
        raise ValueError("need two equal lists of at least two (x, y) points")
    mean_src, mean_dst = src.mean(axis=0), dst.mean(axis=0)
    centred_src, centred_dst = src - mean_src, dst - mean_dst
    covariance = centred_dst.T @ centred_src / len(src)
    u, singular, vt = np.linalg.svd(covariance)
    sign = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        sign[-1] = -1.0
    rotation = u @ np.diag(sign) @ vt
    variance = (centred_src**2).sum() / len(src)
    if variance <= 0:
        raise ValueError("the points coincide")
    scale = float((singular * sign).sum() / variance)
    shift = mean_dst - scale * rotation @ mean_src
    return np.hstack([scale * rotation, shift[:, None]])


def aligned_chip(
    image: np.ndarray,
    points: np.ndarray,
    side: int = CHIP_SIDE,
    template: np.ndarray = ARCFACE_112,
) -> np.ndarray:
    """The face whose five ``points`` are given, cut from ``image`` as a ``side`` x ``side``
    chip with those points on the template (scaled from 112 when ``side`` differs)."""
    import cv2

    matrix = similarity(points, template * (side / CHIP_SIDE))
    chip = cv2.warpAffine(image, matrix, (side, side), flags=cv2.INTER_LINEAR, borderValue=0)
    return np.ascontiguousarray(chip)

"""Five-point alignment as the embedding model was trained: which landmark is which point, the
similarity transform, and where the points land on the 112x112 chip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kiosk.face.camera.people import find_photo, load_rgb
from kiosk.face.evaluation.evaluate import live_face
from kiosk.face.matching.align import ARCFACE_112, aligned_chip, five_points, similarity
from kiosk.face.matching.engine import load_engine


def _numbered_landmarks() -> list[tuple[float, float]]:
    """68 points, each its own place, so that a wrong index shows."""
    return [(float(i), float(100 + 3 * i)) for i in range(68)]


def test_the_five_points_come_from_the_right_landmarks() -> None:
    points = _numbered_landmarks()
    five = five_points(points)
    assert five.shape == (5, 2)
    assert np.allclose(five[0], np.mean(points[36:42], axis=0))  # eye on the image's left
    assert np.allclose(five[1], np.mean(points[42:48], axis=0))  # eye on the image's right
    assert np.allclose(five[2], points[30])  # the nose tip, not the bridge (27) nor 33
    assert np.allclose(five[3], points[48])  # mouth corner on the image's left
    assert np.allclose(five[4], points[54])


def test_five_points_need_the_68_landmarks() -> None:
    with pytest.raises(ValueError, match="68"):
        five_points([(0.0, 0.0)] * 5)


def _turned(points: np.ndarray, scale: float, degrees: float, shift: tuple[float, float]):
    a = math.radians(degrees)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return (scale * (rotation @ points.T)).T + np.array(shift)


def test_the_similarity_undoes_a_turn_a_scale_and_a_shift() -> None:
    seen = _turned(ARCFACE_112, 2.7, 17.0, (300.0, 140.0))
    matrix = similarity(seen, ARCFACE_112)
    back = (matrix[:, :2] @ seen.T).T + matrix[:, 2]
    assert np.allclose(back, ARCFACE_112, atol=1e-6)
    # a similarity: no shear, one scale
    linear = matrix[:, :2]
    assert np.allclose(linear @ linear.T, (1 / 2.7) ** 2 * np.eye(2), atol=1e-9)


def test_a_mirrored_face_is_not_aligned_by_a_reflection() -> None:
    mirrored = ARCFACE_112 * np.array([-1.0, 1.0])
    matrix = similarity(mirrored, ARCFACE_112)
    assert np.linalg.det(matrix[:, :2]) > 0


def test_the_points_land_on_the_template() -> None:
    image = np.zeros((600, 800, 3), np.uint8)
    seen = _turned(ARCFACE_112, 3.1, -12.0, (320.0, 150.0))
    for x, y in seen:
        image[round(y) - 2 : round(y) + 3, round(x) - 2 : round(x) + 3] = 255
    chip = aligned_chip(image, seen)
    assert chip.shape == (112, 112, 3)
    for x, y in ARCFACE_112:
        assert chip[round(y), round(x)].max() > 100  # a dot where the template puts the point
    assert chip[5, 5].max() == 0


def test_a_real_face_is_cut_with_its_points_on_the_template() -> None:
    """Landmarks found again on the aligned chip (enlarged 4x) sit on the template."""
    import cv2

    engine = load_engine("mobilefacenet")
    frame = load_rgb(find_photo("obama").path)
    chip, _marks = engine.align(frame, live_face(frame, engine))
    assert chip.shape == (112, 112, 3)
    big = cv2.resize(chip, (448, 448), interpolation=cv2.INTER_CUBIC)
    boxes = engine.detect(big, 0) or engine.detect_hard(big)
    marks = engine.landmarks(big, [max(boxes, key=lambda b: b.area)])[0]
    found = (
        np.array(
            [
                np.mean(marks["left_eye"], axis=0),
                np.mean(marks["right_eye"], axis=0),
                marks["nose_bridge"][-1],  # point 30
                marks["top_lip"][0],  # point 48
                marks["top_lip"][6],  # point 54
            ],
            dtype=np.float64,
        )
        / 4.0
    )
    off = np.abs(found - ARCFACE_112).max(axis=1)
    assert off[:3].max() < 3.5  # eyes and nose tip where the model expects them
    assert off[3:].max() < 7.0  # a mouth is wider or narrower than the average one

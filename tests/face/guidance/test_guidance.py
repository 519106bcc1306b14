"""Quality guidance on real photos: several faces, no face, distance, position, light, eyes,
covered face."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, ImageDraw

from helpers.frames import run_frames
from kiosk.face.camera.synthetic import compose
from kiosk.face.guidance.messages import Guidance
from kiosk.face.matching.engine import load_engine
from kiosk.face.matching.results import FrameResult, Verdict
from kiosk.face.matching.verifier import DlibVerifier


@pytest.fixture
def verifier(card_jp2: Callable[[str], bytes]) -> DlibVerifier:
    v = DlibVerifier()
    v.prepare(card_jp2("obama"))
    return v


def _one(verifier: DlibVerifier, frame: np.ndarray) -> FrameResult:
    return verifier.check(frame, now=0.0)


def test_two_people_in_the_frame(
    verifier: DlibVerifier, photo: Callable[[str], np.ndarray]
) -> None:
    result = _one(verifier, compose([photo("obama"), photo("biden")]))
    assert result.faces == 2
    assert result.guidance is Guidance.SEVERAL_FACES
    assert result.attempts == 0  # never encoded while two people are there


def test_no_face(verifier: DlibVerifier) -> None:
    gradient = np.tile(np.linspace(60, 200, 1280, dtype=np.uint8)[None, :, None], (720, 1, 3))
    result = _one(verifier, gradient)
    assert result.guidance is Guidance.NO_FACE and result.faces == 0
    assert result.verdict is Verdict.PENDING


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"face_fraction": 0.09}, Guidance.TOO_FAR),
        ({"face_fraction": 0.6}, Guidance.TOO_CLOSE),
        ({"offset": (0.3, 0.0)}, Guidance.OFF_CENTRE),
    ],
)
def test_position_guidance(
    verifier: DlibVerifier,
    person_camera: Callable[..., object],
    options: dict[str, object],
    expected: Guidance,
) -> None:
    result = _one(verifier, person_camera("obama", **options).read())  # type: ignore[attr-defined]
    assert result.guidance is expected


def test_light_guidance(verifier: DlibVerifier, person_camera: Callable[..., object]) -> None:
    frame = person_camera("obama", light=False).read()  # type: ignore[attr-defined]
    dark = (frame * 0.22).astype(np.uint8)
    bright = np.clip(frame.astype(np.int16) * 2 + 90, 0, 255).astype(np.uint8)
    assert _one(verifier, dark).guidance is Guidance.TOO_DARK
    assert _one(verifier, bright).guidance is Guidance.TOO_BRIGHT
    assert _one(verifier, frame).guidance is Guidance.HOLD_STILL


def test_eyes_kept_closed(verifier: DlibVerifier, person_camera: Callable[..., object]) -> None:
    results = run_frames(verifier, person_camera("collins", eyes_closed=True), 30)
    assert Guidance.EYES_CLOSED in results[0].issues or results[0].issues == ()
    assert results[-1].guidance is Guidance.EYES_CLOSED  # after 0.6 s of closed eyes
    assert all(r.attempts == 0 for r in results)  # closed eyes are never encoded


def test_a_blink_is_not_eyes_closed(
    verifier: DlibVerifier, person_camera: Callable[..., object]
) -> None:
    results = run_frames(verifier, person_camera("collins"), 50)
    assert all(r.guidance is not Guidance.EYES_CLOSED for r in results)


def _masked(frame: np.ndarray) -> np.ndarray:
    engine = load_engine()
    small = np.asarray(Image.fromarray(frame).resize((640, 360)))
    box = max(engine.detect(small), key=lambda b: b.area).scaled(2.0, 1280, 720)
    marks = engine.landmarks(frame, [box])[0]
    picture = Image.fromarray(frame.copy())
    ImageDraw.Draw(picture).polygon(
        [*marks["chin"][1:16], marks["nose_bridge"][1]], fill=(200, 215, 230)
    )
    return np.asarray(picture)


@pytest.mark.parametrize("person", ["obama", "biden", "hopper"])
def test_a_mask_is_covered_not_missing(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object], person: str
) -> None:
    verifier = DlibVerifier()
    verifier.prepare(card_jp2(person))
    frame = _masked(person_camera(person, light=False, motion=False).read())  # type: ignore[attr-defined]
    result = verifier.check(frame, now=0.0)
    assert result.guidance is Guidance.COVERED
    assert result.attempts == 0

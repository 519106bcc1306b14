"""Liveness: a blink passes; a still photo, a frozen sequence or a waved photo do not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from helpers.frames import run_frames
from kiosk.face.camera.people import find_photo
from kiosk.face.camera.sources import open_camera
from kiosk.face.guidance.liveness import LivenessPolicy, LivenessTracker, nose_offset
from kiosk.face.matching.results import Liveness, Verdict
from kiosk.face.matching.verifier import DlibVerifier, VerifierPolicy

SHORT = VerifierPolicy(liveness=LivenessPolicy(window_s=3.0))


def test_a_still_photo_is_refused_as_frozen(card_jp2: Callable[[str], bytes]) -> None:
    verifier = DlibVerifier(SHORT)
    verifier.prepare(card_jp2("obama"))
    camera = open_camera(f"image:{find_photo('obama').path}", size=(1280, 720))
    results = run_frames(verifier, camera, 60)
    assert results[-1].verdict is Verdict.NOT_LIVE
    assert results[-1].liveness is Liveness.FROZEN
    assert len(results) <= 10  # refused at once, not after the window


def test_a_frozen_sequence_is_refused(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    verifier = DlibVerifier(SHORT)
    verifier.prepare(card_jp2("obama"))
    camera = person_camera("obama", blink=False, motion=False, light=False)
    results = run_frames(verifier, camera, 60)
    assert results[-1].verdict is Verdict.NOT_LIVE
    assert results[-1].liveness is Liveness.FROZEN
    assert any(r.distance is not None and r.distance < 0.3 for r in results)  # face matched


def test_a_photo_moved_in_front_of_the_camera_is_refused(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    verifier = DlibVerifier(SHORT)
    verifier.prepare(card_jp2("obama-2"))
    results = run_frames(verifier, person_camera("obama", blink=False), 120)
    assert results[-1].verdict is Verdict.NOT_LIVE
    assert results[-1].liveness is Liveness.WAITING
    assert results[-1].agreeing == 3  # it was the right face: only liveness refused it
    assert 3.0 < len(results) / 30 < 3.2


def test_a_blink_is_liveness(person_camera: Callable[..., object]) -> None:
    from kiosk.face.matching.engine import load_engine

    engine = load_engine()
    tracker = LivenessTracker()
    camera = person_camera("hopper")
    for i in range(50):
        frame = camera.read()  # type: ignore[attr-defined]
        half = np.ascontiguousarray(frame[::2, ::2])
        box = max(engine.detect(half), key=lambda b: b.area).scaled(2.0, 1280, 720)
        tracker.observe_face(engine.landmarks(frame, [box])[0], i / 30)
    assert tracker.state is Liveness.BLINK


def test_head_turn_counts_but_rigid_motion_does_not() -> None:
    eyes = {
        "left_eye": [(100, 100), (105, 97), (115, 97), (120, 100), (115, 103), (105, 103)],
        "right_eye": [(180, 100), (185, 97), (195, 97), (200, 100), (195, 103), (185, 103)],
    }

    def face(nose_x: float, shift: float = 0.0, scale: float = 1.0) -> dict:
        def move(p: tuple[float, float]) -> tuple[int, int]:
            return (round(p[0] * scale + shift), round(p[1] * scale + shift))

        marks = {k: [move(p) for p in v] for k, v in eyes.items()}
        marks["nose_tip"] = [move((nose_x - 10 + 5 * i, 150)) for i in range(5)]
        return marks

    assert abs(nose_offset(face(150.0))[0]) < 1e-6
    moved = LivenessTracker()
    for i in range(20):
        moved.observe_face(face(150.0, shift=3.0 * i, scale=1 + 0.01 * i), i / 30)
    assert moved.state is Liveness.WAITING
    turned = LivenessTracker()
    for i in range(20):
        turned.observe_face(face(150.0 + 2.0 * i), i / 30)
    assert turned.state is Liveness.HEAD_MOVEMENT


def test_policy_window_is_from_the_first_face(tmp_path: Path) -> None:
    tracker = LivenessTracker(LivenessPolicy(window_s=2.0))
    assert not tracker.expired(100.0)  # no face yet: nothing to expire
    tracker.first_face_at = 10.0
    assert not tracker.expired(11.9)
    assert tracker.expired(12.1)

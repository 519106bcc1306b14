"""Matching on the real licensed photos: card path against live images and live sequences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from helpers.frames import run_frames
from kiosk.face.errors import CardPhotoError, VerifierStateError
from kiosk.face.evaluation.evaluate import distance_of
from kiosk.face.guidance.liveness import LivenessPolicy
from kiosk.face.matching.engine import load_engine
from kiosk.face.matching.results import Liveness, Verdict
from kiosk.face.matching.verifier import DEFAULT_TOLERANCE, DlibVerifier, VerifierPolicy

SAME = [("obama-2", "obama"), ("obama-3", "obama"), ("obama", "obama-2"), ("biden", "biden")]
DIFFERENT = [("biden", "obama"), ("obama", "biden"), ("hopper", "collins"), ("collins", "hopper")]


@pytest.mark.parametrize(("card", "live"), SAME)
def test_same_person_through_the_card_path_matches(
    card: str, live: str, photo: Callable[[str], np.ndarray]
) -> None:
    assert distance_of(photo(card), photo(live), load_engine()) <= DEFAULT_TOLERANCE


@pytest.mark.parametrize(("card", "live"), DIFFERENT)
def test_different_people_do_not_match(
    card: str, live: str, photo: Callable[[str], np.ndarray]
) -> None:
    assert distance_of(photo(card), photo(live), load_engine()) > DEFAULT_TOLERANCE


def test_live_sequence_of_the_card_holder_is_a_match(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    verifier = DlibVerifier()
    verifier.prepare(card_jp2("obama-2"))  # a different photo from the live one
    results = run_frames(verifier, person_camera("obama"), 120)
    final = results[-1]
    assert final.verdict is Verdict.MATCH
    assert final.liveness is Liveness.BLINK
    assert final.agreeing == final.needed == 3
    encoded = [r.distance for r in results if r.distance is not None]
    assert len(encoded) == 3 and max(encoded) <= DEFAULT_TOLERANCE
    assert not verifier.ready  # dropped after the verdict


def test_someone_else_with_the_card_is_not_matched(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    verifier = DlibVerifier(VerifierPolicy(max_attempts=6))
    verifier.prepare(card_jp2("biden"))
    results = run_frames(verifier, person_camera("obama"), 60)
    assert results[-1].verdict is Verdict.NO_MATCH
    assert results[-1].agreeing == 0 and results[-1].attempts == 6


def test_greyscale_card_against_each_primary_live_person(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    for person in ("biden", "hopper", "collins"):
        verifier = DlibVerifier()
        verifier.prepare(card_jp2(person))
        assert run_frames(verifier, person_camera(person), 120)[-1].verdict is Verdict.MATCH


def test_timeout_is_a_verdict(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    policy = VerifierPolicy(timeout_s=0.5, liveness=LivenessPolicy(window_s=30))
    verifier = DlibVerifier(policy)
    verifier.prepare(card_jp2("obama"))
    results = run_frames(verifier, person_camera("obama", blink=False), 40)
    assert results[-1].verdict is Verdict.TIMEOUT
    assert len(results) == 17  # the first frame past 0.5 s


def test_frames_before_prepare_are_refused(person_camera: Callable[..., object]) -> None:
    with pytest.raises(VerifierStateError):
        DlibVerifier().check(person_camera("hopper").read())  # type: ignore[attr-defined]


def test_a_card_photo_without_a_face_is_a_clear_error() -> None:
    from kiosk.face.matching.chip import chip_photo_jp2

    blank = np.full((320, 256, 3), 128, np.uint8)
    with pytest.raises(CardPhotoError, match="no face found"):
        DlibVerifier().prepare(chip_photo_jp2(blank))

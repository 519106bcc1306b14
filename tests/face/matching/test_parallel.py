"""Encodings on the second core: same decisions and distances, nothing kept, robust to the child."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from helpers.frames import run_frames
from kiosk.face.errors import CardPhotoError
from kiosk.face.matching.encoder import EncoderProcess, shared_encoder
from kiosk.face.matching.engine import load_engine
from kiosk.face.matching.results import Liveness, Verdict
from kiosk.face.matching.verifier import DlibVerifier, VerifierPolicy


@pytest.fixture(scope="module")
def encoder() -> Iterator[EncoderProcess]:
    child = EncoderProcess()
    assert child.wait_ready(60.0)
    yield child
    child.close()


def _last_distance(results: list) -> float:  # type: ignore[type-arg]
    return [r.distance for r in results if r.distance is not None][-1]


def test_same_verdict_and_distances_as_encoding_in_this_thread(
    encoder: EncoderProcess, card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    serial = DlibVerifier()
    serial.prepare(card_jp2("obama-2"))
    expected = run_frames(serial, person_camera("obama"), 120)
    parallel = DlibVerifier(encoder=encoder)
    parallel.prepare(card_jp2("obama-2"))
    assert parallel.ready
    results = run_frames(parallel, person_camera("obama"), 120)
    assert results[-1].verdict is expected[-1].verdict is Verdict.MATCH
    assert results[-1].liveness is Liveness.BLINK
    assert results[-1].agreeing == results[-1].attempts == 3
    # the same frames fused in the same order: the deciding distance is the same, bit for bit
    assert _last_distance(results) == _last_distance(expected)
    assert len(results) == len(expected)
    assert not parallel.ready and encoder.in_flight is None


def test_someone_else_is_not_matched(
    encoder: EncoderProcess, card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    verifier = DlibVerifier(VerifierPolicy(max_attempts=6), encoder=encoder)
    verifier.prepare(card_jp2("biden"))
    results = run_frames(verifier, person_camera("obama"), 200)
    assert results[-1].verdict is Verdict.NO_MATCH
    assert results[-1].agreeing == 0 and results[-1].attempts == 6


def test_a_card_photo_without_a_face_fails_at_prepare(
    encoder: EncoderProcess, card_jp2: Callable[[str], bytes]
) -> None:
    from kiosk.face.matching.chip import chip_photo_jp2

    verifier = DlibVerifier(encoder=encoder)
    with pytest.raises(CardPhotoError):
        verifier.prepare(chip_photo_jp2(np.full((320, 256, 3), 128, np.uint8)))
    assert not verifier.ready


def test_nothing_is_kept_after_the_verdict_or_forget(
    encoder: EncoderProcess, card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    camera = person_camera("obama")
    verifier = DlibVerifier(encoder=encoder)
    verifier.prepare(card_jp2("obama-2"))
    refs = []
    for i in range(120):
        frame = camera.read()  # type: ignore[attr-defined]
        refs.append(weakref.ref(frame))
        result = verifier.check(frame, now=i / 30)
        del frame
        if result.verdict.final:
            break
    assert result.verdict is Verdict.MATCH
    gc.collect()
    assert all(ref() is None for ref in refs)
    assert verifier._jobs is None and encoder.in_flight is None

    # mid-attempt: queued frames, the card encoding and the child's pending answer all go
    verifier.prepare(card_jp2("obama-2"))
    jobs = verifier._jobs
    assert jobs is not None
    camera = person_camera("obama", blink=False)
    refs = []
    for i in range(3):
        frame = camera.read()  # type: ignore[attr-defined]
        refs.append(weakref.ref(frame))
        verifier.check(frame, now=i / 30)
        del frame
    assert jobs.live > 0 or jobs._card is not None
    verifier.forget()
    gc.collect()
    assert all(ref() is None for ref in refs)
    assert jobs._card is None and jobs.live == 0 and not jobs._queue
    assert encoder.in_flight is None and not verifier.ready


def test_the_child_going_away_mid_attempt_changes_nothing(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    child = EncoderProcess()
    assert child.wait_ready(60.0)
    try:
        verifier = DlibVerifier(encoder=child)
        verifier.prepare(card_jp2("obama-2"))
        camera = person_camera("obama")
        results = [verifier.check(camera.read(), now=0.0)]  # type: ignore[attr-defined]
        child._process.terminate()  # killed: the jobs are redone in this process
        for i in range(1, 120):
            results.append(verifier.check(camera.read(), now=i / 30))  # type: ignore[attr-defined]
            if results[-1].verdict.final:
                break
        assert results[-1].verdict is Verdict.MATCH
        assert results[-1].agreeing == 3
        assert not child.alive
    finally:
        child.close()


def test_a_second_verifier_encodes_in_its_own_thread_while_the_child_is_held(
    encoder: EncoderProcess, card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    first = DlibVerifier(encoder=encoder)
    second = DlibVerifier(encoder=encoder)
    first.prepare(card_jp2("obama-2"))
    second.prepare(card_jp2("biden"))
    assert first._jobs is not None and second._jobs is None and second._card is not None
    assert run_frames(second, person_camera("biden"), 120)[-1].verdict is Verdict.MATCH
    assert run_frames(first, person_camera("obama"), 120)[-1].verdict is Verdict.MATCH


def test_the_child_encodes_the_aligned_chips_like_this_process(
    encoder: EncoderProcess, person_camera: Callable[..., object]
) -> None:
    engine = load_engine()
    frame = person_camera("collins").read()  # type: ignore[attr-defined]
    box = max(engine.detect(frame), key=lambda b: b.area)
    chip, _marks = engine.align(frame, box)
    assert chip.shape == (112, 112, 3)  # only the chip crosses the pipe, never the frame
    assert encoder.send(1, [chip, chip[:, ::-1].copy()])
    answer = encoder.receive(30.0)
    assert answer is not None and answer[1] is not None
    here = engine.describe([chip, chip[:, ::-1].copy()])
    assert all(np.array_equal(a, b) for a, b in zip(answer[1], here, strict=True))


def test_the_flow_adapter_uses_the_shared_encoder_unless_told_not_to() -> None:
    from kiosk.wiring.camera_face import CameraFace

    assert CameraFace("person:obama").verifier._encoder is shared_encoder()
    assert CameraFace("person:obama", parallel=False).verifier._encoder is None
    assert shared_encoder() is shared_encoder()


def test_a_verifier_dropped_without_forget_does_not_keep_the_child(
    encoder: EncoderProcess, card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    lost = DlibVerifier(encoder=encoder)
    lost.prepare(card_jp2("obama-2"))
    lost.check(person_camera("obama").read(), now=0.0)  # type: ignore[attr-defined]
    del lost  # no gc.collect(): the child is free as soon as the verifier is gone
    verifier = DlibVerifier(encoder=encoder)
    verifier.prepare(card_jp2("obama-2"))
    assert verifier._jobs is not None  # the child was free again
    assert run_frames(verifier, person_camera("obama"), 120)[-1].verdict is Verdict.MATCH

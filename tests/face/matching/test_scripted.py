"""The scripted verifier: predetermined results through the same protocol."""

from __future__ import annotations

import pytest

from kiosk.face.errors import CardPhotoError, VerifierStateError
from kiosk.face.guidance.messages import Guidance
from kiosk.face.matching.results import Verdict
from kiosk.face.matching.scripted import ScriptedVerifier
from kiosk.face.matching.verifier import DlibVerifier, FaceVerifier
from kiosk.face.matching.worker import VerifierProcess


def test_every_verifier_satisfies_the_protocol() -> None:
    assert isinstance(ScriptedVerifier(), FaceVerifier)
    assert isinstance(DlibVerifier(), FaceVerifier)
    assert isinstance(VerifierProcess(), FaceVerifier)


def test_script_plays_then_the_verdict_repeats() -> None:
    verifier = ScriptedVerifier(["face.too_far", "face.hold_still", Guidance.HOLD_STILL, "match"])
    verifier.prepare(b"jp2")
    results = [verifier.check() for _ in range(4)]
    assert [r.guidance for r in results] == [
        Guidance.TOO_FAR,
        Guidance.HOLD_STILL,
        Guidance.HOLD_STILL,
        Guidance.MATCHED,
    ]
    assert results[-1].verdict is Verdict.MATCH and results[-1].progress == 1.0
    assert not verifier.ready and verifier.forgotten == 1
    with pytest.raises(VerifierStateError):
        verifier.check()


def test_verdict_after_and_failures() -> None:
    verifier = ScriptedVerifier.verdict_after("no_match", frames=2)
    verifier.prepare(b"")
    verdicts = [verifier.check().verdict for _ in range(3)]
    assert verdicts == [Verdict.PENDING, Verdict.PENDING, Verdict.NO_MATCH]
    with pytest.raises(CardPhotoError):
        ScriptedVerifier(fail_prepare=True).prepare(b"")
    with pytest.raises(ValueError, match="unknown face script step"):
        ScriptedVerifier(["smile"])

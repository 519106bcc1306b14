"""The verifier in a child process: same protocol, same verdicts, errors come back typed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from helpers.frames import run_frames
from kiosk.face.errors import CardPhotoError, VerifierStateError
from kiosk.face.matching.results import Verdict
from kiosk.face.matching.worker import VerifierProcess, peak_rss_mb


def test_match_through_the_process(
    card_jp2: Callable[[str], bytes], person_camera: Callable[..., object]
) -> None:
    with VerifierProcess() as verifier:
        with pytest.raises(VerifierStateError):
            verifier.submit(person_camera("obama").read())  # type: ignore[attr-defined]
        verifier.prepare(card_jp2("obama-2"))
        assert verifier.ready
        results = run_frames(verifier, person_camera("obama"), 120)
        assert results[-1].verdict is Verdict.MATCH
        assert not verifier.ready
        rss = verifier.peak_rss_mb()
        assert rss is not None and rss < 450
        with pytest.raises(CardPhotoError):
            verifier.prepare(b"not a photo")
        verifier.prepare(card_jp2("biden"))
        camera = person_camera("biden")
        assert verifier.submit(camera.read(), 0.0)  # type: ignore[attr-defined]
        assert not verifier.submit(camera.read(), 0.1)  # type: ignore[attr-defined]
        result = verifier.result(timeout=30)
        assert result is not None and result.faces == 1
        verifier.forget()
        assert not verifier.ready
    assert peak_rss_mb() is not None

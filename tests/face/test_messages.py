"""Every guidance id has a Japanese and an English text."""

from __future__ import annotations

import re

from kiosk.face.messages import Guidance, text

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_every_guidance_has_both_languages() -> None:
    for guidance in Guidance:
        assert JAPANESE.search(text(guidance, "ja")), guidance
        assert text(guidance, "en").isascii(), guidance
        assert guidance.value.startswith("face.")


def test_screens_wording_is_used() -> None:
    assert text(Guidance.LOOK) == "カメラに顔を向けてください。"
    assert text(Guidance.TOO_FAR) == "もう少し近づいてください。"
    assert text(Guidance.SEVERAL_FACES) == "一人で写ってください。"
    assert text(Guidance.BLINK) == "まばたきしてください。"

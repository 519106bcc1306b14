"""Every guidance id has its words in the text catalogue, in Japanese and in English."""

from __future__ import annotations

import re

from kiosk.face.guidance.messages import Guidance
from kiosk.texts import say

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_every_guidance_has_both_languages() -> None:
    for guidance in Guidance:
        assert JAPANESE.search(say(guidance.value, "ja")), guidance
        assert say(guidance.value, "en").isascii(), guidance
        assert guidance.value.startswith("face.")


def test_screens_wording_is_used() -> None:
    assert say(Guidance.LOOK, "ja") == "カメラに顔を向けてください。"
    assert say(Guidance.TOO_FAR, "ja") == "もう少し近づいてください。"
    assert say(Guidance.SEVERAL_FACES, "ja") == "一人で写ってください。"
    assert say(Guidance.BLINK, "ja") == "まばたきしてください。"

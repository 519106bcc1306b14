"""``kiosk demo``: one complete reception, told in Japanese and English."""

from __future__ import annotations

import io

from kiosk.scenarios.demo import run_demo


def test_the_demo_prints_a_complete_reception_in_japanese_and_english() -> None:
    out = io.StringIO()
    assert run_demo(out, camera="scripted:match") == 0
    text = out.getvalue()
    for words in (
        "マイナンバーカードを置いてください",
        "Choose how to confirm your identity",
        "〔薬剤情報〕",
        "受付が完了しました",
        "Check-in complete",
    ):
        assert words in text

"""``kiosk demo`` and ``kiosk bench flow``."""

from __future__ import annotations

import argparse
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


def test_the_flow_bench_reports_pin_receptions_per_second() -> None:
    from kiosk.bench import flow

    parser = argparse.ArgumentParser()
    flow.add_arguments(parser)
    args = parser.parse_args(["--seconds", "0.3", "--no-face"])
    figures = flow.run(args)
    assert figures["pin_receptions_per_s"] > 0
    assert figures["pin_failed"] == 0

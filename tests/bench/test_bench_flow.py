"""``kiosk bench flow``: receptions per second through the flow."""

from __future__ import annotations

import argparse

from kiosk.bench import flow


def test_the_flow_bench_reports_pin_receptions_per_second() -> None:
    parser = argparse.ArgumentParser()
    flow.add_arguments(parser)
    args = parser.parse_args(["--seconds", "0.3", "--no-face"])
    figures = flow.run(args)
    assert figures["pin_receptions_per_s"] > 0
    assert figures["pin_failed"] == 0

"""``kiosk bench card``: the APDU budgets hold, times are reported (the benchmark judges them,
not a test: they depend on the machine's load), and what cannot be measured says why."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.bench import card as bench
from kiosk.cli import build_parser


def _args(*argv: str) -> object:
    return build_parser().parse_args(["bench", "card", "--json", *argv])


def test_no_pcscd_reports_null_with_a_reason(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "bench", "card", "--json", "--runs", "3"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PCSCLITE_CSOCK_NAME": str(tmp_path / "none.comm")},
        check=True,
    )
    figures = json.loads(done.stdout)
    assert figures["in_process"]["apdus"] <= 8
    assert figures["in_process"]["median_ms"] > 0
    assert figures["all_pins_apdus"] <= 10
    assert figures["pcsc"] is None
    assert figures["opensc_cert_read_apdus"] is None
    assert "start pcscd" in figures["opensc_cert_read"]["reason"]


@pytest.mark.pcsc
def test_through_pcscd_and_opensc(pcscd: None) -> None:
    figures = bench.run(_args("--runs", "5", "--reader", "Virtual PCD 00 00"))  # type: ignore[arg-type]
    assert figures["in_process"]["apdus"] == 7
    assert figures["all_pins_apdus"] == 9
    assert figures["pcsc"]["apdus"] == 7
    assert figures["pcsc"]["median_ms"] > 0
    # OpenSC: SELECT EF 000A, READ 4 bytes for the length, then 256-byte chunks
    assert figures["opensc_cert_read_apdus"] >= 6
    assert figures["opensc_cert_read"]["total_apdus"] > figures["opensc_cert_read_apdus"]

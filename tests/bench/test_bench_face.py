"""``kiosk bench face``: the figures of one face decision and of the preview."""

from __future__ import annotations

import json

import pytest

from kiosk.cli import main


def test_bench_face_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "face", "--json", "--frames", "2", "--seconds", "1"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["frame_size"] == "1280x720"
    assert figures["model"] == "mobilefacenet"
    # the floor of one decision: detection, landmarks, alignment and one embedding
    assert figures["encode_ms"] > figures["detect_ms"]
    for key in (
        "detect_ms",
        "encode_ms",
        "decision_ms",
        "naive_decision_ms",
        "naive_no_upsample_ms",
        "speedup",
        "decision_over_encode",
        "preview_fps",
        "peak_rss_mb",
    ):
        assert isinstance(figures[key], int | float) and figures[key] > 0, key
    assert isinstance(figures["decisions_during_preview"], int)

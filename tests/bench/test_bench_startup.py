"""``kiosk bench startup``: the real ``kiosk run`` timed to its first frame."""

from __future__ import annotations

import argparse
import shutil

from kiosk.bench import startup


def test_startup_bench_times_the_real_kiosk_run_to_its_first_frame() -> None:
    parser = argparse.ArgumentParser()
    startup.add_arguments(parser)
    figures = startup.run(parser.parse_args(["--runs", "1", "--timeout", "300"]))
    assert set(figures) >= {"start_screen_ms", "rss_mb", "version_ms", "command"}
    assert figures["start_screen_ms"] > 0 and figures["version_ms"] > 0
    assert figures["rss_mb"] > 10  # read from the live kiosk process at its first frame
    assert "kiosk run" in figures["command"]
    if shutil.which("Xvfb"):  # and on a real X server, beside the offscreen figure
        assert figures["x11_start_screen_ms"] > 0 and figures["x11_rss_mb"] > 10
        assert "Xvfb" in figures["x11_command"]
    else:
        assert "Xvfb" in figures["x11_skipped"]

"""``kiosk run`` as a whole, in a process of its own: the real Qt window (offscreen), the staff
station it serves on a free port, and a real browser at the desk that sees the call and
confirms it (the process is ``kiosk_run_desk.py``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"


def test_kiosk_run_with_its_station_and_a_browser_at_the_desk(
    sqlite_url: str, browser_profile: Path, st
) -> None:
    assert Path(CHROMIUM).exists(), "Debian's chromium is not installed"
    st.add_staff(sqlite_url, "nurse-01")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    path = os.pathsep.join((str(HERE.parents[1]), str(HERE.parent)))  # the repository, tests
    env = {**os.environ, "PYTHONPATH": path, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            str(HERE / "kiosk_run_desk.py"),
            sqlite_url,
            str(port),
            str(browser_profile),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert done.returncode == 0 and lines, done.stdout + done.stderr
    seen = json.loads(lines[-1])
    assert not seen["failure"], seen["failure"][0]
    assert seen["code"] == 0
    assert len(seen["pairing_code"].replace(" ", "")) == 6  # shown in the kiosk's corner
    assert "kiosk-1" in seen["paired"]  # paired at the desk with it
    assert f"pairing code {seen['pairing_code']}" in done.stderr  # and in kiosk run's output
    assert seen["staff_button"]  # the on-reader staff button is on the waiting screen
    assert "暗証番号" in seen["call"]  # the call and its reason in words
    assert seen["screen"] == "consent-item"  # confirmed at the desk: the patient moves on
    assert "nurse-01" in seen["message"]
    assert f"staff station: http://127.0.0.1:{port}/" in done.stderr

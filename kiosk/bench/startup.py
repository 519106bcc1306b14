"""Kiosk start-up: process start to the start screen shown (offscreen), and memory.

Each run is a fresh ``python -m kiosk.bench.startup --child`` process that goes the way
``kiosk run`` goes (settings, services with the records store, the window, the flow thread)
and reports when the start screen has been painted. The time is from just before the
process is spawned, so interpreter start-up and imports count. Face models are not loaded
(the camera is ``scripted:match`` and the face pipeline is lazy).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=5, help="start-ups to measure (median)")


def run(args: argparse.Namespace) -> dict[str, Any]:
    runs = max(1, int(args.runs))
    times: list[float] = []
    rss: list[float] = []
    for _ in range(runs):
        shown_ms, rss_mb = _one()
        times.append(shown_ms)
        rss.append(rss_mb)
    return {
        "start_screen_ms": round(statistics.median(times), 1),
        "rss_mb": round(statistics.median(rss), 1),
        "runs": runs,
        "start_screen_ms_each": [round(t, 1) for t in times],
    }


def _one() -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="kiosk-startup-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_HOME=home)
        started = time.time()
        done = subprocess.run(
            [sys.executable, "-m", "kiosk.bench.startup", "--child"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"start-up child failed: {done.stderr.strip()[-500:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return (float(report["shown_at"]) - started) * 1000.0, float(report["rss_mb"])


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def _child() -> int:
    """Start the kiosk as ``kiosk run`` does; print when the start screen is painted."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.config import load_settings
    from kiosk.ui import theme
    from kiosk.ui.app import KioskApp, face_for_ui
    from kiosk.wiring.services import build_services

    app = QApplication(sys.argv[:1])
    theme.apply(app)
    settings = load_settings(None)
    services = build_services(settings, camera="scripted:match", face=face_for_ui("scripted:match"))
    kiosk = KioskApp(app, services, kiosk_mode=True, voice=False)
    start = kiosk.window.screens["start"]
    shown: dict[str, float] = {}

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "at" not in shown:
                shown["at"] = time.time()
                QTimer.singleShot(0, lambda: app.exit(0))
            return False

    painted = Painted()
    start.installEventFilter(painted)
    kiosk.start(fullscreen=True)
    QTimer.singleShot(30000, lambda: app.exit(1))  # never hang a benchmark
    app.exec()
    print(json.dumps({"shown_at": shown.get("at", time.time()), "rss_mb": _rss_mb()}))
    kiosk.stop()
    services.close()
    return 0


if __name__ == "__main__":
    if "--child" in sys.argv:
        sys.exit(_child())

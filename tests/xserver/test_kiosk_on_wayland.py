"""``kiosk run --fullscreen`` under a Wayland kiosk compositor: with only ``WAYLAND_DISPLAY``
set it chooses Qt's Wayland platform by itself and paints its first frame. Weston's headless
back end with its kiosk shell stands in for cage here (cage needs a DRM device and refuses to
run as root)."""

from __future__ import annotations

import os
import selectors
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kiosk.config import Settings, set_staff_password

from .conftest import kiosk_argv

WESTON_SHELL = "kiosk-shell.so"


def _weston(runtime: Path) -> subprocess.Popen[bytes]:
    program = shutil.which("weston")
    if program is None:
        pytest.skip("weston is not installed (a Wayland kiosk compositor for the test)")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "XDG_RUNTIME_DIR": str(runtime)}
    server = subprocess.Popen(
        [
            program,
            "--backend=headless-backend.so",
            f"--shell={WESTON_SHELL}",
            "--width=1280",
            "--height=800",
            "--socket=kiosk-test",
            "--use-pixman",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not (runtime / "kiosk-test").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.skip("weston's headless back end does not start here")
        time.sleep(0.2)
    return server


def test_the_kiosk_starts_on_wayland_by_itself(tmp_path) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    server = _weston(runtime)
    set_staff_password(Settings(), "a staff password for the Wayland test")
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), WAYLAND_DISPLAY="kiosk-test")
    env.update(KIOSK_ANNOUNCE_FIRST_PAINT="1")
    for name in ("DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    argv = kiosk_argv(
        "run", "--fullscreen", "--camera", "scripted:match", "--no-voice", "--station-port", "0"
    )
    kiosk = subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        painted = ""
        deadline = time.monotonic() + 120
        with selectors.DefaultSelector() as selector:
            assert kiosk.stdout is not None
            selector.register(kiosk.stdout, selectors.EVENT_READ)
            while not painted and time.monotonic() < deadline:
                if selector.select(1):
                    line = kiosk.stdout.readline()
                    if not line:
                        break
                    painted = line if line.startswith("first-paint") else ""
        assert painted, f"no first frame on Wayland: {kiosk.poll()}"
        assert kiosk.poll() is None
    finally:
        kiosk.terminate()
        try:
            _, err = kiosk.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            kiosk.kill()
            _, err = kiosk.communicate()
        server.terminate()
        server.wait(10)
    assert "xcb" not in err  # Qt never tried X

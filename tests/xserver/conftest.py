"""A real X server for the kiosk: Xvfb on a free display number, real input events (xdotool,
XTest) and screen grabs kept in memory (a face on the screen never reaches a file)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.bench.startup import start_xvfb

GRAB = """
import sys
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
screen = app.primaryScreen()
image = screen.grabWindow(0).toImage()
buffer = QBuffer()
buffer.open(QIODevice.OpenModeFlag.WriteOnly)
image.save(buffer, "PNG")
sys.stdout.buffer.write(bytes(buffer.data()))
"""
"""Grabs the whole X screen as PNG bytes on stdout (a separate Qt process on xcb)."""


WINDOW = re.compile(
    r'^(?P<id>0x[0-9a-f]+) (?:"(?P<name>[^"]*)")?.*?'
    r"\s(?P<w>\d+)x(?P<h>\d+)\+(?P<x>-?\d+)\+(?P<y>-?\d+)"
)
"""One line of ``xwininfo -children``: id, name and geometry."""


def needs(*programs: str) -> None:
    lacking = [p for p in programs if shutil.which(p) is None]
    if lacking:
        pytest.skip(f"not installed: {', '.join(lacking)} (see .ci/debian-packages)")


@dataclass
class XServer:
    display: str
    width: int
    height: int
    process: subprocess.Popen[bytes]
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("WAYLAND_DISPLAY", None)
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        return env

    def run(self, *argv: str, timeout: float = 60) -> str:
        done = subprocess.run(
            list(argv), env=self.env, capture_output=True, text=True, timeout=timeout, check=True
        )
        return done.stdout

    def grab(self) -> bytes:
        """The whole screen as PNG bytes (in memory only)."""
        done = subprocess.run(
            [sys.executable, "-c", GRAB], env=self.env, capture_output=True, timeout=60, check=True
        )
        return done.stdout

    def tap(self, x: int, y: int) -> None:
        """A real click (XTest) at screen coordinates."""
        self.run("xdotool", "mousemove", "--sync", str(x), str(y), "click", "1")

    def start(self, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            argv,
            env=env or self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def windows(self) -> list[tuple[str, int, int, int, int]]:
        """Mapped top-level windows: (name, x, y, width, height), from xwininfo."""
        out = self.run("xwininfo", "-root", "-children")
        found = []
        for line in out.splitlines():
            match = WINDOW.match(line.strip())
            if match is None or not match["name"]:
                continue
            if self.viewable(match["id"]):
                found.append(
                    (
                        match["name"],
                        int(match["x"]),
                        int(match["y"]),
                        int(match["w"]),
                        int(match["h"]),
                    )
                )
        return found

    def viewable(self, window: str) -> bool:
        """Whether ``window`` is mapped and viewable; a window closed since the list was
        taken (a menu, a tooltip, a window being replaced) is not."""
        shown = subprocess.run(
            ["xwininfo", "-id", window], env=self.env, capture_output=True, text=True, timeout=30
        )
        return shown.returncode == 0 and "IsViewable" in shown.stdout


@pytest.fixture
def xserver(request: pytest.FixtureRequest) -> Iterator[Callable[[int, int], XServer]]:
    """``xserver(width, height)``: a fresh Xvfb (a bare X session: no window manager)."""
    needs("Xvfb", "xdotool", "xwininfo")
    made: list[XServer] = []

    def make(width: int = 1280, height: int = 800) -> XServer:
        process, display = start_xvfb("Xvfb", width, height)
        server = XServer(display, width, height, process)
        made.append(server)
        return server

    yield make
    for server in made:
        for process in server.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(10)
        server.process.terminate()
        server.process.wait(10)


def kiosk_argv(*args: str) -> list[str]:
    """``kiosk run …`` with this interpreter and this checkout."""
    return [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())", *args]


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]

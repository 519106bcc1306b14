"""The kiosk window of ``kiosk run`` (PySide6): the start screen first, then everything that
can wait for it — the face libraries, and the staff station with the kiosk's link to it.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.config import load_settings
from kiosk.deploy.sdnotify import Watchdog, notify
from kiosk.errors import KioskError
from kiosk.simcard.deck import get_profile
from kiosk.ui import theme
from kiosk.ui.app import KioskApp, face_for_ui
from kiosk.ui.first_paint import watch_first_paint
from kiosk.ui.staff_password import require_staff_password
from kiosk.wiring.services import build_services


def open_window(args: argparse.Namespace) -> int:
    """The kiosk window until it is closed (the staff console, or the operator panel)."""
    settings = load_settings(args.settings)
    if args.fullscreen:
        require_staff_password(settings, args.records)
    camera = args.camera or _holder_camera(args.card)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)  # noqa: S101 (made above)
    theme.apply(app)
    painted = threading.Event()
    face = DeferredFace(lambda: face_for_ui(camera, settings), painted)
    services = build_services(
        settings, camera=camera, records=args.records, face=face, card_camera=args.card_camera
    )
    kiosk = KioskApp(
        app,
        services,
        kiosk_mode=args.fullscreen,
        voice=not args.no_voice,
    )
    if settings.language == "en":
        kiosk.window.set_language("en")
    first_paint = watch_first_paint(kiosk.window, painted)  # KIOSK_ANNOUNCE_FIRST_PAINT=1
    kiosk.start(fullscreen=args.fullscreen, card=args.card)
    desk: list[Any] = []

    def open_desk() -> None:
        """The staff station and the kiosk's link to it, once the first frame is up (its
        web server and database connections are no reason to keep the patient waiting)."""
        if not painted.is_set() and time.monotonic() < desk_deadline:
            QTimer.singleShot(50, open_desk)
            return
        from kiosk.commands.station_beside import (
            open_station,  # the station's web stack: after paint
        )

        desk.extend(open_station(args, settings, services, kiosk))

    desk_deadline = time.monotonic() + FACE_AFTER_PAINT_S  # a window never painted: anyway
    QTimer.singleShot(0, open_desk)
    watchdog = _systemd(app)  # held here: the timer's connection alone does not keep it
    try:
        return int(app.exec())
    finally:
        notify("STOPPING=1")
        del watchdog, first_paint
        for stop in desk:
            stop()
        kiosk.stop()
        services.close()


FACE_AFTER_PAINT_S = 10.0
"""How long the face verifier waits for the first frame before it loads anyway."""


class DeferredFace:
    """The window's face verifier, built at warm-up on the flow's thread once the first frame
    is painted: the face libraries (numpy, OpenCV, dlib) then load while the start screen is
    already up, not before it. Everything else is the built verifier's."""

    def __init__(self, build: Callable[[], Any], painted: threading.Event) -> None:
        self._build = build
        self._painted = painted
        self._face: Any = None
        self._lock = threading.Lock()

    def built(self) -> Any:
        with self._lock:
            if self._face is None:
                self._face = self._build()
            return self._face

    def warm_up(self) -> None:
        """What the window's warm-up does for a face verifier, after the first frame."""
        self._painted.wait(FACE_AFTER_PAINT_S)
        face = self.built()
        warm = getattr(face, "warm_up", None)  # scripted verdicts have nothing to warm
        if callable(warm):
            warm()

    def close(self) -> None:
        with self._lock:
            face, self._face = self._face, None
        close = getattr(face, "close", None)
        if callable(close):
            close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.built(), name)


def _holder_camera(card: str | None) -> str:
    """The default camera: the live-looking holder of the deck card placed at start."""

    profile = card.split(":", 1)[1] if card and card.startswith("virtual:") else "standard"
    try:
        return f"person:{get_profile(profile).person}"
    except KioskError:
        return f"person:{get_profile('standard').person}"


def _systemd(app: Any) -> Any:
    """Readiness and watchdog pings for systemd (nothing happens outside systemd).

    The pings come from a timer on the GUI thread, so a frozen event loop stops them.
    """
    watchdog = Watchdog.from_environment()
    if watchdog is not None:
        timer = QTimer(app)
        timer.setInterval(int(watchdog.interval_s * 1000))
        timer.timeout.connect(watchdog.ping)
        timer.start()
    QTimer.singleShot(0, lambda: notify("READY=1", "STATUS=kiosk window shown"))
    return watchdog

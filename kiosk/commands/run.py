"""``kiosk run``: the touch kiosk window (PySide6), or the headless demo without a display.

``--fullscreen`` is kiosk mode: no frame, no cursor, close and escape swallowed, no operator
panel; only the staff console (Ctrl+Alt+S, staff password) leaves it. The window covers the
whole screen in a bare X session (xinit, no window manager) as under a Wayland kiosk
compositor (cage); with only ``WAYLAND_DISPLAY`` set, Qt is told to use Wayland.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.config import load_settings
from kiosk.deploy.sdnotify import Watchdog, notify
from kiosk.errors import KioskError
from kiosk.records.calls import CallBoard
from kiosk.records.store import default_url
from kiosk.simcard.deck import get_profile
from kiosk.station.kiosk_link import KioskLink, LinkStaff
from kiosk.station.on_reader import KioskStaffCheck
from kiosk.station.uplink import media_key_for
from kiosk.ui.staff_password import require_staff_password
from kiosk.wiring.services import build_services


def register(sub: Any) -> None:
    parser = sub.add_parser("run", help="open the kiosk window (headless demo without a display)")
    parser.add_argument(
        "--fullscreen", action="store_true", help="kiosk mode: full screen, no way out but staff"
    )
    parser.add_argument("--card", help="card on the reader at start: virtual:<profile>, FILE, pcsc")
    parser.add_argument(
        "--camera",
        help="camera: person:<name>, image:<path>, video:<path>, cv:<index>, scripted:match "
        "(default: person: camera of the card holder)",
    )
    parser.add_argument(
        "--card-camera",
        help="card-front camera that 照合番号B is read from (OCR): image:<path>, cv:<index>, "
        "or printed (the virtual card's own front); without it a card in a PC/SC reader has "
        "no face path",
    )
    parser.add_argument("--settings", type=Path, help="facility settings file (TOML)")
    parser.add_argument("--records", help="records store: sqlite file path or postgresql://…")
    parser.add_argument(
        "--no-voice", action="store_true", help="no voice guidance and no sounds (beep, chime)"
    )
    parser.add_argument(
        "--station-port",
        type=int,
        default=8470,
        help="serve the staff station on 127.0.0.1:PORT (default 8470; 0: do not serve it)",
    )
    parser.set_defaults(func=run)


def has_display() -> bool:
    """Whether Qt can open a window here (a display, or the offscreen platform asked for)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def choose_platform(environ: dict[str, str] | os._Environ[str]) -> str | None:
    """The Qt platform to ask for: Wayland when only a Wayland display is there (a kiosk
    compositor without Xwayland); None leaves Qt's own choice (or the one set)."""
    if environ.get("QT_QPA_PLATFORM"):
        return None
    if environ.get("WAYLAND_DISPLAY") and not environ.get("DISPLAY"):
        return "wayland"
    return None


def require_platform_libraries(environ: dict[str, str] | os._Environ[str]) -> None:
    """Refuse to start, naming the Debian packages, when Qt's platform plugin would not load
    (Qt itself would abort with a message that names no package)."""
    from kiosk.deploy.display import missing

    name = environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    part = name or ("xcb" if environ.get("DISPLAY") else "")
    if part not in ("xcb", "wayland"):
        return
    try:
        lacking = missing(part)
    except FileNotFoundError:
        return  # no ldd or no PySide6: Qt's own error follows
    if lacking.libraries:
        raise KioskError(
            f"the kiosk window cannot open on {part}: {', '.join(lacking.libraries)} missing; "
            f"{lacking.fix()} (see `kiosk doctor`)"
        )


def run(args: argparse.Namespace) -> int:
    if not has_display():
        return headless(args)
    platform = choose_platform(os.environ)
    if platform:
        os.environ["QT_QPA_PLATFORM"] = platform
    require_platform_libraries(os.environ)
    try:
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
    except ImportError:
        raise KioskError("the kiosk window needs PySide6: pip install 'kiosk[ui]'") from None
    from kiosk.ui import theme
    from kiosk.ui.app import KioskApp, face_for_ui
    from kiosk.ui.first_paint import watch_first_paint

    settings = load_settings(args.settings)
    if args.fullscreen:
        require_staff_password(settings)
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
        desk.extend(_station(args, settings, services, kiosk))

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


def _station(args: argparse.Namespace, settings: Any, services: Any, kiosk: Any) -> list[Any]:
    """The kiosk's link to the staff station, the staff button of the waiting screen and, on
    this machine, the station itself at http://127.0.0.1:8470/ (another process already
    serving it is fine). Returns what stops them."""
    from kiosk.station.app import StationConfig
    from kiosk.station.server import Binding, StationError, StationThread
    from kiosk.ui.bridge import BridgeDoor
    from kiosk.ui.staff_keypad import OnReaderStaff

    url = args.records or os.environ.get("KIOSK_RECORDS") or settings.records_url or default_url()
    if "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    check = KioskStaffCheck(url, settings, settings.kiosk_id, LinkStaff.on(kiosk.flow))
    on_reader = OnReaderStaff(kiosk.window, kiosk.bridge, check)
    stops: list[Any] = [check.close, on_reader.deleteLater]
    try:
        board = CallBoard.open(url)
    except KioskError as exc:
        print(f"kiosk run: the staff station is unreachable: {exc}", file=sys.stderr)
        on_reader.watch_desk([], reachable=False)
        return stops
    link = KioskLink(
        kiosk.flow,
        board,
        settings.kiosk_id,
        BridgeDoor(kiosk.bridge),
        slot=services.slot,
        media_key=media_key_for(settings),
    )
    on_reader.watch_desk(link.unreachable_listeners, link.desk_reachable)
    link.start()
    stops += [link.stop, board.close]
    if args.station_port:
        try:
            server = StationThread(
                Binding("127.0.0.1", args.station_port), StationConfig(url, settings)
            ).start()
        except StationError as exc:
            print(f"kiosk run: {exc}", file=sys.stderr)
        else:
            print(f"staff station: {server.binding.url}", file=sys.stderr, flush=True)
            stops.insert(0, server.stop)
    return stops


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
    from PySide6.QtCore import QTimer

    watchdog = Watchdog.from_environment()
    if watchdog is not None:
        timer = QTimer(app)
        timer.setInterval(int(watchdog.interval_s * 1000))
        timer.timeout.connect(watchdog.ping)
        timer.start()
    QTimer.singleShot(0, lambda: notify("READY=1", "STATUS=kiosk window shown"))
    return watchdog


def headless(args: argparse.Namespace) -> int:
    """No display: say so and run the reception demo in the terminal instead."""
    print(
        "kiosk run: no display (DISPLAY / WAYLAND_DISPLAY unset, QT_QPA_PLATFORM is not "
        "offscreen); running the headless demo instead.",
        file=sys.stderr,
    )
    try:
        from kiosk.scenarios.demo import run_demo
    except ImportError:
        raise KioskError(
            "no display, and the headless demo is not available in this build; "
            "set DISPLAY, or QT_QPA_PLATFORM=offscreen, or run `kiosk scenario run`"
        ) from None
    result: int = run_demo(sys.stdout, camera=args.camera)
    return result

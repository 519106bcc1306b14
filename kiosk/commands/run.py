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
from pathlib import Path
from typing import Any

from kiosk.errors import KioskError


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
        from kiosk.commands.window import open_window
    except ImportError as exc:
        if (exc.name or "").startswith(("PySide6", "shiboken6")):
            raise KioskError("the kiosk window needs PySide6: pip install 'kiosk[ui]'") from None
        raise
    return open_window(args)


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

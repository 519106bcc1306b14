"""The launcher of the kiosk's single-application session: cage (Wayland) or xinit (X).

``python -m kiosk.deploy.launcher [--compositor auto|cage|xinit] [--settings FILE] [-- ARGS]``
replaces itself (exec) with the compositor, whose only client is ``kiosk run --fullscreen``:

- cage: ``cage -d -- kiosk run --fullscreen …`` (no VT switching, no decorations), Qt on
  Wayland;
- xinit: ``xinit kiosk run --fullscreen … -- X :0 vtN -nolisten tcp -nocursor -s 0 -dpms``
  (no cursor, no screen blanking), Qt on xcb.

``auto`` takes cage when installed, else xinit. Exec keeps the unit's main PID on the
compositor; ``WATCHDOG_PID`` is dropped from the environment so the kiosk (a grandchild)
accepts ``WATCHDOG_USEC`` and pings itself (the unit has ``NotifyAccess=all``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import KioskError


class LauncherError(KioskError):
    """The session cannot start (no compositor installed); the message says what to install."""


@dataclass(frozen=True)
class Session:
    """What to exec: ``argv`` with ``env``."""

    compositor: str
    argv: list[str]
    env: dict[str, str]


def kiosk_command(settings: str | None, extra: Sequence[str] = ()) -> list[str]:
    """``kiosk run --fullscreen`` with the installation's own Python."""
    script = Path(sys.executable).with_name("kiosk")
    if script.is_file() and os.access(script, os.X_OK):
        argv = [str(script)]
    else:
        argv = [sys.executable, "-c", "import sys; from kiosk.cli import main; sys.exit(main())"]
    argv += ["run", "--fullscreen"]
    if settings:
        argv += ["--settings", settings]
    return argv + list(extra)


def _vt(environ: Mapping[str, str]) -> str:
    """``vtN`` of the unit's TTYPath (XDG_VTNR from the PAM session), default vt1."""
    number = environ.get("XDG_VTNR", "").strip()
    return f"vt{number}" if number.isdigit() else "vt1"


def plan_launch(
    compositor: str = "auto",
    settings: str | None = None,
    extra: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> Session:
    """Choose the compositor and build the command line and environment."""
    env = dict(os.environ if environ is None else environ)
    env.pop("WATCHDOG_PID", None)
    path = env.get("PATH")
    kiosk = kiosk_command(settings, extra)
    cage = shutil.which("cage", path=path)
    xinit = shutil.which("xinit", path=path)
    if compositor in ("auto", "cage") and cage:
        env["QT_QPA_PLATFORM"] = "wayland"
        return Session("cage", [cage, "-d", "--", *kiosk], env)
    if compositor in ("auto", "xinit") and xinit:
        server = shutil.which("X", path=path) or shutil.which("Xorg", path=path) or "/usr/bin/X"
        env["QT_QPA_PLATFORM"] = "xcb"
        server_args = [server, ":0", _vt(env), "-nolisten", "tcp", "-nocursor", "-s", "0"]
        return Session("xinit", [xinit, *kiosk, "--", *server_args, "-dpms"], env)
    wanted = {"auto": "cage (or xinit)", "cage": "cage", "xinit": "xinit"}[compositor]
    raise LauncherError(
        f"no {wanted} to run the kiosk session: install it with "
        "`apt install cage` (Wayland) or `apt install xinit xserver-xorg` (X)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.deploy.launcher",
        description="run `kiosk run --fullscreen` as the only application of a cage/X session",
    )
    parser.add_argument("--compositor", choices=("auto", "cage", "xinit"), default="auto")
    parser.add_argument("--settings", help="facility settings file (TOML)")
    parser.add_argument("--dry-run", action="store_true", help="print the command, run nothing")
    parser.add_argument("extra", nargs="*", help="more `kiosk run` arguments (after --)")
    args = parser.parse_args(argv)
    try:
        session = plan_launch(args.compositor, args.settings, args.extra)
    except LauncherError as exc:
        print(f"kiosk session: {exc}", file=sys.stderr)
        return 1  # a failure: systemd restarts, then gives up at the start limit
    if args.dry_run:
        print(" ".join(session.argv))
        print(f"QT_QPA_PLATFORM={session.env['QT_QPA_PLATFORM']}")
        return 0
    os.execve(session.argv[0], session.argv, session.env)  # noqa: S606 - the session itself


if __name__ == "__main__":
    sys.exit(main())

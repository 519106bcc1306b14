"""The systemd unit that makes a machine a kiosk: started at boot, watched, restarted.

:func:`render_unit` fills the template for this installation (the Python of the virtualenv,
the user, the tty, the settings file). Install it::

    python -m kiosk.deploy.unit --user kiosk > /etc/systemd/system/kiosk.service
    systemctl daemon-reload && systemctl enable --now kiosk.service
    systemctl set-default graphical.target

The service owns a VT (``TTYPath``) and a PAM login session (``PAMName=login``), so the
compositor can take the display, and runs the launcher :mod:`kiosk.deploy.launcher` (cage, else
xinit), which runs ``kiosk run --fullscreen``. The kiosk process — a grandchild of the main
process, hence ``NotifyAccess=all`` — sends ``READY=1`` once its window is up and
``WATCHDOG=1`` from its GUI loop at half of ``WatchdogSec``; a hang is killed (SIGABRT) and,
like a crash, restarted after ``RestartSec`` (``Restart=on-failure``; a clean exit by the staff
console is not restarted). More than ``StartLimitBurst`` starts in ``StartLimitIntervalSec``
stop the restarts, so a broken installation does not loop forever.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = """\
[Unit]
Description=Reception kiosk (face-authentication My Number card reader)
Documentation=man:systemd.service(5)
After=systemd-user-sessions.service plymouth-quit-wait.service pcscd.socket
Wants=pcscd.socket
Conflicts=getty@{tty}.service
After=getty@{tty}.service
StartLimitIntervalSec={start_limit_interval_s}
StartLimitBurst={start_limit_burst}

[Service]
Type=notify
NotifyAccess=all
ExecStart={exec_start}
Restart=on-failure
RestartSec={restart_s}
WatchdogSec={watchdog_s}
TimeoutStartSec={timeout_start_s}
TimeoutStopSec=15
User={user}
SupplementaryGroups=video input render
PAMName=login
TTYPath=/dev/{tty}
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
StandardInput=tty-fail
StandardOutput=journal
StandardError=journal
UtmpIdentifier={tty}
UtmpMode=user
StateDirectory=kiosk
StateDirectoryMode=0700
Environment=KIOSK_HOME=/var/lib/kiosk
Environment=PYTHONUNBUFFERED=1
UMask=0077
NoNewPrivileges=yes

[Install]
WantedBy=graphical.target
"""


@dataclass(frozen=True)
class UnitOptions:
    """What varies between installations; times are seconds."""

    python: str = sys.executable
    user: str = "kiosk"
    tty: str = "tty1"
    settings: str | None = "/etc/kiosk/facility.toml"
    compositor: str = "auto"  # auto | cage | xinit
    watchdog_s: int = 30
    restart_s: int = 2
    timeout_start_s: int = 120
    start_limit_burst: int = 10
    start_limit_interval_s: int = 300


def exec_start(options: UnitOptions) -> str:
    """The ExecStart line: the launcher of the single-application session."""
    argv = [options.python, "-m", "kiosk.deploy.launcher", "--compositor", options.compositor]
    if options.settings:
        argv += ["--settings", options.settings]
    return shlex.join(argv)


def render_unit(options: UnitOptions | None = None) -> str:
    """The unit file's text for ``options``."""
    options = options or UnitOptions()
    return TEMPLATE.format(
        exec_start=exec_start(options),
        user=options.user,
        tty=options.tty,
        watchdog_s=options.watchdog_s,
        restart_s=options.restart_s,
        timeout_start_s=options.timeout_start_s,
        start_limit_burst=options.start_limit_burst,
        start_limit_interval_s=options.start_limit_interval_s,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.deploy.unit", description="print the kiosk's systemd unit"
    )
    parser.add_argument("--user", default="kiosk", help="the account the kiosk runs as")
    parser.add_argument("--tty", default="tty1", help="the virtual terminal it takes")
    parser.add_argument("--settings", default="/etc/kiosk/facility.toml", help="settings file")
    parser.add_argument("--compositor", choices=("auto", "cage", "xinit"), default="auto")
    parser.add_argument("--watchdog", type=int, default=30, help="WatchdogSec (s)")
    parser.add_argument("--out", type=Path, help="write here instead of standard output")
    args = parser.parse_args(argv)
    text = render_unit(
        UnitOptions(
            user=args.user,
            tty=args.tty,
            settings=args.settings or None,
            compositor=args.compositor,
            watchdog_s=args.watchdog,
        )
    )
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

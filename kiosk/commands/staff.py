"""``kiosk staff set-password``: the staff password (salted scrypt hash, file mode 0600).

The password is asked twice with a hidden prompt, or read from the first line of stdin with
``--from-stdin`` (for scripts, and wherever there is no terminal); it is never printed or
logged. The file is replaced atomically: on failure the old password stays.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from kiosk.config import load_settings, set_staff_password, staff_password_ok
from kiosk.config import staff_password_problem as _problem
from kiosk.errors import KioskError

NO_TERMINAL = (
    "no terminal to ask the staff password on: give it on the first line of stdin with "
    "--from-stdin (e.g. `kiosk staff set-password --from-stdin < file`)"
)


def register(sub: Any) -> None:
    parser = sub.add_parser("staff", help="staff console settings")
    cmds = parser.add_subparsers(dest="staff_command", metavar="COMMAND")
    cmds.required = True
    p = cmds.add_parser("set-password", help="set the staff password (asked twice, hidden)")
    p.add_argument("--settings", type=Path, help="facility settings file (TOML)")
    p.add_argument("--from-stdin", action="store_true", help="read it from stdin's first line")
    p.set_defaults(func=set_password)
    p = cmds.add_parser("check-password", help="check a password (exit 0 when it matches)")
    p.add_argument("--settings", type=Path, help="facility settings file (TOML)")
    p.add_argument("--from-stdin", action="store_true", help="read it from stdin's first line")
    p.set_defaults(func=check_password)


def _read(args: argparse.Namespace, confirm: bool) -> str:
    try:
        if args.from_stdin:
            if sys.stdin is None:
                raise KioskError("--from-stdin: there is no standard input")
            return sys.stdin.readline().rstrip("\r\n")
        first = getpass.getpass("staff password: ")
        if confirm and getpass.getpass("again: ") != first:
            raise KioskError("the two entries differ; nothing was changed")
    except EOFError:
        raise KioskError(NO_TERMINAL) from None
    except UnicodeDecodeError:
        raise KioskError("the password read is not UTF-8 text; nothing was changed") from None
    except OSError as exc:
        raise KioskError(f"cannot read the password ({exc.strerror or exc})") from None
    return first


def set_password(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings)
    path = set_staff_password(settings, _read(args, confirm=True))
    print(f"staff password set ({path})")
    return 0


def check_password(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings)
    problem = _problem(settings)
    if problem is not None and settings.staff_password_path().exists():
        raise KioskError(problem)  # damaged or unreadable: say so rather than "wrong"
    if staff_password_ok(settings, _read(args, confirm=False)):
        print("ok")
        return 0
    print("wrong password, or none set", file=sys.stderr)
    return 1

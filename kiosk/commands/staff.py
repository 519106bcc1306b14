"""``kiosk staff set-password``: the staff password (salted scrypt hash, file mode 0600);
``kiosk staff set-passcode``: the facility's 4-digit 目視 passcode (its hash in the station's
tables of the records database), asked twice on a terminal, else the first line of stdin.

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
from kiosk.records.database import default_url
from kiosk.station.records_access import connect
from kiosk.station_tables.keys import station_key

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
    p = cmds.add_parser(
        "set-passcode",
        help="set the facility's 4-digit 目視 passcode for the readers' pads (stdin)",
    )
    p.add_argument("--records", help="records store: sqlite file path or postgresql://…")
    p.add_argument("--settings", type=Path, help="facility settings file (TOML)")
    p.set_defaults(func=set_passcode)
    register_station(cmds)


def _has_terminal() -> bool:
    """Whether a hidden prompt can be shown (getpass would otherwise echo from stdin)."""
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return sys.stdin is not None and sys.stdin.isatty()


def _read(args: argparse.Namespace, confirm: bool) -> str:
    try:
        if args.from_stdin:
            if sys.stdin is None:
                raise KioskError("--from-stdin: there is no standard input")
            return sys.stdin.readline().rstrip("\r\n")
        if not _has_terminal():
            raise KioskError(NO_TERMINAL)
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


PASSCODE_BY = "command-line"
"""Who set the passcode, as the records say, when it was set with ``kiosk staff set-passcode``."""


def _read_passcode() -> str:
    """Hidden and twice on a terminal; else the first line of stdin. Never an argument."""
    if sys.stdin is None:
        raise KioskError("kiosk staff set-passcode: there is no standard input")
    try:
        if not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\r\n")
        first = getpass.getpass("目視 passcode (4 digits): ")
        if getpass.getpass("again: ") != first:
            raise KioskError("the two entries differ; nothing was changed")
    except EOFError:
        raise KioskError("no passcode was given; nothing was changed") from None
    except UnicodeDecodeError:
        raise KioskError("the passcode read is not text; nothing was changed") from None
    return first


def set_passcode(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from kiosk.station_tables.passcode import FacilityPasscode, passcode_problem

    settings = load_settings(args.settings)
    passcode = _read_passcode()
    problem = passcode_problem(passcode)
    if problem is not None:
        raise KioskError(f"{problem}; nothing was changed")
    parts = connect(_records_url(args, settings), station_key())  # signed as the station
    try:
        FacilityPasscode(parts.db, parts.accounts).set(
            passcode, by=PASSCODE_BY, at=datetime.now(UTC)
        )
    finally:
        passcode = ""
        parts.db.close()
    print("目視 passcode set: staff type it on a reader's pad")
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


# --- the staff station: accounts and the web server ----------------------------------------


def register_station(cmds: Any) -> None:
    p = cmds.add_parser("add", help="add a staff account for the staff station")
    p.add_argument("staff_id", metavar="NAME", help="the staff ID (a-z 0-9 . _ -, 2-32)")
    p.add_argument("--display-name", default="", help="the name shown on the station")
    p.add_argument(
        "--password-from-stdin", action="store_true", help="read the password from stdin"
    )
    p.add_argument("--records", help="records store: sqlite file path or postgresql://…")
    p.add_argument("--settings", type=Path, help="facility settings file (TOML)")
    p.set_defaults(func=add_account)
    p = cmds.add_parser("serve", help="run the staff station (a web page for the desk)")
    p.add_argument("--host", default="127.0.0.1", help="address (not loopback: TLS needed)")
    p.add_argument("--port", type=int, default=8470, help="port (default 8470)")
    p.add_argument("--tls-cert", type=Path, help="TLS certificate (PEM)")
    p.add_argument("--tls-key", type=Path, help="TLS private key (PEM)")
    p.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another Host name the desk reaches the station by (NAME or NAME:PORT; repeat it)",
    )
    p.add_argument("--records", help="records store: sqlite file path or postgresql://…")
    p.add_argument("--settings", type=Path, help="facility settings file (TOML)")
    p.set_defaults(func=serve_station)


def _records_url(args: argparse.Namespace, settings: Any) -> str:
    import os

    url: str = args.records or os.environ.get("KIOSK_RECORDS") or settings.records_url or ""
    if url and "://" not in url:
        url = f"sqlite:///{Path(url).resolve()}"
    return url or default_url()


def add_account(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    settings = load_settings(args.settings)
    if args.password_from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("password for the new staff account: ")
        if getpass.getpass("again: ") != password:
            raise KioskError("the two entries differ; no account was added")
    parts = connect(_records_url(args, settings), station_key())  # signed as the station
    try:
        parts.accounts.add(args.staff_id, password, name=args.display_name, at=datetime.now(UTC))
    finally:
        password = ""
        parts.db.close()
    print(f"staff account {args.staff_id} added")
    return 0


def serve_station(args: argparse.Namespace) -> int:
    from kiosk.station.app import StationConfig
    from kiosk.station.hosts import WILDCARDS
    from kiosk.station.server import Binding, check_binding, serve

    settings = load_settings(args.settings)
    binding = check_binding(Binding(args.host, args.port, args.tls_cert, args.tls_key))
    allowed = tuple(name.strip() for name in args.allowed_host if name.strip())
    if binding.host in WILDCARDS and not allowed:
        raise KioskError(
            f"the station would listen on every address ({binding.host}) but answer no name: "
            "give --allowed-host NAME for each name the desk's browser uses to reach it"
        )
    url = _records_url(args, settings)
    print(f"staff station on {binding.url} (records: {_safe_url(url)})", flush=True)
    print(f"station key: {station_key().public} (for kiosk records verify --station-key)")
    serve(binding, StationConfig(url, settings, secure=binding.tls, allowed_hosts=allowed))
    return 0


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url

"""``kiosk card …``: make, inspect, lock, reset and serve My Number cards.

CARD is a card file (``kiosk card new``), ``virtual:<profile>`` or ``pcsc[:<reader>]``.
Nothing here prints a PIN, a key or the individual number. PINs are asked with a hidden
prompt, or read one per line with ``--pin-from-stdin``; the ``--*-pin`` options exist for
test scripts only: values on a command line stay in the shell history and in ``ps``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import getpass
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from kiosk.card.certificate import CertificateInfo
from kiosk.card.errors import CardError
from kiosk.card.mynumber import MyNumberCard, PinStatus
from kiosk.card.pins import PINS
from kiosk.card.transport import Transport
from kiosk.devices import open_card, open_virtual_card
from kiosk.errors import KioskError
from kiosk.simcard import admin
from kiosk.simcard.admin import lock_pins
from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.cardfile import CardFile, save_card
from kiosk.simcard.deck import get_profile
from kiosk.simcard.errors import shown_path
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import verification_number_b
from kiosk.simcard.vpcd import serve
from kiosk.vocabulary import PinKind

OFFICE_PINS = ("auth", "sign", "hojo", "juki", "kyotsu")
_CARD_OS_LOG = logging.getLogger("kiosk.simcard.cardos")


class CardCommandError(CardError):
    """Bad command-line input for ``kiosk card``."""


Command = Callable[[argparse.Namespace], int]


def _one_line(command: Command) -> Command:
    """A file system that refuses (read-only, full, a NUL in a name) is a one-line error."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        for value in vars(args).values():
            if isinstance(value, str | Path) and "\0" in str(value):
                raise CardCommandError("a file name or card holds a NUL character")
        try:
            return command(args)
        except OSError as exc:
            where = f"{shown_path(exc.filename)}: " if exc.filename else ""
            raise CardCommandError(f"{where}{exc.strerror or type(exc).__name__}") from None

    return run


def register(sub: Any) -> None:
    parser = sub.add_parser("card", help="make, inspect and serve My Number cards")
    cmds = parser.add_subparsers(dest="card_command", metavar="COMMAND")
    cmds.required = True

    p = cmds.add_parser("new", help="issue a virtual card from a deck profile into a file")
    p.add_argument("--profile", required=True, help="profile name in assets/deck.toml")
    p.add_argument("--auth-pin", help="4-digit auth PIN (default: the profile's; tests only)")
    p.add_argument("--sign-pin", help="sign password (default: the profile's; tests only)")
    p.add_argument("--out", required=True, type=Path, help="card file to write")
    p.add_argument("--force", action="store_true", help="overwrite an existing card file")
    p.set_defaults(func=_one_line(cmd_new))

    p = cmds.add_parser("show", help="card face, certificate and registration state")
    _add_card(p)
    p.add_argument("--verify-b", help="照合番号B (14 digits), for a card in a reader")
    p.add_argument("--birth", type=date.fromisoformat, help="birth date YYYY-MM-DD (card front)")
    p.add_argument("--expiry-year", type=int, help="card expiry year (card front)")
    p.add_argument("--security-code", help="4-digit security code under the photo")
    p.set_defaults(func=_one_line(cmd_show))

    p = cmds.add_parser("pins", help="every PIN's tries left and where a locked one is reset")
    _add_card(p)
    p.set_defaults(func=_one_line(cmd_pins))

    p = cmds.add_parser("lock-pins", help="block every PIN of a card file (for rehearsals)")
    p.add_argument("card", type=Path, metavar="FILE")
    p.set_defaults(func=_one_line(cmd_lock_pins))

    p = cmds.add_parser("reset", help="reset PINs as the municipal office or a store does")
    p.add_argument("card", type=Path, metavar="FILE")
    p.add_argument("--at", choices=("office", "store"), required=True)
    p.add_argument(
        "--which",
        metavar="PIN",
        help="store: the PIN to reset, auth or sign (every other PIN: only at the office)",
    )
    _add_pin_sources(p, [*OFFICE_PINS, "other", "new"])
    p.set_defaults(func=_one_line(cmd_reset))

    p = cmds.add_parser("change-pin", help="change one PIN (the old one counts on the card)")
    _add_card(p, json_flag=False)
    p.add_argument("--which", choices=[k.value for k in PINS], required=True)
    _add_pin_sources(p, ["old", "new"])
    p.set_defaults(func=_one_line(cmd_change_pin))

    p = cmds.add_parser("serve", help="put a virtual card behind pcscd's vpcd reader")
    p.add_argument("card", metavar="CARD", help="card file or virtual:<profile>")
    p.add_argument("--vpcd", default="127.0.0.1:35963", help="HOST:PORT of vpcd (35963)")
    p.set_defaults(func=_one_line(cmd_serve))


def _add_card(p: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    p.add_argument("card", metavar="CARD", help="card file, virtual:<profile> or pcsc[:<reader>]")
    if json_flag:
        p.add_argument("--json", action="store_true", help="print one JSON object")


def _add_pin_sources(p: argparse.ArgumentParser, names: list[str]) -> None:
    p.add_argument(
        "--pin-from-stdin",
        action="store_true",
        help=f"read the PINs one per line from stdin, in this order: {', '.join(names)}",
    )
    for name in names:
        p.add_argument(f"--{name}-pin", help=argparse.SUPPRESS)  # tests only: shows in history


def _ask(args: argparse.Namespace, names: list[str]) -> dict[str, str]:
    """The PINs ``names``: from argv (tests), stdin lines, or a hidden prompt."""
    values: dict[str, str] = {}
    for name in names:
        given = getattr(args, f"{name}_pin", None)
        if given is not None:
            values[name] = given
        elif args.pin_from_stdin:
            line = sys.stdin.readline()
            if not line:
                raise CardCommandError(f"stdin ended before the {name} PIN")
            values[name] = line.rstrip("\r\n")
        elif sys.stdin.isatty():
            values[name] = getpass.getpass(f"{name} PIN: ")
        else:
            raise CardCommandError(f"no terminal to ask the {name} PIN: use --pin-from-stdin")
    return values


def _open(spec: str, *, changes: bool = False) -> Transport:
    """The card named by ``spec``. ``changes``: the command spends tries or sets PINs, so a
    card file that cannot be changed here (a read-only folder) is refused before it starts."""

    transport = open_card(spec)
    store = getattr(transport, "store", None)
    if changes and store is not None:
        try:
            _check_changeable(store)
        except BaseException:
            transport.close()
            raise
    return transport


@contextlib.contextmanager
def _using(transport: Transport) -> Iterator[None]:
    """One command's use of a card, closed at the end. When a virtual card answered 6F00
    because its card file failed (read-only, full), that failure is the command's one line
    (and the card OS's log line for it is left out)."""

    def reported_below(record: logging.LogRecord) -> bool:
        return not isinstance(getattr(transport, "failure", None), KioskError)

    _CARD_OS_LOG.addFilter(reported_below)
    try:
        yield
    except CardError:
        failure = getattr(transport, "failure", None)
        if isinstance(failure, KioskError):
            raise failure from None
        raise
    finally:
        _CARD_OS_LOG.removeFilter(reported_below)
        transport.close()


def _check_changeable(store: Any) -> None:
    with store.held():
        pass


# -- new ------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:

    out: Path = args.out
    if out.exists() and not args.force:
        raise CardCommandError(f"{out} exists; use --force to replace it")
    state = issue_card(args.profile, auth_pin=args.auth_pin, sign_pin=args.sign_pin)
    if out.exists():  # replacing a card another process may be using: wait for it
        with CardFile(out).held():
            save_card(out, state)
    else:
        save_card(out, state)
    print(f"issued a {args.profile} card into {out}")
    return 0


# -- show / pins ----------------------------------------------------------------------------


def _verify_b(args: argparse.Namespace) -> str | None:
    if args.verify_b:
        return str(args.verify_b)
    parts = (args.birth, args.expiry_year, args.security_code)
    if all(p is not None for p in parts):
        return verification_number_b(args.birth, date(args.expiry_year, 1, 1), args.security_code)
    if any(p is not None for p in parts):
        raise CardCommandError("give all of --birth, --expiry-year and --security-code")
    return None


def _certificate_facts(der: bytes) -> dict[str, Any]:

    info = CertificateInfo.from_der(der)
    now = datetime.now(UTC)
    facts: dict[str, Any] = {
        "serial": info.serial,
        "not_before": info.not_before.isoformat(),
        "not_after": info.not_after.isoformat(),
        "timing": info.timing(now).value,
    }
    try:
        facts["ca_status"] = CertificateAuthority.load().verify_auth_certificate(der, now).value
    except KioskError as exc:
        facts["ca_status"] = None
        facts["ca_note"] = str(exc)
    revoked = facts["ca_status"] == "revoked"
    facts["state"] = (
        "revoked" if revoked else {"expired_grace": "expired"}.get(facts["timing"], facts["timing"])
    )
    return facts


def _registration_by_ledger(serial: int) -> bool | None:
    """A card in a reader: the simulated CA's ledger knows which deck profile it came from."""
    try:
        profile = CertificateAuthority.load().profile_of(serial)
        return None if profile is None else get_profile(profile).registered_for_insurance
    except KioskError:
        return None


def cmd_show(args: argparse.Namespace) -> int:
    verify_b = _verify_b(args)
    transport = _open(args.card, changes=True)  # reading the face spends a 照合番号B try
    state = getattr(transport, "state", None)  # a virtual card: its printed face is known
    with _using(transport):
        card = MyNumberCard(transport)
        if verify_b is None and state is not None:
            verify_b = state.verify_b  # what the reader photographs on the card front
        report: dict[str, Any] = {"card": args.card}
        report["certificate"] = _certificate_facts(card.read_auth_certificate())
        if verify_b is not None:
            basic = card.read_basic_info(verify_b=verify_b)
            face = card.read_card_face(verify_b)
            report["face"] = {
                "name": basic.name,
                "address": basic.address,
                "birth_date": basic.birth_date.isoformat(),
                "sex": basic.sex,
                "expiry": face.expiry.isoformat(),
                "security_code": verify_b[-4:],
                "remarks": list(state.face.remarks) if state is not None else None,
            }
        else:
            report["face"] = None
            report["face_note"] = (
                "the card face needs 照合番号B: give --verify-b or --birth/--expiry-year/"
                "--security-code as printed on the card"
            )
        report["registered_for_insurance"] = (
            state.registered_for_insurance
            if state is not None
            else _registration_by_ledger(report["certificate"]["serial"])
        )
        report["pins"] = [s.to_dict() for s in card.all_pin_status()]
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        _print_show(report)
    return 0


def _print_show(report: dict[str, Any]) -> None:
    face = report["face"]
    if face:
        print(f"氏名 name        {face['name']}")
        print(f"住所 address     {face['address']}")
        print(f"生年月日 born    {face['birth_date']}   性別 sex {face['sex']}")
        print(f"有効期限 expiry  {face['expiry']}   セキュリティコード {face['security_code']}")
        if face["remarks"] is not None:
            print(f"追記欄 remarks   {'、'.join(face['remarks']) or '-'}")
    else:
        print(report["face_note"])
    cert = report["certificate"]
    print(
        f"利用者証明用電子証明書 auth certificate: {cert['state']}"
        f" (serial {cert['serial']}, {cert['not_before'][:10]} – {cert['not_after'][:10]})"
    )
    note = _TIMING_NOTES.get(cert["timing"]) if cert["state"] != "revoked" else None
    if note:
        print(f"    {note}")
    registered = report["registered_for_insurance"]
    shown = {True: "registered", False: "not registered", None: "unknown (ask the service)"}
    print(f"保険証利用登録 insurance use: {shown[registered]}")
    print(f"PINs: {_pins_line(report['pins'])}  (`kiosk card pins` for details)")


_TIMING_NOTES = {
    "expiring": "更新時期です: renew at the municipal office (expires within 3 months)",
    "expired_grace": (
        "期限切れ: still works as an insurance card for 3 months after expiry; "
        "renew at the municipal office"
    ),
}


def _pins_line(pins: list[dict[str, Any]]) -> str:
    return ", ".join(f"{p['pin']} {p['tries_left']}/{p['limit']}" for p in pins)


def cmd_pins(args: argparse.Namespace) -> int:
    transport = _open(args.card)
    with _using(transport):
        states = MyNumberCard(transport).all_pin_status()
    if args.json:
        print(json.dumps({"pins": [s.to_dict() for s in states]}, ensure_ascii=False))
        return 0
    for status in states:
        _print_pin(status)
    return 0


def _print_pin(status: PinStatus) -> None:
    info = PINS[status.kind]
    state = "ロック中 LOCKED" if status.blocked else f"残り {status.tries_left}/{status.limit} 回"
    print(f"{info.label_ja}  — {info.label_en}: {state}")
    if status.blocked:
        print(f"    {status.unlock_ja}\n    {status.unlock_en}")


# -- administration (card files only) -------------------------------------------------------


def _card_file(path: Path) -> Any:

    if not path.exists():
        raise CardCommandError(f"no card file {path}: make one with `kiosk card new`")
    return CardFile(path)


def cmd_lock_pins(args: argparse.Namespace) -> int:

    store = _card_file(args.card)
    store.load()  # an unusable file is refused before anything is made beside it
    with store.update() as state:
        lock_pins(state)
        store.save(state)
    print(f"every PIN of {args.card} is locked")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:

    store = _card_file(args.card)
    if args.at == "office":
        if args.which is not None:
            raise CardCommandError(
                "the municipal office resets every PIN at once: leave out --which"
            )
        store.load()  # a card file that cannot be used is said before any PIN is asked
        _check_changeable(store)
        pins = _ask(args, list(OFFICE_PINS))
        with store.update() as state:
            admin.reset_at_office(state, **{f"{k}_pin": v for k, v in pins.items()})
            store.save(state)
        what = "every PIN"
    else:
        if args.which is None:
            raise CardCommandError(
                "a store resets only the auth PIN or the sign password: give --which auth or "
                f"--which sign; for any other PIN go to {admin.OFFICE}"
            )
        which = admin.check_store_reset(store.load(), args.which)  # refusals before any PIN
        _check_changeable(store)
        pins = _ask(args, ["other", "new"])
        with store.update() as state:
            admin.reset_at_store(
                state, which, other_pin=pins["other"], new_pin=pins["new"], spend=store.save
            )
            store.save(state)
        what = f"the {PINS[PinKind(which.value)].name_en}"
    print(f"{what} of {args.card} reset at the {args.at}")
    return 0


def cmd_change_pin(args: argparse.Namespace) -> int:
    kind = PinKind(args.which)
    transport = _open(args.card, changes=True)  # an unusable card is said before any PIN
    with _using(transport):
        pins = _ask(args, ["old", "new"])
        MyNumberCard(transport).change_pin(kind, pins["old"], pins["new"])
    print(f"{PINS[kind].name_en} changed")
    return 0


# -- serve ----------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> int:
    where = vpcd_address(args.vpcd, CardCommandError)
    card = open_virtual_card(args.card)
    return serve_until_stopped(card, where, f"serving {args.card} to vpcd", "removes the card")


def vpcd_address(text: object, error: type[KioskError]) -> tuple[str, int]:
    """``HOST:PORT`` of vpcd, or ``error`` saying what was wanted."""
    host, _, port_text = str(text).rpartition(":")
    if not host or not port_text.isdigit():
        raise error(f"--vpcd wants HOST:PORT, got {text!r}")
    return host, int(port_text)


def serve_until_stopped(card: Any, where: tuple[str, int], doing: str, stopping: str) -> int:
    """Give ``card`` to vpcd at ``where`` until Ctrl-C or SIGTERM, then close it."""
    host, port = where
    stop = threading.Event()

    def stopped(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {s: signal.signal(s, stopped) for s in (signal.SIGINT, signal.SIGTERM)}
    print(f"{doing} at {host}:{port}; Ctrl-C {stopping}", flush=True)
    try:
        serve(card, host=host, port=port, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        card.close()
    return 0

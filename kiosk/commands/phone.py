"""``kiosk phone …``: smartphones carrying a card's certificates (スマホ用電子証明書).

``new`` makes a phone file linked to a card file (same person, certificates from the same
simulated CA, valid no longer than the card); ``show`` says what it holds (never its PIN);
``verification`` sets the outcome of an iPhone's own Face ID / Touch ID check; ``serve``
puts it behind pcscd as the second vpcd reader — the 汎用カードリーダー beside the kiosk.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk.card.certificate import CertificateInfo
from kiosk.card.errors import CardError
from kiosk.commands.card import serve_until_stopped, vpcd_address
from kiosk.devices import VPCD_BASE_PORT, open_virtual_card
from kiosk.errors import KioskError
from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.cardfile import CardFile, load_card, save_card
from kiosk.simcard.phone import TOKEN_LABELS, issue_phone
from kiosk.simcard.state import CardState, UserVerification
from kiosk.vocabulary import PhoneOs, PinKind

PHONE_VPCD = f"127.0.0.1:{VPCD_BASE_PORT + 1}"
"""vpcd's second slot (``Virtual PCD 00 01``): the card keeps the first."""


class PhoneCommandError(CardError):
    """Bad command-line input for ``kiosk phone``."""


def register(sub: Any) -> None:
    parser = sub.add_parser("phone", help="make, inspect and serve smartphones (マイナ保険証)")
    cmds = parser.add_subparsers(dest="phone_command", required=True)
    p = cmds.add_parser("new", help="a phone carrying a card's certificates")
    p.add_argument("--os", required=True, choices=[o.value for o in PhoneOs])
    p.add_argument("--card", required=True, type=Path, help="the card file it is made from")
    p.add_argument("--out", required=True, type=Path, help="phone file to write")
    p.add_argument(
        "--pin", help="the phone's 4-digit auth PIN (default: the card's own, as the deck sets it)"
    )
    p.add_argument(
        "--verification",
        default=UserVerification.OK.value,
        choices=[v.value for v in UserVerification],
        help="iPhone: how its Face ID / Touch ID check ends (default ok)",
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing phone file")
    p.set_defaults(func=cmd_new)
    p = cmds.add_parser("show", help="the phone's kind, certificate and tries left (no PIN)")
    p.add_argument("phone", type=Path, metavar="PHONE")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_show)
    p = cmds.add_parser("verification", help="set how the iPhone's Face ID / Touch ID ends")
    p.add_argument("phone", type=Path, metavar="PHONE")
    p.add_argument("outcome", choices=[v.value for v in UserVerification])
    p.set_defaults(func=cmd_verification)
    p = cmds.add_parser("serve", help="put the phone behind pcscd's second vpcd reader")
    p.add_argument("phone", type=Path, metavar="PHONE")
    p.add_argument("--vpcd", default=PHONE_VPCD, help=f"HOST:PORT of vpcd ({PHONE_VPCD})")
    p.set_defaults(func=cmd_serve)


def _phone(path: Path) -> CardState:
    state = load_card(path)
    if state.phone is None:
        raise PhoneCommandError(f"{path} is a card file, not a phone (kiosk phone new)")
    return state


def cmd_new(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.exists() and not args.force:
        raise PhoneCommandError(f"{out} exists; use --force to replace it")
    card = load_card(args.card)
    os_ = PhoneOs(args.os)
    verification = UserVerification(args.verification)
    state = issue_phone(card, os_, pin=args.pin, verification=verification)
    save_card(out, state)
    what = "an iPhone" if os_ is PhoneOs.IOS else "an Android phone"
    print(f"made {what} linked to card {card.serial} into {out}")
    return 0


def report(state: CardState, now: datetime | None = None) -> dict[str, Any]:
    """What ``show`` prints: kind, token, linked card, certificate, tries left; no PIN."""
    phone = state.phone
    if phone is None:
        raise PhoneCommandError("not a phone")
    now = now or datetime.now(UTC)
    pin = state.pins[PinKind.AUTH]
    out: dict[str, Any] = {
        "os": phone.os.value,
        "token": TOKEN_LABELS[phone.os].decode("ascii"),
        "card_serial": phone.card_serial,
        "card_expiry": phone.card_expiry.isoformat(),
        "card_expired": phone.card_expiry < now.date(),
        "tries_left": pin.tries_left,
        "limit": pin.limit,
        "locked": pin.blocked,
        "user_verification": phone.user_verification.value if phone.os is PhoneOs.IOS else None,
    }
    if state.auth_cert is not None:
        info = CertificateInfo.from_der(state.auth_cert)
        certificate: dict[str, Any] = {
            "serial": info.serial,
            "not_after": info.not_after.isoformat(),
        }
        try:
            status = CertificateAuthority.load().verify_auth_certificate(state.auth_cert, now)
            certificate["state"] = status.value
        except KioskError as exc:
            certificate["state"] = None
            certificate["note"] = str(exc)
        out["certificate"] = certificate
    return out


def cmd_show(args: argparse.Namespace) -> int:
    facts = report(_phone(args.phone))
    if args.json:
        print(json.dumps(facts, ensure_ascii=False))
        return 0
    kind = "iPhone" if facts["os"] == PhoneOs.IOS.value else "Android"
    print(f"{kind} ({facts['token']}), linked to card {facts['card_serial']}")
    expired = " (expired)" if facts["card_expired"] else ""
    print(f"  card expiry:     {facts['card_expiry']}{expired}")
    cert = facts.get("certificate") or {}
    print(f"  certificate:     {cert.get('state')} until {cert.get('not_after')}")
    locked = " (locked)" if facts["locked"] else ""
    print(f"  PIN tries left:  {facts['tries_left']} / {facts['limit']}{locked}")
    if facts["user_verification"] is not None:
        print(f"  Face ID/Touch ID: {facts['user_verification']}")
    return 0


def cmd_verification(args: argparse.Namespace) -> int:
    _phone(args.phone)
    with CardFile(args.phone).update() as state:
        phone = state.phone
        if phone is None or phone.os is not PhoneOs.IOS:
            raise PhoneCommandError("only an iPhone checks its user itself")
        phone.user_verification = UserVerification(args.outcome)
        save_card(args.phone, state)
    print(f"{args.phone}: Face ID / Touch ID now {args.outcome}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    where = vpcd_address(args.vpcd, PhoneCommandError)
    _phone(args.phone)
    phone = open_virtual_card(str(args.phone))
    return serve_until_stopped(phone, where, f"holding {args.phone} over vpcd", "takes it away")

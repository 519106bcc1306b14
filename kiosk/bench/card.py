"""Card reading: APDUs, bytes and time from card insertion to what the method screen needs.

Figures (JSON): ``in_process`` (the virtual card in this process), ``pcsc`` (through pcscd,
with ``--reader``; a ``Virtual PCD`` reader gets a virtual card served into it), ``all_pins_apdus``
(every PIN's state), ``prove_possession`` (PIN path: VERIFY + sign + check, in process) and
``opensc_cert_read_apdus`` (APDUs the card receives while ``pkcs15-tool --read-certificate 01``
runs against the virtual card behind vpcd; null with a reason when that cannot run).
Targets: ≤ 8 APDUs, ≤ 50 ms in process, ≤ 100 ms through pcscd.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kiosk.card.applets import Applet
from kiosk.card.errors import CardError
from kiosk.card.mynumber import MyNumberCard
from kiosk.card.pcsc import PcscTransport, list_readers
from kiosk.card.transport import CountingTransport, Transport, redact
from kiosk.devices import VPCD_READER, served
from kiosk.paths import kiosk_home_at
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.virtual import VirtualCard

if TYPE_CHECKING:
    from kiosk.simcard.virtual import VirtualCard


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=20, help="card insertions to time (20)")
    parser.add_argument("--reader", help="also measure through pcscd on this reader")
    parser.add_argument("--profile", default="standard", help="deck profile of the virtual card")
    parser.add_argument("--verify-b", help="照合番号B of the card in a real --reader")
    parser.add_argument("--apdu-delay-ms", type=float, default=0.0, help="virtual card: per APDU")
    parser.add_argument("--sign-ms", type=float, default=0.0, help="virtual card: per signature")


def _measure(open_transport: Callable[[], Transport], verify_b: str | None, runs: int) -> dict:
    """Time ``runs`` insertions: open (insert), read for reception, close (remove).

    One untimed insertion first: the virtual card renders its JPEG 2000 photo on first read
    (a real chip has it stored).
    """
    times: list[float] = []
    warm = open_transport()
    MyNumberCard(warm).read_for_reception(verify_b)
    warm.close()
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        counted = CountingTransport(open_transport())
        MyNumberCard(counted).read_for_reception(verify_b)
        times.append((time.perf_counter() - start) * 1000)
        counted.close()
    return {
        "apdus": counted.apdus,
        "bytes": counted.bytes_sent + counted.bytes_received,
        "median_ms": round(statistics.median(times), 3),
        "max_ms": round(max(times), 3),
        "runs": len(times),
    }


def _virtual(args: argparse.Namespace) -> Any:

    return VirtualCard(
        issue_card(args.profile), apdu_delay_ms=args.apdu_delay_ms, sign_ms=args.sign_ms
    )


def _in_process(args: argparse.Namespace, card: Any) -> dict:
    verify_b = card.state.verify_b

    def insert() -> Transport:
        card.power_on()
        return card

    return _measure(insert, verify_b, args.runs)


def _all_pins_apdus(card: Any) -> int:
    card.power_on()
    counted = CountingTransport(card)
    MyNumberCard(counted).all_pin_status()
    card.close()
    return counted.apdus


def _prove_possession(args: argparse.Namespace, card: Any) -> dict:

    pin = get_profile(args.profile).auth_pin
    times = []
    counted = CountingTransport(card)
    for _ in range(max(1, min(args.runs, 5))):
        card.power_on()
        counted.reset_counts()
        start = time.perf_counter()
        MyNumberCard(counted).prove_possession(pin)
        times.append((time.perf_counter() - start) * 1000)
    card.close()
    return {"apdus": counted.apdus, "median_ms": round(statistics.median(times), 3)}


class _CountingCard:
    """Counts the APDUs a served virtual card receives (what OpenSC sends through vpcd)."""

    def __init__(self, card: Any) -> None:
        self.card = card
        self.commands: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.card, name)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.commands.append(redact(apdu))
        return self.card.transmit(apdu)


def _pcscd_problem() -> str | None:

    try:
        readers = list_readers()
    except CardError as exc:
        return str(exc)
    if not any(r.startswith(VPCD_READER) for r in readers):
        return "pcscd has no vpcd reader: install vsmartcard-vpcd and restart pcscd"
    return None


def _opensc(args: argparse.Namespace, reader: str) -> tuple[int | None, dict]:
    tool = shutil.which("pkcs15-tool")
    if tool is None:
        return None, {"reason": "pkcs15-tool not found: apt install opensc"}
    problem = _pcscd_problem()
    if problem:
        return None, {"reason": problem}
    card = _CountingCard(_virtual(args))
    with served(cast("VirtualCard", card), reader):
        done = subprocess.run(  # noqa: S603 - fixed argv
            [tool, "--reader", reader, "--read-certificate", "01"],
            capture_output=True,
            timeout=60,
            check=False,
        )
    if done.returncode != 0 or b"BEGIN CERTIFICATE" not in done.stdout:
        return None, {
            "reason": f"pkcs15-tool failed: {done.stderr.decode(errors='replace')[-300:]}"
        }
    return _cert_apdus(card.commands)


def _cert_apdus(commands: list[str]) -> tuple[int | None, dict]:
    """Split what OpenSC sent: the certificate itself (SELECT EF 000A and the READ BINARYs
    that follow it), probes of other applets before JPKI, everything else."""
    select_cert = "00 A4 02 0C Lc=2 00 0A"
    jpki = "00 A4 04 0C Lc=10 " + " ".join(f"{b:02X}" for b in Applet.JPKI.aid)
    detail: dict[str, Any] = {"total_apdus": len(commands)}
    detail["other_applet_probes"] = commands.index(jpki) if jpki in commands else None
    if select_cert not in commands:
        detail["reason"] = "pkcs15-tool never selected EF 000A"
        return None, detail
    start = commands.index(select_cert)
    end = start + 1
    while end < len(commands) and commands[end].startswith("00 B0"):
        end += 1
    detail["certificate_apdus"] = end - start
    return end - start, detail


def run(args: argparse.Namespace) -> dict[str, Any]:
    """The figures; the cards are issued in a temporary kiosk home (the CA ledger's)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-card-") as home, kiosk_home_at(Path(home)):
        return _figures(args)


def _figures(args: argparse.Namespace) -> dict[str, Any]:
    card = _virtual(args)
    figures: dict[str, Any] = {
        "in_process": _in_process(args, card),
        "all_pins_apdus": _all_pins_apdus(card),
        "prove_possession": _prove_possession(args, card),
        "pcsc": None,
    }
    reader = args.reader
    if reader:
        if reader.startswith(VPCD_READER):
            served_card = _virtual(args)
            with served(served_card, reader):
                figures["pcsc"] = _measure(
                    lambda: PcscTransport(reader), served_card.state.verify_b, args.runs
                )
        else:
            figures["pcsc"] = _measure(lambda: PcscTransport(reader), args.verify_b, args.runs)
    opensc_reader = reader if reader and reader.startswith(VPCD_READER) else VPCD_READER + "00"
    count, detail = _opensc(args, opensc_reader)
    figures["opensc_cert_read_apdus"] = count
    figures["opensc_cert_read"] = detail
    return figures

"""Device choice by one string (``--card``): the only factory that opens a card.

- ``virtual:<profile>``: a fresh card issued in memory from the deck (nothing persisted);
- a card file path (``*.card``, made by ``kiosk card new``): the virtual card, every counter
  change written back to that file;
- ``pcsc`` or ``pcsc:<reader>``: a card in a PC/SC reader (a real one, or the virtual card
  behind vpcd).

Imports are lazy, so a missing pyscard fails only when ``pcsc`` is asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.card.errors import CardError
from kiosk.card.transport import Transport

if TYPE_CHECKING:
    from kiosk.simcard.virtual import VirtualCard

VIRTUAL = "virtual:"
PCSC = "pcsc"
VPCD_READER = "Virtual PCD 00 "
"""Readers of pcscd's vpcd driver: ``Virtual PCD 00 00`` (slot 0), ``… 00 01`` (slot 1)."""
VPCD_BASE_PORT = 35963
"""TCP port of vpcd slot 0 on the loopback; slot n listens on 35963 + n."""


class DeviceSpecError(CardError):
    """A ``--card`` string that names no card."""


def is_pcsc(spec: str) -> bool:
    return spec == PCSC or spec.startswith(PCSC + ":")


def pcsc_reader(spec: str) -> str | None:
    """The reader named by ``pcsc:<reader>``, None for plain ``pcsc``."""
    return spec.partition(":")[2] or None


def open_card(spec: str, **options: Any) -> Transport:
    """Open the card named by ``spec``; ``options`` go to the virtual card (apdu_delay_ms,
    sign_ms, photo). The caller closes it (card removal)."""
    if is_pcsc(spec):
        from kiosk.card.pcsc import PcscTransport

        return PcscTransport(pcsc_reader(spec))
    return open_virtual_card(spec, **options)


def open_virtual_card(spec: str, **options: Any) -> VirtualCard:
    """The virtual card named by ``virtual:<profile>`` or a card file path."""
    if spec.startswith(VIRTUAL):
        profile = spec[len(VIRTUAL) :]
        if not profile:
            raise DeviceSpecError("name a profile: virtual:<profile> (see `kiosk card new --help`)")
        from kiosk.simcard.issue import issue_card
        from kiosk.simcard.virtual import VirtualCard

        return VirtualCard(issue_card(profile), **options)
    if is_pcsc(spec):
        raise DeviceSpecError(f"{spec} is a reader; a virtual card is a file or virtual:<profile>")
    if "\0" in spec:
        raise DeviceSpecError("a card file name cannot hold a NUL character")
    path = Path(spec)
    if not path.exists():
        raise DeviceSpecError(
            f"no card file {spec}: make one with `kiosk card new --profile NAME --out {spec}`, "
            "or use virtual:<profile> or pcsc[:<reader>]"
        )
    from kiosk.simcard.issue import register_card
    from kiosk.simcard.virtual import open_card_file

    card = open_card_file(path, **options)
    register_card(card.state)  # a file from another KIOSK_HOME: let this CA's ledger know it
    return card


def vpcd_port(reader: str) -> int:
    """The vpcd TCP port behind a ``Virtual PCD 00 0n`` reader."""
    if not reader.startswith(VPCD_READER):
        raise DeviceSpecError(f"{reader} is not a vpcd reader ({VPCD_READER}00, {VPCD_READER}01)")
    return VPCD_BASE_PORT + int(reader[len(VPCD_READER) :] or 0)


@contextmanager
def served(card: VirtualCard, reader: str = VPCD_READER + "00") -> Iterator[None]:
    """``card`` inserted into vpcd ``reader`` (pcscd must run) for the duration of the block.

    Waits on pcscd's reader events until the card is seen, and at the end until it is gone,
    so the next insertion starts clean. Errors of the serving thread are raised at the end.
    """
    from kiosk.card.pcsc import wait_for_card
    from kiosk.simcard.vpcd import serve

    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            serve(card, port=vpcd_port(reader), stop=stop)
        except BaseException as exc:  # re-raised in the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=run, name="vpcd-serve", daemon=True)
    thread.start()
    try:
        try:
            wait_for_card(reader, 5.0)
        except CardError:
            if failure:
                raise failure[0] from None
            raise
        yield
    finally:
        stop.set()
        thread.join(5.0)
        if not failure:
            wait_for_card(reader, 5.0, present=False)
    if failure:
        raise failure[0]

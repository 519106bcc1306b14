"""The reception's phone port (kiosk.reception.ports.PhoneReader) over the 汎用カードリーダー:
a virtual one that the operator panel and the scenarios put phones on, or a PC/SC reader
(a real NFC reader, or vpcd's second slot with ``kiosk phone serve``)."""

from __future__ import annotations

import contextlib
from typing import Any

from kiosk.card.errors import CardError, NoCardError, TransportError
from kiosk.card.pcsc import PcscTransport, list_readers, wait_for_card
from kiosk.card.phone import PhoneSession
from kiosk.card.transport import Transport
from kiosk.reception.ports import PhoneReading

VIRTUAL = "virtual"

HOLD_APDUS = 3
"""A phone taken away early answers this many APDUs, then is gone (a scenario's and the
operator panel's "taken away early")."""


class TakenAwayEarly:
    """A phone held too briefly: it answers ``apdus`` commands, then leaves the reader."""

    def __init__(self, inner: Transport, apdus: int = HOLD_APDUS) -> None:
        self.inner = inner
        self.left = apdus

    @property
    def state(self) -> Any:
        return getattr(self.inner, "state", None)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        if self.left <= 0:
            raise NoCardError("the phone was taken away from the reader")
        self.left -= 1
        return self.inner.transmit(apdu)

    def close(self) -> None:
        self.inner.close()


class PhoneSlot:
    """The 汎用カードリーダー. ``reader`` is ``virtual`` (phones are ``insert``-ed) or
    ``pcsc[:<reader>]``; the Android PIN typed on the kiosk waits here (``arm``) until the
    phone is read or the visit ends — never in the visit, never in a log."""

    def __init__(self, reader: str = VIRTUAL) -> None:
        self.reader = reader
        self.transport: Transport | None = None
        self._pin: str | None = None

    def __repr__(self) -> str:  # the armed PIN never shows
        return f"PhoneSlot(reader={self.reader!r}, armed={self._pin is not None})"

    @property
    def pcsc_reader(self) -> str | None:
        if self.reader == VIRTUAL:
            return None
        return self.reader.partition(":")[2] or ""

    def insert(self, transport: Transport) -> None:
        """Put a phone on the virtual reader (a VirtualCard of a phone, or any Transport)."""
        self.remove()
        self.transport = transport

    def remove(self) -> None:
        transport, self.transport = self.transport, None
        if transport is not None:
            with contextlib.suppress(CardError):
                transport.close()

    def present(self) -> bool:
        reader = self.pcsc_reader
        if reader is None:
            return self.transport is not None
        try:
            wait_for_card(reader or _first_reader(), 0.0)
        except CardError:
            return False
        return True

    def arm(self, pin: str) -> None:
        self._pin = pin

    def disarm(self) -> None:
        self._pin = None

    def read(self) -> PhoneReading:
        transport = self._open()
        session = PhoneSession(transport)
        try:
            read = session.read(self._pin)
        except TransportError:
            if self.pcsc_reader is None:
                self.transport = None  # it left the reader
            raise
        finally:
            if self.pcsc_reader is not None:
                session.close()
        return PhoneReading(read.os, read.auth_certificate)

    def _open(self) -> Transport:
        reader = self.pcsc_reader
        if reader is None:
            if self.transport is None:
                raise NoCardError("no phone on the reader")
            return self.transport
        return PcscTransport(reader or None)


def _first_reader() -> str:
    names = list_readers()
    if not names:
        raise NoCardError("no PC/SC reader for the phone")
    return names[0]

"""A card that fails at a chosen command APDU: taken away, or an I/O error.

:class:`FaultyCard` wraps any :class:`~kiosk.card.transport.Transport` (usually a
:class:`~kiosk.simcard.virtual.VirtualCard`) and counts the command APDUs sent to it from 0.
At APDU ``fail_at`` it injects the fault:

- ``REMOVED_BEFORE``: the card left the reader before the command reached it (nothing
  executed); :class:`~kiosk.card.errors.NoCardError`, and every later command fails too;
- ``REMOVED_AFTER``: the card executed the command, then left before its answer came back
  (tearing: a VERIFY with a wrong PIN has spent its try); NoCardError, and later commands fail;
- ``IO_ERROR``: this one command is lost in the reader (not executed);
  :class:`~kiosk.card.errors.TransportError`; the card stays and answers the next command.

Only the command headers (CLA INS P1 P2) of what the card executed are kept, never a body,
so no PIN is held here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from kiosk.card.errors import NoCardError, TransportError
from kiosk.card.transport import Transport

INS_VERIFY = 0x20


class CardFault(StrEnum):
    REMOVED_BEFORE = "removed-before"
    REMOVED_AFTER = "removed-after"
    IO_ERROR = "io-error"


@dataclass(frozen=True)
class Header:
    """The header of a command the card executed (no body: no PIN)."""

    cla: int
    ins: int
    p1: int
    p2: int

    @property
    def is_verify(self) -> bool:
        return self.ins == INS_VERIFY

    def verify_of(self, p2: int) -> bool:
        """A VERIFY with a PIN body for the reference ``p2`` (e.g. 0x98 auth PIN by SFI 18)."""
        return self.ins == INS_VERIFY and self.p2 == p2


@dataclass
class FaultyCard:
    """A Transport failing at command APDU ``fail_at`` (None: never) with ``fault``."""

    inner: Transport
    fail_at: int | None = None
    fault: CardFault = CardFault.REMOVED_BEFORE
    sent: int = 0
    removed: bool = False
    injected: bool = False
    executed: list[tuple[Header, bool]] = field(default_factory=list)  # (header, has body)

    @property
    def state(self) -> Any:
        """The wrapped virtual card's state (the reader reads 照合番号B from the card face)."""
        return getattr(self.inner, "state", None)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        index = self.sent
        self.sent += 1
        if self.removed:
            raise NoCardError("the card was removed from the reader")
        if index == self.fail_at:
            self.injected = True
            if self.fault is CardFault.IO_ERROR:
                raise TransportError("card I/O failed (injected fault)")
            if self.fault is CardFault.REMOVED_AFTER:
                self._execute(apdu)
            self.removed = True
            raise NoCardError("the card was removed from the reader")
        return self._execute(apdu)

    def _execute(self, apdu: bytes) -> tuple[bytes, int]:
        answer = self.inner.transmit(apdu)
        header = Header(*apdu[:4]) if len(apdu) >= 4 else Header(0, 0, 0, 0)
        self.executed.append((header, len(apdu) > 5))
        return answer

    def verifies_executed(self, p2: int) -> int:
        """How many VERIFY commands with a PIN body for ``p2`` the card executed."""
        return sum(1 for header, body in self.executed if body and header.verify_of(p2))

    def close(self) -> None:
        self.inner.close()

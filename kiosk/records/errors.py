"""Errors of the records layer (database, chain, outbox)."""

from __future__ import annotations

from kiosk.errors import KioskError


class RecordError(KioskError):
    """A record could not be written or read; the message says what to do."""


class ChainBroken(RecordError):
    """The hash chain does not verify: a stored record was changed, removed or reordered."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"record #{seq}: {reason}")
        self.seq = seq
        self.reason = reason

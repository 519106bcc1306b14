"""Errors of the records layer (database, chain, outbox)."""

from __future__ import annotations

from kiosk.errors import KioskError


class RecordError(KioskError):
    """A record could not be written or read; the message says what to do."""


class ChainBrokenError(RecordError):
    """The hash chain does not verify: a stored record was changed, removed or reordered."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"record #{seq}: {reason}")
        self.seq = seq
        self.reason = reason


class StorageFullError(RecordError):
    """The records database could not grow (disk full, or its size limit): the transaction
    was rolled back, nothing of it is stored, and earlier records are intact."""

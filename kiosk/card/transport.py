"""The link to a card: a two-method protocol, a redacting trace and a scripted transport.

Three transports satisfy :class:`Transport`: the virtual card in-process
(``kiosk.simcard``), pyscard over pcscd (``kiosk.card.pcsc``) and :class:`ScriptedTransport`
for tests.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from kiosk.card.apdu import CommandApdu, parse_command
from kiosk.card.errors import MalformedApduError, TransportError
from kiosk.card.status import describe

TRACE = 5
"""Log level of the APDU trace (below DEBUG); bodies of PIN commands are never logged."""
logging.addLevelName(TRACE, "TRACE")

log = logging.getLogger("kiosk.card.apdu")


class Transport(Protocol):
    """Something that carries command APDUs to a card and brings back (data, SW)."""

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one command APDU; return the response data and the status word."""
        ...

    def close(self) -> None:
        """Release the card (power off / disconnect)."""
        ...


def redact(apdu: bytes) -> str:
    """A command APDU as a trace shows it: hex, with PIN bodies replaced by their length."""
    try:
        return parse_command(apdu).redacted()
    except MalformedApduError:
        return f"[malformed APDU, {len(apdu)} bytes]"


@dataclass
class TraceEntry:
    """One exchange as it may be shown on screen: never a PIN."""

    command: str
    sw: int
    response_length: int
    elapsed_ms: float

    def __str__(self) -> str:
        return (
            f"> {self.command}  < {self.response_length} bytes {describe(self.sw)}"
            f" ({self.elapsed_ms:.1f} ms)"
        )


@dataclass
class CountingTransport:
    """Wraps a transport: counts APDUs and bytes, logs a redacted trace, keeps recent entries.

    ``listeners`` are called with each :class:`TraceEntry` (the operator panel's trace view).
    """

    inner: Transport
    apdus: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    history: list[TraceEntry] = field(default_factory=list)
    keep: int = 200
    listeners: list[Callable[[TraceEntry], None]] = field(default_factory=list)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        start = time.perf_counter()
        data, sw = self.inner.transmit(apdu)
        elapsed = (time.perf_counter() - start) * 1000
        self.apdus += 1
        self.bytes_sent += len(apdu)
        self.bytes_received += len(data) + 2
        entry = TraceEntry(redact(apdu), sw, len(data), elapsed)
        if log.isEnabledFor(TRACE):
            log.log(TRACE, "%s", entry)
        self.history.append(entry)
        del self.history[: -self.keep]
        for listener in self.listeners:
            listener(entry)
        return data, sw

    def close(self) -> None:
        self.inner.close()

    def reset_counts(self) -> None:
        self.apdus = self.bytes_sent = self.bytes_received = 0


class ScriptedTransport:
    """Replays a fixed list of (expected command, response) pairs; for tests.

    Raises :class:`TransportError` when a command differs from the script, naming the step.
    """

    def __init__(self, script: Iterable[tuple[bytes | CommandApdu, bytes, int]]) -> None:
        self._script = [(bytes(c), d, sw) for c, d, sw in script]
        self._step = 0
        self.sent: list[bytes] = []

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        self.sent.append(bytes(apdu))
        if self._step >= len(self._script):
            raise TransportError(f"script exhausted at step {self._step}: {redact(apdu)}")
        expected, data, sw = self._script[self._step]
        if bytes(apdu) != expected:
            raise TransportError(
                f"step {self._step}: expected {redact(expected)}, got {redact(apdu)}"
            )
        self._step += 1
        return data, sw

    def close(self) -> None:
        return None

    @property
    def finished(self) -> bool:
        return self._step == len(self._script)

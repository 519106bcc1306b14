"""What a kiosk checks before it obeys a request of the desk.

A request is a row of the shared records database, and anyone who can write that database
can add one. The kiosk acts only on a request that

- is signed (:class:`~kiosk.station_tables.trust.Sealer`) by a station this kiosk was paired
  with (its key learned at pairing, kept beside the kiosk's own key, never read from the
  database);
- names this kiosk, and for an answer to a call, the call this kiosk opened and the
  reception that waits now (images: the reception that waits now);
- is fresh (issued within :data:`FRESH_S` of the kiosk's clock, either way) and has not been
  seen before (the kiosk remembers what it saw for as long as a request stays fresh).

Anything else is refused: the link marks it ``refused:<why>`` for the desk to see and writes
a refusal in the records chain (what was refused and why; never a patient's data).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.errors import KioskError
from kiosk.station_tables.calls import Command, CommandKind
from kiosk.station_tables.keys import trusted_stations, verify
from kiosk.station_tables.trust import REQUEST, request_payload
from kiosk.vocabulary import AuditKind

log = logging.getLogger(__name__)

FRESH_S = 120.0
"""A request older (or newer) than this by the kiosk's clock is refused as replayed."""

UNSIGNED = "unsigned"
UNPAIRED = "unpaired"  # the kiosk was not paired with any station yet
FORGED = "forged"  # a signature that is not a paired station's over this request
REPLAYED = "replayed"
MISDIRECTED = "misdirected"  # another kiosk's, call's or reception's


def _now() -> datetime:
    return datetime.now(UTC)


class Orders:
    """One kiosk's check of the desk's requests (:meth:`check`)."""

    def __init__(
        self,
        kiosk_id: str,
        stations: Callable[[], frozenset[str]] | None = None,
        *,
        fresh_s: float = FRESH_S,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.kiosk_id = kiosk_id
        self.stations = stations or (lambda: trusted_stations(kiosk_id))
        self.fresh = timedelta(seconds=fresh_s)
        self.clock = clock
        self._seen: OrderedDict[str, datetime] = OrderedDict()

    def check(
        self,
        command: Command,
        seal: tuple[str, str | None, str] | None,
        *,
        waiting: bool,
        reception_id: str | None,
        call_id: str | None,
    ) -> str | None:
        """None when ``command`` may be carried out, else why not (a word above)."""
        if seal is None:
            return UNSIGNED
        station, reception, signature = seal
        paired = self.stations()
        if not paired:
            return UNPAIRED
        payload = request_payload(command, reception)
        if station not in paired or not verify(station, REQUEST, payload, signature):
            return FORGED
        if command.kiosk_id != self.kiosk_id:
            return MISDIRECTED
        if not self._fresh(command):
            return REPLAYED
        if command.kind is CommandKind.CONFIRM and not (
            waiting and reception == reception_id and command.call_id == call_id
        ):
            return MISDIRECTED
        if command.kind is CommandKind.WATCH and not (waiting and reception == reception_id):
            return MISDIRECTED
        return None

    def _fresh(self, command: Command) -> bool:
        now = self.clock()
        while self._seen and next(iter(self._seen.values())) < now:
            self._seen.popitem(last=False)  # past its freshness: refused as stale anyway
        issued = command.created_at
        if command.id in self._seen or abs(now - issued) > self.fresh:
            return False
        self._seen[command.id] = max(now, issued) + self.fresh
        return True


def note_refusal(flow: Any, kind: str, why: str) -> None:
    """On the flow's thread: the refusal in the records chain (the request's kind and why)."""
    reception = flow.visit.reception_id or ""
    details = {"action": f"request_refused:{kind}:{why}", "reception_id": reception}
    try:
        flow.records.record_event(AuditKind.STAFF, details, flow.clock.now())
    except KioskError as exc:
        log.warning("a refused request could not be recorded: %s", type(exc).__name__)

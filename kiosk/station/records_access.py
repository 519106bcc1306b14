"""The station's side of the records database: one connection, reopened after a failure.

Every call runs on a worker thread of the web server (never on its event loop); a
:class:`RecordError` (the database down, a connection lost) drops the connection so the next
call opens a new one, and the station tells the browsers the database is unreachable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from kiosk.records.database import Database, open_database
from kiosk.records.errors import RecordError
from kiosk.records.store import RecordStore
from kiosk.station_tables.calls import CallBoard
from kiosk.station_tables.keys import KeyPair
from kiosk.station_tables.record_seals import sign_records
from kiosk.station_tables.staff_accounts import StaffAccounts
from kiosk.station_tables.trust import Sealer, ensure_trust_schema

T = TypeVar("T")

STATION_ID = "station"
"""The name the station's own audit records carry in the record chain."""


@dataclass
class Parts:
    db: Database
    chain: RecordStore
    board: CallBoard
    accounts: StaffAccounts
    station: KeyPair | None = None  # the station's signing key (its requests are signed)


def connect(url: str, station: KeyPair | None = None) -> Parts:
    db = open_database(url)
    try:
        chain = RecordStore(db, STATION_ID)
        board = CallBoard(db)
        if station is not None:
            ensure_trust_schema(db)
            board.seal = Sealer(station)
            sign_records(chain, station)  # the station's own records, in its name only
        return Parts(db, chain, board, StaffAccounts(db, chain), station)
    except BaseException:
        db.close()
        raise


class StationRecords:
    """The station's records: ``use(fn)`` runs ``fn(parts)`` with a live connection."""

    def __init__(self, url: str, station: KeyPair | None = None) -> None:
        self.url = url
        self.station = station
        self._parts: Parts | None = None
        self._lock = threading.Lock()
        self.reachable = True

    def use(self, work: Callable[[Parts], T]) -> T:
        with self._lock:
            try:
                if self._parts is None:
                    self._parts = connect(self.url, self.station)
                result = work(self._parts)
            except RecordError:
                self.reachable = False
                self._drop()
                raise
            self.reachable = True
            return result

    async def run(self, work: Callable[[Parts], T]) -> T:
        """``use(work)`` from the web server's event loop: on one of its worker threads."""
        import anyio.to_thread  # the web server's (the station's extra)

        return await anyio.to_thread.run_sync(self.use, work)

    def _drop(self) -> None:
        parts, self._parts = self._parts, None
        if parts is not None:
            try:
                parts.db.close()
            except Exception:  # the connection is already gone
                self.reachable = False

    def close(self) -> None:
        with self._lock:
            self._drop()

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
from kiosk.station_tables.staff_accounts import StaffAccounts

T = TypeVar("T")

STATION_ID = "station"
"""The name the station's own audit records carry in the record chain."""


@dataclass
class Parts:
    db: Database
    chain: RecordStore
    board: CallBoard
    accounts: StaffAccounts


def connect(url: str) -> Parts:
    db = open_database(url)
    try:
        chain = RecordStore(db, STATION_ID)
        return Parts(db, chain, CallBoard(db), StaffAccounts(db, chain))
    except BaseException:
        db.close()
        raise


class StationRecords:
    """The station's records: ``use(fn)`` runs ``fn(parts)`` with a live connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._parts: Parts | None = None
        self._lock = threading.Lock()
        self.reachable = True

    def use(self, work: Callable[[Parts], T]) -> T:
        with self._lock:
            try:
                if self._parts is None:
                    self._parts = connect(self.url)
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

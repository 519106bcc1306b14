"""Staff at the kiosk itself (the staff button of the waiting screen): who they are.

They type the facility's 目視 password, or their own staff account (staff ID and password).
Both are checked against the records database with the station's progressive waits
(:mod:`kiosk.station_tables.staff_accounts`) at a door of their own, :attr:`Door.READER`:
failures at a kiosk's keypad never slow the desk's sign-in page, nor the page's the keypads.
Every failure, wait and sign-in is an audit record naming the kiosk. A good one gives a
one-time credential for the flow's staff check (:class:`~kiosk.station.kiosk_link.LinkStaff`),
so the flow's own audit names the staff member (``facility`` for the facility password).
Without the records database nothing is accepted: the waits could not be kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from kiosk.config import Settings, staff_password_ok
from kiosk.errors import KioskError
from kiosk.records.chainkey import load_chain_key
from kiosk.records.database import Database, open_database
from kiosk.records.store import RecordStore
from kiosk.station.kiosk_link import LinkStaff
from kiosk.station_tables.staff_accounts import FACILITY_ID, Door, LoginResult, StaffAccounts

log = logging.getLogger(__name__)


class Verdict(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown ID or wrong password
    LOCKED = "locked"  # too soon after failures: not checked, wait retry_after_s
    UNREACHABLE = "unreachable"  # the records database cannot be reached


@dataclass(frozen=True)
class Answer:
    """The check's answer; on OK a one-time credential for the STAFF_MODE event; after a
    failure or while refused, the seconds to wait before this ID is tried here again."""

    verdict: Verdict
    staff_id: str = ""
    credential: str = field(default="", repr=False)
    retry_after_s: int = 0


def _now() -> datetime:
    return datetime.now(UTC)


class KioskStaffCheck:
    """Checks staff at one kiosk; thread-safe (one check at a time), reconnects after a
    failure of the database."""

    def __init__(
        self,
        url: str,
        settings: Settings,
        kiosk_id: str,
        staff: LinkStaff,
        *,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.url = url
        self.settings = settings
        self.kiosk_id = kiosk_id
        self.staff = staff
        self.clock = clock
        self._db: Database | None = None
        self._accounts: StaffAccounts | None = None
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        """Where the attempts come from, for the waits and the audit."""
        return f"kiosk:{self.kiosk_id}"

    def check(self, staff_id: str, password: str) -> Answer:
        """``staff_id`` empty: the facility's 目視 password; else that staff account."""
        with self._lock:
            try:
                accounts = self._open()
                at = self.clock()
                if staff_id:
                    login = accounts.check(
                        staff_id, password, self.address, at=at, door=Door.READER
                    )
                else:
                    login = accounts.check_facility(
                        lambda: staff_password_ok(self.settings, password),
                        self.address,
                        at=at,
                        door=Door.READER,
                    )
            except KioskError as exc:
                log.warning("staff at the kiosk not checked: %s", type(exc).__name__)
                self._close()
                return Answer(Verdict.UNREACHABLE)
            finally:
                password = ""
        if login.result is LoginResult.OK:
            return Answer(Verdict.OK, login.staff_id or FACILITY_ID, self.staff.mint())
        if login.result is LoginResult.WRONG:
            return Answer(Verdict.WRONG, login.staff_id, retry_after_s=login.retry_after_s)
        return Answer(Verdict.LOCKED, login.staff_id, retry_after_s=login.retry_after_s)

    def mint(self) -> str:
        """Another one-time credential (to leave 目視確認 again after a checked sign-in)."""
        return self.staff.mint()

    def _open(self) -> StaffAccounts:
        if self._accounts is None:
            db = open_database(self.url)
            try:
                key = load_chain_key(self.settings.chain_key_file)
                chain = RecordStore(db, self.kiosk_id, key=key)
                self._accounts = StaffAccounts(db, chain)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._accounts

    def _close(self) -> None:
        db, self._db, self._accounts = self._db, None, None
        if db is not None:
            try:
                db.close()
            except Exception:  # already gone with the database
                log.debug("records connection already closed")

    def close(self) -> None:
        with self._lock:
            self._close()

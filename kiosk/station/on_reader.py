"""Staff at the kiosk itself (the staff button of the waiting screen): who they are.

They type the facility's 4-digit 目視 passcode on the reader's own pad when the facility has
set one (:mod:`kiosk.station_tables.passcode`), else the facility's 目視 password; or their
own staff account (staff ID and password). Each is checked against the records database
with the station's progressive waits (:mod:`kiosk.station_tables.staff_accounts`) at a door
of their own, :attr:`Door.READER` (the passcode at :attr:`Door.PASSCODE`):
failures at a kiosk's keypad never slow the desk's sign-in page, nor the page's the keypads.
Every failure, wait and sign-in is an audit record naming the kiosk. A good one gives a
one-time credential for the flow's staff check (:class:`~kiosk.station.kiosk_link.LinkStaff`),
so the flow's own audit names the staff member (``facility`` for the facility password,
``passcode`` for the passcode).
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
from kiosk.station_tables.keys import kiosk_key
from kiosk.station_tables.passcode import FacilityPasscode
from kiosk.station_tables.record_seals import sign_records
from kiosk.station_tables.staff_accounts import (
    FACILITY_ID,
    Door,
    Login,
    LoginResult,
    StaffAccounts,
)

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
        self._passcode: FacilityPasscode | None = None
        self._lock = threading.Lock()

    @property
    def address(self) -> str:
        """Where the attempts come from, for the waits and the audit."""
        return f"kiosk:{self.kiosk_id}"

    def check(self, staff_id: str, password: str) -> Answer:
        """``staff_id`` empty: the facility's 目視 password; else that staff account."""

        def login(accounts: StaffAccounts, at: datetime) -> Login:
            if staff_id:
                return accounts.check(staff_id, password, self.address, at=at, door=Door.READER)
            return accounts.check_facility(
                lambda: staff_password_ok(self.settings, password),
                self.address,
                at=at,
                door=Door.READER,
            )

        try:
            return self._answer(login)
        finally:
            password = ""

    def check_passcode(self, passcode: str) -> Answer:
        """The facility's 4-digit 目視 passcode, typed on the reader's pad."""
        try:
            return self._answer(
                lambda _accounts, at: self._passcode_table().check(passcode, self.address, at=at)
            )
        finally:
            passcode = ""

    def passcode_set(self) -> bool | None:
        """Whether the facility has set a 目視 passcode (None: the records cannot be read)."""
        with self._lock:
            try:
                self._open()
                return self._passcode_table().is_set()
            except KioskError as exc:
                log.warning("the facility passcode not read: %s", type(exc).__name__)
                self._close()
                return None

    def _answer(self, login: Callable[[StaffAccounts, datetime], Login]) -> Answer:
        with self._lock:
            try:
                result = login(self._open(), self.clock())
            except KioskError as exc:
                log.warning("staff at the kiosk not checked: %s", type(exc).__name__)
                self._close()
                return Answer(Verdict.UNREACHABLE)
        if result.result is LoginResult.OK:
            return Answer(Verdict.OK, result.staff_id or FACILITY_ID, self.staff.mint())
        if result.result is LoginResult.WRONG:
            return Answer(Verdict.WRONG, result.staff_id, retry_after_s=result.retry_after_s)
        return Answer(Verdict.LOCKED, result.staff_id, retry_after_s=result.retry_after_s)

    def _passcode_table(self) -> FacilityPasscode:
        if self._passcode is None:
            assert self._db is not None and self._accounts is not None  # noqa: S101 (opened)
            self._passcode = FacilityPasscode(self._db, self._accounts)
        return self._passcode

    def mint(self) -> str:
        """Another one-time credential (to leave 目視確認 again after a checked sign-in)."""
        return self.staff.mint()

    def _open(self) -> StaffAccounts:
        if self._accounts is None:
            db = open_database(self.url)
            try:
                key = load_chain_key(self.settings.chain_key_file)
                chain = RecordStore(db, self.kiosk_id, key=key)
                sign_records(chain, kiosk_key(self.kiosk_id))
                self._accounts = StaffAccounts(db, chain)
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._accounts

    def _close(self) -> None:
        db, self._db, self._accounts, self._passcode = self._db, None, None, None
        if db is not None:
            try:
                db.close()
            except Exception:  # already gone with the database
                log.debug("records connection already closed")

    def close(self) -> None:
        with self._lock:
            self._close()

"""The facility's 4-digit 目視 passcode, as current readers have it: set beforehand (at the
staff station's 施設の設定, or with ``kiosk staff set-passcode``), typed by staff on a reader's
own pad to switch that reader to 目視確認.

One passcode for the facility, shared by every kiosk through the station's tables: only a
salted scrypt hash (:mod:`kiosk.passwords`) with who set it and when. A wrong entry is counted
at a door of its own (:attr:`~kiosk.station_tables.staff_accounts.Door.PASSCODE`, under the
fixed ID :data:`~kiosk.station_tables.staff_accounts.PASSCODE_ID`) with the accounts'
progressive waits, so guessing the 10,000 values takes days; every failure, wait, sign-in and
change is an audit record in the record chain, never the digits.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.passwords import hash_password, password_matches
from kiosk.records.chain import iso
from kiosk.records.database import Database
from kiosk.records.errors import RecordError
from kiosk.station_tables.schema import ensure_station_schema
from kiosk.station_tables.staff_accounts import PASSCODE_ID, Door, Login, StaffAccounts

PASSCODE_DIGITS = 4


class PasscodeFormatError(RecordError):
    """A passcode that is not 4 digits (the message never holds what was typed)."""


def passcode_problem(passcode: str) -> str | None:
    """Why ``passcode`` cannot be the 目視 passcode (None: it can)."""
    if len(passcode) != PASSCODE_DIGITS or not all(c in "0123456789" for c in passcode):
        return "the 目視 passcode is 4 digits (0-9)"
    return None


class FacilityPasscode:
    """The passcode's row in the records database ``db``; checks and changes are audited
    through ``accounts`` (its record chain)."""

    def __init__(self, db: Database, accounts: StaffAccounts) -> None:
        self.db = db
        self.accounts = accounts
        ensure_station_schema(db)

    def _stored(self) -> str | None:
        rows = self.db.execute("SELECT passcode_hash FROM facility_passcode WHERE id = 1")
        return str(rows[0][0]) if rows else None

    def is_set(self) -> bool:
        return self._stored() is not None

    def set(self, passcode: str, *, by: str, at: datetime) -> None:
        """Store ``passcode`` (its hash) in place of any earlier one; :class:`PasscodeFormatError`
        when it is not 4 digits (nothing changes)."""
        problem = passcode_problem(passcode)
        if problem is not None:
            raise PasscodeFormatError(f"{problem}; nothing was changed")
        stored = hash_password(passcode)
        with self.db.write():
            self.db.execute("DELETE FROM facility_passcode WHERE id = 1")
            self.db.execute(
                "INSERT INTO facility_passcode (id, passcode_hash, set_by, set_at)"
                " VALUES (1, ?, ?, ?)",
                (stored, by, iso(at)),
            )
        self.accounts.audit("passcode_set", by, at)

    def check(self, passcode: str, address: str, *, at: datetime) -> Login:
        """Check ``passcode`` typed at ``address`` (a kiosk): counted, delayed and audited as
        :data:`PASSCODE_ID` at the passcode's own door. None set: every entry is wrong."""

        def matches() -> bool:
            stored = self._stored()
            return stored is not None and password_matches(stored, passcode)

        return self.accounts.check_facility(
            matches, address, at=at, door=Door.PASSCODE, who=PASSCODE_ID
        )


def passcode_set_in(db: Database) -> bool:
    """Whether the records ``db`` hold a 目視 passcode, read only (a database the station's
    tables have not reached yet holds none)."""
    return db.table_exists("facility_passcode") and bool(
        db.execute("SELECT 1 FROM facility_passcode WHERE id = 1")
    )

"""Staff accounts of the staff station: passwords, failed sign-ins, waits and sessions.

A password is kept only as a salted scrypt hash (:mod:`kiosk.passwords`) and must be at
least 10 characters, not one character repeated and not a common password. A staff ID
resolves exactly or not at all: one that is not a staff ID is checked against no account.

Failed sign-ins slow guessing down and never lock anyone out: there are two doors, the
station's sign-in page (:attr:`Door.DESK`) and the staff keypad of a kiosk
(:attr:`Door.READER`), each counting its own failures. At a door, an account and an address
that failed together wait before their next try: nothing for the first
``PAIR_BACKOFF.free`` failures, then a wait that doubles with each failure, up to
``PAIR_BACKOFF.cap_s``; the account's failures from every address make the wait of a failing
address longer too, more gently (:data:`ACCOUNT_BACKOFF`). A wait is counted from that
address's own last failure, so an address that has not been failing for an account never
waits for it, and another address failing many times only ever delays the right password by
the capped wait. Failures are forgotten after :data:`FAILURE_WINDOW`, and an address's for an
account when it signs in. A session is a random token held by the browser; the database keeps
its hash, its CSRF token and when it was last used: 5 minutes without use end it, and a new
sign-in of the same account ends the others. Every failure, wait and sign-in is an audit
record in the record chain.

Staff at a kiosk type either their own account or the facility's 目視 password; the facility
password is counted under the fixed ID :data:`FACILITY_ID`, which no account can take. The
facility's 4-digit 目視 passcode on a reader's pad has a door of its own (:attr:`Door.PASSCODE`)
and the fixed ID :data:`PASSCODE_ID`.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from kiosk.passwords import hash_password, password_matches
from kiosk.records.chain import iso
from kiosk.records.database import Database
from kiosk.records.errors import RecordError
from kiosk.records.model import AuditEvent, AuditKind, check_detail
from kiosk.records.store import NewRecord, RecordStore
from kiosk.station_tables.schema import ensure_station_schema

STAFF_ID = re.compile(r"[a-z][a-z0-9._-]{1,31}")
"""A staff ID: lower-case letters first, then letters, digits, ``.``, ``_``, ``-``."""

FACILITY_ID = "facility"
"""The staff ID recorded when the facility's 目視 password was typed at a kiosk."""

PASSCODE_ID = "passcode"
"""The staff ID recorded when the facility's 4-digit 目視 passcode was typed on a reader's pad
(:mod:`kiosk.station_tables.passcode`)."""

RESERVED_IDS = frozenset({FACILITY_ID, PASSCODE_ID})
"""Staff IDs no account can take."""

NOT_AN_ID = "(not-an-id)"
"""What failures and audit records name when what was typed is not a staff ID (no account
can have it: a staff ID starts with a letter)."""

MIN_PASSWORD = 10
IDLE_LIMIT = timedelta(minutes=5)
LOCKED_LIMIT = timedelta(hours=12)
"""A desk page whose session ended idle is locked, not gone: it still hears the calls (how
many wait, never who) for this long after its sign-in (the session cookie's life)."""


class Door(StrEnum):
    """Where staff sign in; each door counts its own failures."""

    DESK = "desk"  # the station's sign-in page
    READER = "reader"  # the staff keypad of a kiosk
    PASSCODE = "passcode"  # the 目視 passcode on a reader's own pad


@dataclass(frozen=True)
class Backoff:
    """Progressive waits: none for the first ``free`` failures, then 1 s, doubled every
    ``step`` further failures, at most ``cap_s``."""

    free: int
    step: int
    cap_s: int

    def wait_s(self, failures: int) -> int:
        if failures < self.free:
            return 0
        doublings = min((failures - self.free) // self.step, 30)
        return int(min(self.cap_s, 2**doublings))


PAIR_BACKOFF = Backoff(free=3, step=1, cap_s=300)
"""An account and an address failing together: 1, 2, 4 … s, at most 5 minutes."""
ACCOUNT_BACKOFF = Backoff(free=5, step=2, cap_s=180)
"""An account failing from every address (more gently): at most 3 minutes."""
FAILURE_WINDOW = timedelta(hours=1)
"""Failures older than this are forgotten."""

COMMON_PASSWORDS = frozenset(
    [
        "password",
        "password1",
        "password12",
        "password123",
        "password1234",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "123456",
        "1234567",
        "12345678",
        "123456789",
        "1234567890",
        "12345678910",
        "0123456789",
        "9876543210",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwerty",
        "qwertyuiop",
        "qwerty123",
        "qwerty1234",
        "asdfghjkl",
        "asdfghjkl;",
        "zxcvbnm",
        "zxcvbnm123",
        "iloveyou",
        "iloveyou1",
        "letmein",
        "letmein123",
        "welcome",
        "welcome123",
        "welcome1234",
        "admin",
        "admin123",
        "admin12345",
        "administrator",
        "changeme",
        "changeme123",
        "football",
        "baseball",
        "dragon",
        "monkey",
        "sunshine",
        "princess",
        "trustno1",
        "abc123",
        "abcdefghij",
        "abcdef1234",
        "abc1234567",
        "superman",
        "batman123",
        "starwars",
        "master123",
        "whatever",
        "secret123",
        "staffstaff",
        "staff12345",
        "kiosk12345",
        "kioskkiosk",
        "reception1",
        "hospital123",
        "clinic1234",
    ]
)
"""Passwords refused whatever their length (compared in lower case)."""


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be a staff password (None: it can)."""
    if len(password) < MIN_PASSWORD:
        return f"a staff password needs at least {MIN_PASSWORD} characters"
    if not password.strip():
        return "a staff password cannot be only spaces"
    if len(set(password)) == 1:
        return "a staff password cannot be one character repeated"
    if password.lower() in COMMON_PASSWORDS:
        return "that is a common password; choose another"
    return None


@functools.cache
def _dummy_hash() -> str:
    """A hash to check an unknown account against, so it takes as long as a wrong password
    (made on first use, not at import: scrypt costs tens of milliseconds)."""
    return hash_password(secrets.token_hex(8))


class LoginResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown ID or wrong password (the same answer for both)
    THROTTLED = "throttled"  # too soon after failures: not checked, wait retry_after_s


@dataclass(frozen=True)
class Login:
    """A sign-in's answer: ``retry_after_s`` is the wait before this account may be tried
    again from this address (after a failure that started one, or while one lasts)."""

    result: LoginResult
    staff_id: str = ""
    retry_after_s: int = 0


@dataclass(frozen=True)
class Session:
    """A signed-in browser: the token is the browser's only (the database keeps its hash)."""

    staff_id: str
    csrf: str
    token: str = ""


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", errors="replace")).hexdigest()


class StaffAccounts:
    """Accounts, logins and sessions over one records database (``db``); audit records go
    to the record chain of ``chain`` (the same database)."""

    def __init__(self, db: Database, chain: RecordStore | None = None) -> None:
        self.db = db
        self.chain = chain
        ensure_station_schema(db)

    # -- accounts ---------------------------------------------------------------------------

    def add(self, staff_id: str, password: str, *, name: str = "", at: datetime) -> None:
        """A new account; RecordError says why an ID or a password is refused."""
        if not STAFF_ID.fullmatch(staff_id):
            raise RecordError(
                f"staff ID {staff_id!r}: use 2-32 of a-z 0-9 . _ - starting with a letter"
            )
        if staff_id in RESERVED_IDS:
            raise RecordError(f"staff ID {staff_id!r} is reserved for the facility's 目視 entry")
        problem = password_problem(password)
        if problem is not None:
            raise RecordError(problem)
        with self.db.write():
            if self.db.execute("SELECT 1 FROM staff_accounts WHERE staff_id = ?", (staff_id,)):
                raise RecordError(f"staff ID {staff_id!r} exists already")
            self.db.execute(
                "INSERT INTO staff_accounts (staff_id, display_name, password_hash, created_at)"
                " VALUES (?, ?, ?, ?)",
                (staff_id, name or staff_id, hash_password(password), iso(at)),
            )
        self._audit("account_added", staff_id, at)

    def exists(self, staff_id: str) -> bool:
        return bool(
            self.db.execute(
                "SELECT 1 FROM staff_accounts WHERE staff_id = ? AND disabled = 0", (staff_id,)
            )
        )

    # -- logins ---------------------------------------------------------------------------

    def _failed(
        self, door: Door, who: str, since: datetime, address: str | None = None
    ) -> tuple[int, datetime | None]:
        """How many failures of ``who`` at ``door`` (from ``address``, or from anywhere)
        since ``since``, and the last one's time."""
        sql = (
            "SELECT COUNT(*), MAX(at) FROM staff_login_failures"
            " WHERE door = ? AND staff_id = ? AND at > ?"
        )
        params: list[str] = [door.value, who, iso(since)]
        if address is not None:
            sql += " AND address = ?"
            params.append(address)
        rows = self.db.execute(sql, params)
        count, last = (rows[0][0], rows[0][1]) if rows else (0, None)
        return int(count or 0), datetime.fromisoformat(str(last)) if last else None

    def wait_s(self, who: str, address: str, *, at: datetime, door: Door = Door.DESK) -> int:
        """Seconds ``who`` must wait before being tried from ``address`` at ``door`` (0: now):
        the wait of the address's and the account's failures, from the address's last."""
        since = at - FAILURE_WINDOW
        failures, last = self._failed(door, who, since, address)
        if not failures or last is None:
            return 0  # an address that has not been failing for this account never waits
        wait = PAIR_BACKOFF.wait_s(failures)
        everywhere, _ = self._failed(door, who, since)
        wait = max(wait, ACCOUNT_BACKOFF.wait_s(everywhere))
        left = (last + timedelta(seconds=wait) - at).total_seconds()
        return max(0, math.ceil(left))

    def check(
        self, staff_id: str, password: str, address: str, *, at: datetime, door: Door = Door.DESK
    ) -> Login:
        """Check a sign-in at ``door``; failures and waits are counted and audited. A staff ID
        resolves exactly: anything that is not one matches no account."""
        valid = bool(STAFF_ID.fullmatch(staff_id)) and staff_id not in RESERVED_IDS
        who = staff_id if valid else NOT_AN_ID

        def matches() -> bool:
            rows = (
                self.db.execute(
                    "SELECT staff_id, password_hash FROM staff_accounts"
                    " WHERE staff_id = ? AND disabled = 0",
                    (staff_id,),
                )
                if valid
                else []
            )
            if not rows or rows[0][0] != staff_id:
                password_matches(_dummy_hash(), password)  # as slow as a wrong password
                return False
            return password_matches(str(rows[0][1]), password)

        return self._check(who, matches, address, at, door)

    def check_facility(
        self,
        matches: Callable[[], bool],
        address: str,
        *,
        at: datetime,
        door: Door = Door.READER,
        who: str = FACILITY_ID,
    ) -> Login:
        """Check the facility's 目視 password typed at a kiosk (``matches`` compares it):
        counted, delayed and audited as the account :data:`FACILITY_ID` (``who``: the
        passcode's :data:`PASSCODE_ID`)."""
        return self._check(who, matches, address, at, door)

    def _check(
        self, who: str, matches: Callable[[], bool], address: str, at: datetime, door: Door
    ) -> Login:
        wait = self.wait_s(who, address, at=at, door=door)
        if wait:
            self._audit("login_throttled", who, at, address=address, door=door.value, wait_s=wait)
            return Login(LoginResult.THROTTLED, who, wait)
        if matches():
            with self.db.write():
                self.db.execute(
                    "DELETE FROM staff_login_failures"
                    " WHERE door = ? AND staff_id = ? AND address = ?",
                    (door.value, who, address),
                )
            self._audit("login", who, at, address=address, door=door.value)
            return Login(LoginResult.OK, who)
        with self.db.write():
            self.db.execute(
                "DELETE FROM staff_login_failures WHERE at <= ?", (iso(at - FAILURE_WINDOW),)
            )
            self.db.execute(
                "INSERT INTO staff_login_failures (id, staff_id, address, at, door)"
                " VALUES (?, ?, ?, ?, ?)",
                (uuid.uuid4().hex, who, address, iso(at), door.value),
            )
        wait = self.wait_s(who, address, at=at, door=door)
        self._audit("login_failed", who, at, address=address, door=door.value, wait_s=wait)
        return Login(LoginResult.WRONG, who, wait)

    # -- sessions ---------------------------------------------------------------------------

    def start_session(self, staff_id: str, *, at: datetime) -> Session:
        """A new session; the account's other sessions end (signed in elsewhere)."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.db.write():
            self.db.execute(
                "UPDATE staff_sessions SET ended_at = ?, end_reason = ?"
                " WHERE staff_id = ? AND ended_at IS NULL",
                (iso(at), "signed_in_elsewhere", staff_id),
            )
            self.db.execute(
                "INSERT INTO staff_sessions (token_hash, staff_id, csrf, created_at, seen_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (_hash_token(token), staff_id, csrf, iso(at), iso(at)),
            )
        return Session(staff_id, csrf, token)

    def session(self, token: str, *, at: datetime, touch: bool = True) -> Session | None:
        """The live session of ``token`` (None: unknown, ended, or idle too long — then it
        ends); ``touch`` counts this as use."""
        if not token:
            return None
        key = _hash_token(token)
        rows = self.db.execute(
            "SELECT staff_id, csrf, seen_at, ended_at FROM staff_sessions WHERE token_hash = ?",
            (key,),
        )
        if not rows or rows[0][3] is not None:
            return None
        staff_id, csrf, seen = str(rows[0][0]), str(rows[0][1]), rows[0][2]
        if at - datetime.fromisoformat(seen) > IDLE_LIMIT:
            self.end_session(token, "idle", at=at)
            return None
        if touch:
            self.db.execute(
                "UPDATE staff_sessions SET seen_at = ? WHERE token_hash = ?", (iso(at), key)
            )
        return Session(staff_id, csrf)

    def locked(self, token: str, *, at: datetime) -> str | None:
        """The staff ID of ``token``'s session when it ended idle less than
        :data:`LOCKED_LIMIT` after its sign-in (its page is locked: it hears how many calls
        wait, and needs a sign-in to act); None otherwise."""
        if not token:
            return None
        rows = self.db.execute(
            "SELECT staff_id, created_at, end_reason FROM staff_sessions WHERE token_hash = ?",
            (_hash_token(token),),
        )
        if not rows or rows[0][2] != "idle":
            return None
        if at - datetime.fromisoformat(rows[0][1]) > LOCKED_LIMIT:
            return None
        return str(rows[0][0])

    def ended_because(self, token: str) -> str | None:
        rows = self.db.execute(
            "SELECT end_reason FROM staff_sessions WHERE token_hash = ?", (_hash_token(token),)
        )
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def end_session(self, token: str, reason: str, *, at: datetime) -> None:
        rows = self.db.execute(
            "UPDATE staff_sessions SET ended_at = ?, end_reason = ?"
            " WHERE token_hash = ? AND ended_at IS NULL RETURNING staff_id",
            (iso(at), reason, _hash_token(token)),
        )
        if rows:
            self._audit(f"logout_{reason}", str(rows[0][0]), at)

    # -- audit ------------------------------------------------------------------------------

    def audit(self, action: str, staff_id: str, at: datetime, **detail: str | int) -> None:
        self._audit(action, staff_id, at, **detail)

    def _audit(self, action: str, staff_id: str, at: datetime, **detail: str | int) -> None:
        if self.chain is None:
            return
        event = AuditEvent(
            AuditKind.STAFF, at.astimezone(UTC), None, staff_id, {"action": action, **detail}
        )
        body = {
            "event": event.kind.value,
            "staff_id": event.staff_id,
            "detail": check_detail(event.detail),
        }
        self.chain.append([NewRecord("event", event.at, None, body)])

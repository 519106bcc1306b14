"""The facility's 目視 passcode in the station's tables: only a salted hash is kept, four
digits or nothing changes, wrong entries wait on their own door, and the audit names the
passcode's ID, never the digits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from kiosk.records.database import Database
from kiosk.records.errors import RecordError
from kiosk.records.store import RecordStore
from kiosk.station_tables.passcode import FacilityPasscode, PasscodeFormatError
from kiosk.station_tables.staff_accounts import (
    PASSCODE_ID,
    Door,
    LoginResult,
    StaffAccounts,
)

AT = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
PASSCODE = "4821"


def _passcode(db: Database) -> tuple[FacilityPasscode, StaffAccounts]:
    accounts = StaffAccounts(db, RecordStore(db, "kiosk-1"))
    return FacilityPasscode(db, accounts), accounts


def test_only_a_salted_hash_is_stored_and_it_checks(db: Database) -> None:
    passcode, _ = _passcode(db)
    assert not passcode.is_set()
    assert passcode.check(PASSCODE, "kiosk:k1", at=AT).result is LoginResult.WRONG
    passcode.set(PASSCODE, by="nurse-01", at=AT)
    assert passcode.is_set()
    ((stored, by),) = db.execute("SELECT passcode_hash, set_by FROM facility_passcode")
    assert stored.startswith("scrypt$") and PASSCODE not in stored and by == "nurse-01"
    later = AT + timedelta(hours=2)
    assert passcode.check(PASSCODE, "kiosk:k1", at=later).result is LoginResult.OK
    passcode.set("0007", by="nurse-01", at=later)
    assert passcode.check(PASSCODE, "kiosk:k2", at=later).result is LoginResult.WRONG
    assert passcode.check("0007", "kiosk:k2", at=later).result is LoginResult.OK


@pytest.mark.parametrize("typed", ["123", "12345", "12a4", "１２３４", "", " 1234"])
def test_anything_but_four_digits_is_refused_and_changes_nothing(db: Database, typed: str) -> None:
    passcode, _ = _passcode(db)
    passcode.set(PASSCODE, by="nurse-01", at=AT)
    with pytest.raises(PasscodeFormatError, match="4 digits") as refused:
        passcode.set(typed, by="nurse-01", at=AT)
    assert typed.strip() == "" or typed not in str(refused.value)
    assert passcode.check(PASSCODE, "kiosk:k1", at=AT).result is LoginResult.OK


def test_wrong_entries_wait_on_their_own_door_and_are_audited_without_digits(
    db: Database,
) -> None:
    passcode, accounts = _passcode(db)
    passcode.set(PASSCODE, by="nurse-01", at=AT)
    answers = [passcode.check("0000", "kiosk:k1", at=AT) for _ in range(3)]
    assert [a.result for a in answers] == [LoginResult.WRONG] * 3
    assert answers[-1].retry_after_s == 1
    throttled = passcode.check(PASSCODE, "kiosk:k1", at=AT)  # even the right one waits
    assert throttled.result is LoginResult.THROTTLED and throttled.retry_after_s == 1
    assert accounts.wait_s(PASSCODE_ID, "kiosk:k1", at=AT, door=Door.READER) == 0
    assert accounts.wait_s(PASSCODE_ID, "kiosk:k1", at=AT, door=Door.PASSCODE) == 1
    assert passcode.check(PASSCODE, "kiosk:k2", at=AT).result is LoginResult.OK  # another kiosk
    later = AT + timedelta(seconds=1)
    assert passcode.check(PASSCODE, "kiosk:k1", at=later).result is LoginResult.OK
    bodies = [json.loads(r[0]) for r in db.execute("SELECT body FROM chain ORDER BY seq")]
    actions = [b["detail"]["action"] for b in bodies]
    failures = ["login_failed"] * 3
    assert actions == ["passcode_set", *failures, "login_throttled", "login", "login"]
    assert {b["staff_id"] for b in bodies[1:]} == {PASSCODE_ID}
    assert not any(code in json.dumps(bodies) for code in (PASSCODE, "0000"))


def test_no_account_can_take_the_passcodes_id(db: Database) -> None:
    _, accounts = _passcode(db)
    with pytest.raises(RecordError, match="reserved"):
        accounts.add(PASSCODE_ID, "correct horse battery", at=AT)

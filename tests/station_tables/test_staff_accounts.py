"""The staff accounts' table directly (SQLite): an account whose hash was stored before the
shared password module still signs in, new accounts are stored in that module's format, the
waits after failures double up to their caps, and a database of station schema 1 counts the
kiosk keypads' failures apart once migrated."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.passwords import password_matches
from kiosk.records.database import Database
from kiosk.station_tables.schema import STATION_SCHEMA_VERSION, station_schema_version
from kiosk.station_tables.staff_accounts import LoginResult, StaffAccounts

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"
OLD_HASH = (
    "scrypt$62c23a72815c98f55138d8fd291d0b26$c4367a70f294e8de03e7b9dfcbaab28ca8b4faad0caf78dae0c9"
    "b08869377f01a554cd9e7266f88b99b9898d73272c05a35b9891fb06ed40c88f8ee277e89811"
)
"""The hash of PASSWORD as the staff accounts' own scrypt code stored it."""


def test_an_account_stored_before_the_shared_module_still_signs_in(db: Database) -> None:
    accounts = StaffAccounts(db)
    assert station_schema_version(db) == STATION_SCHEMA_VERSION
    with db.write():
        db.execute(
            "INSERT INTO staff_accounts (staff_id, display_name, password_hash, created_at)"
            " VALUES (?, ?, ?, ?)",
            ("nurse-01", "nurse-01", OLD_HASH, AT.isoformat()),
        )
    assert accounts.check("nurse-01", PASSWORD, "127.0.0.1", at=AT).result is LoginResult.OK
    wrong = accounts.check("nurse-01", PASSWORD + "!", "127.0.0.1", at=AT)
    assert wrong.result is LoginResult.WRONG


def test_a_new_account_is_stored_as_a_shared_format_hash(db: Database) -> None:
    accounts = StaffAccounts(db)
    accounts.add("nurse-02", PASSWORD, at=AT)
    ((stored,),) = db.execute(
        "SELECT password_hash FROM staff_accounts WHERE staff_id = ?", ("nurse-02",)
    )
    assert password_matches(stored, PASSWORD) and PASSWORD not in stored
    assert accounts.check("nurse-02", PASSWORD, "127.0.0.1", at=AT).result is LoginResult.OK


def test_the_waits_double_and_stop_at_their_caps() -> None:
    from kiosk.station_tables.staff_accounts import ACCOUNT_BACKOFF, PAIR_BACKOFF

    pair = [PAIR_BACKOFF.wait_s(n) for n in range(16)]
    assert pair == [0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300, 300]
    account = [ACCOUNT_BACKOFF.wait_s(n) for n in range(12)]
    assert account == [0, 0, 0, 0, 0, 1, 1, 2, 2, 4, 4, 8]
    assert ACCOUNT_BACKOFF.wait_s(10**9) == ACCOUNT_BACKOFF.cap_s == 180


def test_a_version_1_database_counts_the_keypads_failures_apart(db: Database) -> None:
    from kiosk.records.database import schema_change
    from kiosk.station_tables.schema import MIGRATIONS, VERSION_KEY
    from kiosk.station_tables.staff_accounts import Door

    with schema_change(db):  # the station's tables as version 1 made them
        for statement in MIGRATIONS[1]:
            db.execute(statement)
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (VERSION_KEY, "1"))
        for n, address in enumerate(["kiosk:reception-1"] * 3 + ["127.0.0.1"]):
            db.execute(
                "INSERT INTO staff_login_failures (id, staff_id, address, at) VALUES (?, ?, ?, ?)",
                (f"f{n}", "nurse-01", address, AT.isoformat()),
            )
    accounts = StaffAccounts(db)
    assert station_schema_version(db) == STATION_SCHEMA_VERSION >= 2
    doors = db.execute("SELECT address, door FROM staff_login_failures ORDER BY id")
    assert [tuple(row) for row in doors] == [("kiosk:reception-1", "reader")] * 3 + [
        ("127.0.0.1", "desk")
    ]
    assert accounts.wait_s("nurse-01", "kiosk:reception-1", at=AT, door=Door.READER) == 1
    assert accounts.wait_s("nurse-01", "kiosk:reception-1", at=AT, door=Door.DESK) == 0
    assert accounts.wait_s("nurse-01", "127.0.0.1", at=AT) == 0
    accounts.add("unknown", PASSWORD, at=AT)
    for typed in ("Unknown", "unknown ", "unknown!", "", "1234"):
        login = accounts.check(typed, PASSWORD, "127.0.0.9", at=AT)
        assert login.result is not LoginResult.OK, typed
    assert accounts.check("unknown", PASSWORD, "127.0.0.8", at=AT).result is LoginResult.OK

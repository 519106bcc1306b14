"""The staff station's tables in the records database, with their own schema version.

Kiosks and the staff station share the records database: calls for staff, kiosk status,
requests from the desk to a kiosk (commands), staff accounts, failed logins and sessions,
the facility's 目視 passcode.
Their schema has its own version (``station_schema_version`` in ``meta``) so it grows without
touching the record chain's. No face image, PIN, password or card holder detail is ever
written here: a staff password or the 目視 passcode only as a salted scrypt hash, a session
only as a hash of its token.
"""

from __future__ import annotations

from kiosk.records.database import Database, schema_change
from kiosk.records.errors import RecordError

STATION_SCHEMA_VERSION = 4
VERSION_KEY = "station_schema_version"

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE IF NOT EXISTS station_kiosks ("
        " kiosk_id TEXT PRIMARY KEY, state TEXT NOT NULL, mode TEXT NOT NULL,"
        " held INTEGER NOT NULL DEFAULT 0, waiting INTEGER NOT NULL DEFAULT 0,"
        " reception_id TEXT, pins TEXT NOT NULL DEFAULT '[]', seen_at TEXT NOT NULL,"
        " desk_reachable INTEGER NOT NULL DEFAULT 1)",
        "CREATE TABLE IF NOT EXISTS station_calls ("
        " id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, reception_id TEXT,"
        " reason TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL,"
        " answered_by TEXT, answered_at TEXT, decision TEXT, ended_at TEXT)",
        "CREATE INDEX IF NOT EXISTS station_calls_created ON station_calls (created_at)",
        "CREATE TABLE IF NOT EXISTS station_commands ("
        " id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, kind TEXT NOT NULL,"
        " value TEXT NOT NULL, staff_id TEXT NOT NULL, call_id TEXT,"
        " created_at TEXT NOT NULL, done_at TEXT, result TEXT)",
        "CREATE INDEX IF NOT EXISTS station_commands_kiosk ON station_commands (kiosk_id, done_at)",
        "CREATE TABLE IF NOT EXISTS staff_accounts ("
        " staff_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, password_hash TEXT NOT NULL,"
        " created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)",
        "CREATE TABLE IF NOT EXISTS staff_login_failures ("
        " id TEXT PRIMARY KEY, staff_id TEXT NOT NULL, address TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS staff_login_failures_at ON staff_login_failures (at)",
        "CREATE TABLE IF NOT EXISTS staff_sessions ("
        " token_hash TEXT PRIMARY KEY, staff_id TEXT NOT NULL, csrf TEXT NOT NULL,"
        " created_at TEXT NOT NULL, seen_at TEXT NOT NULL, ended_at TEXT, end_reason TEXT)",
        "CREATE INDEX IF NOT EXISTS staff_sessions_staff ON staff_sessions (staff_id)",
    ),
    # failed sign-ins by door (the station's page, a kiosk's staff keypad), each counted
    # on its own; the keypads' failures were those from the addresses ``kiosk:ID``
    2: (
        "ALTER TABLE staff_login_failures ADD COLUMN door TEXT NOT NULL DEFAULT 'desk'",
        "UPDATE staff_login_failures SET door = 'reader' WHERE substr(address, 1, 6) = 'kiosk:'",
        "CREATE INDEX IF NOT EXISTS staff_login_failures_who"
        " ON staff_login_failures (door, staff_id, at)",
    ),
    # a call says what it is about beyond its reason (the kiosk's screen, an error code) and
    # which member of staff has taken it (対応中) before anyone answers
    3: (
        "ALTER TABLE station_calls ADD COLUMN detail TEXT NOT NULL DEFAULT '{}'",
        "ALTER TABLE station_calls ADD COLUMN taken_by TEXT",
        "ALTER TABLE station_calls ADD COLUMN taken_at TEXT",
    ),
    # the facility's 4-digit 目視 passcode, typed on a reader's own pad: one row, its salted
    # hash only, and who set it when
    4: (
        "CREATE TABLE IF NOT EXISTS facility_passcode ("
        " id INTEGER PRIMARY KEY, passcode_hash TEXT NOT NULL,"
        " set_by TEXT NOT NULL, set_at TEXT NOT NULL)",
    ),
}


def station_schema_version(db: Database) -> int:
    if not db.table_exists("meta"):
        return 0
    rows = db.execute("SELECT value FROM meta WHERE key = ?", (VERSION_KEY,))
    return int(rows[0][0]) if rows else 0


def ensure_station_schema(db: Database) -> None:
    """Create or bring up to date the station's tables (kiosks and stations racing to do it
    take turns: PostgreSQL's schema lock, SQLite's write lock)."""
    if station_schema_version(db) == STATION_SCHEMA_VERSION:
        return
    with schema_change(db):
        current = station_schema_version(db)
        if current > STATION_SCHEMA_VERSION:
            raise RecordError(
                f"the records database {db.url} has station schema {current}, newer than this "
                f"software ({STATION_SCHEMA_VERSION}): update the kiosk software"
            )
        for version in range(current + 1, STATION_SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                db.execute(statement)
        if current == 0:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                (VERSION_KEY, str(STATION_SCHEMA_VERSION)),
            )
        else:
            db.execute(
                "UPDATE meta SET value = ? WHERE key = ?",
                (str(STATION_SCHEMA_VERSION), VERSION_KEY),
            )

"""The schema of the record chain's tables: its versions, and bringing a database up to date.

The version is ``schema_version`` in the ``meta`` table, beside ``chain_key_id`` (the id of
the key the chain is signed with). :func:`migrate` applies the statements of
:data:`MIGRATIONS` in one transaction, with the schema locked against other kiosks doing the
same. Schema 2 signs the chain with the chain key (:mod:`kiosk.records.chainkey`); a schema 1
database (plain SHA-256) has its chain checked first (a broken one is refused, so tampering
is never re-signed), then every record is re-signed and an audit event ``chain_keyed`` says
how many records came from before. A database of a newer schema is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.records.chain import GENESIS, head_text, iso, link, plain_hash, row_text, verify_chain
from kiosk.records.chainkey import ChainKey
from kiosk.records.database import Database, schema_change
from kiosk.records.errors import RecordError

SCHEMA_VERSION = 2
LEGACY_SCHEMA = 1  # the chain of plain SHA-256 hashes

# version -> statements bringing the schema from version - 1 to version
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE IF NOT EXISTS chain ("
        " seq BIGINT PRIMARY KEY, kind TEXT NOT NULL, at TEXT NOT NULL,"
        " kiosk_id TEXT NOT NULL, reception_id TEXT, body TEXT NOT NULL,"
        " prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS chain_at ON chain (at)",
        "CREATE INDEX IF NOT EXISTS chain_reception ON chain (reception_id)",
        "CREATE TABLE IF NOT EXISTS chain_head ("
        " id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)",
        "INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '"
        "0000000000000000000000000000000000000000000000000000000000000000')",  # GENESIS
    ),
    # the head's signature; the records are re-signed by _sign_chain
    2: ("ALTER TABLE chain_head ADD COLUMN mac TEXT",),
}

INSERT_ROW = (
    "INSERT INTO chain (seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
SELECT_ROWS = "SELECT seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash FROM chain"
SELECT_HEAD = "SELECT seq, hash FROM chain_head WHERE id = 1"
SET_HEAD = "UPDATE chain_head SET seq = ?, hash = ?, mac = ? WHERE id = 1"


def schema_version(db: Database) -> int:
    """The database's schema version (0: none yet)."""
    if not db.table_exists("meta"):
        return 0
    rows = db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
    try:
        return int(rows[0][0]) if rows else 0
    except (TypeError, ValueError):
        raise RecordError(
            f"the records database {db.url} has a damaged schema version "
            f"({rows[0][0]!r}): keep the file for inspection"
        ) from None


def key_id(db: Database) -> str | None:
    """The id of the key the database says it is signed with (None: not said)."""
    if not db.table_exists("meta"):
        return None
    rows = db.execute("SELECT value FROM meta WHERE key = 'chain_key_id'")
    return str(rows[0][0]) if rows else None


def newer(db: Database, version: int) -> RecordError:
    """The refusal of a database whose schema ``version`` is newer than this software's."""
    return RecordError(
        f"the records database {db.url} has schema {version}, newer than this "
        f"kiosk ({SCHEMA_VERSION}): update the kiosk software"
    )


def check_readable(db: Database) -> None:
    """Refuse what is not a records database, or one too new to read."""
    if not db.table_exists("chain"):
        raise RecordError(f"{db.url} is not a records database (it has no records)")
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise newer(db, version)


def migrate(db: Database, key: ChainKey, kiosk_id: str) -> None:
    """Bring the database to :data:`SCHEMA_VERSION`, signed with ``key`` (a migration's
    audit event is recorded as ``kiosk_id``'s)."""
    if schema_version(db) == SCHEMA_VERSION:
        _check_key(db, key)
        return
    with schema_change(db):
        current = schema_version(db)
        if current > SCHEMA_VERSION:
            raise newer(db, current)
        if current == SCHEMA_VERSION:  # another kiosk migrated meanwhile
            return
        if current == LEGACY_SCHEMA:
            _check_legacy_chain(db)
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                db.execute(statement)
        _sign_chain(db, key, kiosk_id, legacy=current == LEGACY_SCHEMA)
        db.execute("DELETE FROM meta WHERE key IN ('schema_version', 'chain_key_id')")
        db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("schema_version", str(SCHEMA_VERSION)), ("chain_key_id", key.key_id)],
        )
    _check_key(db, key)


def _check_key(db: Database, key: ChainKey) -> None:
    """Refuse to extend a chain signed with another key (kiosks must share one key)."""
    stored = key_id(db)
    mine = key.key_id
    if stored is None:
        with db.write():
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('chain_key_id', ?)"
                " ON CONFLICT (key) DO NOTHING",
                (mine,),
            )
    elif stored != mine:
        raise RecordError(
            f"the records database {db.url} is signed with another chain key "
            f"(id {stored}; this kiosk's key {key.source} has id {mine}): kiosks "
            "sharing a database need the same key file ([records] chain_key_file)"
        )


def _check_legacy_chain(db: Database) -> None:
    """Schema 1: re-sign only a chain that verifies, so tampering is never signed."""
    head = db.execute(SELECT_HEAD)
    rows = db.execute(SELECT_ROWS + " ORDER BY seq")
    result = verify_chain(
        rows, (*head[0], None) if head else None, mac=plain_hash, head_signed=False
    )
    if not result.ok:
        raise RecordError(
            f"the records database {db.url} (schema {LEGACY_SCHEMA}, unsigned) does not "
            f"verify: {result.summary()}. It was not changed; keep it for inspection "
            "(`kiosk records verify`) and move it away to start a new database"
        )


def _sign_chain(db: Database, key: ChainKey, kiosk_id: str, *, legacy: bool) -> None:
    """Sign every record (schema 1 databases) and the head with the chain key."""
    prev = GENESIS
    updates: list[tuple[str, str, int]] = []
    for seq, kind, at, row_kiosk, reception_id, body, _, _ in db.execute(
        SELECT_ROWS + " ORDER BY seq"
    ):
        digest = key.row_mac(row_text(seq, kind, at, row_kiosk, reception_id, body, prev))
        updates.append((prev, digest, seq))
        prev = digest
    if updates:
        db.executemany("UPDATE chain SET prev_hash = ?, hash = ? WHERE seq = ?", updates)
    seq = len(updates)
    if legacy and seq:
        note = {
            "event": "chain_keyed",
            "staff_id": None,
            "detail": {"unsigned_records": seq, "key_id": key.key_id},
        }
        at = iso(datetime.now(UTC))
        row = link(key.row_mac, seq + 1, prev, "event", at, kiosk_id, None, note)
        db.execute(INSERT_ROW, row.as_tuple())
        seq, prev = row.seq, row.hash
    db.execute(SET_HEAD, (seq, prev, key.row_mac(head_text(seq, prev))))

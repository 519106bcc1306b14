"""The record store: a repository over one explicit database connection.

``RecordStore.open(url)`` opens ``sqlite:///path`` (default) or ``postgresql://…``, applies
the schema migrations and keeps the connection. :meth:`RecordStore.append` writes several
records in ONE transaction (one commit), linked into the hash chain; when it returns, the
records are durable (SQLite WAL with synchronous=FULL; PostgreSQL's commit).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from kiosk.paths import kiosk_home
from kiosk.records.chain import GENESIS, ChainRow, Verification, link, verify_rows
from kiosk.records.errors import RecordError

SCHEMA_VERSION = 1

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
}

_INSERT = (
    "INSERT INTO chain (seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_SELECT_CHAIN = (
    "SELECT seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash FROM chain"
    " WHERE seq <= ? ORDER BY seq"
)
_HEAD = "SELECT seq, hash FROM chain_head WHERE id = 1"


class Database(Protocol):
    """What the store needs from a database adapter (``?`` placeholders)."""

    url: str
    for_update: str

    def write(self) -> Any: ...  # context manager: one transaction

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def iterate(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]: ...

    def table_exists(self, name: str) -> bool: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class NewRecord:
    """A record to append: ``kind`` is "reception" or "event"; ``body`` its own fields."""

    kind: str
    at: datetime
    reception_id: str | None
    body: dict[str, Any]


@dataclass(frozen=True)
class StoredRecord:
    seq: int
    kind: str
    at: datetime
    kiosk_id: str
    reception_id: str | None
    body: dict[str, Any]


def default_url() -> str:
    """``$KIOSK_RECORDS`` or SQLite in kiosk_home()."""
    return os.environ.get("KIOSK_RECORDS") or f"sqlite:///{kiosk_home() / 'records.db'}"


def open_database(url: str, *, create: bool = True) -> Database:
    """The adapter for ``url`` (imported lazily, so psycopg is needed only for PostgreSQL).

    ``create=False`` refuses a SQLite file that does not exist yet (tools that only read)."""
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://")
        if not path.startswith("/") or path == "/":
            raise RecordError(
                f"records URL {url!r}: write sqlite:///relative/path or sqlite:////absolute/path"
            )
        from kiosk.records.db_sqlite import SqliteDatabase

        file = Path(path[1:])
        if not create and not file.exists():
            raise RecordError(f"there is no records database at {file} (check --records)")
        return SqliteDatabase(file)  # sqlite:///rel.db, sqlite:////abs/path.db
    if url.startswith(("postgresql://", "postgres://")):
        from kiosk.records.db_postgres import PostgresDatabase

        return PostgresDatabase(url)
    raise RecordError(f"records URL {url!r}: use sqlite:///path/records.db or postgresql://…")


def iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise RecordError("record times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


class RecordStore:
    """The chain of records in one database, for one kiosk id."""

    def __init__(self, db: Database, kiosk_id: str) -> None:
        self.db = db
        self.kiosk_id = kiosk_id
        self._migrate()

    @classmethod
    def open(
        cls, url: str | None = None, *, kiosk_id: str = "kiosk-1", create: bool = True
    ) -> RecordStore:
        """Open (``create``: and make when missing) the store at ``url`` or the default."""
        return cls(open_database(url or default_url(), create=create), kiosk_id)

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.db.table_exists("meta"):
            return 0
        rows = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(rows[0][0]) if rows else 0

    def _migrate(self) -> None:
        if self.schema_version() == SCHEMA_VERSION:
            return
        with self.db.write():
            lock = getattr(self.db, "lock_schema", None)
            if lock is not None:
                lock()
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise RecordError(
                    f"the records database {self.db.url} has schema {current}, newer than this "
                    f"kiosk ({SCHEMA_VERSION}): update the kiosk software"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    self.db.execute(statement)
            if current == 0:
                self.db.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            else:
                self.db.execute(
                    "UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    (str(SCHEMA_VERSION),),
                )

    # -- writing --------------------------------------------------------------------------

    def append(self, records: Sequence[NewRecord]) -> list[int]:
        """Append ``records`` in one transaction; return their sequence numbers."""
        if not records:
            return []
        with self.db.write():
            head = self.db.execute(_HEAD + self.db.for_update)  # the chain's lock
            if not head:
                raise RecordError(f"the records database {self.db.url} has no chain head")
            seq, prev = int(head[0][0]), str(head[0][1])
            rows: list[ChainRow] = []
            for record in records:
                seq += 1
                row = link(
                    seq,
                    prev,
                    record.kind,
                    iso(record.at),
                    self.kiosk_id,
                    record.reception_id,
                    record.body,
                )
                rows.append(row)
                prev = row.hash
            self.db.executemany(_INSERT, [row.as_tuple() for row in rows])
            self.db.execute("UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1", (seq, prev))
        return [row.seq for row in rows]

    # -- reading --------------------------------------------------------------------------

    def records(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        kind: str | None = None,
        reception_id: str | None = None,
    ) -> list[StoredRecord]:
        """Stored records in chain order, filtered by time [since, until), kind, reception."""
        sql, params = _select(since, until, kind, reception_id)
        return [_stored(row) for row in self.db.execute(sql, params)]

    def stream(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        kind: str | None = None,
    ) -> Iterator[StoredRecord]:
        """Like :meth:`records`, one record at a time inside one read snapshot: memory stays
        flat however many there are (exports)."""
        sql, params = _select(since, until, kind, None)
        rows = self.db.iterate(sql, params)
        try:
            for row in rows:
                yield _stored(row)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # end the read snapshot even when the reader stopped early

    def verify(self) -> Verification:
        """Walk the chain up to the current head; the result names the first bad record.

        Records appended while this runs (other kiosks) are past the head read first and
        are left for the next run.
        """
        head = self.db.execute(_HEAD)
        head_value = (int(head[0][0]), str(head[0][1])) if head else (0, GENESIS)
        rows = self.db.iterate(_SELECT_CHAIN, (head_value[0],))
        try:
            return verify_rows(rows, head_value)
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # end the read snapshot even when verification stopped early


def _select(
    since: datetime | None, until: datetime | None, kind: str | None, reception_id: str | None
) -> tuple[str, list[Any]]:
    """The query for stored records in chain order with these filters."""
    where, params = [], []
    if since is not None:
        where.append("at >= ?")
        params.append(iso(since))
    if until is not None:
        where.append("at < ?")
        params.append(iso(until))
    if kind is not None:
        where.append("kind = ?")
        params.append(kind)
    if reception_id is not None:
        where.append("reception_id = ?")
        params.append(reception_id)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    # the clause is built from the constant fragments above; values are parameters
    sql = "SELECT seq, kind, at, kiosk_id, reception_id, body FROM chain" + clause  # noqa: S608
    return sql + " ORDER BY seq", params


def _stored(row: Sequence[Any]) -> StoredRecord:
    return StoredRecord(
        int(row[0]), row[1], datetime.fromisoformat(row[2]), row[3], row[4], json.loads(row[5])
    )


@contextmanager
def opened(url: str | None = None, *, kiosk_id: str = "kiosk-1") -> Iterator[RecordStore]:
    store = RecordStore.open(url, kiosk_id=kiosk_id)
    try:
        yield store
    finally:
        store.close()

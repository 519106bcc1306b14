"""The record store: a repository over one explicit database connection.

``RecordStore.open(url)`` opens ``sqlite:///path`` (default) or ``postgresql://…``, applies
the schema migrations and keeps the connection. :meth:`RecordStore.append` writes several
records in ONE transaction (one commit), linked into the keyed chain
(:mod:`kiosk.records.chain`); when it returns, the records are durable (SQLite WAL with
synchronous=FULL; PostgreSQL's commit) and a signed checkpoint of the new head is appended
to the checkpoints folder (:mod:`kiosk.records.checkpoint`).

Schema 2 signs the chain with the chain key (:mod:`kiosk.records.chainkey`). A schema 1
database (plain SHA-256) is migrated when a kiosk opens it for writing: its chain is checked
first (a broken one is refused, so tampering is never re-signed), then every record is
re-signed and an audit event ``chain_keyed`` says how many records came from before.

``read_only=True`` (the staff tools) never migrates or writes: SQLite is opened with
``mode=ro`` (``immutable=1`` for an archived copy, or when no kiosk has the file open), and
PostgreSQL sessions are read-only.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain as chained
from pathlib import Path
from typing import Any, Protocol

from kiosk.paths import kiosk_home
from kiosk.records.chain import (
    GENESIS,
    ChainRow,
    Finding,
    Verification,
    head_text,
    link,
    plain_hash,
    row_text,
    verify_chain,
)
from kiosk.records.chainkey import ChainKey, load_chain_key
from kiosk.records.checkpoint import CheckpointLog, read_checkpoints
from kiosk.records.errors import RecordError

log = logging.getLogger(__name__)

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
    # the head's signature; the records are re-signed by RecordStore._sign_chain
    2: ("ALTER TABLE chain_head ADD COLUMN mac TEXT",),
}

_INSERT = (
    "INSERT INTO chain (seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_ROWS = "SELECT seq, kind, at, kiosk_id, reception_id, body, prev_hash, hash FROM chain"
_HEAD = "SELECT seq, hash FROM chain_head WHERE id = 1"
_SET_HEAD = "UPDATE chain_head SET seq = ?, hash = ?, mac = ? WHERE id = 1"


def _whole_chain(version: int) -> str:
    """The head (part 0) and every record (part 1) in ONE statement: one snapshot, so
    records other kiosks append meanwhile are not mistaken for records past the head."""
    head_mac = "mac" if version >= 2 else "NULL"
    return (
        f"SELECT 0, 'head', NULL, NULL, NULL, NULL, seq, hash, {head_mac}"  # noqa: S608
        " FROM chain_head WHERE id = 1 UNION ALL"
        " SELECT 1, kind, at, kiosk_id, reception_id, body, seq, prev_hash, hash FROM chain"
        " ORDER BY 1, 7"
    )


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


def sqlite_file(url: str) -> Path:
    """The file of a ``sqlite:///…`` URL."""
    path = url.removeprefix("sqlite://")
    shown = url if len(url) <= 60 else url[:57] + "..."
    if not path.startswith("/") or path == "/":
        raise RecordError(
            f"records URL {shown!r}: write sqlite:///relative/path or sqlite:////absolute/path"
        )
    if "\0" in path:
        raise RecordError(f"records URL {shown!r}: a file name cannot hold a NUL character")
    file = Path(path[1:])  # sqlite:///rel.db, sqlite:////abs/path.db
    if any(len(part.encode("utf-8", "surrogateescape")) > 255 for part in file.parts):
        raise RecordError(f"records URL {shown!r}: a file or folder name is over 255 bytes")
    return file


def existing_file(file: Path, shown: str) -> Path:
    """``file`` when it is a regular file; else a RecordError saying what it is."""
    if not file.exists():
        raise RecordError(f"there is no records database at {file} (check {shown})")
    if not file.is_file():
        raise RecordError(f"{file} is not a regular file, so not a records database ({shown})")
    return file


def open_database(
    url: str, *, create: bool = True, read_only: bool = False, immutable: bool = False
) -> Database:
    """The adapter for ``url`` (imported lazily, so psycopg is needed only for PostgreSQL).

    ``create=False`` refuses a SQLite file that does not exist yet (tools that only read);
    ``read_only`` opens without ever writing (implies ``create=False``); ``immutable`` reads
    a SQLite file that nothing writes (an archived copy)."""
    if url.startswith("sqlite://"):
        from kiosk.records.db_sqlite import SqliteDatabase  # sqlite3: only when asked for

        file = sqlite_file(url)
        if file.exists() and not file.is_file():
            existing_file(file, url)
        if read_only or not create:
            existing_file(file, "--records")
        if read_only:
            return SqliteDatabase.reader(file, immutable=immutable)
        return SqliteDatabase(file)
    if url.startswith(("postgresql://", "postgres://")):
        from kiosk.records.db_postgres import PostgresDatabase

        return PostgresDatabase(url, read_only=read_only)
    raise RecordError(f"records URL {url!r}: use sqlite:///path/records.db or postgresql://…")


def iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise RecordError("record times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


class RecordStore:
    """The chain of records in one database, for one kiosk id.

    ``key``: the chain key (default: this kiosk's, created on first use, unless
    ``read_only``: then None means the records' authenticity is not checked).
    ``checkpoints``: where checkpoints of the head are appended after each commit.
    """

    def __init__(
        self,
        db: Database,
        kiosk_id: str,
        *,
        key: ChainKey | None = None,
        checkpoints: CheckpointLog | None = None,
        read_only: bool = False,
    ) -> None:
        self.db = db
        self.kiosk_id = kiosk_id
        self.read_only = read_only
        self.checkpoints = checkpoints
        self.last_head: tuple[int, str] | None = None  # after this store's last append
        try:
            self.key = key if key is not None or read_only else load_chain_key()
            if read_only:
                self._check_readable()
            else:
                self._migrate()
        except BaseException:
            db.close()
            raise

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        kiosk_id: str = "kiosk-1",
        create: bool = True,
        key: ChainKey | None = None,
        checkpoints: CheckpointLog | None = None,
        read_only: bool = False,
        immutable: bool = False,
    ) -> RecordStore:
        """Open (``create``: and make when missing) the store at ``url`` or the default."""
        db = open_database(
            url or default_url(), create=create, read_only=read_only, immutable=immutable
        )
        return cls(db, kiosk_id, key=key, checkpoints=checkpoints, read_only=read_only)

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.checkpoints is not None:
            self.checkpoints.close()
        self.db.close()

    # -- schema ---------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self.db.table_exists("meta"):
            return 0
        rows = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'")
        try:
            return int(rows[0][0]) if rows else 0
        except (TypeError, ValueError):
            raise RecordError(
                f"the records database {self.db.url} has a damaged schema version "
                f"({rows[0][0]!r}): keep the file for inspection"
            ) from None

    def key_id(self) -> str | None:
        """The id of the key the database says it is signed with (None: not said)."""
        if not self.db.table_exists("meta"):
            return None
        rows = self.db.execute("SELECT value FROM meta WHERE key = 'chain_key_id'")
        return str(rows[0][0]) if rows else None

    def _newer(self, version: int) -> RecordError:
        return RecordError(
            f"the records database {self.db.url} has schema {version}, newer than this "
            f"kiosk ({SCHEMA_VERSION}): update the kiosk software"
        )

    def _check_readable(self) -> None:
        if not self.db.table_exists("chain"):
            raise RecordError(f"{self.db.url} is not a records database (it has no records)")
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise self._newer(version)

    def _migrate(self) -> None:
        if self.schema_version() == SCHEMA_VERSION:
            self._check_key()
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
                raise self._newer(current)
            if current == SCHEMA_VERSION:  # another kiosk migrated meanwhile
                return
            if current == LEGACY_SCHEMA:
                self._check_legacy_chain()
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    self.db.execute(statement)
            self._sign_chain(legacy=current == LEGACY_SCHEMA)
            self.db.execute("DELETE FROM meta WHERE key IN ('schema_version', 'chain_key_id')")
            self.db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("schema_version", str(SCHEMA_VERSION)), ("chain_key_id", self._key().key_id)],
            )
        self._check_key()

    def _key(self) -> ChainKey:
        if self.key is None:
            raise RecordError("the records cannot be written without the chain key")
        return self.key

    def _check_key(self) -> None:
        """Refuse to extend a chain signed with another key (kiosks must share one key)."""
        stored = self.key_id()
        mine = self._key().key_id
        if stored is None:
            with self.db.write():
                self.db.execute(
                    "INSERT INTO meta (key, value) VALUES ('chain_key_id', ?)"
                    " ON CONFLICT (key) DO NOTHING",
                    (mine,),
                )
        elif stored != mine:
            raise RecordError(
                f"the records database {self.db.url} is signed with another chain key "
                f"(id {stored}; this kiosk's key {self._key().source} has id {mine}): kiosks "
                "sharing a database need the same key file ([records] chain_key_file)"
            )

    def _check_legacy_chain(self) -> None:
        """Schema 1: re-sign only a chain that verifies, so tampering is never signed."""
        head = self.db.execute(_HEAD)
        rows = self.db.execute(_ROWS + " ORDER BY seq")
        result = verify_chain(
            rows, (*head[0], None) if head else None, mac=plain_hash, head_signed=False
        )
        if not result.ok:
            raise RecordError(
                f"the records database {self.db.url} (schema {LEGACY_SCHEMA}, unsigned) does not "
                f"verify: {result.summary()}. It was not changed; keep it for inspection "
                "(`kiosk records verify`) and move it away to start a new database"
            )

    def _sign_chain(self, *, legacy: bool) -> None:
        """Sign every record (schema 1 databases) and the head with the chain key."""
        key = self._key()
        prev = GENESIS
        updates: list[tuple[str, str, int]] = []
        for seq, kind, at, kiosk_id, reception_id, body, _, _ in self.db.execute(
            _ROWS + " ORDER BY seq"
        ):
            digest = key.row_mac(row_text(seq, kind, at, kiosk_id, reception_id, body, prev))
            updates.append((prev, digest, seq))
            prev = digest
        if updates:
            self.db.executemany("UPDATE chain SET prev_hash = ?, hash = ? WHERE seq = ?", updates)
        seq = len(updates)
        if legacy and seq:
            note = NewRecord(
                "event",
                datetime.now(UTC),
                None,
                {
                    "event": "chain_keyed",
                    "staff_id": None,
                    "detail": {"unsigned_records": seq, "key_id": key.key_id},
                },
            )
            row = link(
                key.row_mac, seq + 1, prev, note.kind, iso(note.at), self.kiosk_id, None, note.body
            )
            self.db.execute(_INSERT, row.as_tuple())
            seq, prev = row.seq, row.hash
        self.db.execute(_SET_HEAD, (seq, prev, key.row_mac(head_text(seq, prev))))

    # -- writing --------------------------------------------------------------------------

    def append(self, records: Sequence[NewRecord]) -> list[int]:
        """Append ``records`` in one transaction; return their sequence numbers."""
        if not records:
            return []
        if self.read_only:
            raise RecordError(f"the records database {self.db.url} was opened read-only")
        key = self._key()
        with self.db.write():
            head = self.db.execute(_HEAD + self.db.for_update)  # the chain's lock
            if not head:
                raise RecordError(f"the records database {self.db.url} has no chain head")
            seq, prev = head[0]
            if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(prev, str):
                raise RecordError(
                    f"the chain head of {self.db.url} is damaged: nothing was recorded; "
                    "run `kiosk records verify` and report it"
                )
            rows: list[ChainRow] = []
            for record in records:
                seq += 1
                row = link(
                    key.row_mac,
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
            self.db.execute(_SET_HEAD, (seq, prev, key.row_mac(head_text(seq, prev))))
        self.last_head = (seq, prev)
        self._checkpoint(seq, prev)
        return [row.seq for row in rows]

    def _checkpoint(self, seq: int, head: str) -> None:
        """The day's checkpoint; a failure is logged, never raised: the records are
        committed, and the next commit writes the next checkpoint."""
        if self.checkpoints is None:
            return
        try:
            self.checkpoints.append(seq, head)
        except OSError as exc:
            log.warning(
                "the checkpoint of record #%d could not be written to %s: %s",
                seq,
                self.checkpoints.folder,
                exc.strerror or exc,
            )

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

    def past_head(self) -> int:
        """How many records lie past the chain head (0 in an intact chain)."""
        rows = self.db.execute(
            "SELECT COUNT(*) FROM chain WHERE seq > (SELECT seq FROM chain_head WHERE id = 1)"
        )
        return int(rows[0][0]) if rows else 0

    def verify(
        self, *, checkpoints: Sequence[Path] | None = None, authenticate: bool = True
    ) -> Verification:
        """Walk every record, the head and the checkpoints; list what is wrong.

        ``checkpoints``: folders or files of checkpoints (default: this store's folder).
        Without a key only the structure is checked; ``authenticate=False`` asks for that
        (an archive without its key), else an unsigned (schema 1) chain is a finding.
        """
        key = self.key if authenticate else None
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise self._newer(version)
        if checkpoints is None:
            checkpoints = [self.checkpoints.folder] if self.checkpoints is not None else []
        reading = read_checkpoints(checkpoints, key)
        legacy = version == LEGACY_SCHEMA
        rows = self.db.iterate(_whole_chain(version))
        try:
            first = next(rows, None)
            head = None
            ahead: list[tuple[Any, ...]] = []
            if first is not None and first[0] == 0:
                head = (first[6], first[7], first[8])
            elif first is not None:
                ahead.append(first)
            records = ((r[6], *r[1:6], r[7], r[8]) for r in chained(ahead, rows))
            result = verify_chain(
                records,
                head,
                mac=plain_hash if legacy else (key.row_mac if key is not None else None),
                head_signed=not legacy,
                expected=reading.expected,
            )
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # end the read snapshot even when verification stopped early
        result.findings.extend(reading.findings)
        result.notes.extend(reading.notes)
        result.authenticated = key is not None and not legacy
        result.checkpoints = reading.count
        if legacy and authenticate:
            result.findings.insert(
                0,
                Finding(
                    None,
                    "the database has the unsigned chain of schema 1 (plain SHA-256, anyone "
                    "who can write it can rewrite it): a kiosk re-signs it when it opens it; "
                    "if one has, the database was downgraded",
                ),
            )
        stored = self.key_id() if key is not None and not legacy else None
        if key is not None and stored is not None and stored != key.key_id:
            result.findings.insert(
                0,
                Finding(
                    None,
                    f"the database says it is signed with key {stored}, not with this key "
                    f"({key.key_id}): every signature fails",
                ),
            )
        if key is None:
            what = "unsigned schema 1 chain" if legacy else "signatures"
            result.notes.append(f"authenticity was NOT checked (no key: {what} not verified)")
        if not reading.files:
            where = ", ".join(str(p) for p in checkpoints) or "none given"
            result.notes.append(
                f"no checkpoints found ({where}): removal of the newest records cannot be ruled out"
            )
        return result


def _stored(row: Sequence[Any]) -> StoredRecord:
    seq = row[0]
    try:
        body = json.loads(row[5])
        if not isinstance(body, dict):
            raise ValueError("not an object")
        return StoredRecord(int(seq), row[1], datetime.fromisoformat(row[2]), row[3], row[4], body)
    except (TypeError, ValueError):
        raise RecordError(
            f"record #{seq} cannot be read (damaged body or time): run `kiosk records verify`"
        ) from None


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


@contextmanager
def opened(url: str | None = None, *, kiosk_id: str = "kiosk-1") -> Iterator[RecordStore]:
    store = RecordStore.open(url, kiosk_id=kiosk_id)
    try:
        yield store
    finally:
        store.close()

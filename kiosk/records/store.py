"""The record store: a repository over one explicit database connection.

``RecordStore.open(url)`` opens ``sqlite:///path`` (default) or ``postgresql://…``
(:mod:`kiosk.records.database`), applies the schema migrations (:mod:`kiosk.records.schema`)
and keeps the connection. :meth:`RecordStore.append` writes several records in ONE
transaction (one commit), linked into the keyed chain (:mod:`kiosk.records.chain`); when it
returns, the records are durable (SQLite WAL with synchronous=FULL; PostgreSQL's commit)
and a signed checkpoint of the new head is appended to the checkpoints folder
(:mod:`kiosk.records.checkpoint`).

A kiosk opening a database for writing brings its schema up to date and signs it with the
chain key (:mod:`kiosk.records.chainkey`); a schema 1 database (plain SHA-256) is re-signed
only when its chain verifies.

``read_only=True`` (the staff tools) never migrates or writes: SQLite is opened with
``mode=ro`` (``immutable=1`` for an archived copy, or when no kiosk has the file open), and
PostgreSQL sessions are read-only.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain as chained
from pathlib import Path
from typing import Any

from kiosk.records import schema
from kiosk.records.chain import (
    ChainRow,
    Finding,
    Verification,
    head_text,
    iso,
    link,
    plain_hash,
    verify_chain,
)
from kiosk.records.chainkey import ChainKey, load_chain_key
from kiosk.records.checkpoint import CheckpointLog, read_checkpoints
from kiosk.records.database import Database, default_url, open_database
from kiosk.records.errors import RecordError

log = logging.getLogger(__name__)


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
        self.seal: Callable[[Database, Sequence[ChainRow]], None] | None = None  # the writer's
        try:
            self.key = key if key is not None or read_only else load_chain_key()
            if read_only:
                schema.check_readable(db)
            else:
                schema.migrate(db, self._key(), kiosk_id)
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
        return schema.schema_version(self.db)

    def key_id(self) -> str | None:
        """The id of the key the database says it is signed with (None: not said)."""
        return schema.key_id(self.db)

    def _key(self) -> ChainKey:
        if self.key is None:
            raise RecordError("the records cannot be written without the chain key")
        return self.key

    # -- writing --------------------------------------------------------------------------

    def append(self, records: Sequence[NewRecord]) -> list[int]:
        """Append ``records`` in one transaction; return their sequence numbers."""
        if not records:
            return []
        if self.read_only:
            raise RecordError(f"the records database {self.db.url} was opened read-only")
        key = self._key()
        with self.db.write():
            head = self.db.execute(schema.SELECT_HEAD + self.db.for_update)  # the chain's lock
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
            self.db.executemany(schema.INSERT_ROW, [row.as_tuple() for row in rows])
            if self.seal is not None:  # its own signature on each row, in the same transaction
                self.seal(self.db, rows)
            self.db.execute(schema.SET_HEAD, (seq, prev, key.row_mac(head_text(seq, prev))))
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
        if version > schema.SCHEMA_VERSION:
            raise schema.newer(self.db, version)
        if checkpoints is None:
            checkpoints = [self.checkpoints.folder] if self.checkpoints is not None else []
        reading = read_checkpoints(checkpoints, key)
        legacy = version == schema.LEGACY_SCHEMA
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

"""The SQLite adapter (the only sqlite3 import): WAL, synchronous=FULL, one connection.

:meth:`SqliteDatabase.reader` opens a file for reading only, changing nothing on disk: the
URI ``mode=ro`` never switches the journal mode nor writes the file; a WAL database that no
kiosk has open (no ``-wal`` file beside it) and an archived copy are opened ``immutable=1``,
so no ``-wal``/``-shm`` file is created next to it (read-only media work too).

A full disk (or a database at its size limit) is :class:`StorageFullError`; any other failure of
SQLite is :class:`RecordError`, also at COMMIT, with the transaction rolled back.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kiosk.records.errors import RecordError, StorageFullError

_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_WAL_HEADER = b"\x02\x02"  # bytes 18-19 of a database file in WAL mode


class SqliteDatabase:
    """A records database in one SQLite file. Statements use ``?`` placeholders."""

    for_update = ""

    def __init__(self, path: Path, *, connection: sqlite3.Connection | None = None) -> None:
        self.url = f"sqlite:///{path}"
        self.path = path
        self._lock = threading.RLock()
        if connection is not None:
            self._conn = connection
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # autocommit mode: transactions are explicit (BEGIN IMMEDIATE … COMMIT)
            self._conn = sqlite3.connect(
                path, isolation_level=None, timeout=30.0, check_same_thread=False
            )
            mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise RecordError(f"{path}: the records database cannot use WAL mode ({mode})")
            self._conn.execute("PRAGMA synchronous=FULL")
        except (sqlite3.Error, OSError) as exc:
            raise self._error(exc, f"cannot open the records database {path}") from None

    @classmethod
    def reader(cls, path: Path, *, immutable: bool = False) -> SqliteDatabase:
        """Open ``path`` read-only (``immutable``: a copy nothing writes; see the module)."""
        if not immutable and not path.with_name(path.name + "-wal").exists():
            immutable = _is_wal(path)  # no kiosk has it open: read the file as it is
        uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")
        try:
            conn = sqlite3.connect(
                uri, uri=True, isolation_level=None, timeout=30.0, check_same_thread=False
            )
            conn.execute("PRAGMA query_only=1")
        except sqlite3.Error as exc:
            raise RecordError(f"cannot read the records database {path}: {exc}") from None
        return cls(path, connection=conn)

    def _error(self, exc: BaseException, doing: str | None = None) -> RecordError:
        where = doing or f"records database {self.path}"
        code = getattr(exc, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary == _SQLITE_FULL or "database or disk is full" in str(exc):
            return StorageFullError(
                f"the records database {self.path} is full (no space left on the disk, or its "
                "size limit): nothing of this transaction was recorded; free disk space"
            )
        if primary == _SQLITE_IOERR:
            return RecordError(
                f"{where}: disk I/O error ({exc}): nothing of this transaction was recorded; "
                "check the disk"
            )
        return RecordError(f"{where}: {exc}")

    @contextmanager
    def write(self) -> Iterator[SqliteDatabase]:
        """One write transaction holding the database's write lock; commits on success.

        A failed COMMIT (disk full, I/O error) is rolled back and raised as RecordError."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._error(exc, f"the records database {self.path} is busy") from None
            try:
                yield self
                try:
                    self._conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    raise self._error(exc) from None
            except BaseException:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            try:
                self._conn.executemany(sql, rows)
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def iterate(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """Rows one at a time, inside one read snapshot."""
        with self._lock:
            try:
                self._conn.execute("BEGIN")
                try:
                    yield from self._conn.execute(sql, params)
                finally:
                    self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def table_exists(self, name: str) -> bool:
        rows = self.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,))
        return bool(rows)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _is_wal(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            header = file.read(20)
    except OSError:
        return False
    return header.startswith(b"SQLite format 3\x00") and header[18:20] == _WAL_HEADER

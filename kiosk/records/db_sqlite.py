"""The SQLite adapter (the only sqlite3 import): WAL, synchronous=FULL, one connection."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.records.errors import RecordError


class SqliteDatabase:
    """A records database in one SQLite file. Statements use ``?`` placeholders."""

    for_update = ""

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"
        self.path = path
        self._lock = threading.RLock()
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
            raise RecordError(f"cannot open the records database {path}: {exc}") from None

    @contextmanager
    def write(self) -> Iterator[SqliteDatabase]:
        """One write transaction holding the database's write lock; commits on success."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise RecordError(f"the records database {self.path} is busy: {exc}") from None
            try:
                yield self
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise RecordError(f"records database {self.path}: {exc}") from None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            try:
                self._conn.executemany(sql, rows)
            except sqlite3.Error as exc:
                raise RecordError(f"records database {self.path}: {exc}") from None

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
                raise RecordError(f"records database {self.path}: {exc}") from None

    def table_exists(self, name: str) -> bool:
        rows = self.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,))
        return bool(rows)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

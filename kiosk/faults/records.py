"""The records failing while a reception is recorded: database gone, disk full.

- :class:`FlakyDatabase` wraps a records database adapter (``store.db``; the
  :class:`~kiosk.records.database.Database` protocol): while ``down`` it refuses every
  statement with the :class:`~kiosk.records.errors.RecordError` the SQLite adapter raises when
  the file cannot be reached, and it can fail only the ``n``-th write transaction.
- :func:`sqlite_full` makes SQLite itself answer "database or disk is full" (SQLITE_FULL): it
  caps the connection's ``max_page_count`` at the current size, through the adapter.
- :func:`sqlite_commit_fails` makes SQLite's COMMIT itself fail, as it does when the disk
  fills while the write-ahead log is written (``sqlite3.OperationalError: database or disk is
  full``); the adapter must roll back and raise its own error.
- :func:`outbox_disk_full` makes ``os.write`` / ``os.fsync`` on files under a folder fail with
  ``OSError(ENOSPC)`` (the outbox), everything else untouched — the real outbox code turns it
  into its RecordError.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kiosk.records.errors import RecordError

UNREACHABLE = "unable to open database file (injected fault)"


class FlakyDatabase:
    """A Database adapter that fails while ``down`` or on write transaction ``fail_write``."""

    def __init__(self, inner: Any, *, fail_write: int | None = None) -> None:
        self.inner = inner
        self.down = False
        self.fail_write = fail_write
        self.writes = 0
        self.failures = 0

    @property
    def url(self) -> str:
        return str(self.inner.url)

    @property
    def for_update(self) -> str:
        return str(self.inner.for_update)

    def _refuse(self) -> None:
        if self.down:
            self.failures += 1
            raise RecordError(f"records database {self.url}: {UNREACHABLE}")

    @contextmanager
    def write(self) -> Iterator[Any]:
        number = self.writes
        self.writes += 1
        self._refuse()
        with self.inner.write():
            yield self
            if number == self.fail_write:  # inside the transaction: it is rolled back
                self.failures += 1
                raise RecordError(f"records database {self.url}: disk I/O error (injected)")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._refuse()
        rows: list[tuple[Any, ...]] = self.inner.execute(sql, params)
        return rows

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._refuse()
        self.inner.executemany(sql, rows)

    def iterate(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        self._refuse()
        yield from self.inner.iterate(sql, params)

    def table_exists(self, name: str) -> bool:
        self._refuse()
        return bool(self.inner.table_exists(name))

    def close(self) -> None:
        self.inner.close()


@contextmanager
def sqlite_full(db: Any) -> Iterator[None]:
    """SQLite's own SQLITE_FULL for the block: the database may not grow by one page.

    ``db`` is a SQLite adapter (``store.db``). The cap is lifted at the end.
    """
    pages = int(db.execute("PRAGMA page_count")[0][0])
    before = int(db.execute("PRAGMA max_page_count")[0][0])
    db.execute(f"PRAGMA max_page_count = {pages}")
    try:
        yield
    finally:
        db.execute(f"PRAGMA max_page_count = {before}")


class _FailingCommits:
    """A sqlite3 connection whose COMMIT fails (everything else goes to the real one)."""

    def __init__(self, inner: sqlite3.Connection, message: str, failures: list[str]) -> None:
        self._inner = inner
        self._message = message
        self._failures = failures

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        if sql.strip().upper() == "COMMIT":
            self._failures.append(self._message)
            raise sqlite3.OperationalError(self._message)
        return self._inner.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextmanager
def sqlite_commit_fails(db: Any, message: str = "database or disk is full") -> Iterator[list[str]]:
    """Every COMMIT of the SQLite adapter ``db`` (``store.db``) fails for the block with
    ``sqlite3.OperationalError(message)``. Yields the list of refused commits."""
    failures: list[str] = []
    inner = db._conn
    db._conn = _FailingCommits(inner, message, failures)
    try:
        yield failures
    finally:
        db._conn = inner


def _under(fd: int, folder: Path) -> bool:
    try:
        target = Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return False
    return target == folder or folder in target.parents


@contextmanager
def outbox_disk_full(folder: Path) -> Iterator[list[int]]:
    """``os.write`` and ``os.fsync`` on files under ``folder`` raise ``OSError(ENOSPC)``.

    Yields a list that gets one entry per refused call. Linux only (/proc/self/fd). Patches
    the ``os`` module for the block: use it from one thread.
    """
    folder = Path(folder).resolve()
    real_write, real_fsync = os.write, os.fsync
    refused: list[int] = []

    def full(fd: int) -> None:
        refused.append(fd)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write(fd: int, data: Any) -> int:
        if _under(fd, folder):
            full(fd)
        return real_write(fd, data)

    def fsync(fd: Any) -> None:
        number = fd if isinstance(fd, int) else fd.fileno()
        if _under(number, folder) and not os.path.isdir(f"/proc/self/fd/{number}"):
            full(number)
        real_fsync(fd)

    os.write, os.fsync = write, fsync
    try:
        yield refused
    finally:
        os.write, os.fsync = real_write, real_fsync

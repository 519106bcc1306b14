"""The records database a URL names, and what the store needs of it.

A records URL is ``sqlite:///relative/path``, ``sqlite:////absolute/path`` or
``postgresql://…`` (``postgres://…``); the default is ``$KIOSK_RECORDS``, else SQLite at
``kiosk_home()/records.db``. :func:`open_database` checks the URL and opens its adapter
(:mod:`kiosk.records.db_sqlite`, :mod:`kiosk.records.db_postgres`, each imported only when
asked for), which answers to the :class:`Database` protocol.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from kiosk.paths import kiosk_home
from kiosk.records.errors import RecordError


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


@contextlib.contextmanager
def schema_change(db: Database) -> Iterator[None]:
    """A write in which the schema may change: kiosks and stations racing to create or migrate
    tables take turns (PostgreSQL's schema lock, SQLite's write lock), and the ``meta`` table
    that holds the schema versions exists."""
    with db.write():
        lock = getattr(db, "lock_schema", None)
        if lock is not None:
            lock()
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        yield


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

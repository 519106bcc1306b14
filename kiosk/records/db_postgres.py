"""The PostgreSQL adapter (the only psycopg import), for clinics with many kiosks.

Statements are written with ``?`` placeholders and translated to psycopg's ``%s``; the hot
ones are prepared once per connection. Appends take a row lock on the chain head, so kiosks
sharing one database extend one chain in turn. ``read_only=True`` makes every transaction
of the session read-only (the staff tools). A full disk on the server is
:class:`StorageFullError`, any other failure :class:`RecordError`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kiosk.records.errors import RecordError, StorageFullError

try:  # optional dependency: pip install 'kiosk[postgres]'
    import psycopg
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise RecordError(
        "PostgreSQL records need psycopg 3: pip install 'psycopg[binary]' (kiosk[postgres])"
    ) from exc


class PostgresDatabase:
    """A records database on a PostgreSQL server (``postgresql://user@host:port/db``)."""

    for_update = " FOR UPDATE"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self._lock = threading.RLock()
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
            if read_only:
                self._conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            raise RecordError(
                f"cannot connect to the records database {_safe(url)}: {exc}".strip()
            ) from None

    def _error(self, exc: psycopg.Error) -> RecordError:
        if exc.sqlstate == "53100":  # disk_full
            return StorageFullError(
                f"the records database {_safe(self.url)} is full (no space left on the "
                "server's disk): nothing of this transaction was recorded; free disk space"
            )
        return RecordError(f"records database {_safe(self.url)}: {exc}")

    @contextmanager
    def write(self) -> Iterator[PostgresDatabase]:
        with self._lock:
            try:
                with self._conn.transaction():
                    yield self
            except psycopg.Error as exc:
                raise self._error(exc) from None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                cur = self._conn.execute(_pg(sql), params, prepare=True)
                return cur.fetchall() if cur.description else []
            except psycopg.Error as exc:
                raise self._error(exc) from None

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            try:
                with self._conn.cursor() as cur:
                    cur.executemany(_pg(sql), rows)
            except psycopg.Error as exc:
                raise self._error(exc) from None

    def iterate(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        with self._lock:
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    cur.execute(_pg(sql), params)
                    while batch := cur.fetchmany(500):
                        yield from batch
            except psycopg.Error as exc:
                raise self._error(exc) from None

    def table_exists(self, name: str) -> bool:
        rows = self.execute("SELECT to_regclass(?) IS NOT NULL", (name,))
        return bool(rows and rows[0][0])

    def lock_schema(self) -> None:
        """Serialise migrations between kiosks (inside a write transaction)."""
        self.execute("SELECT pg_advisory_xact_lock(7212016)")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


def _safe(url: str) -> str:
    """The URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url

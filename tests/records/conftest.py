"""Record-store fixtures: the same contract tests run on SQLite and on a real PostgreSQL.

The PostgreSQL server is started once per session by these fixtures: ``initdb`` into a
temporary folder as the unprivileged ``postgres`` system user (PostgreSQL refuses to run as
root), listening on 127.0.0.1 on a free port, stopped by its PID at the end. If it cannot
start, the PostgreSQL tests fail with the reason (CI installs Debian's ``postgresql``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_USER = "postgres"


def _pg_bindir() -> Path:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    pytest.fail(
        "PostgreSQL is not installed (no initdb): install the Debian package 'postgresql' "
        "(listed in .ci/debian-packages)"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        self.data = self.root / "data"
        self.process: subprocess.Popen[str] | None = None
        self.log: list[str] = []
        self._counter = 0
        self.uid: int | None = None  # run the server as this user (when we are root)
        self.gid: int | None = None
        if os.geteuid() == 0:
            try:
                entry = pwd.getpwnam(PG_USER)
            except KeyError:
                pytest.fail(
                    "running as root and there is no 'postgres' system user to run the test "
                    "server as: install the Debian package 'postgresql' (it creates the user)"
                )
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self.uid, self.gid = entry.pw_uid, entry.pw_gid

    def start(self) -> None:
        init = subprocess.run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "kiosk",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--locale=C",
            ],
            capture_output=True,
            text=True,
            check=False,
            user=self.uid,
            group=self.gid,
            extra_groups=[] if self.uid is not None else None,
        )
        if init.returncode != 0:
            pytest.fail(f"initdb failed ({init.returncode}): {init.stderr.strip()[-2000:]}")
        self.process = subprocess.Popen(
            [
                str(self.bindir / "postgres"),
                "-D",
                str(self.data),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-k",
                str(self.root),
                "-c",
                "fsync=off",  # a throw-away server; durability is SQLite's test
                "-c",
                "max_connections=50",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            user=self.uid,
            group=self.gid,
            extra_groups=[] if self.uid is not None else None,
        )
        ready = threading.Event()

        def read_log() -> None:
            assert self.process is not None and self.process.stderr is not None
            for line in self.process.stderr:
                self.log.append(line.rstrip())
                if "ready to accept connections" in line:
                    ready.set()
            ready.set()  # the server exited

        threading.Thread(target=read_log, daemon=True).start()
        if not ready.wait(60) or self.process.poll() is not None:
            self.stop()
            pytest.fail("the PostgreSQL test server did not start:\n" + "\n".join(self.log[-20:]))

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://kiosk@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        import psycopg

        self._counter += 1
        name = f"kiosk_test_{self._counter}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty records database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()


def raw_execute(url: str, sql: str, params: tuple[object, ...] = ()) -> None:
    """Change the database behind the store's back (tampering tests); ``;`` separates
    statements, run in one transaction."""
    statements = [s.strip() for s in sql.split(";") if s.strip()]
    if url.startswith("sqlite:"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        with contextlib.closing(conn):
            for statement in statements:
                conn.execute(statement.replace("%s", "?"), params)
            conn.commit()
    else:
        import psycopg

        with psycopg.connect(url) as pg:
            for statement in statements:
                pg.execute(statement.replace("?", "%s"), params)  # type: ignore[arg-type,unused-ignore]


@pytest.fixture
def tamper() -> object:
    """``tamper(url, sql, params)``: run SQL on the database directly."""
    return raw_execute

"""Doorbells between kiosks and the staff station over the records database.

Writers ring a channel after a change (a call, a kiosk's status, a request for a kiosk);
readers wait on it and then read the tables. On PostgreSQL the ring is a ``NOTIFY`` sent in
the writer's transaction and every process LISTENs on one connection of its own, so any
number of kiosks and stations hear each other at once; on SQLite (one machine) a ring wakes
the waiters of this process, and other processes see the change at their next poll.

A bell carries only a channel and a kiosk id — never a record, an image or a name.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from kiosk.records.database import Database

log = logging.getLogger(__name__)

DESK = "kiosk_station_desk"
"""Something the station shows changed (a call, a kiosk's status, an answer)."""

KIOSKS = "kiosk_station_kiosks"
"""A request waits for a kiosk (the payload names the kiosk)."""

CHANNELS = (DESK, KIOSKS)


class Bell:
    """One process's bell for one records database: ``ring``, ``count``, ``wait``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._cond = threading.Condition()
        self._counts: dict[str, int] = defaultdict(int)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = False  # a LISTEN connection is up (PostgreSQL)
        self.postgres = url.startswith(("postgresql://", "postgres://"))

    def ring(self, channel: str) -> None:
        with self._cond:
            self._counts[channel] += 1
            self._cond.notify_all()

    def count(self, channel: str) -> int:
        with self._cond:
            return self._counts[channel]

    def wait(self, channel: str, seen: int, timeout_s: float) -> int:
        """Wait until ``channel`` rang past ``seen`` (or ``timeout_s``); return its count."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._counts[channel] == seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self._counts[channel]

    def notify_in(self, db: Database, channel: str, payload: str = "") -> None:
        """Inside a write transaction: tell the other processes (PostgreSQL's NOTIFY is sent
        at commit; nothing is sent on rollback)."""
        if self.postgres:
            db.execute("SELECT pg_notify(?, ?)", (channel, payload))

    # -- PostgreSQL: one LISTEN connection per process and database ------------------------

    def start(self) -> None:
        if self.postgres and self._thread is None:
            self._thread = threading.Thread(target=self._listen, name="records-bell", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _listen(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    for channel in CHANNELS:
                        conn.execute(f"LISTEN {channel}")
                    self.listening = True
                    for channel in CHANNELS:  # changes made while we were away
                        self.ring(channel)
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self.ring(note.channel)
            except psycopg.Error as exc:
                if self.listening:
                    log.warning("records bell lost its connection: %s", type(exc).__name__)
                self.listening = False
                self._stop.wait(1.0)
        self.listening = False


_BELLS: dict[str, Bell] = {}
_LOCK = threading.Lock()


def bell_for(url: str) -> Bell:
    """The process's bell for the database at ``url`` (started on first use)."""
    with _LOCK:
        bell = _BELLS.get(url)
        if bell is None:
            bell = _BELLS[url] = Bell(url)
            bell.start()
        return bell

"""Doorbells between kiosks and the staff station over the records database.

Writers ring a channel after a change (a call, a kiosk's status, a request for a kiosk);
readers wait on it and then read the tables. On PostgreSQL the ring is a ``NOTIFY`` sent in
the writer's transaction and every process LISTENs on one connection of its own, so any
number of kiosks and stations hear each other at once; on SQLite (one machine) a ring wakes
the waiters of this process, and other processes see the change at their next poll.

A ring may name a kiosk (the ``KIOSKS`` channel's payload): a kiosk waits for the rings that
name it or no one, so a request for one kiosk does not send every other kiosk to the tables.
While the LISTEN connection is up nothing is missed, and waiters poll only every
:data:`LISTENING_POLL_S` (:meth:`Bell.poll_s`); when it is down they poll as often as asked.

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

LISTENING_POLL_S = 5.0
"""How often waiters look at the tables anyway while the LISTEN connection is up."""


class Bell:
    """One process's bell for one records database: ``ring``, ``count``, ``wait``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._cond = threading.Condition()
        self._counts: dict[str, int] = defaultdict(int)  # every ring of a channel
        self._named: dict[tuple[str, str], int] = defaultdict(int)  # rings naming a kiosk
        self._unnamed: dict[str, int] = defaultdict(int)  # rings naming no one
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = False  # a LISTEN connection is up (PostgreSQL)
        self.postgres = url.startswith(("postgresql://", "postgres://"))

    def ring(self, channel: str, kiosk_id: str = "") -> None:
        """``channel`` rang, for ``kiosk_id`` ("": for everyone)."""
        with self._cond:
            self._counts[channel] += 1
            if kiosk_id:
                self._named[channel, kiosk_id] += 1
            else:
                self._unnamed[channel] += 1
            self._cond.notify_all()

    def _count(self, channel: str, kiosk_id: str) -> int:
        if not kiosk_id:
            return self._counts[channel]
        return self._named[channel, kiosk_id] + self._unnamed[channel]

    def count(self, channel: str, kiosk_id: str = "") -> int:
        """The rings of ``channel`` so far (for ``kiosk_id``: those naming it or no one)."""
        with self._cond:
            return self._count(channel, kiosk_id)

    def wait(self, channel: str, seen: int, timeout_s: float, kiosk_id: str = "") -> int:
        """Wait until ``channel`` rang past ``seen`` (or ``timeout_s``); return its count
        (for ``kiosk_id``: counting the rings naming it or no one)."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._count(channel, kiosk_id) == seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            return self._count(channel, kiosk_id)

    def poll_s(self, asked_s: float) -> float:
        """How long a waiter may wait for a ring before looking anyway: ``asked_s``, or
        :data:`LISTENING_POLL_S` while the LISTEN connection hears every ring."""
        return max(asked_s, LISTENING_POLL_S) if self.listening else asked_s

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
                            self.ring(note.channel, _named(note.channel, note.payload))
            except psycopg.Error as exc:
                if self.listening:
                    log.warning("records bell lost its connection: %s", type(exc).__name__)
                self.listening = False
                self._stop.wait(1.0)
        self.listening = False


def _named(channel: str, payload: str) -> str:
    """The kiosk a ring heard over ``NOTIFY`` is for ("": every kiosk): a request names its
    kiosk; the desk's pairing steps (payload ``pairing``) concern every kiosk."""
    return payload if channel == KIOSKS and payload != "pairing" else ""


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

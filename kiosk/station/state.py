"""The station's state, made once per application (``app.state.station``): the records, the
open desk pages, the one-time sign-in forms, the desk's newest snapshot, and the watchers that
keep every page up to date while the application runs.

The sign-in forms are an ordered map (oldest first) with an expiry and at most
:data:`MAX_LOGIN_FORMS` entries: making a form drops the expired ones at its front and, when
full, the oldest; using one is a lookup. Nothing scans or copies the whole map."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.requests import HTTPConnection

from kiosk.config import Settings
from kiosk.records.errors import RecordError
from kiosk.station.clients import OpenPages
from kiosk.station.media import MediaHub, media_hub
from kiosk.station.pacing import PACE_S, Pace, shown
from kiosk.station.records_access import Parts, StationRecords
from kiosk.station.relay import MediaRelay
from kiosk.station.vouch import believed_kiosks, note_forged, vouch
from kiosk.station_tables.bell import DESK, bell_for
from kiosk.station_tables.calls import CallStatus
from kiosk.station_tables.keys import station_key
from kiosk.station_tables.staff_accounts import Session

log = logging.getLogger(__name__)

LOGIN_FORM_S = 600.0
"""How long a sign-in form stays good."""
MAX_LOGIN_FORMS = 10_000
"""At most this many sign-in forms are remembered (the oldest are forgotten first)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StationConfig:
    records_url: str
    settings: Settings = field(default_factory=Settings)
    secure: bool = False  # served over TLS: cookies are Secure
    stale_after_s: float = 6.0  # a kiosk silent this long is 切断
    poll_s: float = 0.5  # SQLite: how often other processes' changes are looked for
    pace_s: float = PACE_S  # the shortest time between two sendings of the state to pages
    media: MediaHub | None = None
    media_url: str | None = None  # where kiosks send images (default: as the page reached us)
    host: str | None = None  # the address served on (set by kiosk.station.server)
    port: int | None = None  # the port served on (None: any port of the loopback names)
    allowed_hosts: tuple[str, ...] = ()  # more Host names served (NAME or NAME:PORT)
    clock: Callable[[], datetime] = utc_now  # sign-ins, their waits and the sessions' idle time
    max_login_forms: int = MAX_LOGIN_FORMS
    key_file: Path | None = None  # the station's signing key (default kiosk_home()/station-key)


class Station:
    """The application's state: the records, the open pages, the login forms."""

    def __init__(self, config: StationConfig) -> None:
        self.config = config
        self.key = station_key(config.key_file)
        self.records = StationRecords(config.records_url, self.key)
        self.bell = bell_for(config.records_url)
        self.media = config.media or media_hub()
        self.pages = OpenPages()
        self.bells = OpenPages()  # locked desk pages: they hear how many calls wait
        self.bell_said: dict[str, Any] = {}
        self.relay = MediaRelay(
            self.media, self.records, self.pages, config.settings, config.media_url
        )
        self.forms: OrderedDict[str, float] = OrderedDict()  # sign-in form token -> expiry
        self.snapshot: dict[str, Any] = {}
        self.forged: set[str] = set()  # kiosks whose unsigned status was recorded
        self._stopping = False

    # -- sessions -------------------------------------------------------------------------

    def now(self) -> datetime:
        """The time sign-ins and sessions are counted in (``StationConfig.clock``)."""
        return self.config.clock()

    async def session(self, token: str, *, touch: bool = True) -> Session | None:
        """The live session of the cookie ``token``; ``touch``: a person's action, so its idle
        time starts again (not for what a page asks by itself)."""
        if not token:
            return None
        now = self.now()
        return await self.records.run(lambda p: p.accounts.session(token, at=now, touch=touch))

    def new_form(self) -> str:
        """A one-time sign-in form token (forms expire in the order they are made)."""
        now = time.monotonic()
        forms = self.forms
        while forms and next(iter(forms.values())) < now:
            forms.popitem(last=False)
        while len(forms) >= max(1, self.config.max_login_forms):
            forms.popitem(last=False)
        nonce = secrets.token_urlsafe(24)
        forms[nonce] = now + LOGIN_FORM_S
        return nonce

    def use_form(self, nonce: str, cookie: str) -> bool:
        """A sign-in form token is good once, with its cookie, before it expires."""
        until = self.forms.pop(nonce, None)
        return (
            until is not None
            and until >= time.monotonic()
            and bool(cookie)
            and hmac.compare_digest(nonce, cookie)
        )

    # -- live updates ---------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The application's life (its lifespan): the watchers run, then the records close."""
        self.relay.start()
        tasks = [
            asyncio.create_task(self.watch_records()),
            asyncio.create_task(self.watch_sessions()),
            asyncio.create_task(self.relay.push()),
        ]
        try:
            yield
        finally:
            self._stopping = True
            self.bell.ring(DESK)
            self.relay.stop()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            self.records.close()

    def read_snapshot(self, parts: Parts) -> dict[str, Any]:
        board = parts.board
        now = datetime.now(UTC)
        board.disconnect_silent(self.config.stale_after_s, now)
        believed = believed_kiosks(parts)
        self.forged = note_forged(parts, believed.forged, self.forged)
        kiosks = {k.kiosk_id: k for k in believed.kiosks}
        calls = []
        listed = board.calls()
        for call in listed:
            kiosk = kiosks.get(call.kiosk_id)
            item = call.to_dict()
            item["waiting"] = bool(
                kiosk is not None
                and kiosk.waiting
                and kiosk.reception_id == call.reception_id
                and call.status is CallStatus.OPEN
            )
            calls.append(item)
        head = parts.db.execute("SELECT seq FROM chain_head WHERE id = 1")
        state = {
            "type": "state",
            "db_ok": True,
            "calls": calls,
            "kiosks": [k.to_dict(now, self.config.stale_after_s) for k in kiosks.values()],
            "records_seq": int(head[0][0]) if head else 0,
        }
        return vouch(parts, listed, state, believed)

    async def watch_records(self) -> None:
        """Tell every page what changed: on the bell, or every ``poll_s``. The state is read
        at once on every ring (a page that opens gets the newest); pages are sent it only
        when what they show changed, and while rings keep coming at most once a
        ``pace_s`` (:mod:`kiosk.station.pacing`): what changed meanwhile goes at its end."""
        seen = -1
        pace = Pace(self.config.pace_s)
        sent: dict[str, Any] = {}
        while not self._stopping:
            await self._read()
            wait_s = self.config.poll_s
            if shown(self.snapshot) != shown(sent):
                due = pace.delay()
                if due > 0:  # a burst: what else changes until the gap ends goes with it
                    wait_s = due
                else:
                    pace.started()
                    sent = self.snapshot
                    await self.pages.broadcast(sent)
                    heard = bell_view(sent)
                    if heard != self.bell_said:  # locked pages hear only when their view changes
                        self.bell_said = heard
                        await self.bells.broadcast(heard)
            await self.relay.ask(self.snapshot)
            seen = await anyio.to_thread.run_sync(
                self.bell.wait,
                DESK,
                seen if seen >= 0 else self.bell.count(DESK),
                wait_s,
            )

    async def _read(self) -> None:
        """The desk's state now, in ``snapshot`` (the last one marked down when unreachable)."""
        try:
            self.snapshot = await self.records.run(self.read_snapshot)
        except RecordError as exc:
            log.warning("station: records unreachable: %s", type(exc).__name__)
            self.snapshot = {**self.snapshot, "type": "state", "db_ok": False}

    async def watch_sessions(self) -> None:
        """End the pages of sessions that ended (idle, signed out, signed in elsewhere)."""
        while not self._stopping:
            await asyncio.sleep(1.0)
            now = self.now()
            for client in self.pages:
                try:
                    reason = await self.records.run(
                        partial(_session_end, token=client.token, at=now)
                    )
                except RecordError:
                    continue
                if reason:
                    await self.pages.send(client, {"type": "logout", "reason": reason})
                    with contextlib.suppress(Exception):
                        await client.ws.close(4001)
                    self.pages.discard(client)


BELL_FIELDS = ("id", "kiosk_id", "reason", "created_at", "taken_by")
"""What a locked desk page hears of an open call (:mod:`kiosk.station.endpoints.bell`)."""


def bell_view(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The desk's snapshot as a locked page may hear it: the open calls, no patient data."""
    calls = [
        {key: call.get(key) for key in BELL_FIELDS}
        for call in snapshot.get("calls", [])
        if call.get("status") == "open"
    ]
    return {"type": "bell", "db_ok": snapshot.get("db_ok", True), "calls": calls}


def station_of(conn: HTTPConnection) -> Station:
    """The station of the application serving ``conn`` (set once by ``create_app``)."""
    station: Station = conn.app.state.station
    return station


def _session_end(parts: Parts, *, token: str, at: datetime) -> str:
    """Why the session of ``token`` ended ("": it is alive)."""
    if parts.accounts.session(token, at=at, touch=False) is not None:
        return ""
    return parts.accounts.ended_because(token) or "idle"

"""The staff station as an ASGI application (Starlette): sign-in, the desk page, its JSON
requests and one WebSocket per open page for live updates.

Security: a session is an HttpOnly, SameSite=Strict cookie (Secure over TLS) naming a
session whose hash is in the records database; every state-changing request carries the
session's CSRF token (the sign-in form a one-time token, also in a cookie) and, when the
browser sends one, an Origin of this station. Pages are never cached; the waiting patient's
images reach only signed-in pages, over their WebSocket, as data in memory. Kiosks whose link
runs in another process send them over :data:`~kiosk.station.uplink.MEDIA_PATH`, asked for
only while a page has their call open (:mod:`kiosk.station.uplink`).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from kiosk.config import Settings
from kiosk.records.errors import RecordError
from kiosk.station.media import Holder, MediaHub, media_hub
from kiosk.station.pages import desk_page, login_page
from kiosk.station.records_access import Parts, StationRecords
from kiosk.station.today import today_page
from kiosk.station.uplink import (
    FRAME,
    HANDSHAKE_S,
    MEDIA_PATH,
    PHOTO,
    is_jpeg,
    kiosk_proof,
    media_key_for,
    proof_ok,
    station_proof,
)
from kiosk.station.words import language_of, word
from kiosk.station_tables.bell import DESK, bell_for
from kiosk.station_tables.calls import CallStatus, CommandKind
from kiosk.station_tables.staff_accounts import LoginResult, Session

log = logging.getLogger(__name__)

T = TypeVar("T")

SESSION_COOKIE = "station_session"
LOGIN_COOKIE = "station_login"
LANGUAGE_COOKIE = "station_lang"
LOGIN_FORM_S = 600.0
ASK_AGAIN_S = 10.0
"""A kiosk asked for its images and not connected is asked again after this long."""
STATIC = Path(__file__).with_name("static")
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}


@dataclass
class StationConfig:
    records_url: str
    settings: Settings = field(default_factory=Settings)
    secure: bool = False  # served over TLS: cookies are Secure
    stale_after_s: float = 6.0  # a kiosk silent this long is 切断
    poll_s: float = 0.5  # SQLite: how often other processes' changes are looked for
    media: MediaHub | None = None
    media_url: str | None = None  # where kiosks send images (default: as the page reached us)


@dataclass(eq=False)
class Client:
    """One open desk page."""

    ws: WebSocket
    token: str
    staff_id: str
    watch: str | None = None
    sent_photo: int = 0
    sent_frame: int = -1
    sent_reception: str = ""
    media_url: str = ""  # this station's image endpoint, as this page reached it


def _now() -> datetime:
    return datetime.now(UTC)


def settings_rows(settings: Settings) -> list[tuple[str, str]]:
    """The facility settings, read-only (no secret is in Settings)."""
    rows = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, tuple):
            value = ", ".join(str(getattr(v, "value", v)) for v in value)
        rows.append((f.name, "—" if value is None else str(value)))
    return rows


class Station:
    """The application's state: the records, the open pages, the login forms."""

    def __init__(self, config: StationConfig) -> None:
        self.config = config
        self.records = StationRecords(config.records_url)
        self.bell = bell_for(config.records_url)
        self.media = config.media or media_hub()
        self.clients: set[Client] = set()
        self.forms: dict[str, float] = {}  # one-time sign-in form tokens -> expiry
        self.snapshot: dict[str, Any] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._media_dirty: set[str] = set()
        self._media_event: asyncio.Event | None = None
        self._stopping = False
        self.station_id = secrets.token_hex(8)
        self.uplinks: dict[str, WebSocket] = {}  # kiosk ID -> its images' connection
        self.asked: dict[str, tuple[str, float]] = {}  # kiosk ID -> (reception, when asked)
        self._media_key: bytes | None = None

    async def run(self, work: Callable[[Parts], T]) -> T:
        return await anyio.to_thread.run_sync(self.records.use, work)

    # -- sessions -----------------------------------------------------------------------------

    async def session(self, conn: HTTPConnection, *, touch: bool = True) -> Session | None:
        token = conn.cookies.get(SESSION_COOKIE, "")
        if not token:
            return None
        now = _now()
        return await self.run(lambda p: p.accounts.session(token, at=now, touch=touch))

    def new_form(self) -> str:
        now = time.monotonic()
        for nonce, until in list(self.forms.items()):
            if until < now:
                del self.forms[nonce]
        nonce = secrets.token_urlsafe(24)
        self.forms[nonce] = now + LOGIN_FORM_S
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

    def read_snapshot(self, parts: Parts) -> dict[str, Any]:
        board = parts.board
        now = _now()
        board.disconnect_silent(self.config.stale_after_s, now)
        kiosks = {k.kiosk_id: k for k in board.kiosks()}
        calls = []
        for call in board.calls():
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
        return {
            "type": "state",
            "db_ok": True,
            "calls": calls,
            "kiosks": [k.to_dict(now, self.config.stale_after_s) for k in kiosks.values()],
            "records_seq": int(head[0][0]) if head else 0,
        }

    async def watch_records(self) -> None:
        """Tell every page what changed: on the bell, or every ``poll_s``."""
        seen = -1
        while not self._stopping:
            try:
                snapshot = await self.run(self.read_snapshot)
            except RecordError as exc:
                log.warning("station: records unreachable: %s", type(exc).__name__)
                snapshot = {**self.snapshot, "type": "state", "db_ok": False}
            if snapshot != self.snapshot:
                self.snapshot = snapshot
                await self.broadcast(snapshot)
            await self.ask_for_media()
            seen = await anyio.to_thread.run_sync(
                self.bell.wait,
                DESK,
                seen if seen >= 0 else self.bell.count(DESK),
                self.config.poll_s,
            )

    async def watch_sessions(self) -> None:
        """End the pages of sessions that ended (idle, signed out, signed in elsewhere)."""
        while not self._stopping:
            await asyncio.sleep(1.0)
            now = _now()
            for client in list(self.clients):
                try:
                    reason = await self.run(partial(_session_end, token=client.token, at=now))
                except RecordError:
                    continue
                if reason:
                    await self.send(client, {"type": "logout", "reason": reason})
                    with contextlib.suppress(Exception):
                        await client.ws.close(4001)
                    self.clients.discard(client)

    async def broadcast(self, message: dict[str, Any]) -> None:
        for client in list(self.clients):
            await self.send(client, message)

    async def send(self, client: Client, message: dict[str, Any]) -> None:
        try:
            await client.ws.send_json(message)
        except Exception:  # the page went away
            self.clients.discard(client)

    def media_changed(self, kiosk_id: str) -> None:
        """From a kiosk link's thread: a waiting patient's view changed."""
        loop, event = self.loop, self._media_event
        if loop is None or event is None:
            return
        self._media_dirty.add(kiosk_id)
        with contextlib.suppress(RuntimeError):  # the loop is closing
            loop.call_soon_threadsafe(event.set)

    async def push_media(self) -> None:
        assert self._media_event is not None  # noqa: S101 - set in lifespan
        while not self._stopping:
            await self._media_event.wait()
            self._media_event.clear()
            dirty, self._media_dirty = self._media_dirty, set()
            for client in list(self.clients):
                if client.watch in dirty:
                    await self.send_media(client)

    async def send_media(self, client: Client) -> None:
        kiosk_id = client.watch
        if kiosk_id is None:
            return
        view = self.media.get(kiosk_id)
        if view is None:
            client.sent_photo, client.sent_frame, client.sent_reception = 0, -1, ""
            await self.send(client, {"type": "media", "kiosk_id": kiosk_id, "gone": True})
            return
        message: dict[str, Any] = {
            "type": "media",
            "kiosk_id": kiosk_id,
            "reception_id": view.reception_id,
            "holder": None if view.holder is None else view.holder.to_dict(),
        }
        if client.sent_reception != view.reception_id:
            client.sent_photo, client.sent_frame = 0, -1
            client.sent_reception = view.reception_id
        if view.photo is not None and client.sent_photo != id(view.photo):
            message["photo"] = _data_url(view.photo)
            client.sent_photo = id(view.photo)
        if view.frame is not None and client.sent_frame != view.frame_no:
            message["frame"] = _data_url(view.frame)
            client.sent_frame = view.frame_no
        await self.send(client, message)

    def media_key(self) -> bytes | None:
        if self._media_key is None:
            self._media_key = media_key_for(self.config.settings)
        return self._media_key

    async def ask_for_media(self) -> None:
        """Pages have the open call of a waiting kiosk whose images are not here (its link
        runs in another process): ask that kiosk to send them."""
        waiting = {
            c["kiosk_id"]: c["reception_id"]
            for c in self.snapshot.get("calls", [])
            if c.get("waiting") and c.get("reception_id")
        }
        now = time.monotonic()
        for client in list(self.clients):
            kiosk_id = client.watch
            if (
                kiosk_id is None
                or kiosk_id not in waiting
                or not (self.config.media_url or client.media_url)
            ):
                continue
            reception = waiting[kiosk_id]
            if self.media.get(kiosk_id) is not None or kiosk_id in self.uplinks:
                continue
            asked = self.asked.get(kiosk_id)
            if asked is not None and asked[0] == reception and now - asked[1] < ASK_AGAIN_S:
                continue
            self.asked[kiosk_id] = (reception, now)
            value = {
                "url": self.config.media_url or client.media_url,
                "station": self.station_id,
                "reception_id": reception,
            }
            with contextlib.suppress(RecordError):
                await self.run(
                    partial(_ask, kiosk_id=kiosk_id, value=value, staff_id=client.staff_id)
                )

    async def release_media(self, kiosk_id: str | None) -> None:
        """No page watches ``kiosk_id`` any more: its images stop coming."""
        if kiosk_id is None or any(c.watch == kiosk_id for c in self.clients):
            return
        self.asked.pop(kiosk_id, None)
        uplink = self.uplinks.get(kiosk_id)
        if uplink is not None:
            with contextlib.suppress(Exception):
                await uplink.send_json({"type": "stop"})
                await uplink.close()


def _ask(parts: Parts, *, kiosk_id: str, value: dict[str, Any], staff_id: str) -> None:
    parts.board.request(kiosk_id, CommandKind.WATCH, value, staff_id, _now())


def _waiting_for(parts: Parts, *, kiosk_id: str, reception_id: str) -> bool:
    return any(
        k.kiosk_id == kiosk_id and k.waiting and k.reception_id == reception_id
        for k in parts.board.kiosks()
    )


def _holder(message: dict[str, Any]) -> Holder:
    age = message.get("age")
    return Holder(
        name=str(message.get("name") or ""),
        kana=str(message.get("kana") or ""),
        birth_date=str(message.get("birth_date") or ""),
        age=age if isinstance(age, int) else None,
        sex=str(message.get("sex") or ""),
    )


def _data_url(jpeg: bytes) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def _language(conn: HTTPConnection) -> str:
    asked = conn.query_params.get("lang")
    return language_of(asked or conn.cookies.get(LANGUAGE_COOKIE))


def _secure(response: Response, station: Station) -> Response:
    response.headers.update(SECURITY_HEADERS)
    if station.config.secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _cookie(response: Response, station: Station, key: str, value: str, max_age: int) -> None:
    response.set_cookie(
        key,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=station.config.secure,
        path="/",
    )


def _same_origin(conn: HTTPConnection) -> bool:
    """The request comes from a page of this station (no Origin: not a browser's
    cross-site request, which always sends one for POST and WebSocket)."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    host = conn.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def create_app(config: StationConfig) -> Starlette:
    """The station's ASGI application."""
    station = Station(config)

    async def login_form(request: Request) -> Response:
        language = _language(request)
        message = ""
        if request.query_params.get("expired") == "idle":
            message = word("login.expired", language)
        elif request.query_params.get("expired") == "signed_in_elsewhere":
            message = word("login.elsewhere", language)
        return _login(language, message, 200)

    def _login(language: str, message: str, status: int, staff_id: str = "") -> Response:
        nonce = station.new_form()
        response = HTMLResponse(login_page(language, nonce, message, staff_id), status)
        _cookie(response, station, LOGIN_COOKIE, nonce, int(LOGIN_FORM_S))
        _cookie(response, station, LANGUAGE_COOKIE, language, 365 * 86400)
        return _secure(response, station)

    async def login(request: Request) -> Response:
        language = _language(request)
        form = await request.form()
        nonce = str(form.get("csrf", ""))
        staff_id = str(form.get("staff_id", "")).strip()
        password = str(form.get("password", ""))
        if not _same_origin(request) or not station.use_form(
            nonce, request.cookies.get(LOGIN_COOKIE, "")
        ):
            return _login(language, word("login.forged", language), 403, staff_id)
        address = request.client.host if request.client else "unknown"
        now = _now()
        try:
            result = await station.run(
                lambda p: p.accounts.check(staff_id, password, address, at=now)
            )
        except RecordError:
            return _login(language, word("login.db", language), 503, staff_id)
        finally:
            password = ""
        if result.result in (LoginResult.LOCKED, LoginResult.THROTTLED):
            minutes = max(1, -(-result.retry_after_s // 60))
            response = _login(language, word("login.locked", language, minutes=minutes), 429)
            response.headers["Retry-After"] = str(result.retry_after_s)
            return response
        if result.result is not LoginResult.OK:
            return _login(language, word("login.wrong", language), 401, staff_id)
        session = await station.run(lambda p: p.accounts.start_session(result.staff_id, at=now))
        response = RedirectResponse("/", 303)
        _cookie(response, station, SESSION_COOKIE, session.token, 12 * 3600)
        response.delete_cookie(LOGIN_COOKIE, path="/")
        return _secure(response, station)

    async def logout(request: Request) -> Response:
        form = await request.form()
        session = await _session_or_none(request)
        if session is None or not _csrf_ok(request, session, str(form.get("csrf", ""))):
            return _secure(JSONResponse({"error": "forbidden"}, 403), station)
        token = request.cookies.get(SESSION_COOKIE, "")
        now = _now()
        await station.run(lambda p: p.accounts.end_session(token, "logout", at=now))
        response = RedirectResponse("/login", 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return _secure(response, station)

    async def _session_or_none(request: Request) -> Session | None:
        try:
            return await station.session(request)
        except RecordError:
            return None

    def _csrf_ok(request: Request, session: Session, given: str | None = None) -> bool:
        token = given if given is not None else request.headers.get("x-csrf-token", "")
        return _same_origin(request) and hmac.compare_digest(token or "-", session.csrf)

    async def home(request: Request) -> Response:
        language = _language(request)
        try:
            session = await station.session(request)
        except RecordError:
            return _login(language, word("login.db", language), 503)
        if session is None:
            token = request.cookies.get(SESSION_COOKIE, "")
            reason = ""
            if token:
                with contextlib.suppress(RecordError):
                    reason = await station.run(partial(_ended, token=token))
            target = f"/login?expired={reason}" if reason else "/login"
            return _secure(RedirectResponse(target, 303), station)
        boot = {
            "staff_id": session.staff_id,
            "csrf": session.csrf,
            "settings": settings_rows(config.settings),
        }
        response = HTMLResponse(desk_page(language, boot))
        _cookie(response, station, LANGUAGE_COOKIE, language, 365 * 86400)
        return _secure(response, station)

    async def guarded(request: Request) -> tuple[Session | None, Response | None]:
        try:
            session = await station.session(request)
        except RecordError:
            return None, JSONResponse({"error": "records_unreachable"}, 503)
        if session is None:
            return None, JSONResponse({"error": "signed_out"}, 401)
        if request.method != "GET" and not _csrf_ok(request, session):
            return None, JSONResponse({"error": "forbidden"}, 403)
        return session, None

    async def answer(request: Request) -> Response:
        session, refused = await guarded(request)
        if session is None:
            return _secure(refused or JSONResponse({}, 401), station)
        call_id = request.path_params["call_id"]
        body = await _json(request)
        if not isinstance(body.get("ok"), bool):
            return _secure(JSONResponse({"error": "ok must be true or false"}, 400), station)
        ok: bool = body["ok"]
        now = _now()

        def decide(p: Parts) -> tuple[int, dict[str, Any]]:
            call = p.board.call(call_id)
            if call is None:
                return 404, {"result": "unknown"}
            if call.status is CallStatus.ANSWERED:
                return 409, {"result": "taken", "by": call.answered_by}
            if call.status is not CallStatus.OPEN:
                return 410, {"result": "gone", "status": call.status.value}
            kiosk = next((k for k in p.board.kiosks() if k.kiosk_id == call.kiosk_id), None)
            if kiosk is None or not kiosk.waiting or kiosk.reception_id != call.reception_id:
                return 409, {"result": "not_waiting"}
            done = p.board.answer(call_id, ok, session.staff_id, now)
            if done is None:
                again = p.board.call(call_id)
                by = again.answered_by if again is not None else None
                return 409, {"result": "taken", "by": by}
            return 200, {"result": "answered", "by": session.staff_id}

        return await _answered(decide)

    async def _answered(work: Callable[[Parts], tuple[int, dict[str, Any]]]) -> Response:
        """``work`` on the records' thread: its (status, JSON) answer, 503 when unreachable."""
        try:
            status, result = await station.run(work)
        except RecordError:
            status, result = 503, {"error": "records_unreachable"}
        return _secure(JSONResponse(result, status), station)

    async def mode(request: Request) -> Response:
        session, refused = await guarded(request)
        if session is None:
            return _secure(refused or JSONResponse({}, 401), station)
        kiosk_id = request.path_params["kiosk_id"]
        body = await _json(request)
        visual, hold = body.get("visual"), body.get("hold", False)
        if not isinstance(visual, bool) or not isinstance(hold, bool):
            return _secure(JSONResponse({"error": "visual and hold are true/false"}, 400), station)
        return await _request(session, kiosk_id, CommandKind.MODE, {"visual": visual, "hold": hold})

    async def pins(request: Request) -> Response:
        session, refused = await guarded(request)
        if session is None:
            return _secure(refused or JSONResponse({}, 401), station)
        return await _request(session, request.path_params["kiosk_id"], CommandKind.PINS, {})

    async def _request(
        session: Session, kiosk_id: str, kind: CommandKind, value: dict[str, Any]
    ) -> Response:
        now = _now()

        def leave(p: Parts) -> tuple[int, dict[str, Any]]:
            if not any(k.kiosk_id == kiosk_id for k in p.board.kiosks()):
                return 404, {"result": "unknown_kiosk"}
            return 200, {
                "result": "sent",
                "id": p.board.request(kiosk_id, kind, value, session.staff_id, now),
            }

        return await _answered(leave)

    async def today(request: Request) -> Response:
        session, refused = await guarded(request)
        if session is None:
            return _secure(refused or JSONResponse({}, 401), station)
        language = _language(request)
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            page = 1
        kiosk = request.query_params.get("kiosk") or None
        try:
            result = await station.run(
                lambda p: today_page(p.chain, language, page=page, kiosk=kiosk)
            )
        except RecordError:
            return _secure(JSONResponse({"error": "records_unreachable"}, 503), station)
        return _secure(JSONResponse(result), station)

    async def health(request: Request) -> Response:
        try:
            await station.run(lambda p: p.db.execute("SELECT 1"))
        except RecordError:
            return JSONResponse({"records": False}, 503)
        return JSONResponse({"records": True})

    async def live(ws: WebSocket) -> None:
        if not _same_origin(ws):
            await ws.close(4003)
            return
        token = ws.cookies.get(SESSION_COOKIE, "")
        try:
            session = await station.session(ws)
        except RecordError:
            session = None
        if session is None:
            await ws.close(4001)
            return
        await ws.accept()
        client = Client(ws, token, session.staff_id)
        client.media_url = str(ws.url.replace(path=MEDIA_PATH, query=""))
        station.clients.add(client)
        await station.send(client, {"type": "hello", "staff_id": session.staff_id})
        if station.snapshot:
            await station.send(client, station.snapshot)
        try:
            while True:
                message = await ws.receive_json()
                if not isinstance(message, dict):
                    continue
                kind = message.get("type")
                if kind == "watch":
                    watched = message.get("kiosk_id")
                    before, client.watch = (
                        client.watch,
                        watched if isinstance(watched, str) else None,
                    )
                    client.sent_photo, client.sent_frame, client.sent_reception = 0, -1, ""
                    await station.send_media(client)
                    if before != client.watch:
                        await station.release_media(before)
                    await station.ask_for_media()
                elif kind == "active":
                    now = _now()
                    with contextlib.suppress(RecordError):
                        await station.run(partial(_touch, token=token, at=now))
        except (WebSocketDisconnect, ValueError, KeyError):
            pass
        finally:
            station.clients.discard(client)
            await station.release_media(client.watch)

    async def kiosk_media(ws: WebSocket) -> None:
        """A kiosk of another process sends its waiting patient's images (never a browser)."""
        key = await anyio.to_thread.run_sync(station.media_key)
        if ws.headers.get("origin") is not None or key is None:
            await ws.close(4003)
            return
        await ws.accept()
        challenge = secrets.token_hex(16)
        await ws.send_json({"type": "challenge", "challenge": challenge})
        try:
            hello = await asyncio.wait_for(ws.receive_json(), HANDSHAKE_S)
        except (TimeoutError, WebSocketDisconnect, ValueError, KeyError):
            return
        kiosk_id, reception, nonce = (hello.get(k) for k in ("kiosk_id", "reception_id", "nonce"))
        if not (
            isinstance(kiosk_id, str)
            and isinstance(reception, str)
            and isinstance(nonce, str)
            and proof_ok(
                hello.get("proof"), kiosk_proof(key, challenge, kiosk_id, reception, nonce)
            )
        ):
            log.warning("station: images offered without the records key: refused")
            await ws.close(4003)
            return
        try:
            waiting = await station.run(
                partial(_waiting_for, kiosk_id=kiosk_id, reception_id=reception)
            )
        except RecordError:
            waiting = False
        if not waiting:
            await ws.close(4009)
            return
        await ws.send_json(
            {"type": "welcome", "proof": station_proof(key, challenge, kiosk_id, nonce)}
        )
        old = station.uplinks.get(kiosk_id)
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()
        station.uplinks[kiosk_id] = ws
        station.media.open(kiosk_id, reception)
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data, text = message.get("bytes"), message.get("text")
                if data and data[:1] in (PHOTO, FRAME) and is_jpeg(data[1:]):
                    part = "photo" if data[:1] == PHOTO else "frame"
                    station.media.update(kiosk_id, reception, **{part: data[1:]})
                elif text:
                    said = json.loads(text)
                    if not isinstance(said, dict) or said.get("type") == "end":
                        break
                    if said.get("type") == "holder":
                        station.media.update(kiosk_id, reception, holder=_holder(said))
        except (WebSocketDisconnect, ValueError, RuntimeError):
            pass
        finally:
            if station.uplinks.get(kiosk_id) is ws:
                del station.uplinks[kiosk_id]
                view = station.media.get(kiosk_id)
                if view is not None and view.reception_id == reception:
                    station.media.clear(kiosk_id)  # nothing of the patient stays here
            with contextlib.suppress(Exception):
                await ws.close()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        station.loop = asyncio.get_running_loop()
        station._media_event = asyncio.Event()
        station.media.listeners.append(station.media_changed)
        station.media.stations.add(station.station_id)
        tasks = [
            asyncio.create_task(station.watch_records()),
            asyncio.create_task(station.watch_sessions()),
            asyncio.create_task(station.push_media()),
        ]
        try:
            yield
        finally:
            station._stopping = True
            station.bell.ring(DESK)
            with contextlib.suppress(ValueError):
                station.media.listeners.remove(station.media_changed)
            station.media.stations.discard(station.station_id)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            station.records.close()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/login", login_form, methods=["GET"]),
            Route("/login", login, methods=["POST"]),
            Route("/logout", logout, methods=["POST"]),
            Route("/api/calls/{call_id}/answer", answer, methods=["POST"]),
            Route("/api/kiosks/{kiosk_id}/mode", mode, methods=["POST"]),
            Route("/api/kiosks/{kiosk_id}/pins", pins, methods=["POST"]),
            Route("/api/today", today, methods=["GET"]),
            Route("/health", health),
            WebSocketRoute("/live", live),
            WebSocketRoute(MEDIA_PATH, kiosk_media),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.station = station
    return app


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _session_end(parts: Parts, *, token: str, at: datetime) -> str:
    """Why the session of ``token`` ended ("": it is alive)."""
    if parts.accounts.session(token, at=at, touch=False) is not None:
        return ""
    return parts.accounts.ended_because(token) or "idle"


def _ended(parts: Parts, *, token: str) -> str:
    return parts.accounts.ended_because(token) or ""


def _touch(parts: Parts, *, token: str, at: datetime) -> None:
    parts.accounts.session(token, at=at)

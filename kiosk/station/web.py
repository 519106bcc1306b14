"""What the station's HTTP endpoints share: the Host check and the security headers on every
request and response, the signed-in guards with their CSRF and Origin checks, the cookies,
the language, the JSON body."""

from __future__ import annotations

import functools
import hmac
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.records.errors import RecordError
from kiosk.station.hosts import Hosts
from kiosk.station.records_access import Parts
from kiosk.station.state import station_of
from kiosk.station.words import language_of
from kiosk.station_tables.staff_accounts import Session

SESSION_COOKIE = "station_session"
LOGIN_COOKIE = "station_login"
LANGUAGE_COOKIE = "station_lang"
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
HSTS = "max-age=31536000"
"""Strict-Transport-Security, when the station is served over TLS."""


class SecurityHeaders:
    """ASGI middleware: :data:`SECURITY_HEADERS` (and HSTS over TLS) on every HTTP response —
    pages, the API, static files, 404, 405 and errors. An exception before the response
    started is answered 500 here, with the headers, and raised on for the server's log."""

    def __init__(self, app: ASGIApp, *, secure: bool = False) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS)
        if secure:
            self.headers["Strict-Transport-Security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        except Exception:
            if not started:
                error = PlainTextResponse("Internal Server Error", 500)
                await error(scope, receive, send_secured)
            raise


class AllowedHosts:
    """ASGI middleware: a request or WebSocket whose ``Host`` header is not one the station
    serves (:mod:`kiosk.station.hosts`) is answered 400 before anything else reads it — a
    page of another site reaching the station by DNS rebinding."""

    def __init__(self, app: ASGIApp, *, hosts: Hosts) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = next((v for k, v in scope.get("headers", ()) if k == b"host"), None)
        if host is not None and self.hosts.allows(host.decode("latin-1")):
            await self.app(scope, receive, send)
            return
        refusal = PlainTextResponse("Invalid host header", 400)
        if scope["type"] == "http" or "websocket.http.response" in scope.get("extensions", {}):
            await refusal(scope, receive, send)
        else:  # a server that cannot answer a WebSocket with a response: refused (403)
            await send({"type": "websocket.close", "code": 1008})


def same_origin(conn: HTTPConnection) -> bool:
    """The request comes from a page of this station, scheme included (no Origin: not a
    browser's cross-site request, which always sends one for POST and WebSocket)."""
    origin = conn.headers.get("origin")
    if origin is None:
        return True
    secure = conn.url.scheme in ("https", "wss") or station_of(conn).config.secure
    scheme = "https" if secure else "http"
    return origin == f"{scheme}://{conn.headers.get('host', '')}"


def csrf_ok(request: Request, session: Session, given: str | None = None) -> bool:
    """``given`` (by default the X-CSRF-Token header) is the session's token, from a page of
    this station."""
    token = given if given is not None else request.headers.get("x-csrf-token", "")
    return same_origin(request) and hmac.compare_digest(token or "-", session.csrf)


async def current_session(conn: HTTPConnection, *, touch: bool = True) -> Session | None:
    """The live session of the request's cookie (raises RecordError: records unreachable);
    ``touch``: the request is a person's action, so the session's idle time starts again."""
    return await station_of(conn).session(conn.cookies.get(SESSION_COOKIE, ""), touch=touch)


SignedInEndpoint = Callable[[Request, Session], Awaitable[Response]]


def signed_in(endpoint: SignedInEndpoint) -> Callable[[Request], Awaitable[Response]]:
    """An API endpoint for a live session only, called with it: 401 signed out, 503 records
    unreachable, and 403 for anything but GET without the session's CSRF token from a page
    of this station. A request to it is a person's action: the session's idle time starts
    again."""
    return _guard(endpoint, touch=True)


def polled(endpoint: SignedInEndpoint) -> Callable[[Request], Awaitable[Response]]:
    """As :func:`signed_in`, for what a page asks by itself (a tab refreshing): the session's
    idle time goes on, so a page left open still signs out when nobody uses it."""
    return _guard(endpoint, touch=False)


def _guard(endpoint: SignedInEndpoint, *, touch: bool) -> Callable[[Request], Awaitable[Response]]:
    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        try:
            session = await current_session(request, touch=touch)
        except RecordError:
            return JSONResponse({"error": "records_unreachable"}, 503)
        if session is None:
            return JSONResponse({"error": "signed_out"}, 401)
        if request.method != "GET" and not csrf_ok(request, session):
            return JSONResponse({"error": "forbidden"}, 403)
        return await endpoint(request, session)

    return guarded


class BadJSON(Exception):
    """The request's body is not JSON, or nested too deep to read."""


async def json_body(request: Request) -> dict[str, Any]:
    """The JSON object the request carries ({} for an empty body, or JSON that is not an
    object); raises :class:`BadJSON` (400) when it cannot be read."""
    body = await request.body()
    if not body.strip():
        return {}
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadJSON from exc
    return value if isinstance(value, dict) else {}


async def bad_json(request: Request, exc: Exception) -> Response:
    """The exception handler of :class:`BadJSON`."""
    return JSONResponse({"error": "bad_json"}, 400)


async def records_answer(
    request: Request, work: Callable[[Parts], tuple[int, dict[str, Any]]]
) -> Response:
    """``work`` on the records' thread: its (status, JSON) answer, 503 when unreachable."""
    try:
        status, result = await station_of(request).records.run(work)
    except RecordError:
        status, result = 503, {"error": "records_unreachable"}
    return JSONResponse(result, status)


def request_language(conn: HTTPConnection) -> str:
    """The page's language: ``?lang=``, else the language cookie, else Japanese."""
    asked = conn.query_params.get("lang")
    return language_of(asked or conn.cookies.get(LANGUAGE_COOKIE))


def set_cookie(response: Response, conn: HTTPConnection, key: str, value: str, age_s: int) -> None:
    """An HttpOnly, SameSite=Strict cookie for the whole station (Secure over TLS)."""
    response.set_cookie(
        key,
        value,
        max_age=age_s,
        httponly=True,
        samesite="strict",
        secure=station_of(conn).config.secure,
        path="/",
    )

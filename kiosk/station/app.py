"""The staff station as an ASGI application (Starlette): sign-in, the desk page, its JSON
requests and one WebSocket per open page for live updates.

Security: only requests whose Host header names this station are answered (400 otherwise:
DNS rebinding, :mod:`kiosk.station.hosts`); a session is an HttpOnly, SameSite=Strict
cookie (Secure over TLS) naming a session whose hash is in the records database; every
state-changing request carries the session's CSRF token (the sign-in form a one-time token,
also in a cookie) and, when the browser sends one, an Origin of this station
(:mod:`kiosk.station.web`). No response is cached or framed
(:class:`~kiosk.station.web.SecurityHeaders`); the waiting patient's images reach only
signed-in pages, over their WebSocket, as data in memory. Kiosks whose link runs
in another process send them over :data:`~kiosk.station.uplink.MEDIA_PATH`, asked for only
while a page has their call open (:mod:`kiosk.station.relay`).

The endpoints are in :mod:`kiosk.station.endpoints`; the state they share, made here once,
is ``app.state.station`` (:class:`~kiosk.station.state.Station`) and ``app.state.relay``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from kiosk.station.endpoints import (
    bell,
    calls,
    facility,
    health,
    kiosks,
    live,
    pairing,
    signin,
    taking,
    today,
)
from kiosk.station.hosts import served_hosts
from kiosk.station.relay import kiosk_media
from kiosk.station.state import Station, StationConfig
from kiosk.station.uplink import MEDIA_PATH
from kiosk.station.web import AllowedHosts, BadJSON, SecurityHeaders, bad_json

__all__ = ["StationConfig", "create_app"]

STATIC = Path(__file__).with_name("static")


def create_app(config: StationConfig) -> Starlette:
    """The station's ASGI application."""
    station = Station(config)
    hosts = served_hosts(config.host, config.port, config.allowed_hosts, secure=config.secure)
    app = Starlette(
        routes=[
            Route("/", signin.home),
            Route("/login", signin.login_form, methods=["GET"]),
            Route("/login", signin.login, methods=["POST"]),
            Route("/logout", signin.logout, methods=["POST"]),
            Route("/api/calls/{call_id}/answer", calls.answer, methods=["POST"]),
            Route("/api/calls/{call_id}/take", taking.take, methods=["POST"]),
            Route("/api/calls/{call_id}/handled", taking.handled, methods=["POST"]),
            Route("/api/kiosks/{kiosk_id}/mode", kiosks.mode, methods=["POST"]),
            Route("/api/kiosks/{kiosk_id}/pins", kiosks.pins, methods=["POST"]),
            Route("/api/kiosks/{kiosk_id}/pair", pairing.pair, methods=["POST"]),
            Route("/api/today", today.today, methods=["GET"]),
            Route("/api/facility/passcode", facility.passcode_state, methods=["GET"]),
            Route("/api/facility/passcode", facility.set_passcode, methods=["POST"]),
            Route("/health", health.health),
            WebSocketRoute("/live", live.live),
            WebSocketRoute("/bell", bell.bell),
            WebSocketRoute(MEDIA_PATH, kiosk_media),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders, secure=config.secure),
            Middleware(AllowedHosts, hosts=hosts),
        ],
        exception_handlers={BadJSON: bad_json},
        lifespan=_lifespan,
    )
    app.state.station = station
    app.state.relay = station.relay
    return app


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    station: Station = app.state.station
    async with station.running():
        yield

"""Each open desk page's WebSocket: the desk's state as it changes, the waiting patient's
images of the call the page has open, and the end of the page's session.

The page says ``{"type": "watch", "kiosk_id": ID|null}`` when it opens or closes a call, and
``{"type": "active"}`` while staff use it (the session's idle clock starts again); opening the
socket (the page reconnects by itself) does not.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from functools import partial
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from kiosk.records.errors import RecordError
from kiosk.station.clients import Client
from kiosk.station.records_access import Parts
from kiosk.station.state import Station, station_of
from kiosk.station.uplink import MEDIA_PATH
from kiosk.station.web import SESSION_COOKIE, same_origin


async def live(ws: WebSocket) -> None:
    """4003: not from a page of this station; 4001: no live session."""
    if not same_origin(ws):
        await ws.close(4003)
        return
    station = station_of(ws)
    token = ws.cookies.get(SESSION_COOKIE, "")
    try:
        session = await station.session(token, touch=False)
    except RecordError:
        session = None
    if session is None:
        await ws.close(4001)
        return
    await ws.accept()
    client = Client(ws, token, session.staff_id)
    client.media_url = str(ws.url.replace(path=MEDIA_PATH, query=""))
    station.pages.add(client)
    await station.pages.send(client, {"type": "hello", "staff_id": session.staff_id})
    if station.snapshot:
        await station.pages.send(client, station.snapshot)
    try:
        while True:
            await _heard(station, client, await ws.receive_json())
    except (WebSocketDisconnect, ValueError, KeyError, RecursionError):
        pass
    finally:
        station.pages.discard(client)
        await station.relay.release(client.watch)


async def _heard(station: Station, client: Client, message: Any) -> None:
    if not isinstance(message, dict):
        return
    kind = message.get("type")
    if kind == "watch":
        watched = message.get("kiosk_id")
        await station.relay.watch(client, watched if isinstance(watched, str) else None)
    elif kind == "active":
        now = station.now()
        with contextlib.suppress(RecordError):
            await station.records.run(partial(_touch, token=client.token, at=now))


def _touch(parts: Parts, *, token: str, at: datetime) -> None:
    parts.accounts.session(token, at=at)

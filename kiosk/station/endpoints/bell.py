"""The locked desk's WebSocket: how many calls wait, so a desk left alone still chimes.

A desk page whose session ended idle locks itself (patient data gone, a sign-in needed to
act) and opens this socket with the same cookie. It hears the open calls — each one's ID,
kiosk, reason, time and who took it — and nothing of a patient: no name, no image, no error
detail. Only a session that ended idle less than
:data:`~kiosk.station_tables.staff_accounts.LOCKED_LIMIT` after its sign-in (or a live one)
may listen; what the page says is ignored, so listening never keeps a session alive.
"""

from __future__ import annotations

from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from kiosk.records.errors import RecordError
from kiosk.station.clients import Client
from kiosk.station.records_access import Parts
from kiosk.station.state import bell_view, station_of
from kiosk.station.web import SESSION_COOKIE, same_origin


async def bell(ws: WebSocket) -> None:
    """4003: not from a page of this station; 4001: no session that may listen."""
    if not same_origin(ws):
        await ws.close(4003)
        return
    station = station_of(ws)
    token = ws.cookies.get(SESSION_COOKIE, "")
    now = station.now()
    try:
        staff_id = await station.records.run(lambda p: listener(p, token, now))
    except RecordError:
        staff_id = None
    if staff_id is None:
        await ws.close(4001)
        return
    await ws.accept()
    client = Client(ws, token, staff_id)
    station.bells.add(client)
    if station.snapshot:
        await station.bells.send(client, bell_view(station.snapshot))
    try:
        while True:
            await ws.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        station.bells.discard(client)


def listener(parts: Parts, token: str, at: Any) -> str | None:
    """Who may hear the bell with ``token``: a live session, or one locked by idleness."""
    live = parts.accounts.session(token, at=at, touch=False)
    return live.staff_id if live is not None else parts.accounts.locked(token, at=at)

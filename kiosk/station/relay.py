"""The waiting patient's images, from the kiosks to the desk pages that have their call open.

A kiosk whose link runs in this process puts them in this process's
:class:`~kiosk.station.media.MediaHub`. A kiosk whose link runs in another process is asked
for them (a :attr:`~kiosk.station_tables.calls.CommandKind.WATCH` request naming this
station's endpoint) only while a page has its open call, and sends them over
:data:`~kiosk.station.uplink.MEDIA_PATH` (:func:`kiosk_media`), sealed to this station
(:mod:`kiosk.station.sealed_media`): only the kiosk whose key this station enrolled, only to
the endpoint this station asked it for; any other hello is refused and recorded. Each page
gets the images of the kiosk it watches over its own WebSocket, as data in memory; when no
page watches any more the kiosk is told to stop, and what it sent is dropped when its
connection ends.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket, WebSocketDisconnect

from kiosk.config import Settings
from kiosk.records.errors import RecordError
from kiosk.station.clients import Client, OpenPages
from kiosk.station.media import Holder, MediaHub
from kiosk.station.records_access import Parts, StationRecords
from kiosk.station.sealed_media import (
    HELLO,
    WELCOME,
    SealedChannel,
    SealError,
    channel,
    ephemeral,
    hello_payload,
    is_ephemeral,
    welcome_payload,
)
from kiosk.station.uplink import FRAME, HANDSHAKE_S, PHOTO, TEXT, is_jpeg
from kiosk.station.vouch import audit_about, believed_kiosks
from kiosk.station_tables.calls import CommandKind
from kiosk.station_tables.keys import verify
from kiosk.station_tables.trust import enrolled

log = logging.getLogger(__name__)

ASK_AGAIN_S = 10.0
"""A kiosk asked for its images and not connected is asked again after this long."""


class MediaRelay:
    """One station's share of the images: who is asked, who sends, which page has what."""

    def __init__(
        self,
        hub: MediaHub,
        records: StationRecords,
        pages: OpenPages,
        settings: Settings,
        media_url: str | None,
    ) -> None:
        self.hub = hub
        self.records = records
        self.pages = pages
        self.settings = settings
        self.media_url = media_url  # where kiosks send images (None: as each page reached us)
        self.station_id = secrets.token_hex(8)
        self.uplinks: dict[str, WebSocket] = {}  # kiosk ID -> its images' connection
        self.asked: dict[str, tuple[str, float, str]] = {}  # kiosk -> (reception, when, url)
        self._waiting: dict[str, str] = {}  # kiosk ID -> the reception of its waiting call
        self._dirty: set[str] = set()
        self._event: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping = False

    # -- the station's life ---------------------------------------------------------------

    def start(self) -> None:
        """On the event loop: hear the hub of this process."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()
        self.hub.listeners.append(self.changed)
        self.hub.stations.add(self.station_id)

    def stop(self) -> None:
        self._stopping = True
        with contextlib.suppress(ValueError):
            self.hub.listeners.remove(self.changed)
        self.hub.stations.discard(self.station_id)

    # -- to the pages ---------------------------------------------------------------------

    def changed(self, kiosk_id: str) -> None:
        """From a kiosk link's thread: a waiting patient's view changed."""
        loop, event = self._loop, self._event
        if loop is None or event is None:
            return
        self._dirty.add(kiosk_id)
        with contextlib.suppress(RuntimeError):  # the loop is closing
            loop.call_soon_threadsafe(event.set)

    async def push(self) -> None:
        """Send each changed view to the pages that watch it (runs for the station's life)."""
        event = self._event
        if event is None:
            raise RuntimeError("the relay is not started")
        while not self._stopping:
            await event.wait()
            event.clear()
            dirty, self._dirty = self._dirty, set()
            for client in self.pages:
                if client.watch in dirty:
                    await self.send(client)

    async def send(self, client: Client) -> None:
        """What ``client`` has not been sent of the view of the kiosk it watches."""
        kiosk_id = client.watch
        if kiosk_id is None:
            return
        view = self.hub.get(kiosk_id)
        if view is None:
            client.sent_photo, client.sent_frame, client.sent_reception = 0, -1, ""
            await self.pages.send(client, {"type": "media", "kiosk_id": kiosk_id, "gone": True})
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
        await self.pages.send(client, message)

    async def watch(self, client: Client, kiosk_id: str | None) -> None:
        """The page of ``client`` opened the call of ``kiosk_id`` (None: closed it)."""
        before, client.watch = client.watch, kiosk_id
        client.sent_photo, client.sent_frame, client.sent_reception = 0, -1, ""
        await self.send(client)
        if before != client.watch:
            await self.release(before)
        await self.ask()

    # -- from the kiosks of other processes -----------------------------------------------

    async def ask(self, snapshot: Mapping[str, Any] | None = None) -> None:
        """Pages have the open call of a waiting kiosk whose images are not here (its link
        runs in another process): ask that kiosk to send them. ``snapshot``: the desk's
        newest state, whose waiting calls are kept for the next asks."""
        if snapshot is not None:
            self._waiting = {
                c["kiosk_id"]: c["reception_id"]
                for c in snapshot.get("calls", [])
                if c.get("waiting") and c.get("reception_id") and c.get("signed")
            }
        now = time.monotonic()
        for client in self.pages:
            kiosk_id = client.watch
            if (
                kiosk_id is None
                or kiosk_id not in self._waiting
                or not (self.media_url or client.media_url)
            ):
                continue
            reception = self._waiting[kiosk_id]
            if self.hub.get(kiosk_id) is not None or kiosk_id in self.uplinks:
                continue
            asked = self.asked.get(kiosk_id)
            if asked is not None and asked[0] == reception and now - asked[1] < ASK_AGAIN_S:
                continue
            url = self.media_url or client.media_url
            self.asked[kiosk_id] = (reception, now, url)
            value = {
                "url": url,
                "station": self.station_id,
                "reception_id": reception,
            }
            with contextlib.suppress(RecordError):
                await self.records.run(
                    partial(_ask, kiosk_id=kiosk_id, value=value, staff_id=client.staff_id)
                )

    async def release(self, kiosk_id: str | None) -> None:
        """No page watches ``kiosk_id`` any more: its images stop coming."""
        if kiosk_id is None or self.pages.watching(kiosk_id):
            return
        self.asked.pop(kiosk_id, None)
        uplink = self.uplinks.get(kiosk_id)
        if uplink is not None:
            with contextlib.suppress(Exception):
                await uplink.send_json({"type": "stop"})
                await uplink.close()

    def asked_url(self, kiosk_id: str, reception: str) -> str | None:
        """The endpoint this station asked ``kiosk_id`` to send that reception's images to."""
        asked = self.asked.get(kiosk_id)
        return asked[2] if asked is not None and asked[0] == reception else None

    async def receive(
        self, ws: WebSocket, kiosk_id: str, reception: str, sealed: SealedChannel
    ) -> None:
        """The sealed images of a kiosk that proved itself, until it ends or is told to stop."""
        old = self.uplinks.get(kiosk_id)
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()
        self.uplinks[kiosk_id] = ws
        self.hub.open(kiosk_id, reception)
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                blob = message.get("bytes")
                if not blob:
                    break  # only sealed messages come from a kiosk
                data = sealed.open(blob)
                if data[:1] in (PHOTO, FRAME) and is_jpeg(data[1:]):
                    part = "photo" if data[:1] == PHOTO else "frame"
                    self.hub.update(kiosk_id, reception, **{part: data[1:]})
                elif data[:1] == TEXT:
                    said = json.loads(data[1:])
                    if not isinstance(said, dict) or said.get("type") == "end":
                        break
                    if said.get("type") == "holder":
                        self.hub.update(kiosk_id, reception, holder=_holder(said))
        except (WebSocketDisconnect, SealError, ValueError, RuntimeError):  # RecursionError too
            pass
        finally:
            if self.uplinks.get(kiosk_id) is ws:
                del self.uplinks[kiosk_id]
                view = self.hub.get(kiosk_id)
                if view is not None and view.reception_id == reception:
                    self.hub.clear(kiosk_id)  # nothing of the patient stays here
            with contextlib.suppress(Exception):
                await ws.close()


def relay_of(conn: HTTPConnection) -> MediaRelay:
    """The relay of the application serving ``conn`` (set once by ``create_app``)."""
    relay: MediaRelay = conn.app.state.relay
    return relay


async def kiosk_media(ws: WebSocket) -> None:
    """A kiosk of another process sends its waiting patient's images (never a browser):
    4003 a hello not signed by the key enrolled for that kiosk, or for another endpoint
    (refused and recorded); 4009 not asked for, or the patient no longer waits."""
    relay = relay_of(ws)
    station = relay.records.station
    if ws.headers.get("origin") is not None or station is None:
        await ws.close(4003)
        return
    await ws.accept()
    challenge = secrets.token_hex(16)
    await ws.send_json({"type": "challenge", "challenge": challenge})
    try:
        said = await asyncio.wait_for(ws.receive_json(), HANDSHAKE_S)
    except (TimeoutError, WebSocketDisconnect, ValueError, KeyError, RecursionError):
        return
    said = said if isinstance(said, dict) else {}
    fields = [said.get(k) for k in ("kiosk_id", "reception_id", "url", "ephemeral")]
    if not all(isinstance(f, str) for f in fields) or not is_ephemeral(fields[3]):
        await ws.close(4003)
        return
    kiosk_id, reception, url, theirs = (str(f) for f in fields)
    hello = hello_payload(challenge, kiosk_id, reception, url, theirs)
    work = partial(
        _admit,
        hello=hello,
        signature=said.get("signature"),
        asked=relay.asked_url(kiosk_id, reception),
    )
    try:
        why = await relay.records.run(work)
    except RecordError:
        why = "records"
    if why:
        await ws.close(4003 if why in REFUSED else 4009)
        return
    private, mine = ephemeral()
    welcome = welcome_payload(hello, mine)
    await ws.send_json(
        {"type": "welcome", "ephemeral": mine, "signature": station.sign(WELCOME, welcome)}
    )
    try:
        sealed = channel(private, theirs, welcome)
    except ValueError:
        await ws.close(4003)
        return
    await relay.receive(ws, kiosk_id, reception, sealed)


REFUSED = ("unpaired", "forged", "elsewhere")
"""Why a hello was refused as an attempt (recorded in the chain as ``media_refused:<why>``)."""


def _admit(parts: Parts, *, hello: dict[str, Any], signature: Any, asked: str | None) -> str:
    """Why the kiosk of ``hello`` may not send its images ("": it may)."""
    kiosk_id = str(hello["kiosk_id"])
    station = parts.station
    keys = enrolled(parts.db, station.public) if station is not None else {}
    if kiosk_id not in keys:
        why = "unpaired"
    elif not verify(keys[kiosk_id], HELLO, hello, signature):
        why = "forged"  # someone else's key (the records key, another kiosk's) says hello
    elif asked is None:
        return "unasked"  # the page closed meanwhile: nothing to refuse
    elif hello["url"] != asked:
        why = "elsewhere"  # the kiosk dialled another endpoint than asked: a relay
    elif not _waiting_for(parts, kiosk_id=kiosk_id, reception_id=str(hello["reception_id"])):
        return "not_waiting"
    else:
        return ""
    log.warning("station: images refused (%s)", why)
    audit_about(parts, f"media_refused:{why}", "station", kiosk_id)
    return why


def _ask(parts: Parts, *, kiosk_id: str, value: dict[str, Any], staff_id: str) -> None:
    parts.board.request(kiosk_id, CommandKind.WATCH, value, staff_id, datetime.now(UTC))


def _waiting_for(parts: Parts, *, kiosk_id: str, reception_id: str) -> bool:
    return any(
        k.kiosk_id == kiosk_id and k.waiting and k.reception_id == reception_id
        for k in believed_kiosks(parts).kiosks
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

"""The waiting patient's images from a kiosk to a station in another process, in memory only.

When a station page opens the call of a kiosk whose link runs in another process, the station
leaves that kiosk a request (:attr:`~kiosk.station_tables.calls.CommandKind.WATCH`) naming its own
endpoint (:data:`MEDIA_PATH`). The kiosk, if it still waits for 目視確認 in that reception,
opens a WebSocket there (:class:`MediaUplink`) and sends the chip photo once, the card
holder's name and birth date, and the small live image (a JPEG, at most 320 px wide) about
twice a second — until the wait ends, the reception changes, or the station says no page
watches any more. The station keeps them in its :class:`~kiosk.station.media.MediaHub` for
its pages and drops them when the connection ends. Nothing is written to a file or a database.

The stream is sealed to the station that signed the request (:mod:`kiosk.station.sealed_media`):
the kiosk's hello is signed by its own key and names the endpoint it dialled, the station's
welcome is signed by the station's key (learned at pairing), and everything after is
encrypted and authenticated, so a relay in between gains nothing. Off loopback the endpoint
must also be ``wss://`` (the station serves TLS there).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from kiosk.station.media import MediaHub
from kiosk.station.sealed_media import (
    HELLO,
    WELCOME,
    SealedChannel,
    channel,
    ephemeral,
    hello_payload,
    is_ephemeral,
    welcome_payload,
)
from kiosk.station_tables.keys import KeyPair, verify

log = logging.getLogger(__name__)

MEDIA_PATH = "/kiosk-media"
"""The station's endpoint for kiosks' images."""

PHOTO = b"P"
FRAME = b"F"
TEXT = b"J"
"""The first byte of a sealed message: the chip photo or a live frame (a JPEG follows), or
JSON (the holder, the end)."""

MAX_IMAGE = 512 * 1024
FRAME_INTERVAL_S = 0.5
HANDSHAKE_S = 10.0


def is_jpeg(data: bytes) -> bool:
    return 4 < len(data) <= MAX_IMAGE and data[:3] == b"\xff\xd8\xff"


def endpoint_ok(url: str) -> bool:
    """A station endpoint a kiosk may send images to: wss://, or ws:// on loopback only."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.path != MEDIA_PATH or not host:
        return False
    if parts.scheme == "wss":
        return True
    if parts.scheme != "ws":
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MediaUplink:
    """One kiosk's waiting patient to one station, on a thread of its own."""

    def __init__(
        self,
        url: str,
        identity: KeyPair,
        station_key: str,
        kiosk_id: str,
        reception_id: str,
        hub: MediaHub,
        waiting: Callable[[], bool],
        *,
        frame_interval_s: float = FRAME_INTERVAL_S,
    ) -> None:
        self.url = url
        self.identity = identity
        self.station_key = station_key  # the station that signed the request: only it
        self.kiosk_id = kiosk_id
        self.reception_id = reception_id
        self.hub = hub
        self.waiting = waiting
        self.frame_interval_s = frame_interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="station-uplink", daemon=True)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> MediaUplink:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def _run(self) -> None:
        from websockets.exceptions import WebSocketException
        from websockets.sync.client import connect

        try:
            with connect(self.url, open_timeout=HANDSHAKE_S, close_timeout=2, max_size=2**16) as ws:
                sealed = self._handshake(ws)
                if sealed is not None:
                    self._stream(ws, sealed)
        except (OSError, TimeoutError, ValueError, AttributeError, WebSocketException) as exc:
            log.info("images not sent to the station: %s", type(exc).__name__)

    def _handshake(self, ws: Any) -> SealedChannel | None:
        challenge = str(json.loads(ws.recv(timeout=HANDSHAKE_S)).get("challenge", ""))
        private, mine = ephemeral()
        hello = hello_payload(challenge, self.kiosk_id, self.reception_id, self.url, mine)
        signature = self.identity.sign(HELLO, hello)
        ws.send(json.dumps({"type": "hello", **hello, "signature": signature}))
        welcome = json.loads(ws.recv(timeout=HANDSHAKE_S))
        theirs = welcome.get("ephemeral") if isinstance(welcome, dict) else None
        if not is_ephemeral(theirs):
            log.warning("a station that does not answer as one asked for images")
            return None
        payload = welcome_payload(hello, str(theirs))
        if not verify(self.station_key, WELCOME, payload, welcome.get("signature")):
            log.warning("a station other than the one that asked wanted the images: refused")
            return None
        return channel(private, str(theirs), payload)

    def _stream(self, ws: Any, sealed: SealedChannel) -> None:
        sent_photo: bytes | None = None
        sent_holder = False
        sent_frame = -1
        next_frame = 0.0
        while not self._stop.is_set():
            view = self.hub.get(self.kiosk_id)
            if view is None or view.reception_id != self.reception_id or not self.waiting():
                ws.send(sealed.seal(TEXT + json.dumps({"type": "end"}).encode()))
                return
            if view.holder is not None and not sent_holder:
                holder = json.dumps({"type": "holder", **view.holder.to_dict()}, ensure_ascii=False)
                ws.send(sealed.seal(TEXT + holder.encode("utf-8")))
                sent_holder = True
            if view.photo is not None and view.photo is not sent_photo:
                ws.send(sealed.seal(PHOTO + view.photo))
                sent_photo = view.photo
            now = time.monotonic()
            if view.frame is not None and view.frame_no != sent_frame and now >= next_frame:
                ws.send(sealed.seal(FRAME + view.frame))
                sent_frame, next_frame = view.frame_no, now + self.frame_interval_s
            try:
                message = ws.recv(timeout=0.1)
            except TimeoutError:
                continue
            if isinstance(message, str) and json.loads(message).get("type") == "stop":
                return

"""The waiting patient's images from a kiosk to a station in another process, in memory only.

When a station page opens the call of a kiosk whose link runs in another process, the station
leaves that kiosk a request (:attr:`~kiosk.station_tables.calls.CommandKind.WATCH`) naming its own
endpoint (:data:`MEDIA_PATH`). The kiosk, if it still waits for 目視確認 in that reception,
opens a WebSocket there (:class:`MediaUplink`) and sends the chip photo once, the card
holder's name and birth date, and the small live image (a JPEG, at most 320 px wide) about
twice a second — until the wait ends, the reception changes, or the station says no page
watches any more. The station keeps them in its :class:`~kiosk.station.media.MediaHub` for
its pages and drops them when the connection ends. Nothing is written to a file or a database.

Both sides prove they hold the installation's records chain key (kiosks sharing a database
share it): a key derived from it (:func:`media_key`) signs a challenge each way, and the kiosk
sends nothing before the station has proved itself. Off loopback the endpoint must be
``wss://`` (the station serves TLS there), so the images never cross a network in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from kiosk.errors import KioskError
from kiosk.records.chainkey import ChainKey, load_chain_key
from kiosk.station.media import MediaHub

log = logging.getLogger(__name__)

MEDIA_PATH = "/kiosk-media"
"""The station's endpoint for kiosks' images."""

PHOTO = b"P"
FRAME = b"F"
"""The first byte of a binary message: the chip photo or a live frame (a JPEG follows)."""

MAX_IMAGE = 512 * 1024
FRAME_INTERVAL_S = 0.5
HANDSHAKE_S = 10.0


def media_key(chain: ChainKey) -> bytes:
    """The key kiosks and stations prove themselves with (derived: never the chain key)."""
    return hmac.new(chain.secret, b"kiosk station media", hashlib.sha256).digest()


def media_key_for(settings: Any) -> bytes | None:
    """This installation's media key ([records] chain_key_file), None when there is none."""
    try:
        return media_key(load_chain_key(getattr(settings, "chain_key_file", None)))
    except KioskError as exc:
        log.warning("no images for a station in another process: %s", exc)
        return None


def _mac(key: bytes, *parts: str) -> str:
    return hmac.new(key, "\n".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def kiosk_proof(key: bytes, challenge: str, kiosk_id: str, reception_id: str, nonce: str) -> str:
    return _mac(key, "kiosk", challenge, kiosk_id, reception_id, nonce)


def station_proof(key: bytes, challenge: str, kiosk_id: str, nonce: str) -> str:
    return _mac(key, "station", challenge, kiosk_id, nonce)


def proof_ok(given: object, expected: str) -> bool:
    return isinstance(given, str) and hmac.compare_digest(given, expected)


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
        key: bytes,
        kiosk_id: str,
        reception_id: str,
        hub: MediaHub,
        waiting: Callable[[], bool],
        *,
        frame_interval_s: float = FRAME_INTERVAL_S,
    ) -> None:
        self.url = url
        self._key = key
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
                if self._handshake(ws):
                    self._stream(ws)
        except (OSError, TimeoutError, ValueError, WebSocketException) as exc:
            log.info("images not sent to the station: %s", type(exc).__name__)

    def _handshake(self, ws: Any) -> bool:
        challenge = json.loads(ws.recv(timeout=HANDSHAKE_S)).get("challenge", "")
        nonce = secrets.token_hex(16)
        proof = kiosk_proof(self._key, str(challenge), self.kiosk_id, self.reception_id, nonce)
        ws.send(
            json.dumps(
                {
                    "type": "hello",
                    "kiosk_id": self.kiosk_id,
                    "reception_id": self.reception_id,
                    "nonce": nonce,
                    "proof": proof,
                }
            )
        )
        welcome = json.loads(ws.recv(timeout=HANDSHAKE_S))
        expected = station_proof(self._key, str(challenge), self.kiosk_id, nonce)
        if not proof_ok(welcome.get("proof"), expected):
            log.warning("a station that cannot prove the records key asked for images")
            return False
        return True

    def _stream(self, ws: Any) -> None:
        sent_photo: bytes | None = None
        sent_holder = False
        sent_frame = -1
        next_frame = 0.0
        while not self._stop.is_set():
            view = self.hub.get(self.kiosk_id)
            if view is None or view.reception_id != self.reception_id or not self.waiting():
                ws.send(json.dumps({"type": "end"}))
                return
            if view.holder is not None and not sent_holder:
                ws.send(json.dumps({"type": "holder", **view.holder.to_dict()}))
                sent_holder = True
            if view.photo is not None and view.photo is not sent_photo:
                ws.send(PHOTO + view.photo)
                sent_photo = view.photo
            now = time.monotonic()
            if view.frame is not None and view.frame_no != sent_frame and now >= next_frame:
                ws.send(FRAME + view.frame)
                sent_frame, next_frame = view.frame_no, now + self.frame_interval_s
            try:
                message = ws.recv(timeout=0.1)
            except TimeoutError:
                continue
            if isinstance(message, str) and json.loads(message).get("type") == "stop":
                return

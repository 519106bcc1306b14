"""A pass-through WebSocket relay, as an attacker would put between a kiosk and the station:
it forwards every message both ways unchanged and keeps a copy of everything it saw."""

from __future__ import annotations

import socket
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect
from websockets.sync.server import serve


class PassThroughRelay:
    """``ws://127.0.0.1:PORT/kiosk-media`` forwarding to ``upstream`` (started at once)."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.seen: list[bytes] = []  # every message, both ways, as bytes
        self.connections = 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"ws://127.0.0.1:{self.port}/kiosk-media"
        self._server = serve(self._handle, "127.0.0.1", self.port)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _handle(self, kiosk: Any) -> None:
        self.connections += 1
        with connect(self.upstream) as station:
            back = threading.Thread(target=self._copy, args=(station, kiosk), daemon=True)
            back.start()
            self._copy(kiosk, station)
            back.join(10)

    def _copy(self, source: Any, target: Any) -> None:
        try:
            for message in source:
                self.seen.append(message.encode() if isinstance(message, str) else message)
                target.send(message)
        except ConnectionClosed:
            pass
        finally:
            target.close()

    def saw(self, data: bytes) -> bool:
        return any(data in message for message in self.seen)

    def stop(self) -> None:
        self._server.shutdown()

"""The open desk pages: one WebSocket each (:mod:`kiosk.station.endpoints.live`), with what
each page watches and has been sent of a waiting patient's images."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from starlette.websockets import WebSocket


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


class OpenPages:
    """The station's open desk pages; a page that cannot be sent to is gone."""

    def __init__(self) -> None:
        self._open: set[Client] = set()

    def add(self, client: Client) -> None:
        self._open.add(client)

    def discard(self, client: Client) -> None:
        self._open.discard(client)

    def __iter__(self) -> Iterator[Client]:
        """The pages open now (a copy: sending may close some)."""
        return iter(list(self._open))

    def watching(self, kiosk_id: str) -> bool:
        """Some page has the call of ``kiosk_id`` open."""
        return any(c.watch == kiosk_id for c in self._open)

    async def send(self, client: Client, message: dict[str, Any]) -> None:
        try:
            await client.ws.send_json(message)
        except Exception:  # the page went away
            self._open.discard(client)

    async def broadcast(self, message: dict[str, Any]) -> None:
        for client in self:
            await self.send(client, message)

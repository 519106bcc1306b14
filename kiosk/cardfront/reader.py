"""照合番号B of the card on the reader, from its front: the card-front camera, then OCR.

:class:`FrontReader` gives 照合番号B only when the reading is sure. It also remembers (as
digests, in memory) the values a card has refused, so a misreading is never sent twice.
"""

from __future__ import annotations

import hashlib
import threading

from kiosk.card.transport import Transport
from kiosk.cardfront.camera import FrontCamera, PrintedFront
from kiosk.cardfront.errors import CardFrontError
from kiosk.cardfront.ocr import FrontReading, read_front

REFUSED_KEPT = 256
"""Refused values remembered (digests); the oldest are forgotten first."""


class FrontUnsureError(CardFrontError):
    """The card front was photographed but not read surely (the PIN or staff instead)."""


class FrontReader:
    """The reader's card-front camera and its OCR."""

    def __init__(self, camera: FrontCamera | None = None) -> None:
        self.camera: FrontCamera = camera if camera is not None else PrintedFront()
        self._refused: dict[bytes, None] = {}
        self._lock = threading.Lock()

    def reading(self, transport: Transport) -> FrontReading | None:
        """What the front of the card behind ``transport`` says (None: no picture)."""
        picture = self.camera.capture(transport)
        return None if picture is None else read_front(picture)

    def verify_b(self, transport: Transport) -> str:
        """照合番号B of the card behind ``transport``; :class:`CardFrontError` when there is
        no picture, :class:`FrontUnsureError` when the reading is not sure or the card has already
        refused this value."""
        reading = self.reading(transport)
        if reading is None:
            raise CardFrontError("no picture of the card front: 照合番号B is unknown")
        value = reading.verify_b
        if value is None:
            raise FrontUnsureError(
                "the card front was not read surely: " + "; ".join(reading.problems)
            )
        with self._lock:
            if _digest(value) in self._refused:
                raise FrontUnsureError("the card refused this reading of its front before")
        return value

    def refused(self, value: str) -> None:
        """The card answered 照合番号B ``value`` with a refusal: never send it again."""
        with self._lock:
            self._refused[_digest(value)] = None
            while len(self._refused) > REFUSED_KEPT:
                del self._refused[next(iter(self._refused))]


def _digest(value: str) -> bytes:
    return hashlib.sha256(b"kiosk-verify-b\0" + value.encode("ascii")).digest()

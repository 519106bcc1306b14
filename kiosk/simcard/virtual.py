"""The virtual My Number card as a :class:`kiosk.card.transport.Transport`.

``VirtualCard(state)`` is a powered card in a reader: ``transmit(apdu)`` runs the card OS
(:mod:`kiosk.simcard.cardos`) and returns ``(data, sw)``; it never raises for any bytes sent.
``close()`` powers the card off (selection and security status cleared); the next
``transmit`` (or ``power_on()``) powers it on again, as a reader does on reconnect.

With a ``store`` (a :class:`~kiosk.simcard.cardfile.CardFile`) every counter or PIN change is
made under the file's lock on the state re-read from it, and saved before the card answers, so
several processes can share one card file; :func:`open_card_file` sets that up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.card.applets import ATR
from kiosk.simcard.cardfile import CardFile
from kiosk.simcard.cardos import CardOS
from kiosk.simcard.files import CardContext
from kiosk.simcard.people import face_photo_jp2
from kiosk.simcard.phone import PHONE_ATR, PhoneOS
from kiosk.simcard.state import CardState

if TYPE_CHECKING:
    from kiosk.simcard.cardfile import CardFile


def default_photo(person_id: str) -> bytes:
    """The chip's face photo of a person from the deck (greyscale JPEG 2000)."""

    return face_photo_jp2(person_id)


class VirtualCard:
    """A virtual My Number card: a small card OS over a :class:`CardState`.

    ``photo(person_id)`` supplies the face photo of 券面AP (default: the deck's photos);
    ``apdu_delay_ms`` is slept on every APDU, ``sign_ms`` on every signature (milliseconds),
    to model a real chip's timing. Thread-safe: one APDU at a time.
    """

    def __init__(
        self,
        state: CardState,
        *,
        store: CardFile | None = None,
        photo: Callable[[str], bytes] | None = None,
        apdu_delay_ms: float = 0.0,
        sign_ms: float = 0.0,
    ) -> None:
        self.store = store
        self.apdu_delay_ms = apdu_delay_ms
        self._lock = threading.Lock()
        self._context = CardContext(state, photo or default_photo)
        system = CardOS if state.phone is None else PhoneOS  # a smartphone's secure element
        self.os = system(self._context, store=store, sign_ms=sign_ms)
        self._powered = True

    @property
    def atr(self) -> bytes:
        return ATR if self.state.phone is None else PHONE_ATR

    @property
    def state(self) -> CardState:
        return self._context.state

    @property
    def failure(self) -> Exception | None:
        """Why the last APDU answered 6F00, if it did (a card file that refused a save …)."""
        return self.os.failure

    @property
    def powered(self) -> bool:
        return self._powered

    @property
    def sign_ms(self) -> float:
        return self.os.sign_ms

    @sign_ms.setter
    def sign_ms(self, value: float) -> None:
        self.os.sign_ms = value

    def power_on(self) -> bytes:
        """Cold reset: nothing selected, nothing verified; returns the ATR."""
        with self._lock:
            self.os.reset()
            self._powered = True
        return self.atr

    def close(self) -> None:
        """Power off: the security status and the selection are lost."""
        with self._lock:
            self.os.reset()
            self._powered = False

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Run one command APDU; returns (response data, status word). Never raises."""
        with self._lock:
            if self.apdu_delay_ms > 0:
                time.sleep(self.apdu_delay_ms / 1000)
            if not self._powered:
                self.os.reset()
                self._powered = True
            response = self.os.execute(apdu)
        return response[:-2], int.from_bytes(response[-2:], "big")

    def __repr__(self) -> str:
        return f"VirtualCard(profile={self.state.profile!r}, serial={self.state.serial!r})"


def open_card_file(path: str | Path, **options: Any) -> VirtualCard:
    """Load a card file and return a card that saves every counter change back to it.

    ``options`` are passed to :class:`VirtualCard` (``photo``, ``apdu_delay_ms``, ``sign_ms``).
    Raises :class:`~kiosk.simcard.errors.CardFileError` for a missing or unusable file.
    """

    store = CardFile(path)
    return VirtualCard(store.load(), store=store, **options)

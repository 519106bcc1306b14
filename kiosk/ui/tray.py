"""The simulator's card tray: which card lies on the reader (operator panel), its APDU trace
and its PIN counters. Qt-free; the operator panel drives it.

Virtual cards are issued once per profile and kept for the session, so PIN counters survive
taking the card away and placing it again, as on a real card, until a rehearsal resets a
card to its deck state (:meth:`CardTray.reset`) or sets the placed card's counters and
certificates (:meth:`CardTray.change_card`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.card.transport import CountingTransport, TraceEntry, Transport
from kiosk.devices import open_card
from kiosk.errors import KioskError
from kiosk.simcard.cardfile import save_card
from kiosk.simcard.deck import profile_names
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import CardState

log = logging.getLogger(__name__)

PIN_ORDER = ("auth", "sign", "hojo", "juki", "kyotsu")


class Slot(Protocol):
    """The flow's card reader as the simulator moves cards (kiosk.wiring.adapters)."""

    def insert(self, transport: Transport) -> None: ...

    def remove(self) -> None: ...


@dataclass(frozen=True)
class PinCounter:
    """One PIN counter of the simulated chip, read from its state (no APDU, no try spent)."""

    pin: str  # auth / sign / hojo / juki / kyotsu
    tries_left: int
    limit: int


class NoVirtualCardError(KioskError):
    """What a rehearsal changes needs a virtual card (on the reader, or named)."""


class CardTray:
    """Places and removes simulated (or PC/SC) cards on the flow's slot."""

    def __init__(self, slot: Slot, opener: Callable[[str], Transport] | None = None) -> None:
        self.slot = slot
        self._opener = opener
        self._cards: dict[str, Transport] = {}
        self.current: CountingTransport | None = None
        self.current_spec: str | None = None
        self.trace_listeners: list[Callable[[TraceEntry], None]] = []

    def _open(self, spec: str) -> Transport:
        if spec in self._cards:
            return self._cards[spec]
        card = self._opener(spec) if self._opener is not None else open_card(spec)
        if spec.startswith("virtual:"):
            self._cards[spec] = card
        return card

    def place(self, spec: str) -> None:
        """Put the card named by ``spec`` (``virtual:<profile>``, a card file, ``pcsc``) down."""
        self.remove()
        card = self._open(spec)
        power_on = getattr(card, "power_on", None)
        if callable(power_on):
            power_on()
        counting = CountingTransport(card)
        counting.listeners.append(self._traced)
        self.slot.insert(counting)
        self.current, self.current_spec = counting, spec

    def remove(self) -> None:
        """Take the card away (the flow is told separately: ``card_removed``)."""
        if self.current is not None:
            self.slot.remove()
        self.current, self.current_spec = None, None

    def change_card(self, change: Callable[[CardState], str]) -> str:
        """``change`` the placed virtual card's chip in place (saved to its card file, under
        the file's lock, when it has one); returns what ``change`` says it did."""
        card = self.current.inner if self.current is not None else None
        state = getattr(card, "state", None)
        if not isinstance(state, CardState):
            raise NoVirtualCardError("no virtual card is on the reader")
        store = getattr(card, "store", None)
        if store is None:
            return change(state)
        with store.held():
            said = change(state)
            store.save(state)
        return said

    def reset(self, spec: str) -> None:
        """The card ``spec`` back to its deck state: a virtual card is issued afresh when next
        placed; a card file is issued afresh from its profile into the same file."""
        if spec.startswith("virtual:"):
            self._cards.pop(spec, None)
            return
        card = self._cards.get(spec) or (self._open(spec) if spec != "pcsc" else None)
        state = getattr(card, "state", None)
        store = getattr(card, "store", None)
        if not isinstance(state, CardState) or store is None:
            raise NoVirtualCardError(f"{spec} is not a virtual card: it has no deck state")
        fresh = issue_card(state.profile)
        with store.held():
            save_card(store.path, fresh)

    def _traced(self, entry: TraceEntry) -> None:
        for listener in list(self.trace_listeners):
            listener(entry)

    def pin_counters(self) -> list[PinCounter]:
        """The chip's counters for a virtual card on the tray ([] otherwise)."""
        if self.current is None:
            return []
        state: Any = getattr(self.current.inner, "state", None)
        if state is None:
            return []
        counters = []
        for name in PIN_ORDER:
            for key, pin in state.pins.items():
                if str(getattr(key, "value", key)) == name:
                    counters.append(PinCounter(name, int(pin.tries_left), int(pin.limit)))
        return counters


def deck_profiles() -> list[str]:
    """The card deck's profile names ([] when the deck cannot be read)."""
    try:
        return list(profile_names())
    except Exception as exc:  # the panel still works with a typed spec
        log.warning("card deck unavailable: %s", exc)
        return []

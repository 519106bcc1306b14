"""A headless kiosk driven like a patient, with the checks every fault must pass.

:class:`HeadlessKiosk` builds the real services (records store, simulated CA and eligibility
service, scripted or real face) on a virtual clock, keeps one reception flow for visit after
visit, and answers whatever screen the flow shows (:meth:`answer`). Every screen the patient
sees is checked as it appears (:meth:`problems` collects what is wrong: a screen without text,
an error screen without its code); :meth:`ledger` and :meth:`check_records` compare what the
screens showed with what the record store holds.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.config import Settings
from kiosk.reception.clock import ManualClock
from kiosk.reception.events import Event, StaffMode
from kiosk.reception.flow import Change, Reception
from kiosk.reception.ports import ReceptionResult, Records
from kiosk.reception.states import DISPLAY, LEFT_BEHIND, State
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card, register_card
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import AuditKind, Outcome
from kiosk.wiring.services import build_services

S = State
END_SCREENS = frozenset({S.DONE, S.CANCELLED, S.CARD_ERROR})
OVER = END_SCREENS | LEFT_BEHIND
"""The visit is over: an end screen, or the kiosk asking for the card."""
OUTCOMES = frozenset(o.value for o in Outcome)
"""What the store keeps as a reception's outcome."""


@dataclass
class CountingRecords:
    """Wraps the flow's Records port: what the store acknowledged, what it refused."""

    inner: Records
    acknowledged: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)

    def record_reception(self, result: ReceptionResult) -> str | None:
        try:
            path = self.inner.record_reception(result)
        except BaseException:
            self.refused["completed"] += 1
            raise
        self.acknowledged["completed"] += 1
        return path

    def record_event(
        self, kind: Outcome | AuditKind, details: Mapping[str, str | int], at: datetime
    ) -> None:
        name = kind.value
        try:
            self.inner.record_event(kind, details, at)
        except BaseException:
            self.refused[name] += 1
            raise
        self.acknowledged[name] += 1


@dataclass
class Choices:
    """How the patient answers: identity method, PIN, consent; None = the default."""

    method: str = "pin"  # pin / face / staff
    pin: str = ""
    consent: bool = True
    staff_password: str = ""


class HeadlessKiosk:
    """One kiosk: services + one flow on a virtual clock. Close it at the end."""

    def __init__(
        self,
        settings: Any = None,
        *,
        camera: str = "scripted:match",
        records: str | None = None,
        face: Any = None,
        eligibility: Any = None,
    ) -> None:

        self.clock = ManualClock()
        self.settings = settings or Settings()
        self.services = build_services(
            self.settings,
            camera=camera,
            records=records,
            clock=self.clock,
            face=face,
            eligibility=eligibility,
        )
        self.records = CountingRecords(self.services.records)
        self.store_records: Any = self.services.records  # StoreRecords (its .store: Records)
        self.services.records = self.records
        self.flow: Reception = self.services.reception()
        self.flow.add_listener(self._seen)
        self.screens: Counter[str] = Counter()
        self.endings: Counter[str] = Counter()
        self._problems: list[str] = []
        self.last: Change | None = None

    # -- watching --------------------------------------------------------------------------

    def _seen(self, change: Change) -> None:
        self.last = change
        screen = change.screen
        self.screens[screen.id] += 1
        if not screen.ja.strip() or not screen.en.strip():
            self._problems.append(f"screen {screen.id} has no text ({change.event})")
        if change.state == S.CARD_ERROR and not screen.details.get("error_code"):
            self._problems.append(f"card-error screen without a code after {change.event}")
        if change.state in END_SCREENS:
            code = screen.details.get("error_code")
            self.endings[f"{change.state.value}:{code}" if code else change.state.value] += 1
        if change.state == S.TAKE_CARD and change.previous == S.IDLE_WARNING:
            self.endings["timed-out"] += 1

    def problems(self) -> list[str]:
        return list(self._problems)

    @property
    def state(self) -> State:
        return State(self.flow.state.value)

    # -- the patient -----------------------------------------------------------------------

    def place(self, transport: Any) -> State:
        """Put a card (a Transport) on the reader and let the kiosk read it."""
        self.services.insert_card(transport)
        return self.flow.send(Event.CARD_PLACED)

    def take_card(self) -> State:
        """The card is taken away (at any screen)."""
        self.flow.interrupt()
        self.services.remove_card()
        if "card_removed" in self.flow.known_events():
            self.flow.send(Event.CARD_REMOVED)
        return self.state

    def wait(self, seconds: float) -> State:
        """Let ``seconds`` of virtual time pass, ticking every second."""
        for _ in range(int(seconds)):
            self.clock.advance(1.0)
            self.flow.send(Event.TICK)
        return self.state

    def walk_away(self) -> State:
        """Nobody touches the kiosk until it is back at the start, or holds on asking for the
        card left on it (or 30 min pass)."""
        for _ in range(1800):
            if self.state in (S.START, S.CARD_LEFT):
                break
            self.clock.advance(1.0)
            self.flow.send(Event.TICK)
        return self.state

    def answer(
        self, choices: Choices, *, steps: int = 40, stop_at: frozenset[State] = frozenset()
    ) -> State:
        """Answer every screen as ``choices`` say until an end screen, the start, a state of
        ``stop_at`` or ``steps`` answers."""
        for _ in range(steps):
            state = self.state
            if state in OVER or state == S.START or state in stop_at:
                return state
            self.step(choices)
        return self.state

    def step(self, choices: Choices) -> State:
        """Answer the screen on show once, as ``choices`` say."""
        _ANSWERS[self.state](self, choices)
        return self.state

    def back_to_start(self) -> State:
        """Take the card (if any) and let end screens time out: the kiosk must reach START."""
        if self.services.slot.transport is not None or self.state != S.START:
            self.take_card()
        if self.state in DISPLAY or self.state != S.START:
            self.walk_away()
        if self.state in LEFT_BEHIND:
            self.take_card()
        return self.state

    # -- what the store holds ---------------------------------------------------------------

    @property
    def record_store(self) -> Any:
        """The RecordStore under the flow's records port."""
        return self.store_records.store.store

    def stored_outcomes(self) -> Counter[str]:
        """Reception records in the store by outcome."""
        return Counter(
            str(r.body.get("outcome")) for r in self.record_store.records(kind="reception")
        )

    def check_records(self) -> list[str]:
        """The store against what happened: every acknowledged write is there, nothing else;
        every DONE screen is a completed record; the hash chain verifies."""
        failures: list[str] = []
        stored = self.stored_outcomes()
        acknowledged = Counter(
            {k: n for k, n in self.records.acknowledged.items() if k in OUTCOMES and n}
        )
        if stored != acknowledged:
            failures.append(f"store holds {dict(stored)}, acknowledged {dict(acknowledged)}")
        if stored["completed"] != self.endings["done"]:
            failures.append(
                f"{self.endings['done']} done screens but {stored['completed']} completed records"
            )
        verification = self.record_store.verify()
        if not verification.ok:
            failures.append(f"chain: {verification.summary()}")
        return failures

    def close(self) -> None:
        self.flow.face.forget()
        self.services.close()


def _choose(kiosk: HeadlessKiosk, choices: Choices) -> None:
    flow = kiosk.flow
    allowed = flow.allowed_events()
    if choices.method == "pin" and "choose_pin" in allowed:
        flow.send(Event.CHOOSE_PIN)
    elif choices.method in ("pin", "face") and "choose_face" in allowed:
        flow.send(Event.CHOOSE_FACE)
    else:
        _staff(kiosk, choices)


def _staff(kiosk: HeadlessKiosk, choices: Choices) -> None:
    flow = kiosk.flow
    if choices.staff_password and not flow.visit.staff_visual:
        flow.send(Event.STAFF_MODE, StaffMode(True, choices.staff_password))
    if "call_staff" in flow.known_events():
        flow.send(Event.CALL_STAFF)
    else:
        flow.send(Event.CANCEL)


def _face(kiosk: HeadlessKiosk, choices: Choices) -> None:
    kiosk.flow.send(Event.LOOK_AT_CAMERA)


def _face_failed(kiosk: HeadlessKiosk, choices: Choices) -> None:
    flow = kiosk.flow
    allowed = flow.allowed_events()
    if "retry_face" in allowed:
        flow.send(Event.RETRY_FACE)
    elif "choose_pin" in allowed and choices.pin:
        flow.send(Event.CHOOSE_PIN)
    elif choices.staff_password:
        _staff(kiosk, choices)
    else:
        flow.send(Event.CANCEL)


def _pin(kiosk: HeadlessKiosk, choices: Choices) -> None:
    kiosk.flow.send(Event.PIN_ENTERED, choices.pin)


def _pin_locked(kiosk: HeadlessKiosk, choices: Choices) -> None:
    if choices.staff_password:
        _staff(kiosk, choices)
    else:
        kiosk.flow.send(Event.CHOOSE_FACE)


def _staff_wait(kiosk: HeadlessKiosk, choices: Choices) -> None:
    flow = kiosk.flow
    if choices.staff_password and not flow.visit.staff_visual:  # the kiosk called the desk
        flow.send(Event.STAFF_MODE, StaffMode(True, choices.staff_password))
    if flow.visit.staff_visual:
        flow.send(Event.STAFF_CONFIRM, True)
    else:
        flow.send(Event.CANCEL)


_ANSWERS: dict[State, Callable[[HeadlessKiosk, Choices], Any]] = {
    S.EXPIRY_ALERT: lambda k, c: k.flow.send(Event.NEXT),
    S.REGISTER: lambda k, c: k.flow.send(Event.REGISTER, True),
    S.METHOD: _choose,
    S.FACE: _face,
    S.FACE_FAILED: _face_failed,
    S.PIN: _pin,
    S.PIN_LOCKED: _pin_locked,
    S.STAFF_WAIT: _staff_wait,
    S.CONSENT: lambda k, c: k.flow.send(Event.CONSENT, c.consent),
    S.HIGH_COST: lambda k, c: k.flow.send(Event.HIGH_COST, c.consent),
    S.LIMIT_CONSENT: lambda k, c: k.flow.send(Event.LIMIT_INFO, c.consent),
    S.SPECIFIC_DISEASE: lambda k, c: k.flow.send(Event.DISEASE_INFO, c.consent),
    S.PRESCRIPTION: lambda k, c: k.flow.send(Event.PRESCRIPTION, c.consent),
    S.IDLE_WARNING: lambda k, c: k.flow.send(Event.CONTINUE),
}


class CardBox:
    """Cards issued once per profile (RSA keys are slow to make), copied for each use."""

    def __init__(self) -> None:
        self._states: dict[str, Any] = {}

    def state(self, profile: str) -> Any:
        if profile not in self._states:
            self._states[profile] = issue_card(profile)
        return copy.deepcopy(self._states[profile])

    def card(self, profile: str = "standard") -> Any:
        """A fresh VirtualCard of ``profile`` (its own copy of the chip), known to the CA
        ledger of the current KIOSK_HOME."""

        state = self.state(profile)
        register_card(state)
        return VirtualCard(state)


def auth_pin(profile: str = "standard") -> str:
    """The deck's test auth PIN of ``profile``."""

    return get_profile(profile).auth_pin


def wrong_pin(pin: str) -> str:
    """Another 4-digit PIN (never the right one)."""
    return f"{(int(pin) + 1) % 10000:04d}"

"""Flows over in-memory fakes, with a manual clock, and a way to drive them to any state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from helpers.doubles import (
    FakeCard,
    FakeCertificates,
    FakeEligibility,
    FakePhone,
    FakeSlot,
    MemoryRecords,
)
from kiosk.reception import Reception, State
from kiosk.reception.clock import ManualClock
from kiosk.reception.events import Event
from kiosk.reception.policy import FlowPolicy
from kiosk.vocabulary import PhoneOs
from kiosk.wiring.memory import ScriptedFace, StaticStaff

STAFF = "staff-secret"
PIN = "8642"
WRONG = "1111"
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@dataclass
class Kit:
    flow: Reception
    slot: FakeSlot
    card: FakeCard
    records: MemoryRecords
    clock: ManualClock
    face: ScriptedFace
    eligibility: FakeEligibility
    changes: list[Any] = field(default_factory=list)
    phone: FakePhone | None = None

    def remove(self) -> None:
        self.flow.interrupt()
        self.slot.card = None
        self.flow.send(Event.CARD_REMOVED)


def make_kit(
    *,
    card: dict[str, Any] | None = None,
    face: list[str] | None = None,
    eligibility: dict[str, Any] | None = None,
    policy: dict[str, Any] | None = None,
    phone: dict[str, Any] | None = None,
) -> Kit:
    the_card = FakeCard(pin=PIN, **(card or {}))
    the_phone = None if phone is None else FakePhone(pin=PIN, **phone)
    if the_phone is not None:
        policy = {"phone_reader": "virtual", **(policy or {})}
    slot = FakeSlot(the_card)
    records = MemoryRecords()
    clock = ManualClock(NOW)
    scripted = ScriptedFace(face or ["match"])
    elig = FakeEligibility(**(eligibility or {}))
    flow = Reception(
        slot=slot,
        certificates=FakeCertificates(slot),
        face=scripted,
        eligibility=elig,
        records=records,
        staff=StaticStaff(STAFF),
        clock=clock,
        policy=FlowPolicy.of(policy),
        phone=the_phone,
    )
    kit = Kit(flow, slot, the_card, records, clock, scripted, elig, phone=the_phone)
    flow.add_listener(kit.changes.append)
    return kit


@pytest.fixture
def kit() -> Kit:
    return make_kit()


def _pin_ok(f: Reception) -> None:
    f.send(Event.CARD_PLACED)
    f.send(Event.CHOOSE_PIN)
    f.send(Event.PIN_ENTERED, PIN)


Step = Callable[[Reception], Any]

# state -> (kit options, how to get there)
ROUTES: dict[State, tuple[dict[str, Any], Step]] = {
    State.EXPIRY_ALERT: (
        {"card": {"not_after": NOW + timedelta(days=30)}},
        lambda f: f.send(Event.CARD_PLACED),
    ),
    State.REGISTER: ({"eligibility": {"registered": set()}}, lambda f: f.send(Event.CARD_PLACED)),
    State.METHOD: ({}, lambda f: f.send(Event.CARD_PLACED)),
    State.FACE: ({}, lambda f: (f.send(Event.CARD_PLACED), f.send(Event.CHOOSE_FACE))),
    State.FACE_FAILED: (
        {"face": ["no-match"]},
        lambda f: (
            f.send(Event.CARD_PLACED),
            f.send(Event.CHOOSE_FACE),
            f.send(Event.LOOK_AT_CAMERA),
        ),
    ),
    State.PIN: ({}, lambda f: (f.send(Event.CARD_PLACED), f.send(Event.CHOOSE_PIN))),
    State.PIN_LOCKED: (
        {},
        lambda f: (
            f.send(Event.CARD_PLACED),
            f.send(Event.CHOOSE_PIN),
            *(f.send(Event.PIN_ENTERED, WRONG) for _ in range(3)),
        ),
    ),
    State.STAFF_WAIT: ({}, lambda f: (f.send(Event.CARD_PLACED), f.send(Event.CALL_STAFF))),
    State.CONSENT: ({}, _pin_ok),
    State.HIGH_COST: (
        {},
        lambda f: (_pin_ok(f), f.send(Event.CONSENT, True), f.send(Event.CONSENT, True)),
    ),
    State.LIMIT_CONSENT: (
        {},
        lambda f: (
            _pin_ok(f),
            f.send(Event.CONSENT, True),
            f.send(Event.CONSENT, True),
            f.send(Event.HIGH_COST, True),
        ),
    ),
    State.SPECIFIC_DISEASE: (
        {"eligibility": {"has_specific_disease": True}},
        lambda f: (
            _pin_ok(f),
            f.send(Event.CONSENT, True),
            f.send(Event.CONSENT, True),
            f.send(Event.HIGH_COST, True),
            f.send(Event.LIMIT_INFO, True),
        ),
    ),
    State.PRESCRIPTION: (
        {"policy": {"issues_e_prescription": True}},
        lambda f: (
            _pin_ok(f),
            f.send(Event.CONSENT, True),
            f.send(Event.CONSENT, True),
            f.send(Event.HIGH_COST, False),
        ),
    ),
    State.DONE: (
        {},
        lambda f: (
            _pin_ok(f),
            f.send(Event.CONSENT, True),
            f.send(Event.CONSENT, True),
            f.send(Event.HIGH_COST, False),
        ),
    ),
    State.CANCELLED: ({}, lambda f: (f.send(Event.CARD_PLACED), f.send(Event.CANCEL))),
    State.CARD_ERROR: ({"card": {"my_number": False}}, lambda f: f.send(Event.CARD_PLACED)),
    State.IDLE_WARNING: (
        {},
        lambda f: (f.send(Event.CARD_PLACED), f.clock.advance(60), f.send(Event.TICK)),
    ),
    State.TAKE_CARD: (
        {},
        lambda f: (
            f.send(Event.CARD_PLACED),
            f.send(Event.CANCEL),
            f.clock.advance(f.policy.display_s),
            f.send(Event.TICK),
        ),
    ),
    State.CARD_LEFT: (
        {},
        lambda f: (
            f.send(Event.CARD_PLACED),
            f.send(Event.CANCEL),
            f.clock.advance(f.policy.display_s),
            f.send(Event.TICK),
            f.clock.advance(f.policy.card_left_alert_s),
            f.send(Event.TICK),
        ),
    ),
    State.START: ({}, lambda f: None),
    # the smartphone path
    State.PHONE_CHOOSE: ({"phone": {}}, lambda f: f.send(Event.CHOOSE_PHONE)),
    State.PHONE_PIN: (
        {"phone": {}},
        lambda f: (f.send(Event.CHOOSE_PHONE), f.send(Event.PHONE_OS, "android")),
    ),
    State.PHONE_HOLD: (
        {"phone": {}},
        lambda f: (
            f.send(Event.CHOOSE_PHONE),
            f.send(Event.PHONE_OS, "android"),
            f.send(Event.PIN_ENTERED, PIN),
        ),
    ),
    State.PHONE_FAILED: (
        {"phone": {"os": PhoneOs.IOS, "verification": "failed", "on_reader": True}},
        lambda f: (f.send(Event.CHOOSE_PHONE), f.send(Event.PHONE_OS, "ios")),
    ),
    State.PORTAL_DONE: (
        {"phone": {}},
        lambda f: (
            f.send(Event.CHOOSE_PHONE),
            f.send(Event.CALL_STAFF),
            f.send(Event.STAFF_MODE, (True, STAFF)),
            f.send(Event.STAFF_CONFIRM, True),
        ),
    ),
}


def drive(state: State) -> Kit:
    """A kit whose flow stands in ``state``."""
    options, route = ROUTES[state]
    kit = make_kit(**options)
    route(kit.flow)
    assert kit.flow.state == state, f"route to {state} ended in {kit.flow.state}"
    return kit


@pytest.fixture
def kits() -> Any:
    """The helpers above, for test modules (importlib import mode: no sibling imports)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        make=make_kit, drive=drive, routes=ROUTES, PIN=PIN, WRONG=WRONG, STAFF=STAFF, NOW=NOW
    )

"""Flows over in-memory fakes, with a manual clock, and a way to drive them to any state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kiosk.reception import Reception, State
from kiosk.reception.clock import ManualClock
from kiosk.reception.policy import FlowPolicy
from kiosk.wiring.memory import (
    FakeCard,
    FakeCertificates,
    FakeEligibility,
    FakeSlot,
    MemoryRecords,
    ScriptedFace,
    StaticStaff,
)

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

    def remove(self) -> None:
        self.flow.interrupt()
        self.slot.card = None
        self.flow.card_removed()


def make_kit(
    *,
    card: dict[str, Any] | None = None,
    face: list[str] | None = None,
    eligibility: dict[str, Any] | None = None,
    policy: dict[str, Any] | None = None,
) -> Kit:
    the_card = FakeCard(pin=PIN, **(card or {}))
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
    )
    kit = Kit(flow, slot, the_card, records, clock, scripted, elig)
    flow.add_listener(kit.changes.append)
    return kit


@pytest.fixture
def kit() -> Kit:
    return make_kit()


def _pin_ok(f: Reception) -> None:
    f.card_placed()
    f.choose_pin()
    f.pin_entered(PIN)


Step = Callable[[Reception], Any]

# state -> (kit options, how to get there)
ROUTES: dict[State, tuple[dict[str, Any], Step]] = {
    State.EXPIRY_ALERT: (
        {"card": {"not_after": NOW + timedelta(days=30)}},
        lambda f: f.card_placed(),
    ),
    State.REGISTER: ({"eligibility": {"registered": set()}}, lambda f: f.card_placed()),
    State.METHOD: ({}, lambda f: f.card_placed()),
    State.FACE: ({}, lambda f: (f.card_placed(), f.choose_face())),
    State.FACE_FAILED: (
        {"face": ["no-match"]},
        lambda f: (f.card_placed(), f.choose_face(), f.look_at_camera()),
    ),
    State.PIN: ({}, lambda f: (f.card_placed(), f.choose_pin())),
    State.PIN_LOCKED: (
        {},
        lambda f: (f.card_placed(), f.choose_pin(), *(f.pin_entered(WRONG) for _ in range(3))),
    ),
    State.STAFF_WAIT: ({}, lambda f: (f.card_placed(), f.call_staff())),
    State.CONSENT: ({}, _pin_ok),
    State.HIGH_COST: ({}, lambda f: (_pin_ok(f), f.consent(True), f.consent(True))),
    State.LIMIT_CONSENT: (
        {},
        lambda f: (_pin_ok(f), f.consent(True), f.consent(True), f.high_cost(True)),
    ),
    State.SPECIFIC_DISEASE: (
        {"eligibility": {"has_specific_disease": True}},
        lambda f: (
            _pin_ok(f),
            f.consent(True),
            f.consent(True),
            f.high_cost(True),
            f.limit_info(True),
        ),
    ),
    State.PRESCRIPTION: (
        {"policy": {"issues_e_prescription": True}},
        lambda f: (_pin_ok(f), f.consent(True), f.consent(True), f.high_cost(False)),
    ),
    State.DONE: ({}, lambda f: (_pin_ok(f), f.consent(True), f.consent(True), f.high_cost(False))),
    State.CANCELLED: ({}, lambda f: (f.card_placed(), f.cancel())),
    State.CARD_ERROR: ({"card": {"my_number": False}}, lambda f: f.card_placed()),
    State.IDLE_WARNING: ({}, lambda f: (f.card_placed(), f.clock.advance(60), f.tick())),
    State.TAKE_CARD: (
        {},
        lambda f: (f.card_placed(), f.cancel(), f.clock.advance(f.policy.display_s), f.tick()),
    ),
    State.CARD_LEFT: (
        {},
        lambda f: (
            f.card_placed(),
            f.cancel(),
            f.clock.advance(f.policy.display_s),
            f.tick(),
            f.clock.advance(f.policy.card_left_alert_s),
            f.tick(),
        ),
    ),
    State.START: ({}, lambda f: None),
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

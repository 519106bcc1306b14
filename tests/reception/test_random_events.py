"""Any sequence of patient and staff actions: only FlowError refusals, and a consent is
recorded only by a reception that reached the end."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.reception import FlowError, State
from kiosk.reception.events import Event, StaffMode

ACTIONS = [
    "place",
    "remove",
    "cancel",
    "next",
    "register_yes",
    "register_no",
    "choose_face",
    "choose_pin",
    "call_staff",
    "look",
    "retry",
    "pin_ok",
    "pin_wrong",
    "staff_visual",
    "staff_bad",
    "staff_ok",
    "staff_no",
    "consent_yes",
    "consent_no",
    "high_cost_yes",
    "high_cost_no",
    "limit",
    "disease",
    "prescription",
    "continue",
    "wait_30",
]


def act(kit: Any, kits: Any, action: str) -> None:
    f = kit.flow
    table = {
        "place": lambda: (setattr(kit.slot, "card", kit.card), f.send(Event.CARD_PLACED)),
        "remove": kit.remove,
        "cancel": lambda: f.send(Event.CANCEL),
        "next": lambda: f.send(Event.NEXT),
        "register_yes": lambda: f.send(Event.REGISTER, True),
        "register_no": lambda: f.send(Event.REGISTER, False),
        "choose_face": lambda: f.send(Event.CHOOSE_FACE),
        "choose_pin": lambda: f.send(Event.CHOOSE_PIN),
        "call_staff": lambda: f.send(Event.CALL_STAFF),
        "look": lambda: f.send(Event.LOOK_AT_CAMERA),
        "retry": lambda: f.send(Event.RETRY_FACE),
        "pin_ok": lambda: f.send(Event.PIN_ENTERED, kits.PIN),
        "pin_wrong": lambda: f.send(Event.PIN_ENTERED, kits.WRONG),
        "staff_visual": lambda: f.send(Event.STAFF_MODE, StaffMode(True, kits.STAFF)),
        "staff_bad": lambda: f.send(Event.STAFF_MODE, StaffMode(True, "nope")),
        "staff_ok": lambda: f.send(Event.STAFF_CONFIRM, True),
        "staff_no": lambda: f.send(Event.STAFF_CONFIRM, False),
        "consent_yes": lambda: f.send(Event.CONSENT, True),
        "consent_no": lambda: f.send(Event.CONSENT, False),
        "high_cost_yes": lambda: f.send(Event.HIGH_COST, True),
        "high_cost_no": lambda: f.send(Event.HIGH_COST, False),
        "limit": lambda: f.send(Event.LIMIT_INFO, True),
        "disease": lambda: f.send(Event.DISEASE_INFO, True),
        "prescription": lambda: f.send(Event.PRESCRIPTION, True),
        "continue": lambda: f.send(Event.CONTINUE),
        "wait_30": lambda: (kit.clock.advance(30), f.send(Event.TICK)),
    }
    table[action]()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actions=st.lists(st.sampled_from(ACTIONS), max_size=40),
    face=st.lists(st.sampled_from(["match", "no-match"]), min_size=1, max_size=3),
    unregistered=st.booleans(),
    disease=st.booleans(),
)
def test_random_actions_keep_the_rules(
    kits: Any, actions: list[str], face: list[str], unregistered: bool, disease: bool
) -> None:
    kit = kits.make(
        face=face,
        eligibility={
            "registered": set() if unregistered else {1001},
            "has_specific_disease": disease,
        },
        policy={"issues_e_prescription": True},
    )
    done = 0
    for action in actions:
        before = kit.flow.state
        try:
            act(kit, kits, action)
        except FlowError:
            assert kit.flow.state == before  # a refusal changes nothing
        if kit.flow.state == State.DONE and before != State.DONE:
            done += 1
        assert len(kit.records.receptions) == done  # consent recorded only at the end
        if action == "remove":
            assert kit.flow.state in (State.START, State.CANCELLED)
            assert kit.flow.visit.consents == {}
    for result in kit.records.receptions:
        assert result.method is not None

"""One way into the reception: ``send(event, value)``. What an event does — the records' note
included — is declared beside the table, so every caller gets the same."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from kiosk.reception import Reception, State
from kiosk.reception.errors import RefusedError
from kiosk.reception.events import Event, StaffAnswer, StaffMode
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.rules import desk_call_reason
from kiosk.vocabulary import CallReason, PhoneOs


def test_no_event_has_a_second_door() -> None:
    public = {name for name in dir(Reception) if not name.startswith("_")}
    assert public & {event.value for event in Event} == set()
    assert "staff_confirm" not in public and "tick" not in public


@pytest.mark.parametrize(
    ("answer", "kind", "state"),
    [
        (True, "visual_confirmed", State.CONSENT),
        (StaffAnswer(True, "nurse-07"), "visual_confirmed", State.CONSENT),
        (StaffAnswer(False, "nurse-07"), "visual_refused", State.CANCELLED),
    ],
)
def test_a_staff_answer_is_noted_whoever_sends_it(
    kits: Any, answer: Any, kind: str, state: State
) -> None:
    kit = kits.drive(State.STAFF_WAIT)
    kit.flow.send(Event.STAFF_MODE, StaffMode(True, kits.STAFF, "nurse-07"))
    assert kit.flow.send(Event.STAFF_CONFIRM, answer) == state
    kinds = [e[0] for e in kit.records.events]
    assert kind in kinds
    noted = next(e for e in kit.records.events if e[0] == kind)
    staff = answer.staff_id if isinstance(answer, StaffAnswer) else "staff"
    assert noted[1]["staff_id"] == staff


def test_a_mode_switch_is_a_noted_self_transition(kits: Any) -> None:
    kit = kits.drive(State.METHOD)
    before = len(kit.changes)
    assert kit.flow.send(Event.STAFF_MODE, (True, kits.STAFF, "nurse-07")) == State.METHOD
    assert kit.flow.visit.staff_visual is True
    assert kit.changes[before].event == Event.STAFF_MODE
    kind, details = kit.records.events[-1][:2]
    assert (kind, details["action"], details["staff_id"]) == ("staff", "visual_mode", "nurse-07")
    assert kits.STAFF not in repr(kit.records.events)


def test_a_wrong_credential_is_refused_and_noted_without_it(kits: Any) -> None:
    kit = kits.drive(State.METHOD)
    with pytest.raises(RefusedError, match="staff_credential_valid"):
        kit.flow.send(Event.STAFF_MODE, StaffMode(True, "not-the-password", "mallory"))
    assert kit.flow.visit.staff_visual is False
    kind, details = kit.records.events[-1][:2]
    assert (kind, details["action"], details["staff_id"]) == ("staff", "staff_refused", "mallory")
    assert "not-the-password" not in repr(kit.records.events)
    assert "not-the-password" not in repr(StaffMode(True, "not-the-password"))


def test_a_mode_switch_does_not_hold_an_end_screen(kits: Any) -> None:
    kit = kits.drive(State.CANCELLED)
    display = kit.flow.policy.display_s
    kit.clock.advance(display - 1)
    kit.flow.send(Event.STAFF_MODE, StaffMode(True, kits.STAFF))
    kit.clock.advance(2)
    assert kit.flow.send(Event.TICK) != State.CANCELLED


POLICY = FlowPolicy.of({"face_attempts": 2})


def Visit(  # a stand-in for the visit with what the rule reads
    face_only: bool = False,
    auth_pin_locked: bool = False,
    face_failures: int = 0,
    phone_os: PhoneOs | None = None,
    phone_problem: str = "",
) -> Any:
    return SimpleNamespace(
        face_only=face_only,
        auth_pin_locked=auth_pin_locked,
        face_failures=face_failures,
        by_phone=phone_os is not None or phone_problem == "portal",
        phone_os=phone_os,
        phone_problem=phone_problem,
    )


A, IOS = PhoneOs.ANDROID, PhoneOs.IOS


@pytest.mark.parametrize(
    ("state", "visit", "reason"),
    [
        (State.STAFF_WAIT, Visit(face_only=True), CallReason.FACE_ONLY),
        (State.STAFF_WAIT, Visit(auth_pin_locked=True), CallReason.PIN_LOCKED),
        (State.STAFF_WAIT, Visit(face_failures=2), CallReason.FACE_FAILED),
        (State.STAFF_WAIT, Visit(face_failures=1), CallReason.PATIENT),
        (State.PIN_LOCKED, Visit(), CallReason.PIN_LOCKED),
        (State.CARD_LEFT, Visit(), CallReason.CARD_LEFT),
        (State.FACE_FAILED, Visit(face_failures=2), CallReason.FACE_FAILED),
        (State.FACE_FAILED, Visit(face_failures=2, face_only=True), CallReason.FACE_ONLY),
        (State.FACE_FAILED, Visit(face_failures=1), None),
        (State.METHOD, Visit(), None),
        # the smartphone path: which phone, and why
        (State.STAFF_WAIT, Visit(phone_problem="portal"), CallReason.PHONE_PORTAL),
        (State.STAFF_WAIT, Visit(phone_os=A), CallReason.PHONE_ANDROID_PORTAL),
        (State.STAFF_WAIT, Visit(phone_os=IOS), CallReason.PHONE_IOS_PORTAL),
        (
            State.STAFF_WAIT,
            Visit(phone_os=A, phone_problem="pin_locked"),
            CallReason.PHONE_ANDROID_PIN_LOCKED,
        ),
        (
            State.PHONE_FAILED,
            Visit(phone_os=A, phone_problem="pin_locked"),
            CallReason.PHONE_ANDROID_PIN_LOCKED,
        ),
        (
            State.STAFF_WAIT,
            Visit(phone_os=IOS, phone_problem="not_enrolled"),
            CallReason.PHONE_IOS_VERIFICATION,
        ),
        (
            State.STAFF_WAIT,
            Visit(phone_os=A, phone_problem="certificate_revoked"),
            CallReason.PHONE_ANDROID_CERTIFICATE,
        ),
        (
            State.STAFF_WAIT,
            Visit(phone_os=IOS, phone_problem="certificate_expired"),
            CallReason.PHONE_IOS_CERTIFICATE,
        ),
        (State.PHONE_FAILED, Visit(phone_os=IOS, phone_problem="verification_failed"), None),
    ],
)
def test_why_the_desk_is_called_is_one_rule(state: State, visit: Visit, reason: Any) -> None:
    assert desk_call_reason(state, visit, POLICY) == reason

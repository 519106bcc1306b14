"""The flow's declaration: validated at class definition, strict events, pure Python."""

from __future__ import annotations

import enum
import subprocess
import sys
from typing import Any

import pytest

from kiosk.reception import FlowDefinitionError, FlowError, Reception, RefusedError, State
from kiosk.reception.events import Event
from kiosk.reception.machine import DeclaredMachine, Transition, validate


class Light(enum.Enum):
    OFF = "off"
    ON = "on"
    BROKEN = "broken"


def test_the_reception_declaration_is_valid_and_covers_every_state() -> None:
    table = validate(Reception)
    sources = {source for source, _ in table}
    assert sources == set(State)  # every state has a way out


def test_an_unreachable_state_is_refused_at_class_definition() -> None:
    with pytest.raises(FlowDefinitionError, match=r"unreachable.*broken"):

        class Lamp(DeclaredMachine):
            STATES = Light
            INITIAL = Light.OFF
            TRANSITIONS = (
                Transition("switch", Light.OFF, Light.ON),
                Transition("switch", Light.ON, Light.OFF),
            )


def test_a_trap_state_is_refused_at_class_definition() -> None:
    with pytest.raises(FlowDefinitionError, match=r"trap.*broken"):

        class Lamp(DeclaredMachine):
            STATES = Light
            INITIAL = Light.OFF
            TRANSITIONS = (
                Transition("switch", Light.OFF, Light.ON),
                Transition("switch", Light.ON, Light.OFF),
                Transition("drop", Light.ON, Light.BROKEN),
            )


def test_a_guard_that_is_not_declared_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="not declared"):

        class Lamp(DeclaredMachine):
            STATES = Light
            INITIAL = Light.OFF
            TRANSITIONS = (
                Transition("switch", Light.OFF, Light.ON, guard="has_power"),
                Transition("switch", Light.ON, Light.OFF),
                Transition("drop", Light.ON, Light.BROKEN),
                Transition("fix", Light.BROKEN, Light.OFF),
            )


def test_a_transition_shadowed_by_an_unguarded_one_is_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="shadowed"):

        class Lamp(DeclaredMachine):
            STATES = Light
            INITIAL = Light.OFF
            TRANSITIONS = (
                Transition("switch", Light.OFF, Light.ON),
                Transition("switch", Light.OFF, Light.BROKEN),
                Transition("switch", Light.ON, Light.OFF),
                Transition("fix", Light.BROKEN, Light.OFF),
            )


def test_events_not_declared_in_the_state_raise_flow_error(kits: Any) -> None:
    kit = kits.make()
    with pytest.raises(FlowError, match="not allowed in state 'start'"):
        kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    with pytest.raises(FlowError):
        kit.flow.send(Event.CONSENT, True)
    assert kit.flow.state == State.START
    assert kit.card.auth_tries == 3


def test_a_rule_refusal_names_the_rule(kits: Any) -> None:
    kit = kits.make(card={"face_only": True})
    kit.flow.send(Event.CARD_PLACED)
    with pytest.raises(RefusedError) as info:
        kit.flow.send(Event.CHOOSE_PIN)
    assert info.value.guard == "pin_usable"
    assert kit.flow.state == State.METHOD


def test_guards_are_named_after_the_rules() -> None:
    guards = {t.guard for t in Reception.TRANSITIONS} | {t.unless for t in Reception.TRANSITIONS}
    for rule in ("pin_usable", "pin_tries_left", "face_tries_left", "staff_mode_visual"):
        assert rule in guards
    for rule in ("card_is_face_only", "auth_pin_locked"):
        assert callable(Reception.GUARDS[rule])


def test_allowed_events_follow_the_rules(kits: Any) -> None:
    kit = kits.make(card={"auth_tries": 0})
    kit.flow.send(Event.CARD_PLACED)
    allowed = kit.flow.allowed_events()
    assert "choose_face" in allowed and "call_staff" in allowed
    assert "choose_pin" not in allowed


def test_the_flow_imports_no_qt_no_pyscard_no_opencv() -> None:
    code = (
        "import sys, kiosk.reception, kiosk.reception.flow, kiosk.scenarios.runner, "
        "kiosk.wiring.services\n"
        "bad = [m for m in ('PySide6', 'smartcard', 'cv2', 'face_recognition', 'dlib') "
        "if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == ""

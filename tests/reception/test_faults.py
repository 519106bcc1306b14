"""Faults around the flow: the camera vanishing mid-attempt, slow collaborators.

Regressions for ops' reports (inbox 15:43, 15:44): a CameraError escaped
``Reception.look_at_camera``; a slow eligibility look-up was counted as the patient's idle time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from helpers.doubles import FakeEligibility
from kiosk.errors import KioskError
from kiosk.face.errors import CameraError
from kiosk.reception import State
from kiosk.reception.events import Event
from kiosk.reception.ports import FaceFrame, FaceVerdict, Qualification
from kiosk.reception.rules import desk_call_reason
from kiosk.vocabulary import CallReason, EligibilityFault
from kiosk.wiring.memory import ScriptedFace


class GoneCamera(ScriptedFace):
    """Scripted verdicts, but the attempts numbered in ``gone_on`` raise CameraError after
    one frame (the device unplugged mid-match)."""

    def __init__(self, gone_on: set[int], script: list[str] | None = None) -> None:
        super().__init__(script)
        self.gone_on = gone_on
        self.prepares = 0

    def prepare(self, card_photo: bytes) -> None:
        self.prepares += 1
        super().prepare(card_photo)

    def attempt(self, on_frame: Callable[[FaceFrame], bool]) -> FaceVerdict:
        if self.attempts in self.gone_on:
            self.attempts += 1
            on_frame(FaceFrame(None, "face.look", 0.2))
            raise CameraError("the camera stopped answering (device disconnected)")
        if self.prepared is None:  # like the real verifier: no encoding, no comparison
            raise AssertionError("attempt without a prepared photo")
        return super().attempt(on_frame)


def _face_kit(kits: Any, gone_on: set[int], **card: Any) -> Any:
    kit = kits.make(card=card)
    camera = GoneCamera(gone_on)
    kit.flow.face = camera
    kit.face = camera
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_FACE)
    return kit


def test_camera_gone_mid_attempt_is_a_failed_attempt_not_an_exception(kits: Any) -> None:
    kit = _face_kit(kits, gone_on={0})
    assert (
        kit.flow.send(Event.LOOK_AT_CAMERA) == State.FACE_FAILED
    )  # no CameraError out of the flow
    screen = kit.flow.screen()
    assert screen.details["face_reason"] == "camera"
    assert "カメラを使用できません" in screen.ja and "camera is not available" in screen.en
    assert "暗証番号" in screen.ja  # the other ways are named
    assert {"choose_pin", "call_staff", "cancel"} <= kit.flow.allowed_events()
    assert screen.details["face_tries_left"] == 2  # it counts as one attempt
    assert kit.face.prepared is None  # the card photo's encoding is dropped
    kind, details = kit.records.events[-1]
    assert kind == "face_failed" and details["reason"] == "camera"


def test_retry_after_the_camera_came_back_prepares_again_and_matches(kits: Any) -> None:
    kit = _face_kit(kits, gone_on={0})
    kit.flow.send(Event.LOOK_AT_CAMERA)
    assert kit.flow.send(Event.RETRY_FACE) == State.FACE
    assert kit.face.prepares == 2  # the photo is given to the verifier again
    assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.CONSENT


def test_camera_gone_on_a_face_only_card_calls_the_staff(kits: Any) -> None:
    kit = _face_kit(kits, gone_on={0, 1, 2}, face_only=True)
    for _ in range(2):
        assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.FACE_FAILED
        screen = kit.flow.screen()
        assert "職員による確認" in screen.ja and "暗証番号" not in screen.ja
        kit.flow.send(Event.RETRY_FACE)
    # the attempts are bounded: the last one leaves only the staff, and the kiosk calls them
    assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.STAFF_WAIT
    screen = kit.flow.screen()
    assert "カメラを使用できません" in screen.ja and "職員をお呼びしました" in screen.ja
    assert "暗証番号" not in screen.ja
    assert {"choose_pin", "retry_face"}.isdisjoint(kit.flow.allowed_events())
    assert kit.flow.send(Event.CANCEL) == State.CANCELLED


def test_plain_mismatch_keeps_the_plain_face_failed_text(kits: Any) -> None:
    kit = kits.drive(State.FACE_FAILED)
    screen = kit.flow.screen()
    assert screen.details["face_reason"] == "no_match"
    assert "カメラ" not in screen.ja


class SlowLookup(FakeEligibility):
    """Each call spends ``delay_s`` of the flow's manual clock (a slow online service)."""

    def __init__(self, clock: Any, delay_s: float) -> None:
        super().__init__()
        self.clock = clock
        self.delay_s = delay_s

    def is_registered(self, cert_der: bytes) -> bool:
        self.clock.advance(self.delay_s)
        return super().is_registered(cert_der)

    def lookup(self, cert_der: bytes, at: datetime, checked: Any = None) -> Qualification:
        self.clock.advance(self.delay_s)
        return super().lookup(cert_der, at, checked)


def _wait(kit: Any, seconds: int) -> State:
    for _ in range(seconds):
        kit.clock.advance(1)
        kit.flow.send(Event.TICK)
    return State(kit.flow.state)


def test_slow_eligibility_lookup_does_not_eat_the_patients_idle_time(kits: Any) -> None:
    kit = kits.make()
    idle = int(kit.flow.policy.idle_timeout_s)
    kit.flow.eligibility = SlowLookup(kit.clock, delay_s=idle * 0.75)
    kit.flow.send(Event.CARD_PLACED)
    assert _wait(kit, idle - 1) == State.METHOD  # the slow is_registered did not count
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.CONSENT
    assert _wait(kit, idle - 1) == State.CONSENT  # nor the slow look-up
    assert _wait(kit, 1) == State.IDLE_WARNING  # the patient's own idle time still counts


def test_slow_face_attempt_does_not_eat_the_next_screens_idle_time(kits: Any) -> None:
    """A long match (seconds of frames) plus a slow look-up: the consent screen's full time."""
    kit = kits.make()
    idle = int(kit.flow.policy.idle_timeout_s)
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_FACE)
    kit.flow.eligibility = SlowLookup(kit.clock, delay_s=idle - 5)
    assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.CONSENT
    assert _wait(kit, idle - 1) == State.CONSENT


class FailingEligibility(FakeEligibility):
    """The check fails the way ``fault`` says (as kiosk.eligibility's error carries it)."""

    def __init__(self, fault: EligibilityFault) -> None:
        super().__init__()
        self.fault = fault

    def lookup(self, cert_der: bytes, at: datetime, checked: Any = None) -> Qualification:
        error = KioskError("the online eligibility service failed")
        error.fault = self.fault  # type: ignore[attr-defined]
        raise error


@pytest.mark.parametrize("fault", list(EligibilityFault))
def test_a_failed_check_sends_the_patient_to_the_counter_and_calls_the_desk(
    kits: Any, fault: EligibilityFault
) -> None:
    kit = kits.make()
    kit.flow.eligibility = FailingEligibility(fault)
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.CARD_ERROR
    screen = kit.flow.screen()
    assert screen.details["service_fault"] == fault.value
    assert screen.options == ()  # the desk is called already: nothing to press
    assert "受付窓口へお越しください" in screen.ja and "reception desk" in screen.en
    reason = desk_call_reason(kit.flow.state, kit.flow.visit, kit.flow.policy)
    assert reason is CallReason.for_fault(fault) and reason.value == f"eligibility_{fault}"
    assert kit.records.receptions == []  # nothing recorded as consent
    kinds = [(kind, details.get("fault")) for kind, details in kit.records.events]
    assert ("eligibility_error", fault.value) in kinds
    assert kinds[-1] == ("service_error", fault.value)  # the outcome names the fault
    kit.clock.advance(kit.flow.policy.display_s + 5)
    assert kit.flow.send(Event.TICK) == State.CARD_ERROR  # the screen stays while the desk comes
    kit.remove()
    assert kit.flow.state == State.START


def test_an_error_without_a_fault_is_the_plain_system_error(kits: Any) -> None:
    kit = kits.make()
    kit.flow.eligibility = FailingEligibility(None)  # type: ignore[arg-type]
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.CARD_ERROR
    screen = kit.flow.screen()
    assert "service_fault" not in screen.details and screen.details["error_code"] == "900"
    assert desk_call_reason(kit.flow.state, kit.flow.visit, kit.flow.policy) is None

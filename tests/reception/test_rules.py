"""Every rule of docs/reception.md, on the flow over in-memory fakes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kiosk.reception import Event, RefusedError, State
from kiosk.reception.events import StaffMode
from kiosk.reception.states import DISPLAY, INTERACTIVE, LEFT_BEHIND, TRANSIENT
from kiosk.vocabulary import ConsentItem, IdentityMethod, ReaderError


def finish(kit: Any) -> None:
    kit.flow.send(Event.CONSENT, True)
    kit.flow.send(Event.CONSENT, False)
    kit.flow.send(Event.HIGH_COST, False)


# -- card read ------------------------------------------------------------------------------


def test_no_card_answer_is_error_001(kits: Any) -> None:
    kit = kits.make(card={"fail_on": {"read_for_reception"}})
    assert kit.flow.send(Event.CARD_PLACED) == State.CARD_ERROR
    assert kit.flow.screen().details["error_code"] == "001"


def test_not_a_my_number_card_is_error_002(kits: Any) -> None:
    kit = kits.make(card={"my_number": False})
    kit.flow.send(Event.CARD_PLACED)
    assert kit.flow.screen().details["error_code"] == ReaderError.NOT_MY_NUMBER_CARD.value
    assert "【002】" in kit.flow.screen().ja


@pytest.mark.parametrize("status", ["revoked", "unknown_ca", "not_yet_valid"])
def test_revoked_or_foreign_certificate_is_error_006(kits: Any, status: str) -> None:
    kit = kits.make(card={"status": status})
    kit.flow.send(Event.CARD_PLACED)
    assert kit.flow.screen().details["error_code"] == "006"
    assert kit.records.events[-1][0] == "certificate_rejected"


@pytest.mark.parametrize(
    ("days_to_expiry", "outcome"),
    [
        (200, State.METHOD),  # well before: no alert
        (80, State.EXPIRY_ALERT),  # within 3 months before
        (-80, State.EXPIRY_ALERT),  # expired, within the 3 months' grace
        (-100, State.CARD_ERROR),  # expired more than 3 months ago: 006
    ],
)
def test_certificate_expiry_alert_and_grace(kits: Any, days_to_expiry: int, outcome: State) -> None:
    kit = kits.make(card={"not_after": kits.NOW + timedelta(days=days_to_expiry)})
    assert kit.flow.send(Event.CARD_PLACED) == outcome
    if outcome == State.EXPIRY_ALERT:
        assert kit.flow.screen().details["expiry_date"]
        assert kit.flow.send(Event.NEXT) == State.METHOD  # the card still works


def test_card_error_asks_for_the_card_after_the_display_until_it_is_taken(kits: Any) -> None:
    kit = kits.make(card={"my_number": False})
    kit.flow.send(Event.CARD_PLACED)
    kit.clock.advance(9)
    assert kit.flow.send(Event.TICK) == State.CARD_ERROR
    kit.clock.advance(1)
    assert kit.flow.send(Event.TICK) == State.TAKE_CARD
    assert kit.flow.screen().details["ended_by"] == "error"
    kit.slot.card = None
    assert kit.flow.send(Event.CARD_REMOVED) == State.START


def test_error_001_offers_to_read_the_card_again_and_other_errors_call_the_staff(
    kits: Any,
) -> None:
    kit = kits.make(card={"fail_on": {"read_for_reception"}})
    kit.flow.send(Event.CARD_PLACED)
    assert kit.flow.screen().details["error_code"] == "001"
    assert [o.event for o in kit.flow.screen().options] == ["retry_read"]
    kit.card.fail_on = set()
    assert kit.flow.send(Event.RETRY_READ) == State.METHOD
    other = kits.make(card={"my_number": False})
    other.flow.send(Event.CARD_PLACED)
    assert [o.event for o in other.flow.screen().options] == ["call_staff"]
    with pytest.raises(RefusedError):
        other.flow.send(Event.RETRY_READ)
    assert other.flow.send(Event.CALL_STAFF) == State.CARD_ERROR
    assert other.flow.screen().details["staff_called"] is True


def test_a_card_pulled_mid_flow_says_it_was_removed_then_starts_over(kits: Any) -> None:
    kit = kits.make()
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.remove()
    assert kit.flow.state == State.CANCELLED
    assert kit.flow.screen().details["ended_by"] == "card_removed"
    assert "取り外されました" in kit.flow.screen().ja
    kit.clock.advance(kit.flow.policy.display_s)
    assert kit.flow.send(Event.TICK) == State.START


def test_the_card_left_after_check_in_is_asked_for_and_alerts_the_staff(kits: Any) -> None:
    kit = kits.drive(State.DONE)
    policy = kit.flow.policy
    kit.clock.advance(policy.display_s)
    assert kit.flow.send(Event.TICK) == State.TAKE_CARD
    assert "カードをお取りください" in kit.flow.screen().ja
    kit.clock.advance(policy.card_left_alert_s - 1)
    assert kit.flow.send(Event.TICK) == State.TAKE_CARD
    kit.clock.advance(1)
    assert kit.flow.send(Event.TICK) == State.CARD_LEFT
    kit.clock.advance(3600)
    assert kit.flow.send(Event.TICK) == State.CARD_LEFT  # held until the card is taken
    assert len(kit.records.receptions) == 1
    kit.remove()
    assert kit.flow.state == State.START


# -- registration ---------------------------------------------------------------------------


def test_unregistered_card_switches_to_registration_made_after_identity(kits: Any) -> None:
    kit = kits.make(eligibility={"registered": set()})
    assert kit.flow.send(Event.CARD_PLACED) == State.REGISTER
    kit.flow.send(Event.REGISTER, True)
    assert kit.eligibility.registered == set()  # not before identity is confirmed
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    assert kit.eligibility.registered == {kit.card.serial}
    finish(kit)
    assert kit.records.receptions[-1].registered_now


def test_declining_registration_ends_with_nothing_recorded(kits: Any) -> None:
    kit = kits.make(eligibility={"registered": set()})
    kit.flow.send(Event.CARD_PLACED)
    assert kit.flow.send(Event.REGISTER, False) == State.CANCELLED
    assert kit.records.receptions == []
    assert kit.eligibility.registered == set()


# -- method choice ----------------------------------------------------------------------------


def test_face_only_card_is_never_offered_the_pin(kits: Any) -> None:
    kit = kits.make(card={"face_only": True}, face=["no-match"], policy={"face_attempts": 2})
    kit.flow.send(Event.CARD_PLACED)

    def no_pin() -> None:
        assert "choose_pin" not in {o.event for o in kit.flow.screen().options}
        assert kit.flow.screen().details["can_use_pin"] is False
        with pytest.raises(RefusedError, match="pin_usable"):
            kit.flow.send(Event.CHOOSE_PIN)

    no_pin()  # method screen
    kit.flow.send(Event.CHOOSE_FACE)
    kit.flow.send(Event.LOOK_AT_CAMERA)
    no_pin()  # face failed, a try left
    kit.flow.send(Event.RETRY_FACE)
    # face failed, no try left: staff only, and the kiosk called them itself
    assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.STAFF_WAIT
    assert "choose_pin" not in kit.flow.allowed_events()
    assert kit.card.auth_tries == 3  # nothing was sent to the card's PIN


def test_locked_auth_pin_is_shown_disabled_with_where_to_unlock(kits: Any) -> None:
    kit = kits.make(card={"auth_tries": 0})
    kit.flow.send(Event.CARD_PLACED)
    screen = kit.flow.screen()
    pin = next(o for o in screen.options if o.event == "choose_pin")
    assert not pin.enabled and "ロック" in pin.reason_in("ja")
    assert screen.details["locked_pin"] == "auth"
    assert "市区町村" in screen.details["unlock_where_ja"]
    with pytest.raises(RefusedError, match="pin_usable"):
        kit.flow.send(Event.CHOOSE_PIN)


# -- face -------------------------------------------------------------------------------------


def test_face_retries_per_settings_then_pin_then_staff(kits: Any) -> None:
    kit = kits.make(face=["no-match"], policy={"face_attempts": 2})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_FACE)
    kit.flow.send(Event.LOOK_AT_CAMERA)
    assert kit.flow.send(Event.RETRY_FACE) == State.FACE
    kit.flow.send(Event.LOOK_AT_CAMERA)
    with pytest.raises(RefusedError, match="face_tries_left"):
        kit.flow.send(Event.RETRY_FACE)
    options = {o.event: o.enabled for o in kit.flow.screen().options}
    assert options["choose_pin"] and options["call_staff"]
    assert kit.flow.send(Event.CHOOSE_PIN) == State.PIN


def test_face_match_completes_by_face(kits: Any) -> None:
    kit = kits.make()
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_FACE)
    assert kit.face.prepared == kit.card.photo
    kit.flow.send(Event.LOOK_AT_CAMERA)
    finish(kit)
    assert kit.records.receptions[-1].method == IdentityMethod.FACE
    assert kit.face.prepared is None  # forgotten at the end of the visit


# -- PIN --------------------------------------------------------------------------------------


def test_three_wrong_pins_lock_the_card_and_tries_come_from_the_card(kits: Any) -> None:
    kit = kits.make()
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    for left in (2, 1):
        assert kit.flow.send(Event.PIN_ENTERED, kits.WRONG) == State.PIN
        assert kit.flow.screen().details["pin_tries_left"] == left == kit.card.auth_tries
    assert kit.flow.send(Event.PIN_ENTERED, kits.WRONG) == State.PIN_LOCKED
    assert kit.card.auth_tries == 0
    assert {o.event for o in kit.flow.screen().options} >= {"choose_face", "call_staff"}
    assert kit.records.events[-1][0] == "pin_locked"


def test_a_correct_pin_restores_the_count(kits: Any) -> None:
    kit = kits.make()
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.WRONG)
    kit.flow.send(Event.PIN_ENTERED, kits.WRONG)
    assert kit.card.auth_tries == 1
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.CONSENT
    assert kit.card.auth_tries == 3


def test_a_malformed_pin_spends_no_try(kits: Any) -> None:
    kit = kits.make()
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    for bad in ("123", "12345", "12a4", ""):
        with pytest.raises(RefusedError, match="pin_format"):
            kit.flow.send(Event.PIN_ENTERED, bad)
    assert kit.card.auth_tries == 3


# -- staff visual confirmation -----------------------------------------------------------------


def test_visual_confirmation_needs_the_staff_credential_and_resets_no_counter(kits: Any) -> None:
    kit = kits.make(face=["no-match"])
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.WRONG)
    kit.flow.send(Event.CHOOSE_FACE)
    kit.flow.send(Event.LOOK_AT_CAMERA)
    kit.flow.send(Event.CALL_STAFF)
    assert kit.flow.staff_photo() == kit.card.photo
    with pytest.raises(RefusedError, match="staff_mode_visual"):
        kit.flow.send(Event.STAFF_CONFIRM, True)
    with pytest.raises(RefusedError, match="staff_credential_valid"):
        kit.flow.send(Event.STAFF_MODE, StaffMode(True, "guess"))
    assert kit.flow.state == State.STAFF_WAIT and not kit.flow.visit.staff_visual
    kit.flow.send(Event.STAFF_MODE, StaffMode(True, kits.STAFF))
    assert kit.flow.send(Event.STAFF_CONFIRM, True) == State.CONSENT
    assert kit.card.auth_tries == 2  # the wrong PIN still counts
    assert kit.flow.visit.face_failures == 1
    finish(kit)
    assert kit.records.receptions[-1].method == IdentityMethod.VISUAL
    kit.remove()
    assert not kit.flow.visit.staff_visual  # back to unattended for the next patient


def test_staff_who_cannot_confirm_end_the_reception(kits: Any) -> None:
    kit = kits.make()
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CALL_STAFF)
    kit.flow.send(Event.STAFF_MODE, StaffMode(True, kits.STAFF))
    assert kit.flow.send(Event.STAFF_CONFIRM, False) == State.CANCELLED
    assert kit.records.receptions == []


# -- consent, high cost, prescription ----------------------------------------------------------


def test_consent_one_screen_per_item_the_facility_shows(kits: Any) -> None:
    items = ["medication", "checkups", "treatment", "surgery"]
    kit = kits.make(policy={"consent_items": tuple(ConsentItem(i) for i in items)})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    seen = []
    for answer in (True, False, True, False):
        seen.append(kit.flow.screen().details["consent_item"])
        kit.flow.send(Event.CONSENT, answer)
    assert seen == items
    kit.flow.send(Event.HIGH_COST, False)
    assert kit.records.receptions[-1].consents == {
        ConsentItem(i): a for i, a in zip(items, (True, False, True, False), strict=True)
    }


def test_high_cost_limit_and_specific_disease_then_prescription(kits: Any) -> None:
    kit = kits.make(
        eligibility={"has_specific_disease": True}, policy={"issues_e_prescription": True}
    )
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    kit.flow.send(Event.CONSENT, True)
    kit.flow.send(Event.CONSENT, True)
    assert kit.flow.send(Event.HIGH_COST, True) == State.LIMIT_CONSENT
    assert kit.flow.send(Event.LIMIT_INFO, True) == State.SPECIFIC_DISEASE
    assert kit.flow.send(Event.DISEASE_INFO, False) == State.PRESCRIPTION
    assert kit.flow.send(Event.PRESCRIPTION, False) == State.DONE
    result = kit.records.receptions[-1]
    assert (result.high_cost, result.limit_consent, result.specific_disease_consent) == (
        True,
        True,
        False,
    )
    assert result.electronic_prescription is False


def test_no_prescription_screen_where_the_facility_issues_none(kits: Any) -> None:
    kit = kits.make(policy={"show_high_cost": False})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    kit.flow.send(Event.CONSENT, True)
    assert kit.flow.send(Event.CONSENT, True) == State.DONE


def test_invalid_qualification_skips_consent_and_still_records_the_result(kits: Any) -> None:
    kit = kits.make(eligibility={"validity": 2})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.DONE
    assert kit.records.receptions[-1].consents == {}
    screen = kit.flow.screen()
    assert "職員をお呼びしました" in screen.ja and "完了" not in screen.ja
    assert screen.details["completed"] is False


def test_a_records_failure_shows_an_error_and_keeps_nothing(kits: Any) -> None:
    kit = kits.make()
    kit.records.fail = True
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    kit.flow.send(Event.CONSENT, True)
    kit.flow.send(Event.CONSENT, True)
    assert kit.flow.send(Event.HIGH_COST, False) == State.CARD_ERROR
    assert kit.flow.screen().details["error_code"] == ReaderError.SYSTEM.value


# -- leaving: card removed, inactivity ---------------------------------------------------------

STABLE = [s for s in State if s not in TRANSIENT]


def test_the_routes_cover_every_stable_state(kits: Any) -> None:
    assert set(kits.routes) == set(STABLE)


@pytest.mark.parametrize("state", STABLE, ids=lambda s: s.value)
def test_removing_the_card_at_every_state_records_no_consent(kits: Any, state: State) -> None:
    kit = kits.drive(state)
    done_before = len(kit.records.receptions)
    kit.remove()
    assert kit.flow.state in (State.START, State.CANCELLED)
    assert len(kit.records.receptions) == done_before == (1 if state == State.DONE else 0)
    assert kit.flow.visit.consents == {} and kit.flow.visit.card is None
    if state in INTERACTIVE or state == State.IDLE_WARNING:
        assert kit.records.events[-1][0] == "card_removed"


@pytest.mark.parametrize("method", ["read_for_reception", "prove_possession", "read_face_photo"])
def test_removal_during_card_work_records_no_consent(kits: Any, method: str) -> None:
    kit = kits.make()
    kit.card.fail_on = {method}
    kit.flow.send(Event.CARD_PLACED)
    if method == "prove_possession":
        kit.flow.send(Event.CHOOSE_PIN)
        kit.flow.send(Event.PIN_ENTERED, kits.PIN)
    elif method == "read_face_photo":
        kit.flow.send(Event.CHOOSE_FACE)
    assert kit.flow.state in (State.CANCELLED, State.CARD_ERROR)
    assert kit.records.receptions == []


@pytest.mark.parametrize("state", STABLE, ids=lambda s: s.value)
def test_inactivity_at_every_state_ends_asking_for_the_card(kits: Any, state: State) -> None:
    kit = kits.drive(state)
    done_before = len(kit.records.receptions)
    policy = kit.flow.policy
    if state == State.START:
        kit.clock.advance(3600)
        assert kit.flow.send(Event.TICK) == State.START
        return
    if kit.flow.visit.by_phone:  # a smartphone visit: nothing lies on the reader to ask for
        end_of_a_phone_visit_by_inactivity(kit, state)
        return
    if state in DISPLAY or state in LEFT_BEHIND:
        kit.clock.advance(policy.display_s)
        kit.flow.send(Event.TICK)
        kit.clock.advance(policy.card_left_alert_s)
        assert kit.flow.send(Event.TICK) == State.CARD_LEFT  # the card is still there: asked for
        kit.clock.advance(3600)
        assert kit.flow.send(Event.TICK) == State.CARD_LEFT
        return
    if state != State.IDLE_WARNING:
        wait = policy.staff_wait_timeout_s if state == State.STAFF_WAIT else policy.idle_timeout_s
        kit.clock.advance(wait - 1)
        assert kit.flow.send(Event.TICK) == state
        kit.clock.advance(1)
        assert kit.flow.send(Event.TICK) == State.IDLE_WARNING
    # the warning gives at least 20 s, and "continue" is offered
    assert kit.flow.screen().details["idle_seconds_left"] >= 20
    assert "continue_" in {o.event for o in kit.flow.screen().options}
    kit.clock.advance(policy.idle_warning_s - 1)
    assert kit.flow.send(Event.TICK) == State.IDLE_WARNING
    kit.clock.advance(1)
    assert kit.flow.send(Event.TICK) == State.TAKE_CARD
    assert kit.flow.screen().details["ended_by"] == "timeout"
    assert len(kit.records.receptions) == done_before == 0
    assert kit.records.events[-1][0] == "timed_out"


def end_of_a_phone_visit_by_inactivity(kit: Any, state: State) -> None:
    policy = kit.flow.policy
    if state in DISPLAY:
        kit.clock.advance(policy.display_s - 1)
        assert kit.flow.send(Event.TICK) == state
        kit.clock.advance(1)
        assert kit.flow.send(Event.TICK) == State.START
        return
    kit.clock.advance(policy.idle_timeout_s)
    assert kit.flow.send(Event.TICK) == State.IDLE_WARNING
    kit.clock.advance(policy.idle_warning_s)
    assert kit.flow.send(Event.TICK) == State.START
    assert len(kit.records.receptions) == 0
    assert kit.records.events[-1][0] == "timed_out"


@pytest.mark.parametrize("state", [State.METHOD, State.PIN, State.CONSENT, State.STAFF_WAIT])
def test_continue_after_the_warning_returns_where_the_patient_was(kits: Any, state: State) -> None:
    kit = kits.drive(state)
    item = kit.flow.visit.consent_index
    kit.clock.advance(1000)
    kit.flow.send(Event.TICK)
    assert kit.flow.state == State.IDLE_WARNING
    with pytest.raises(Exception, match="not allowed"):
        kit.flow.send(Event.CONSENT, True)  # nothing answered behind the warning
    assert kit.flow.send(Event.CONTINUE) == state
    assert kit.flow.visit.consent_index == item
    kit.clock.advance(30)
    assert kit.flow.send(Event.TICK) == state  # activity restarted the timer


def test_idle_warning_shorter_than_20_seconds_is_refused() -> None:
    from kiosk.reception import FlowError
    from kiosk.reception.policy import FlowPolicy

    with pytest.raises(FlowError, match="at least 20"):
        FlowPolicy.of({"idle_warning_s": 10})


def test_a_card_that_cannot_prove_possession_is_not_accepted(kits: Any) -> None:
    from kiosk.card.errors import PossessionNotProvenError

    kit = kits.make()

    def forged(pin: str) -> None:
        raise PossessionNotProvenError("the card's signature does not match its auth certificate")

    kit.card.prove_possession = forged  # type: ignore[method-assign]
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.CARD_ERROR
    assert kit.records.receptions == []


def test_a_face_only_card_is_told_only_the_municipal_office(kits: Any) -> None:
    kit = kits.make(card={"face_only": True, "auth_tries": 0})
    kit.flow.send(Event.CARD_PLACED)
    details = kit.flow.screen().details
    assert details["unlock_where_ja"] == "お住まいの市区町村の窓口"
    assert "コンビニ" not in details["unlock_where_ja"]
    other = kits.make(card={"auth_tries": 0})
    other.flow.send(Event.CARD_PLACED)
    assert "コンビニ" in other.flow.screen().details["unlock_where_ja"]

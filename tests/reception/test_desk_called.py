"""The patient always knows what happens next: when only the staff can go on the kiosk calls
them itself and says so; an error keeps its code after 職員を呼ぶ; a check-in that did not
complete never says 完了 and calls the desk; a staff refusal says where to go; 「やめる」 asks
first; a consent says for how long, from now."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.reception import Event, State
from kiosk.reception.events import StaffAnswer, StaffMode
from kiosk.reception.rules import desk_call_reason
from kiosk.reception.screens import NO_CANCEL
from kiosk.texts import catalogue
from kiosk.vocabulary import CallReason, IdentityMethod


def _reason(kit: Any) -> CallReason | None:
    return desk_call_reason(kit.flow.state, kit.flow.visit, kit.flow.policy)


def test_a_face_only_card_whose_face_attempts_are_spent_waits_for_the_desk_by_itself(
    kits: Any,
) -> None:
    kit = kits.make(card={"face_only": True}, face=["no-match"], policy={"face_attempts": 2})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_FACE)
    assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.FACE_FAILED  # a try is left
    assert _reason(kit) is None
    kit.flow.send(Event.RETRY_FACE)
    # the last attempt fails: nothing but the staff is left, and no patient action is needed
    assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.STAFF_WAIT
    assert [c.state for c in kit.changes[-1:]] == [State.STAFF_WAIT]
    assert _reason(kit) is CallReason.FACE_ONLY
    screen = kit.flow.screen()
    assert screen.ja.startswith("職員をお呼びしました")
    assert "顔認証で確認できなかった" in screen.ja and "暗証番号" not in screen.ja
    assert "We have called a staff member" in screen.en
    assert [o.event for o in screen.options] == [Event.CANCEL]
    assert kit.flow.staff_photo() is not None  # the chip photo is there for the desk
    # the desk answers at once, as the station's link does: 目視確認, then 本人確認OK
    kit.flow.send(Event.STAFF_MODE, StaffMode(True, kits.STAFF, "nurse-7"))
    assert kit.flow.send(Event.STAFF_CONFIRM, StaffAnswer(True, "nurse-7")) == State.CONSENT
    assert kit.flow.visit.method is IdentityMethod.VISUAL


def test_the_last_wrong_pin_after_the_face_attempts_were_spent_calls_the_desk(kits: Any) -> None:
    kit = kits.make(card={"auth_tries": 1}, face=["no-match"], policy={"face_attempts": 1})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_FACE)
    assert kit.flow.send(Event.LOOK_AT_CAMERA) == State.FACE_FAILED  # the PIN is still usable
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.WRONG) == State.STAFF_WAIT
    assert _reason(kit) is CallReason.PIN_LOCKED
    assert [kind for kind, _ in kit.records.events[-2:]] == ["pin_wrong", "pin_locked"]
    screen = kit.flow.screen()
    assert "暗証番号がロックされ" in screen.ja and "市区町村の窓口" in screen.ja  # where to unlock
    assert screen.details["locked_pin"] == "auth"


def test_a_locked_pin_with_face_attempts_left_still_offers_the_face(kits: Any) -> None:
    kit = kits.make(card={"auth_tries": 1})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.WRONG) == State.PIN_LOCKED
    assert kit.records.events[-1][0] == "pin_locked"
    assert kit.flow.send(Event.CHOOSE_FACE) == State.FACE


@pytest.mark.parametrize(
    ("card", "code"), [({"my_number": False}, "002"), ({"status": "revoked"}, "006")]
)
def test_an_error_keeps_its_code_and_reason_after_call_staff(
    kits: Any, card: dict[str, Any], code: str
) -> None:
    kit = kits.make(card=card)
    assert kit.flow.send(Event.CARD_PLACED) == State.CARD_ERROR
    before = kit.flow.screen()
    assert [o.event for o in before.options] == [Event.CALL_STAFF]
    assert kit.flow.send(Event.CALL_STAFF) == State.CARD_ERROR
    for _ in range(120):  # long past the display time
        kit.clock.advance(1)
        assert kit.flow.send(Event.TICK) == State.CARD_ERROR
    after = kit.flow.screen()
    assert after.details["error_code"] == code
    assert after.body[0] == before.body[0]  # the code and what happened, unchanged
    assert after.ja.endswith("職員をお呼びしました。そのままお待ちください。")
    assert after.options == ()  # the one thing left to do is wait
    kit.remove()
    assert kit.flow.state == State.START


def test_the_006_screen_speaks_plainly_and_its_words_match_its_button(kits: Any) -> None:
    kit = kits.make(card={"status": "revoked"})
    kit.flow.send(Event.CARD_PLACED)
    screen = kit.flow.screen()
    heading = catalogue().lines("card-error.006", "ja")[1]
    assert "証明書" not in heading and "利用者証明用" not in screen.ja
    assert "「職員を呼ぶ」を押してください" in screen.ja and "お声がけ" not in screen.ja
    assert [o.label for o in screen.options] == ["option.call_staff"]


def test_an_invalid_insurance_is_not_complete_and_calls_the_desk(kits: Any) -> None:
    kit = kits.make(eligibility={"validity": 2})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.DONE
    assert _reason(kit) is CallReason.NOT_QUALIFIED
    screen = kit.flow.screen()
    assert screen.details["completed"] is False
    assert "完了" not in screen.ja and "complete" not in screen.en.lower()
    assert "職員をお呼びしました" in screen.ja
    for _ in range(60):  # the screen stays, in view of the desk's call, until the card goes
        kit.clock.advance(1)
        assert kit.flow.send(Event.TICK) == State.DONE
    kit.remove()
    assert kit.flow.state == State.START


def test_a_valid_insurance_completes_and_calls_nobody(kits: Any) -> None:
    kit = kits.make(policy={"consent_items": [], "show_high_cost": False})
    kit.flow.send(Event.CARD_PLACED)
    kit.flow.send(Event.CHOOSE_PIN)
    assert kit.flow.send(Event.PIN_ENTERED, kits.PIN) == State.DONE
    assert _reason(kit) is None
    assert kit.flow.screen().details["completed"] is True
    assert "受付が完了しました" in kit.flow.screen().ja
    kit.clock.advance(10)
    assert kit.flow.send(Event.TICK) == State.TAKE_CARD


def test_a_staff_refusal_tells_the_patient_where_to_go(kits: Any) -> None:
    kit = kits.drive(State.STAFF_WAIT)
    kit.flow.send(Event.STAFF_MODE, StaffMode(True, kits.STAFF))
    assert kit.flow.send(Event.STAFF_CONFIRM, StaffAnswer(False, "nurse-7")) == State.CANCELLED
    assert "受付窓口にお越しください" in kit.flow.screen().ja
    assert "go to the reception desk" in kit.flow.screen().en
    kit.clock.advance(10)
    assert kit.flow.send(Event.TICK) == State.TAKE_CARD
    assert "受付窓口にお越しください" in kit.flow.screen().ja  # still, while the card is there
    plain = kits.drive(State.METHOD)
    plain.flow.send(Event.CANCEL)
    assert "受付窓口" not in plain.flow.screen().ja  # a patient's own 「やめる」 says nothing of it


@pytest.mark.parametrize("state", sorted(set(State) - NO_CANCEL - {State.IDLE_WARNING}))
def test_every_cancel_asks_first(kits: Any, state: State) -> None:
    if state not in kits.routes:
        pytest.skip(f"no route to {state.value}")
    kit = kits.drive(state)
    cancel = kit.flow.screen().option(Event.CANCEL)
    assert cancel is not None and cancel.confirm == "cancel.question"
    for language in ("ja", "en"):
        assert len(catalogue().lines(cancel.confirm, language)) == 2
        assert catalogue().get("cancel.yes", language) != catalogue().get("cancel.no", language)


def test_a_consent_says_for_how_long_from_now(kits: Any) -> None:
    kit = kits.drive(State.CONSENT)
    screen = kit.flow.screen()
    assert "今から24時間" in screen.ja
    assert "24時間この情報" not in screen.ja  # not "around the clock"
    assert "for the next 24 hours, starting now" in screen.en

"""The online eligibility service slow or failing.

Failing: the patient sees the error screen (900, see the reception desk), the kiosk returns
to the start, nothing is recorded as completed, the PIN counter is as the card left it.
Slow: the reception completes, and the patient still gets the whole inactivity time on the
screen shown after the wait (the wait is the kiosk's, not the patient's).
"""

from __future__ import annotations

import pytest

from kiosk.faults.eligibility import FailingEligibility, SlowEligibility
from kiosk.faults.harness import CardBox, Choices, HeadlessKiosk, auth_pin
from kiosk.reception.events import Event
from kiosk.reception.states import State
from kiosk.vocabulary import PinKind, ReaderError

PIN = Choices("pin", auth_pin())


@pytest.mark.parametrize("call", ["is_registered", "lookup"])
def test_service_failing(kiosk: HeadlessKiosk, cards: CardBox, call: str) -> None:
    failing = FailingEligibility(kiosk.flow.eligibility, failing={call})
    kiosk.flow.eligibility = failing
    chip = cards.card()
    chip.state.pins[PinKind.AUTH].tries_left = 2
    kiosk.place(chip)
    end = kiosk.answer(PIN)
    assert failing.failures == 1
    assert end == State.CARD_ERROR
    screen = kiosk.flow.screen()
    assert screen.details.get("error_code") == ReaderError.SYSTEM.value
    assert screen.ja and screen.en
    assert kiosk.back_to_start() == State.START
    # the PIN was verified before the look-up failed (restored), or never asked
    expected = 3 if call == "lookup" else 2
    assert chip.state.pins[PinKind.AUTH].tries_left == expected
    assert kiosk.stored_outcomes()["completed"] == 0
    failing.down = False  # the service is back
    kiosk.place(cards.card())
    assert kiosk.answer(PIN) == State.DONE
    kiosk.back_to_start()
    assert kiosk.problems() == []
    assert kiosk.check_records() == []


def test_service_slow(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    idle = kiosk.flow.policy.idle_timeout_s
    slow = SlowEligibility(kiosk.flow.eligibility, delay_s=idle * 0.75, sleep=kiosk.clock.advance)
    kiosk.flow.eligibility = slow
    kiosk.place(cards.card())
    kiosk.flow.send(Event.CHOOSE_PIN)
    assert kiosk.flow.send(Event.PIN_ENTERED, auth_pin()) == State.CONSENT
    assert slow.calls >= 1
    # the patient reads the consent screen: no "are you still there?" before the idle time
    kiosk.wait(idle - 2)
    assert kiosk.state == State.CONSENT
    assert kiosk.answer(PIN) == State.DONE
    kiosk.back_to_start()
    assert kiosk.check_records() == []

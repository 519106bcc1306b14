"""The card taken away, or an I/O error, at every command APDU of a reception.

For every APDU index n of the PIN path (right and wrong PIN) and of the face path, and for
each fault (removed before the card executed the command, removed after it did, one lost
command), the patient sees an error screen with a message, the kiosk is back at the start
once the card is taken, the next patient is received, the store holds exactly what was
acknowledged and the chain verifies; the card's auth PIN counter says a wrong PIN spent its
try exactly when its VERIFY reached the card.
"""

from __future__ import annotations

import pytest

from kiosk.faults.card import CardFault, FaultyCard
from kiosk.faults.harness import CardBox, Choices, HeadlessKiosk, auth_pin, wrong_pin
from kiosk.reception.events import Event
from kiosk.reception.states import State
from kiosk.vocabulary import PinKind

AUTH_VERIFY_P2 = 0x98  # VERIFY 利用者証明用 PIN by short EF id 18
ERROR_SCREENS = {State.CARD_ERROR, State.CANCELLED}


def _apdus_of(kiosk: HeadlessKiosk, cards: CardBox, choices: Choices) -> int:
    """How many APDUs the path sends when nothing fails."""
    card = FaultyCard(cards.card())
    kiosk.place(card)
    assert kiosk.answer(choices) == State.DONE
    kiosk.back_to_start()
    return card.sent


def _run(kiosk: HeadlessKiosk, cards: CardBox, choices: Choices, start_tries: int) -> None:
    total = _apdus_of(kiosk, cards, choices)
    assert total >= 6
    for fault in CardFault:
        for n in range(total + 1):
            chip = cards.card()
            chip.state.pins[PinKind.AUTH].tries_left = start_tries
            card = FaultyCard(chip, fail_at=n, fault=fault)
            kiosk.place(card)
            end = kiosk.answer(choices)
            where = f"{fault} at APDU {n}/{total}"
            if card.injected:
                assert end in ERROR_SCREENS, where
                screen = kiosk.flow.screen()
                assert screen.ja and screen.en, where
            else:
                assert n == total and end == (
                    State.DONE if choices.pin != "wrong" else State.PIN_LOCKED
                ), where
            if fault is CardFault.IO_ERROR:  # the card is still there: asked for until taken
                # (unless the kiosk took the I/O error for the card's removal)
                gone = kiosk.flow.visit.card_gone
                assert kiosk.walk_away() == (State.START if gone else State.CARD_LEFT), where
            assert kiosk.back_to_start() == State.START, where
            # the PIN counter: only a VERIFY that reached the card counts
            verifies = card.verifies_executed(AUTH_VERIFY_P2)
            tries = chip.state.pins[PinKind.AUTH].tries_left
            if choices.method == "pin" and choices.pin != auth_pin():
                assert verifies <= 1, where  # never retried behind the patient's back
                assert tries == start_tries - verifies, where
            elif verifies:
                assert tries == 3, where  # a right PIN that reached the card restores it
            else:
                assert tries == start_tries, where
            # the next patient (same card, put back) is received, and sees the card's count
            chip.power_on()
            kiosk.place(chip)
            assert kiosk.state == State.METHOD, where
            assert kiosk.flow.screen().details.get("pin_tries_left") == tries, where
            kiosk.back_to_start()
    assert kiosk.problems() == []
    assert kiosk.check_records() == []


def test_pin_path_every_apdu(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    _run(kiosk, cards, Choices("pin", auth_pin()), start_tries=2)


def test_wrong_pin_every_apdu(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    # one wrong entry then the card lost: the reception ends on an error screen; with 3
    # tries the wrong PIN alone goes back to the PIN pad, so start from 1 try (-> locked)
    choices = Choices("pin", wrong_pin(auth_pin()))
    total = _apdus_of(kiosk, cards, Choices("pin", auth_pin()))
    for fault in CardFault:
        for n in range(total + 1):
            chip = cards.card()
            chip.state.pins[PinKind.AUTH].tries_left = 1
            card = FaultyCard(chip, fail_at=n, fault=fault)
            kiosk.place(card)
            end = kiosk.answer(choices, stop_at=frozenset({State.PIN_LOCKED}))
            where = f"{fault} at APDU {n}/{total}"
            verifies = card.verifies_executed(AUTH_VERIFY_P2)
            assert verifies <= 1, where
            tries = chip.state.pins[PinKind.AUTH].tries_left
            assert tries == 1 - verifies, where
            if card.injected:
                assert end in ERROR_SCREENS, where
            else:
                assert end == State.PIN_LOCKED, where
            assert kiosk.back_to_start() == State.START, where
    assert kiosk.problems() == []
    assert kiosk.check_records() == []


def test_face_path_every_apdu(kiosk: HeadlessKiosk, cards: CardBox) -> None:
    _run(kiosk, cards, Choices("face"), start_tries=3)


@pytest.mark.parametrize("fault", list(CardFault))
def test_wrong_pin_torn_verify_spends_the_try(
    kiosk: HeadlessKiosk, cards: CardBox, fault: CardFault
) -> None:
    """The card lost during the VERIFY of a wrong PIN: spent iff the card executed it."""
    chip = cards.card()
    probe = FaultyCard(chip)
    kiosk.place(probe)
    kiosk.flow.send(Event.CHOOSE_PIN)
    verify_at = probe.sent  # the certificate is cached: the next command is the VERIFY
    kiosk.back_to_start()
    chip = cards.card()
    card = FaultyCard(chip, fail_at=verify_at, fault=fault)
    kiosk.place(card)
    kiosk.flow.send(Event.CHOOSE_PIN)
    end = kiosk.flow.send(Event.PIN_ENTERED, wrong_pin(auth_pin()))
    assert card.injected
    assert end in ERROR_SCREENS
    spent = 1 if fault is CardFault.REMOVED_AFTER else 0
    assert card.verifies_executed(AUTH_VERIFY_P2) == spent
    assert chip.state.pins[PinKind.AUTH].tries_left == 3 - spent

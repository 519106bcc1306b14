"""For rehearsals: a card's PIN counter and its certificates set as a patient's card would
have them, on the card itself (no new card): the reader then shows what that patient meets."""

from __future__ import annotations

import pytest

from kiosk.config import Settings
from kiosk.reception import Event
from kiosk.simcard.admin import CERTIFICATE_STATES, AdminError, recertify, set_tries_left
from kiosk.simcard.issue import issue_card
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind
from kiosk.wiring.services import build_services

SCREENS = {
    "valid": ("method", None),
    "expiring": ("expiry-alert", None),
    "grace": ("expiry-alert", None),
    "expired": ("card-error", "006"),
    "revoked": ("card-error", "006"),
}


def _placed(card: VirtualCard) -> tuple[str, str | None]:
    services = build_services(Settings(), card=card, camera="scripted:match")
    try:
        flow = services.reception()
        flow.send(Event.CARD_PLACED)
        return flow.state.value, flow.screen().details.get("error_code")
    finally:
        services.close()


@pytest.mark.parametrize("wanted", list(CERTIFICATE_STATES))
def test_each_certificate_state_shows_at_the_reader(wanted: str) -> None:
    start = "expired-certificate" if wanted == "valid" else "standard"
    state = issue_card(start)
    serial, pins = state.serial, dict(state.pins)
    recertify(state, wanted)
    assert state.serial == serial and state.pins == pins  # the same card, its PINs kept
    assert _placed(VirtualCard(state)) == SCREENS[wanted]


def test_a_face_only_card_gets_no_sign_certificate_again() -> None:
    state = issue_card("face-only")
    recertify(state, "revoked")
    assert state.sign_cert is None and _placed(VirtualCard(state)) == ("card-error", "006")


def test_a_pins_counter_is_set_and_checked() -> None:
    state = issue_card("standard")
    assert set_tries_left(state, "auth", 0) is PinKind.AUTH
    assert state.pins[PinKind.AUTH].blocked
    set_tries_left(state, PinKind.SIGN, 1)
    assert state.pins[PinKind.SIGN].tries_left == 1
    set_tries_left(state, "auth", 3)
    assert not state.pins[PinKind.AUTH].blocked and state.pin_matches(PinKind.AUTH, "1234")
    for which, tries in (("auth", 4), ("auth", -1), ("verify_b", 1), ("nope", 1)):
        with pytest.raises(AdminError):
            set_tries_left(state, which, tries)

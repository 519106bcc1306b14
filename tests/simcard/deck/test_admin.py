"""Administration: the lock tool, office and store resets, PIN change through the card."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from cryptography import x509

from kiosk.card.errors import PinBlockedError, WrongPinError
from kiosk.simcard.admin import (
    AdminError,
    StoreResetRefusedError,
    change_pin,
    lock_pins,
    reset_at_office,
    reset_at_store,
)
from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.deck import PinFormatError, get_profile
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind

FOUR_DIGIT = (PinKind.AUTH, PinKind.HOJO, PinKind.JUKI, PinKind.KYOTSU)
NEW = {"auth_pin": "1111", "sign_pin": "NEWPASS9", "hojo_pin": "2222", "juki_pin": "3333",
       "kyotsu_pin": "4444"}  # fmt: skip


CardOf = Callable[[str], CardState]


@pytest.fixture
def card_of(cards: dict[str, CardState]) -> CardOf:
    """A fresh copy of a session card (so tests may change it)."""
    return lambda name: copy.deepcopy(cards[name])


def _secret_free(error: BaseException, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in str(error)


# -- convenience-store reset ------------------------------------------------------------------


def test_store_resets_auth_pin_when_sign_password_is_known(card_of: CardOf) -> None:
    card = card_of("auth-pin-locked")
    profile = get_profile("auth-pin-locked")
    card.pins[PinKind.SIGN].tries_left = 2
    reset_at_store(card, "auth", other_pin=profile.sign_pin, new_pin="7777")
    assert card.pin_matches(PinKind.AUTH, "7777")
    assert card.pins[PinKind.AUTH].tries_left == 3
    assert card.pins[PinKind.SIGN].tries_left == 5  # a right entry restores the count


def test_store_resets_sign_password_when_auth_pin_is_known(card_of: CardOf) -> None:
    card = card_of("sign-pin-locked")
    reset_at_store(card, PinKind.SIGN, other_pin=get_profile("standard").auth_pin, new_pin="ABC123")
    assert card.pin_matches(PinKind.SIGN, "ABC123") and not card.pins[PinKind.SIGN].blocked


def test_store_refuses_when_other_pin_is_wrong_and_spends_a_try(card_of: CardOf) -> None:
    card = card_of("auth-pin-locked")
    with pytest.raises(StoreResetRefusedError, match="4 tries left") as caught:
        reset_at_store(card, "auth", other_pin="WRONG99", new_pin="7777")
    _secret_free(caught.value, "WRONG99", "7777")
    assert "municipal office" in str(caught.value)
    assert card.pins[PinKind.SIGN].tries_left == 4
    assert card.pins[PinKind.AUTH].blocked  # unchanged


def test_store_refuses_when_other_pin_is_blocked(card_of: CardOf) -> None:
    card = card_of("auth-pin-locked")
    card.pins[PinKind.SIGN].tries_left = 0
    with pytest.raises(StoreResetRefusedError, match="municipal office"):
        reset_at_store(card, "auth", other_pin=get_profile("standard").sign_pin, new_pin="7777")
    assert card.pins[PinKind.AUTH].blocked


def test_store_refuses_the_last_wrong_try_with_office(card_of: CardOf) -> None:
    card = card_of("sign-pin-locked")
    card.pins[PinKind.AUTH].tries_left = 1
    with pytest.raises(StoreResetRefusedError, match="go to the municipal office"):
        reset_at_store(card, "sign", other_pin="0000", new_pin="ABC123")
    assert card.pins[PinKind.AUTH].blocked


@pytest.mark.parametrize("which", ["hojo", "juki", "kyotsu"])
def test_store_never_resets_the_other_pins(card_of: CardOf, which: str) -> None:
    card = card_of("hojo-pin-locked")
    with pytest.raises(StoreResetRefusedError, match="municipal office"):
        reset_at_store(card, which, other_pin="1234", new_pin="5555")
    assert card.pins[PinKind.HOJO].blocked


def test_store_refuses_face_only_card(card_of: CardOf) -> None:
    with pytest.raises(StoreResetRefusedError, match="face-only"):
        reset_at_store(card_of("face-only"), "auth", other_pin="ABC123", new_pin="5555")


def test_store_checks_the_new_pin_before_spending_a_try(card_of: CardOf) -> None:
    card = card_of("auth-pin-locked")
    with pytest.raises(PinFormatError) as caught:
        reset_at_store(card, "auth", other_pin="WRONG99", new_pin="77a7")
    _secret_free(caught.value, "77a7")
    assert card.pins[PinKind.SIGN].tries_left == 5


# -- office reset and the lock tool -----------------------------------------------------------


def test_office_reset_restores_every_pin(card_of: CardOf) -> None:
    card = card_of("standard")
    for pin in card.pins.values():
        pin.tries_left = 0
    reset_at_office(card, **NEW)
    assert {n.value: p.tries_left for n, p in card.pins.items()} == {
        "auth": 3, "sign": 5, "hojo": 3, "juki": 3, "kyotsu": 3,
    }  # fmt: skip
    assert card.pin_matches(PinKind.AUTH, "1111") and card.pin_matches(PinKind.SIGN, "NEWPASS9")
    assert card.pin_matches(PinKind.HOJO, "2222") and card.pin_matches(PinKind.KYOTSU, "4444")


def test_office_reset_checks_every_value_first(card_of: CardOf) -> None:
    card = card_of("auth-pin-locked")
    with pytest.raises(PinFormatError) as caught:
        reset_at_office(card, **{**NEW, "juki_pin": "33x3"})
    _secret_free(caught.value, "33x3", "1111")
    assert card.pins[PinKind.AUTH].blocked  # nothing changed


def test_office_reset_turns_a_face_only_card_ordinary(card_of: CardOf) -> None:
    card = card_of("face-only")
    reset_at_office(card, **NEW)
    assert not card.face_only and "顔認証" not in card.face.remarks
    assert card.pin_matches(PinKind.AUTH, "1111") and card.pins[PinKind.AUTH].tries_left == 3


def test_lock_pins_makes_a_face_only_card(card_of: CardOf, ca: CertificateAuthority) -> None:
    card = card_of("standard")
    profile = get_profile("standard")
    sign_serial = x509.load_der_x509_certificate(card.sign_cert).serial_number
    lock_pins(card, ca=ca)
    for name in FOUR_DIGIT:
        assert card.pins[name].blocked
        assert not card.pin_matches(name, profile.pins[name])  # a new random value
    assert card.face_only and card.face.remarks == ["顔認証"]
    assert card.sign_cert is None and card.sign_key is None
    assert ca.is_revoked(sign_serial)
    assert card.auth_cert is not None  # the auth certificate stays (face + visual use)


def test_admin_on_a_card_without_jpki(card_of: CardOf) -> None:
    with pytest.raises(AdminError, match="not a My Number card"):
        reset_at_office(card_of("not-my-number"), **NEW)


# -- PIN change through the card's APDUs ------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "new"),
    [
        ("auth", "8642"),
        ("sign", "CHANGED1"),
        ("hojo", "1357"),
        ("juki", "2468"),
        ("kyotsu", "9753"),
    ],
)
def test_change_pin_through_the_card(card_of: CardOf, which: str, new: str) -> None:
    card = VirtualCard(card_of("standard"))
    old = get_profile("standard").pins[PinKind(which)]
    change_pin(card, which, old, new)
    assert card.state.pin_matches(PinKind(which), new)
    assert not card.state.pin_matches(PinKind(which), old)


def test_change_pin_with_a_wrong_old_pin_spends_a_try(card_of: CardOf) -> None:
    card = VirtualCard(card_of("standard"))
    with pytest.raises(WrongPinError) as caught:
        change_pin(card, "auth", "0000", "8642")
    assert caught.value.tries_left == 2 and caught.value.pin is PinKind.AUTH
    assert card.state.pins[PinKind.AUTH].tries_left == 2
    _secret_free(caught.value, "0000", "8642")
    assert card.state.pin_matches(PinKind.AUTH, get_profile("standard").auth_pin)


def test_change_pin_last_wrong_try_locks_and_says_where(card_of: CardOf) -> None:
    card = VirtualCard(card_of("auth-pin-one-left"))
    with pytest.raises(PinBlockedError, match="municipal office") as caught:
        change_pin(card, "auth", "0000", "8642")
    assert card.state.pins[PinKind.AUTH].blocked
    assert "convenience-store" in str(caught.value)


def test_change_of_a_locked_hojo_pin_says_office_only(card_of: CardOf) -> None:
    card = VirtualCard(card_of("hojo-pin-locked"))
    with pytest.raises(PinBlockedError, match="only at the municipal office") as caught:
        change_pin(card, "hojo", get_profile("hojo-pin-locked").hojo_pin, "1357")
    assert caught.value.pin is PinKind.HOJO


def test_change_pin_refuses_a_bad_new_pin_before_the_card(card_of: CardOf) -> None:
    card = VirtualCard(card_of("standard"))
    with pytest.raises(PinFormatError):
        change_pin(card, "auth", "0000", "12345")
    assert card.state.pins[PinKind.AUTH].tries_left == 3


def test_change_pin_on_a_card_without_jpki(card_of: CardOf) -> None:
    with pytest.raises(AdminError, match="not a My Number card"):
        change_pin(VirtualCard(card_of("not-my-number")), "auth", "1234", "5678")

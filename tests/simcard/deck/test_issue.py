"""Every profile of the deck issues a card in the state the profile describes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cryptography import x509

from kiosk.simcard.ca import CertificateAuthority, CertificateStatus
from kiosk.simcard.deck import FOUR_DIGIT_PINS, PinFormatError, get_profile, load_deck
from kiosk.simcard.errors import SimCardError
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import PIN_LIMITS, CardState
from kiosk.vocabulary import PinKind

TODAY = date(2026, 11, 23)  # the day conftest.py issues the session cards

REQUIRED = {
    "standard",
    "face-only",
    "auth-pin-locked",
    "auth-pin-one-left",
    "hojo-pin-locked",
    "sign-pin-locked",
    "expired-certificate",
    "expiring-soon",
    "revoked-certificate",
    "unregistered",
    "not-my-number",
    "qualification-invalid",
    "no-qualification",
    "elderly",
    "high-cost",
}
USER_PINS = (PinKind.AUTH, PinKind.SIGN, PinKind.HOJO, PinKind.JUKI, PinKind.KYOTSU)


def tries(card: CardState) -> dict[str, int]:
    return {name.value: card.pins[name].tries_left for name in USER_PINS}


FULL = {"auth": 3, "sign": 5, "hojo": 3, "juki": 3, "kyotsu": 3}


def test_deck_has_every_required_profile(cards: dict[str, CardState]) -> None:
    assert set(cards) >= REQUIRED


def test_standard_card(cards: dict[str, CardState]) -> None:
    card = cards["standard"]
    profile = get_profile("standard")
    assert tries(card) == FULL
    for name in USER_PINS:
        assert card.pin_matches(name, profile.pins[name])
    assert card.has_jpki and not card.face_only and card.registered_for_insurance
    assert card.face.name == "見本　太郎" and card.face.remarks == []
    assert card.auth_cert and card.auth_key and card.sign_cert and card.sign_key
    assert len(card.individual_number) == 12
    assert card.verify_b == "550217" + str(card.face.expiry.year) + "2285"


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("auth-pin-locked", {**FULL, "auth": 0}),
        ("auth-pin-one-left", {**FULL, "auth": 1}),
        ("hojo-pin-locked", {**FULL, "hojo": 0}),
        ("sign-pin-locked", {**FULL, "sign": 0}),
        ("expired-certificate", FULL),
        ("unregistered", FULL),
    ],
)
def test_pin_counters(cards: dict[str, CardState], profile: str, expected: dict[str, int]) -> None:
    card = cards[profile]
    assert tries(card) == expected
    assert card.pins[PinKind.AUTH].limit == PIN_LIMITS[PinKind.AUTH]
    assert card.pins[PinKind.SIGN].limit == PIN_LIMITS[PinKind.SIGN]


def test_locked_pin_still_holds_the_known_value(cards: dict[str, CardState]) -> None:
    card = cards["auth-pin-locked"]
    assert card.pins[PinKind.AUTH].blocked
    assert card.pin_matches(PinKind.AUTH, get_profile("auth-pin-locked").auth_pin)


def test_face_only_card(cards: dict[str, CardState]) -> None:
    card = cards["face-only"]
    profile = get_profile("face-only")
    assert card.face_only and "顔認証" in card.face.remarks
    assert card.sign_cert is None and card.sign_key is None
    assert card.auth_cert is not None and card.auth_key is not None
    # the 4-digit PINs blocked; the signature password has no certificate to open
    assert all(card.pins[name].blocked for name in FOUR_DIGIT_PINS)
    assert not card.pins[PinKind.SIGN].blocked
    # random values: the profile's test PINs do not open it
    assert not any(card.pin_matches(name, profile.pins[name]) for name in USER_PINS)


def test_not_my_number_card(cards: dict[str, CardState]) -> None:
    card = cards["not-my-number"]
    assert card.has_jpki is False
    assert card.auth_cert is None and card.sign_cert is None and card.auth_key is None


def test_unregistered(cards: dict[str, CardState]) -> None:
    assert cards["unregistered"].registered_for_insurance is False
    assert cards["standard"].registered_for_insurance is True


def _not_after(card: CardState) -> date:
    assert card.auth_cert is not None
    return x509.load_der_x509_certificate(card.auth_cert).not_valid_after_utc.date()


def test_certificate_timing(ca: CertificateAuthority, cards: dict[str, CardState]) -> None:
    soon = _not_after(cards["expiring-soon"])
    assert TODAY < soon <= TODAY + timedelta(days=92)
    assert _not_after(cards["expired-certificate"]) < TODAY - timedelta(days=92)
    assert TODAY - timedelta(days=92) < _not_after(cards["expired-grace"]) < TODAY
    assert _not_after(cards["standard"]) > TODAY + timedelta(days=365)
    at = TODAY
    from datetime import UTC, datetime

    noon = datetime(at.year, at.month, at.day, 3, tzinfo=UTC)
    status = {
        name: ca.verify_auth_certificate(c.auth_cert or b"", noon) for name, c in cards.items()
    }
    assert status["expiring-soon"] is CertificateStatus.VALID
    assert status["expired-certificate"] is CertificateStatus.EXPIRED
    assert status["revoked-certificate"] is CertificateStatus.REVOKED
    # the card itself is still valid for the expired-certificate holder
    assert cards["expired-certificate"].face.expiry > TODAY


def test_expiring_soon_follows_today(ca: CertificateAuthority) -> None:
    later = date(2031, 5, 1)
    card = issue_card("expiring-soon", today=later, ca=ca)
    assert later < _not_after(card) <= later + timedelta(days=92)


def test_revoked_profile_revokes_both_certificates(
    ca: CertificateAuthority, cards: dict[str, CardState]
) -> None:
    card = cards["revoked-certificate"]
    assert card.sign_cert is not None
    sign_serial = x509.load_der_x509_certificate(card.sign_cert).serial_number
    crl = x509.load_der_x509_crl(ca.crl_der("sign"))
    assert crl.get_revoked_certificate_by_serial_number(sign_serial) is not None


def test_every_card_is_new(ca: CertificateAuthority) -> None:
    one, two = (issue_card("auth-pin-one-left", today=TODAY, ca=ca) for _ in range(2))
    assert one.serial != two.serial
    assert one.salt != two.salt and one.number_seed != two.number_seed
    assert one.auth_key != two.auth_key and one.auth_cert != two.auth_cert
    assert one.individual_number != two.individual_number
    assert one.pins[PinKind.AUTH].digest != two.pins[PinKind.AUTH].digest  # salted


def test_chosen_pins(ca: CertificateAuthority) -> None:
    card = issue_card("standard", auth_pin="9876", sign_pin="ABCDEF123", today=TODAY, ca=ca)
    assert card.pin_matches(PinKind.AUTH, "9876")
    assert card.pin_matches(PinKind.SIGN, "ABCDEF123")
    assert not card.pin_matches(PinKind.AUTH, get_profile("standard").auth_pin)


@pytest.mark.parametrize(
    ("auth", "sign"),
    [
        ("123", None),
        ("12345", None),
        ("12a4", None),
        ("１２３４", None),
        (None, "abc123"),
        (None, "SHORT"),
        (None, "A" * 17),
        (None, "ABC-123"),
    ],
)
def test_bad_pins_are_refused_without_showing_them(auth: str | None, sign: str | None) -> None:
    with pytest.raises(PinFormatError) as caught:
        issue_card("standard", auth_pin=auth, sign_pin=sign, today=TODAY)
    message = str(caught.value)
    assert isinstance(caught.value, SimCardError)
    assert (auth or sign or "") not in message
    assert "4 digits" in message or "6 to 16" in message


def test_issue_every_profile_by_object(ca: CertificateAuthority) -> None:
    profile = load_deck()["hojo-pin-locked"]
    card = issue_card(profile, today=TODAY, ca=ca)
    assert card.profile == "hojo-pin-locked" and card.pins[PinKind.HOJO].blocked


def test_ca_state_holds_no_pin_and_no_name(tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("privacy")
    ca = CertificateAuthority.load(home=home)
    issue_card("revoked-certificate", sign_pin="ZQXJ7KPWV", today=TODAY, ca=ca)
    for path in (home / "ca").iterdir():
        if path.suffix in (".json", ".crl"):
            data = path.read_bytes()
            assert b"ZQXJ7KPWV" not in data
            assert "検証".encode() not in data  # the holder's name stays on the card

"""The smartphone's JPKI applet: the card's, with a phone's differences (only JPKI, its token
label, the auth certificate only after VERIFY, the iPhone's own user verification); the
same PIN rules as the card's, as properties; random and mutated APDUs never break it and
never hand out the auth certificate or a key before the user is verified."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.card_os import PINS, ok, read_sfi, select_aid, select_ef, verify
from kiosk.card.applets import ATR, Applet, JpkiFile
from kiosk.card.errors import NotAPhoneError, PhoneVerificationError, WrongPinError
from kiosk.card.phone import PhoneSession
from kiosk.card.status import SW
from kiosk.fuzz.apdus import corpus
from kiosk.simcard.phone import PHONE_ATR
from kiosk.simcard.state import CardState, PhoneInfo, UserVerification
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PhoneOs, PinKind

RIGHT = PINS[PinKind.AUTH]
WRONG = "0000"
TOKEN = read_sfi(JpkiFile.TOKEN_INFO, le=32)
AUTH_CERT = read_sfi(JpkiFile.AUTH_CERT)


def phone_of(
    state: CardState, os_: PhoneOs, verification: UserVerification = UserVerification.OK
) -> VirtualCard:
    state.phone = PhoneInfo(os_, "SIM0000001", state.face.expiry, verification)
    return VirtualCard(state)


@pytest.fixture
def android(state: CardState) -> VirtualCard:
    return phone_of(state, PhoneOs.ANDROID)


def test_the_token_says_which_phone_and_a_card_stays_a_card(
    make_state: Callable[[str], CardState],
) -> None:
    labels = {}
    for os_ in PhoneOs:
        phone = phone_of(make_state("standard"), os_)
        ok(phone, select_aid(Applet.JPKI))
        labels[os_] = ok(phone, TOKEN)
        assert phone.atr == PHONE_ATR
    assert labels == {
        PhoneOs.ANDROID: b"JPKIAPGPSETOKEN".ljust(32),
        PhoneOs.IOS: b"JPKIAPIOSTOKEN".ljust(32),
    }
    card = VirtualCard(make_state("standard"))
    ok(card, select_aid(Applet.JPKI))
    assert ok(card, TOKEN) == b"JPKIAPICCTOKEN2".ljust(32)
    assert card.atr == ATR


@pytest.mark.parametrize("applet", [Applet.KENHOJO, Applet.KENKAKU, Applet.JUKI, Applet.KYOTSU])
def test_a_phone_holds_only_the_jpki_applet(android: VirtualCard, applet: Applet) -> None:
    assert android.transmit(select_aid(applet)) == (b"", SW.FILE_NOT_FOUND)


def test_android_opens_the_auth_certificate_only_after_verify(android: VirtualCard) -> None:
    ok(android, select_aid(Applet.JPKI))
    assert android.transmit(AUTH_CERT) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)
    assert ok(android, read_sfi(JpkiFile.AUTH_CA_CERT))  # the CA certificate stays free
    assert android.transmit(verify(WRONG, 0x80 | JpkiFile.AUTH_PIN)) == (b"", 0x63C2)
    assert android.transmit(AUTH_CERT) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)
    ok(android, verify(RIGHT, 0x80 | JpkiFile.AUTH_PIN))
    assert ok(android, AUTH_CERT) == android.state.auth_cert
    android.close()  # taken away: the security status goes with it
    ok(android, select_aid(Applet.JPKI))
    assert android.transmit(AUTH_CERT) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)


@pytest.mark.parametrize(
    ("verification", "select_sw", "cert_sw"),
    [
        (UserVerification.OK, SW.OK, SW.OK),
        (UserVerification.FAILS, SW.OK, SW.SECURITY_STATUS_NOT_SATISFIED),
        (UserVerification.NOT_ENROLLED, SW.CONDITIONS_NOT_SATISFIED, None),
    ],
)
def test_the_iphone_verifies_its_user_itself(
    state: CardState, verification: UserVerification, select_sw: int, cert_sw: int | None
) -> None:
    iphone = phone_of(state, PhoneOs.IOS, verification)
    assert iphone.transmit(select_aid(Applet.JPKI))[1] == select_sw
    if cert_sw is not None:
        data, sw = iphone.transmit(AUTH_CERT)
        assert sw == cert_sw
        assert (data == state.auth_cert) is (sw == SW.OK)


def test_the_kiosk_reads_each_phone_and_refuses_a_card(
    make_state: Callable[[str], CardState],
) -> None:
    android = phone_of(make_state("standard"), PhoneOs.ANDROID)
    with pytest.raises(WrongPinError) as wrong:
        PhoneSession(android).read(WRONG)
    assert wrong.value.tries_left == 2
    assert PhoneSession(android).read(RIGHT).os is PhoneOs.ANDROID
    assert android.state.pins[PinKind.AUTH].tries_left == 3
    iphone = phone_of(make_state("standard"), PhoneOs.IOS, UserVerification.FAILS)
    with pytest.raises(PhoneVerificationError) as failed:
        PhoneSession(iphone).read(None)
    assert failed.value.reason == "failed"
    assert iphone.state.phone is not None
    iphone.state.phone.user_verification = UserVerification.NOT_ENROLLED
    with pytest.raises(PhoneVerificationError) as unset:
        PhoneSession(iphone).read(None)
    assert unset.value.reason == "not_enrolled"
    iphone.state.phone.user_verification = UserVerification.OK
    assert PhoneSession(iphone).read(None).auth_certificate == iphone.state.auth_cert
    with pytest.raises(NotAPhoneError) as card:
        PhoneSession(VirtualCard(make_state("standard"))).read(RIGHT)
    assert card.value.card


# -- the PIN rules, as the card's: a model of the counter -----------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=st.lists(st.sampled_from([RIGHT, WRONG, "12345", "12a4", ""]), max_size=8))
def test_android_pin_counter_follows_the_model(state: CardState, entries: list[str]) -> None:
    """Each entry spends a try, a right one restores 3, none works once blocked; the
    certificate opens exactly after a right entry; the query never spends one."""
    phone = phone_of(state, PhoneOs.ANDROID)
    state.pins[PinKind.AUTH].tries_left = 3
    ok(phone, select_aid(Applet.JPKI))
    left, opened = 3, False
    for entry in entries:
        if entry == "":
            assert phone.transmit(verify(None, 0x80 | JpkiFile.AUTH_PIN)) == (b"", 0x63C0 | left)
            continue
        _, sw = phone.transmit(verify(entry, 0x80 | JpkiFile.AUTH_PIN))
        if left == 0:
            assert sw == SW.AUTH_METHOD_BLOCKED
            opened = False
        elif entry == RIGHT:
            assert sw == SW.OK
            left, opened = 3, True
        else:
            left -= 1
            assert sw == 0x63C0 | left
            opened = False
        assert state.pins[PinKind.AUTH].tries_left == left
        assert (phone.transmit(AUTH_CERT)[1] == SW.OK) is opened


# -- fuzzing ----------------------------------------------------------------------------------

SEED = 20261206
COUNT = 3000
WINDOW = 12


def _windows(blob: bytes) -> set[bytes]:
    return {blob[i : i + WINDOW] for i in range(len(blob) - WINDOW + 1)}


def _private_parts(key_der: bytes | None) -> list[bytes]:
    """d, p and q of a key (its modulus and the DER around it are public)."""
    if key_der is None:
        return []
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    numbers = load_der_private_key(key_der, password=None).private_numbers()  # type: ignore[union-attr]
    return [n.to_bytes((n.bit_length() + 7) // 8, "big") for n in (numbers.d, numbers.p, numbers.q)]


@pytest.mark.parametrize(
    ("os_", "verification"),
    [(PhoneOs.ANDROID, UserVerification.OK), (PhoneOs.IOS, UserVerification.FAILS)],
)
def test_random_apdus_never_break_the_phone_nor_open_it(
    state: CardState, os_: PhoneOs, verification: UserVerification
) -> None:
    rng = random.Random(f"{SEED}-{os_}")
    state.auth_cert = b"AUTH-CERT-MARKER" + rng.randbytes(1000)  # any leak is visible
    phone = phone_of(state, os_, verification)
    secret = _windows(state.auth_cert).union(*map(_windows, _private_parts(state.auth_key)))
    commands = [*corpus(), select_ef(JpkiFile.AUTH_CERT), AUTH_CERT]
    for i in range(COUNT):
        roll = rng.random()
        if roll < 0.3:
            command = rng.randbytes(rng.randint(0, 300))
        elif roll < 0.7:
            command = rng.choice(commands)
        else:
            command = bytearray(rng.choice(commands))
            if command:
                command[rng.randrange(len(command))] = rng.randrange(256)
            command = bytes(command)
        if i % 499 == 0:
            phone.close()
        data, sw = phone.transmit(command)  # never raises
        assert 0 <= sw <= 0xFFFF
        assert not phone.os.verified, f"APDU {i} verified something: {command.hex()}"
        if len(data) >= WINDOW:
            assert not any(data[j : j + WINDOW] in secret for j in range(len(data) - WINDOW + 1))

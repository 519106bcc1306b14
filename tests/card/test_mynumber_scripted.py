"""MyNumberCard against scripted card answers: the exact bytes it sends, and what it makes of
the answers (docs/card-protocol.md)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kiosk.card import tlv
from kiosk.card.errors import (
    BadPinFormatError,
    CardDataError,
    NotMyNumberCardError,
    PinBlockedError,
    PossessionNotProvenError,
    SecurityStatusNotSatisfiedError,
    WrongPinError,
)
from kiosk.card.mynumber import MyNumberCard, digest_info_sha256
from kiosk.card.pins import PinKind
from kiosk.card.transport import ScriptedTransport

H = bytes.fromhex
OK = 0x9000

SEL_JPKI = H("00A4040C0A D392F000260100000001")
SEL_HOJO = H("00A4040C0A D3921000310001010408")
SEL_KENKAKU = H("00A4040C0A D3921000310001010402")
SEL_JUKI = H("00A4040C0A D3921000310001010401")
SEL_KYOTSU = H("00A4040C0A D3921000310001010100")
READ_AUTH_CERT_EXT = H("00B08A00 000000")
READ_CARD_FACE_EXT = H("00B08200 000000")
ASK_AUTH = H("00200098")
VERIFY_B_KENKAKU = H("002000920E") + b"55021720352285"
VERIFY_B = "55021720352285"

PHOTO = b"\x00\x00\x00\x0cjP  \r\n\x87\n" + bytes(range(256)) * 12  # JPEG 2000 signature


def card_face_ef(photo: bytes = PHOTO) -> bytes:
    body = b"".join(
        (
            tlv.encode(0xDF21, b"\x00" * 8),
            tlv.encode(0xDF22, b"19800217"),
            tlv.encode(0xDF23, b"2"),
            tlv.encode(0xDF24, b"\x30" * 20),
            tlv.encode(0xDF25, b"name-image"),
            tlv.encode(0xDF26, b"address-image"),
            tlv.encode(0xDF27, photo),
            tlv.encode(0xDF28, b"\x01" * 256),
            tlv.encode(0xDF29, b"20350217"),
            tlv.encode(0xDF2A, b"code-image"),
        )
    )
    return tlv.encode(0xFF20, body)


def basic_info_ef() -> bytes:
    body = b"".join(
        (
            tlv.encode(0xDF21, b"\x00" * 8),
            tlv.encode(0xDF22, "山田　花子".encode()),
            tlv.encode(0xDF23, "東京都千代田区霞が関一丁目1番1号".encode()),
            tlv.encode(0xDF24, b"19800217"),
            tlv.encode(0xDF25, b"2"),
        )
    )
    return tlv.encode(0xFF20, body) + b"\xff" * 16  # EF padded past the object


def test_read_for_reception_takes_seven_apdus_with_exact_bytes(auth_cert: bytes) -> None:
    face = card_face_ef()
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (READ_AUTH_CERT_EXT, auth_cert + b"\xff" * 40, OK),  # EF longer than the cert
            (ASK_AUTH, b"", 0x63C2),
            (H("0020009B"), b"", 0x63C5),
            (SEL_KENKAKU, b"", OK),
            (VERIFY_B_KENKAKU, b"", OK),
            (READ_CARD_FACE_EXT, face, OK),
        ]
    )
    read = MyNumberCard(script).read_for_reception(VERIFY_B)
    assert script.finished
    assert read.auth_certificate == auth_cert
    assert (read.auth_tries_left, read.sign_tries_left, read.face_only) == (2, 5, False)
    assert read.face_photo == PHOTO
    # the photo stays out of the repr (not a 2-byte probe: the random certificate beside it
    # holds any two bytes now and then)
    assert "face_photo" not in repr(read) and repr(PHOTO)[2:60] not in repr(read)


@pytest.mark.parametrize(("sign_cert_sw", "face_only"), [(0x6A82, True), (0x6982, False)])
def test_without_verify_b_no_photo_auth_blocked_and_no_sign_certificate_look_face_only(
    auth_cert: bytes, sign_cert_sw: int, face_only: bool
) -> None:
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (READ_AUTH_CERT_EXT, auth_cert, OK),
            (ASK_AUTH, b"", 0x63C0),
            (H("0020009B"), b"", 0x63C5),
            (H("00B0810001"), b"", sign_cert_sw),  # is there a signature certificate?
        ]
    )
    read = MyNumberCard(script).read_for_reception()
    assert script.finished
    assert read.face_photo is None
    assert read.auth_pin_blocked and read.face_only is face_only


def test_certificate_the_cautious_way_when_extended_read_is_refused(auth_cert: bytes) -> None:
    total = len(auth_cert)
    steps = [
        (SEL_JPKI, b"", OK),
        (READ_AUTH_CERT_EXT, b"", 0x6700),
        (H("00A4020C02000A"), b"", OK),
        (H("00B0000007"), auth_cert[:7], OK),
    ]
    offset = 7
    while offset < total:
        n = min(256, total - offset)
        apdu = bytes((0x00, 0xB0, offset >> 8, offset & 0xFF, n % 256))
        steps.append((apdu, auth_cert[offset : offset + n], OK))
        offset += n
    small = tlv.encode(0x30, b"\x05" * 5)
    # the next object goes straight to the cautious way: no second extended attempt
    steps += [(H("00A4020C02000B"), b"", OK), (H("00B0000007"), small, OK)]
    script = ScriptedTransport(steps)
    card = MyNumberCard(script)
    assert card.read_auth_certificate() == auth_cert
    assert card.extended is False
    assert card.read_auth_certificate() == auth_cert  # cached: no APDU
    assert card.read_auth_ca_certificate() == small
    assert script.finished


def test_6cxx_on_extended_read_falls_back_and_short_6cxx_reissues_with_card_length() -> None:
    small = tlv.encode(0x30, b"\x01" * 10)  # a 12-byte DER object
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (H("00B08B00000000"), b"", 0x6C00),
            (H("00A4020C02000B"), b"", OK),
            (H("00B0000007"), b"", 0x6C0C),
            (H("00B000000C"), small, OK),
        ]
    )
    assert MyNumberCard(script).read_auth_ca_certificate() == small
    assert script.finished


def test_truncated_ef_is_a_card_data_error(auth_cert: bytes) -> None:
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (READ_AUTH_CERT_EXT, auth_cert[:100], OK),
            (H("00B0006400"), b"", OK),  # the card has nothing more
        ]
    )
    with pytest.raises(CardDataError, match="ends after 100"):
        MyNumberCard(script).read_auth_certificate()


def test_all_pin_status_in_nine_apdus_without_spending_a_try() -> None:
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (H("00200098"), b"", 0x63C3),
            (H("0020009B"), b"", 0x63C5),
            (SEL_HOJO, b"", OK),
            (H("00200091"), b"", 0x63C0),
            (SEL_JUKI, b"", OK),
            (H("0020009C"), b"", 0x63C1),
            (SEL_KYOTSU, b"", OK),
            (H("0020009C"), b"", 0x6984),
        ]
    )
    states = MyNumberCard(script).all_pin_status()
    assert script.finished and len(script.sent) == 9
    assert [(s.kind, s.tries_left, s.limit, s.blocked) for s in states] == [
        (PinKind.AUTH, 3, 3, False),
        (PinKind.SIGN, 5, 5, False),
        (PinKind.HOJO, 0, 3, True),
        (PinKind.JUKI, 1, 3, False),
        (PinKind.KYOTSU, 0, 3, True),
    ]
    shown = states[2].to_dict()
    assert shown["name_ja"] == "券面事項入力補助用の暗証番号"
    assert shown["unlock_at"] == ["office"]
    assert states[0].to_dict()["unlock_at"] == ["office", "store"]


def test_pin_status_falls_back_to_select_ef_when_short_ef_id_is_refused() -> None:
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (H("00200098"), b"", 0x6A86),
            (H("00A4020C020018"), b"", OK),
            (H("00200080"), b"", 0x63C2),
            (H("00A4020C02001B"), b"", OK),  # remembered: no second short-EF-id attempt
            (H("00200080"), b"", 0x63C4),
        ]
    )
    card = MyNumberCard(script)
    assert card.pin_status(PinKind.AUTH).tries_left == 2
    assert card.pin_status(PinKind.SIGN).tries_left == 4
    assert script.finished


def test_verify_auth_pin_wrong_then_blocked() -> None:
    verify = H("0020009804") + b"1111"
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (verify, b"", 0x63C2),
            (verify, b"", 0x63C0),
            (verify, b"", 0x6984),
        ]
    )
    card = MyNumberCard(script)
    with pytest.raises(WrongPinError) as wrong:
        card.verify_auth_pin("1111")
    assert wrong.value.tries_left == 2
    with pytest.raises(PinBlockedError):
        card.verify_auth_pin("1111")
    with pytest.raises(PinBlockedError) as blocked:
        card.verify_auth_pin("1111")
    assert "1111" not in str(blocked.value) and "31313131" not in str(blocked.value)
    assert script.finished


@pytest.mark.parametrize("bad", ["123", "12345", "12a4", "", "１２３４"])
def test_a_malformed_pin_never_reaches_the_card(bad: str) -> None:
    script = ScriptedTransport([])
    with pytest.raises(BadPinFormatError) as err:
        MyNumberCard(script).verify_auth_pin(bad)
    assert script.sent == []
    assert "4 digits" in str(err.value)
    if bad:
        assert bad not in str(err.value)


def test_sign_auth_sends_the_digest_info_to_the_auth_key() -> None:
    digest_info = digest_info_sha256(b"hello")
    assert digest_info[:19] == H("3031300D060960864801650304020105000420")
    assert digest_info[19:] == hashlib.sha256(b"hello").digest()
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (H("00A4020C020017"), b"", OK),
            (H("802A008033") + digest_info + b"\x00", b"", 0x6982),
        ]
    )
    with pytest.raises(SecurityStatusNotSatisfiedError):
        MyNumberCard(script).sign_auth(digest_info)
    assert script.finished


def test_prove_possession_signs_a_fresh_challenge_and_checks_it(
    auth_cert: bytes, auth_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = b"\x42" * 32
    monkeypatch.setattr("kiosk.card.mynumber.os.urandom", lambda n: challenge[:n])
    signature = auth_key.sign(challenge, padding.PKCS1v15(), hashes.SHA256())
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (READ_AUTH_CERT_EXT, auth_cert, OK),
            (H("0020009804") + b"1234", b"", OK),
            (H("00A4020C020017"), b"", OK),
            (H("802A008033") + digest_info_sha256(challenge) + b"\x00", signature, OK),
        ]
    )
    proof = MyNumberCard(script).prove_possession("1234")
    assert proof.signature == signature and proof.challenge == challenge
    assert script.finished


def test_prove_possession_rejects_a_signature_from_another_key(
    auth_cert: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge = b"\x42" * 32
    monkeypatch.setattr("kiosk.card.mynumber.os.urandom", lambda n: challenge[:n])
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (READ_AUTH_CERT_EXT, auth_cert, OK),
            (H("0020009804") + b"1234", b"", OK),
            (H("00A4020C020017"), b"", OK),
            (H("802A008033") + digest_info_sha256(challenge) + b"\x00", b"\x01" * 256, OK),
        ]
    )
    with pytest.raises(PossessionNotProvenError):
        MyNumberCard(script).prove_possession("1234")


def test_read_basic_info_with_the_hojo_pin_or_verify_b() -> None:
    ef = basic_info_ef()
    script = ScriptedTransport(
        [
            (SEL_HOJO, b"", OK),
            (H("0020009104") + b"5678", b"", OK),
            (READ_CARD_FACE_EXT, ef, OK),
        ]
    )
    info = MyNumberCard(script).read_basic_info(pin="5678")
    assert info.name == "山田　花子"
    assert info.address.startswith("東京都")
    assert info.birth_date == date(1980, 2, 17)
    assert info.sex == "2"
    script = ScriptedTransport(
        [
            (SEL_HOJO, b"", OK),
            (H("002000950E") + VERIFY_B.encode(), b"", OK),
            (READ_CARD_FACE_EXT, ef, OK),
        ]
    )
    assert MyNumberCard(script).read_basic_info(verify_b=VERIFY_B) == info


def test_read_card_face_parses_every_field() -> None:
    script = ScriptedTransport(
        [
            (SEL_KENKAKU, b"", OK),
            (VERIFY_B_KENKAKU, b"", OK),
            (READ_CARD_FACE_EXT, card_face_ef(), OK),
        ]
    )
    face = MyNumberCard(script).read_card_face(VERIFY_B)
    assert (face.birth_date, face.sex, face.expiry) == (date(1980, 2, 17), "2", date(2035, 2, 17))
    assert face.face_photo == PHOTO
    assert face.security_code_image == b"code-image"


def test_wrong_verify_b_says_tries_left_without_the_number() -> None:
    script = ScriptedTransport([(SEL_KENKAKU, b"", OK), (VERIFY_B_KENKAKU, b"", 0x63C9)])
    with pytest.raises(WrongPinError) as err:
        MyNumberCard(script).read_face_photo(VERIFY_B)
    assert err.value.tries_left == 9
    assert VERIFY_B not in str(err.value)


def test_a_card_without_jpki_is_not_a_my_number_card() -> None:
    script = ScriptedTransport([(SEL_JPKI, b"", 0x6A82)])
    with pytest.raises(NotMyNumberCardError):
        MyNumberCard(script).read_auth_certificate()


def test_change_pin_verifies_the_old_one_then_changes() -> None:
    script = ScriptedTransport(
        [
            (SEL_JPKI, b"", OK),
            (H("00A4020C020018"), b"", OK),
            (H("0020008004") + b"1234", b"", OK),
            (H("0024018004") + b"4321", b"", OK),
            (SEL_JUKI, b"", OK),
            (H("00A4020C02001C"), b"", OK),
            (H("0020008004") + b"1111", b"", OK),
            (H("8032008004") + b"2222", b"", OK),
        ]
    )
    card = MyNumberCard(script)
    card.change_pin(PinKind.AUTH, "1234", "4321")
    card.change_pin(PinKind.JUKI, "1111", "2222")
    assert script.finished


def test_garbage_card_face_is_a_card_data_error() -> None:
    script = ScriptedTransport(
        [
            (SEL_KENKAKU, b"", OK),
            (VERIFY_B_KENKAKU, b"", OK),
            (READ_CARD_FACE_EXT, tlv.encode(0xFF20, tlv.encode(0xDF22, b"1980021X")), OK),
        ]
    )
    with pytest.raises(CardDataError):
        MyNumberCard(script).read_card_face(VERIFY_B)

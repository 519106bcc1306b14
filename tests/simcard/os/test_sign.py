"""COMPUTE SIGNATURE (80 2A): PKCS#1 v1.5 over the host's DigestInfo, keys behind their PINs."""

from __future__ import annotations

import hashlib
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import load_der_x509_certificate

from helpers.card_os import PINS, ok, select_aid, select_ef, verify
from kiosk.card.applets import Applet, JpkiFile
from kiosk.card.status import SW
from kiosk.simcard.applet_jpki import _private_key, _raw_pkcs1_sign, sign_digest_info
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind

SHA256_PREFIX = bytes.fromhex("3031300D060960864801650304020105000420")
SHA1_PREFIX = bytes.fromhex("3021300906052B0E03021A05000414")


def sign_apdu(digest_info: bytes) -> bytes:
    return bytes.fromhex("802A0080") + bytes((len(digest_info),)) + digest_info + b"\x00"


def public_key(cert_der: bytes | None) -> rsa.RSAPublicKey:
    assert cert_der is not None
    key = load_der_x509_certificate(cert_der).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def test_auth_signature_verifies_with_the_certificate(card: VirtualCard, state: CardState) -> None:
    message = b"challenge from the kiosk"
    digest_info = SHA256_PREFIX + hashlib.sha256(message).digest()
    ok(card, select_aid(Applet.JPKI))
    ok(card, select_ef(JpkiFile.AUTH_KEY))
    assert card.transmit(sign_apdu(digest_info)) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    ok(card, select_ef(JpkiFile.AUTH_KEY))
    signature = ok(card, sign_apdu(digest_info))
    assert len(signature) == 256
    public_key(state.auth_cert).verify(signature, message, padding.PKCS1v15(), hashes.SHA256())


def test_sign_key_needs_the_sign_password(card: VirtualCard, state: CardState) -> None:
    digest_info = SHA256_PREFIX + hashlib.sha256(b"document").digest()
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    ok(card, select_ef(JpkiFile.SIGN_KEY))
    assert card.transmit(sign_apdu(digest_info)) == (b"", SW.SECURITY_STATUS_NOT_SATISFIED)
    ok(card, verify(PINS[PinKind.SIGN], 0x9B))
    ok(card, select_ef(JpkiFile.SIGN_KEY))
    signature = ok(card, sign_apdu(digest_info))
    public_key(state.sign_cert).verify(signature, b"document", padding.PKCS1v15(), hashes.SHA256())


def test_sign_errors(card: VirtualCard) -> None:
    digest_info = SHA256_PREFIX + bytes(32)
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    assert card.transmit(sign_apdu(digest_info))[1] == SW.CONDITIONS_NOT_SATISFIED  # no key EF
    ok(card, select_ef(JpkiFile.AUTH_CERT))
    assert card.transmit(sign_apdu(digest_info))[1] == SW.CONDITIONS_NOT_SATISFIED
    ok(card, select_ef(JpkiFile.AUTH_KEY))
    assert card.transmit(bytes.fromhex("802A9E9A13") + digest_info[:19])[1] == (SW.INCORRECT_P1P2)
    assert card.transmit(bytes.fromhex("802A0080"))[1] == SW.WRONG_LENGTH  # no DigestInfo
    too_long = bytes(246)
    assert card.transmit(bytes.fromhex("802A008000") + len(too_long).to_bytes(2, "big") + too_long)[
        1
    ] == (SW.WRONG_LENGTH)


@pytest.mark.parametrize(
    ("prefix", "algorithm"),
    [
        (SHA1_PREFIX, hashes.SHA1()),  # noqa: S303 - the host picks the hash
        (bytes.fromhex("3041300D060960864801650304020205000430"), hashes.SHA384()),
        (bytes.fromhex("3051300D060960864801650304020305000440"), hashes.SHA512()),
    ],
)
def test_other_hashes(
    card: VirtualCard, state: CardState, prefix: bytes, algorithm: hashes.HashAlgorithm
) -> None:
    digester = hashes.Hash(algorithm)
    digester.update(b"m")
    digest_info = prefix + digester.finalize()
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    ok(card, select_ef(JpkiFile.AUTH_KEY))
    signature = ok(card, sign_apdu(digest_info))
    public_key(state.auth_cert).verify(signature, b"m", padding.PKCS1v15(), algorithm)


def test_raw_padding_matches_openssl(state: CardState) -> None:
    assert state.auth_key is not None
    digest_info = SHA256_PREFIX + hashlib.sha256(b"x").digest()
    key = _private_key(state.auth_key)
    assert _raw_pkcs1_sign(key, digest_info, 256) == sign_digest_info(state.auth_key, digest_info)


def test_any_digest_info_is_padded_as_given(card: VirtualCard, state: CardState) -> None:
    blob = hashlib.md5(b"t").digest() + hashlib.sha1(b"t").digest()  # noqa: S324 - TLS 1.0 style
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    ok(card, select_ef(JpkiFile.AUTH_KEY))
    signature = ok(card, sign_apdu(blob))
    numbers = public_key(state.auth_cert).public_numbers()
    recovered = pow(int.from_bytes(signature, "big"), numbers.e, numbers.n).to_bytes(256, "big")
    assert recovered == b"\x00\x01" + b"\xff" * (256 - 3 - len(blob)) + b"\x00" + blob


def test_sign_ms_models_the_chip(
    state: CardState, photo_jp2: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = VirtualCard(state, photo=lambda _: photo_jp2, sign_ms=40)
    ok(card, select_aid(Applet.JPKI))
    ok(card, verify(PINS[PinKind.AUTH], 0x98))
    ok(card, select_ef(JpkiFile.AUTH_KEY))
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    ok(card, sign_apdu(SHA256_PREFIX + bytes(32)))
    assert slept == [0.040]  # the chip's signing time, asked of the clock (not measured)


def test_apdu_delay(state: CardState, photo_jp2: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    card = VirtualCard(state, photo=lambda _: photo_jp2, apdu_delay_ms=15)
    slept: list[float] = []
    monkeypatch.setattr(time, "sleep", slept.append)
    for _ in range(4):
        ok(card, select_aid(Applet.JPKI))
    assert slept == [0.015] * 4

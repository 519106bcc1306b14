"""Card states for the card OS tests, built here (not from the deck): small RSA-2048 keys and
self-signed certificates made once per session, and a tiny greyscale JPEG 2000 photo."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from helpers.card_os import ADDRESS, NAME, PINS
from kiosk.simcard.state import CardFace, CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind


@dataclass(frozen=True)
class Keys:
    auth_key: bytes
    auth_cert: bytes
    auth_ca_cert: bytes
    sign_key: bytes
    sign_cert: bytes
    sign_ca_cert: bytes


def _self_signed(key_der: bytes, common_name: str, serial: int) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = serialization.load_der_private_key(key_der, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime(2025, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def _new_key() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture(scope="session")
def keys() -> Keys:
    auth_key, sign_key, ca_key = _new_key(), _new_key(), _new_key()
    return Keys(
        auth_key=auth_key,
        auth_cert=_self_signed(auth_key, "auth 1001", 1001),
        auth_ca_cert=_self_signed(ca_key, "test auth CA", 1),
        sign_key=sign_key,
        sign_cert=_self_signed(sign_key, "sign 2002", 2002),
        sign_ca_cert=_self_signed(ca_key, "test sign CA", 2),
    )


@pytest.fixture(scope="session")
def photo_jp2() -> bytes:
    from PIL import Image

    image = Image.frombytes("L", (24, 32), os.urandom(24 * 32))
    out = io.BytesIO()
    image.save(out, format="JPEG2000")
    return out.getvalue()


def build_state(keys: Keys, profile: str = "standard") -> CardState:
    """A fresh CardState: "standard", "face-only" or "not-my-number"."""
    face = CardFace(
        name=NAME,
        name_kana="ヤマダ　ハナコ",
        birth_date=date(1980, 2, 17),
        sex="2",
        address=ADDRESS,
        expiry=date(2035, 2, 17),
        security_code="2285",
        person="hanako",
        remarks=["顔認証"] if profile == "face-only" else [],
    )
    state = CardState(
        profile=profile,
        serial="SIM0000001",
        face=face,
        salt=b"\x01" * 16,
        number_seed=b"\x02" * 16,
        pins={},
        has_jpki=profile != "not-my-number",
        face_only=profile == "face-only",
        auth_cert=keys.auth_cert,
        auth_ca_cert=keys.auth_ca_cert,
        auth_key=keys.auth_key,
        sign_cert=keys.sign_cert,
        sign_ca_cert=keys.sign_ca_cert,
        sign_key=keys.sign_key,
    )
    for name, value in PINS.items():
        state.set_pin(name, value)
    if profile == "face-only":
        state.sign_cert = state.sign_key = None
        for name in (PinKind.AUTH, PinKind.HOJO, PinKind.JUKI, PinKind.KYOTSU):
            state.pins[name].tries_left = 0
    if profile == "not-my-number":
        state.auth_cert = state.auth_key = state.sign_cert = state.sign_key = None
    return state


@pytest.fixture
def photo(photo_jp2: bytes) -> Callable[[str], bytes]:
    """The photo source a VirtualCard takes (the same tiny JPEG 2000 for everyone)."""

    def face_photo(person: str) -> bytes:
        return photo_jp2

    return face_photo


@pytest.fixture
def make_state(keys: Keys) -> Callable[..., CardState]:
    return lambda profile="standard": build_state(keys, profile)


@pytest.fixture
def state(make_state: Callable[..., CardState]) -> CardState:
    return make_state()


@pytest.fixture
def card(state: CardState, photo_jp2: bytes) -> VirtualCard:
    return VirtualCard(state, photo=lambda person: photo_jp2)

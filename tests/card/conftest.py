"""Fixtures of the card tests: a test certificate and key (pcscd is in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


@pytest.fixture(scope="session")
def auth_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def auth_cert(auth_key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.COMMON_NAME, "TEST0001"),
        ]
    )
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(auth_key.public_key())
        .serial_number(1234)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365 * 5))
        .sign(auth_key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)

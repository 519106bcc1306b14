"""Fixtures of the card tests: a test certificate and key, TLV builders."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import time
from collections.abc import Iterator

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


# -- pcscd + vpcd -------------------------------------------------------------------------------

VPCD_SLOT0 = "Virtual PCD 00 00"


def _pcscd_answers() -> str | None:
    """None when pcscd answers with its vpcd reader, else why not."""
    from kiosk.card.errors import CardError
    from kiosk.card.pcsc import list_readers

    try:
        readers = list_readers()
    except CardError as exc:
        return str(exc)
    if VPCD_SLOT0 not in readers:
        return f"pcscd runs but has no {VPCD_SLOT0!r} reader (install vsmartcard-vpcd, restart)"
    return None


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    """A pcscd with the vpcd reader: the running one, or one started here (stopped by PID)."""
    if _pcscd_answers() is None:
        yield
        return
    if shutil.which("pcscd") is None:
        pytest.skip("pcscd is not installed (apt install pcscd vsmartcard-vpcd)")
    try:
        proc = subprocess.Popen(
            ["pcscd", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError as exc:
        pytest.skip(f"cannot start pcscd: {exc}")
    # pcscd gives no readiness signal; poll its socket (generously: a loaded machine is slow)
    deadline = time.monotonic() + 60
    problem = _pcscd_answers()
    while problem is not None and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        problem = _pcscd_answers()
    if problem is not None:
        proc.terminate()
        proc.wait(10)
        pytest.skip(f"pcscd could not be started: {problem}")
    yield
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)

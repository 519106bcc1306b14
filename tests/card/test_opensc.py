"""OpenSC reads the virtual card behind pcscd + vpcd like a real My Number card."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from kiosk.devices import served
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import PinKind

READER = "Virtual PCD 00 00"
PKCS11 = Path("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so")

pytestmark = [
    pytest.mark.pcsc,
    pytest.mark.skipif(shutil.which("pkcs15-tool") is None, reason="needs opensc (apt install)"),
]


@pytest.fixture
def card_in_reader(pcscd: None) -> Iterator[CardState]:
    state = issue_card("standard")
    with served(VirtualCard(state), READER):
        yield state


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def test_pkcs15_tool_lists_the_certificates(card_in_reader: CardState) -> None:
    done = _run("pkcs15-tool", "--reader", READER, "--list-certificates")
    assert done.returncode == 0, done.stderr
    assert "User Authentication Certificate" in done.stdout
    assert "Path           : 000a" in done.stdout
    assert "User Authentication Certificate CA" in done.stdout


def test_pkcs15_tool_lists_pins_with_tries_left_3_and_5(card_in_reader: CardState) -> None:
    done = _run("pkcs15-tool", "--reader", READER, "--list-pins")
    assert done.returncode == 0, done.stderr
    assert "User Authentication PIN" in done.stdout and "Digital Signature PIN" in done.stdout
    tries = [
        line.split(":")[1].strip() for line in done.stdout.splitlines() if "Tries left" in line
    ]
    assert tries == ["3", "5"]


@pytest.mark.skipif(not PKCS11.exists(), reason=f"needs {PKCS11}")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
def test_pkcs11_signature_verifies_against_the_auth_certificate(
    card_in_reader: CardState, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.write_bytes("受付 challenge".encode())
    sig, pub = tmp_path / "sig", tmp_path / "pub.pem"
    cert = x509.load_der_x509_certificate(card_in_reader.auth_cert or b"")
    pub.write_bytes(
        cert.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    done = subprocess.run(
        [
            "pkcs11-tool",
            "--module",
            str(PKCS11),
            "--login",
            "--pin",
            get_profile("standard").auth_pin,
            "--sign",
            "-m",
            "SHA256-RSA-PKCS",
            "--id",
            "01",
            "-i",
            str(data),
            "-o",
            str(sig),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    check = _run(
        "openssl", "dgst", "-sha256", "-verify", str(pub), "-signature", str(sig), str(data)
    )
    assert check.returncode == 0 and "Verified OK" in check.stdout
    assert card_in_reader.pins[PinKind.AUTH].tries_left == 3  # the right PIN kept the count

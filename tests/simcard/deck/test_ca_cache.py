"""Certificate checks read the CRL once and again only when its file changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from kiosk.simcard.ca import CertificateAuthority, CertificateStatus
from kiosk.simcard.issue import issue_card

AT = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def home_and_cert(tmp_path: Path) -> tuple[Path, bytes]:
    card = issue_card("standard", today=date(2026, 11, 23), ca=CertificateAuthority.load(tmp_path))
    assert card.auth_cert is not None
    return tmp_path, card.auth_cert


def _count_crl_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    parses = [0]
    real = x509.load_der_x509_crl

    def counting(data: bytes, *args: Any) -> x509.CertificateRevocationList:
        parses[0] += 1
        return real(data, *args)

    monkeypatch.setattr(x509, "load_der_x509_crl", counting)
    return parses


def test_a_revocation_written_elsewhere_is_seen_by_the_next_check(
    home_and_cert: tuple[Path, bytes],
) -> None:
    home, cert = home_and_cert
    kiosk = CertificateAuthority.load(home)
    assert kiosk.verify_auth_certificate(cert, AT) is CertificateStatus.VALID
    assert kiosk.verify_auth_certificate(cert, AT) is CertificateStatus.VALID  # cached
    office = CertificateAuthority.load(home)  # the municipal tool, another process
    office.revoke(x509.load_der_x509_certificate(cert).serial_number)
    assert kiosk.verify_auth_certificate(cert, AT) is CertificateStatus.REVOKED


def test_a_crl_file_rewritten_in_place_is_read_again(home_and_cert: tuple[Path, bytes]) -> None:
    home, cert = home_and_cert
    ca = CertificateAuthority.load(home)
    before = ca.crl_der()
    ca.revoke(x509.load_der_x509_certificate(cert).serial_number)
    assert ca.verify_auth_certificate(cert, AT) is CertificateStatus.REVOKED
    (home / "ca" / "auth.crl").write_bytes(before)  # same file, older list
    assert ca.verify_auth_certificate(cert, AT) is CertificateStatus.VALID


def test_an_unchanged_crl_is_not_read_again(
    home_and_cert: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    home, cert = home_and_cert
    ca = CertificateAuthority.load(home)
    ca.verify_auth_certificate(cert, AT)
    parses = _count_crl_parses(monkeypatch)
    for _ in range(5):
        assert ca.verify_auth_certificate(cert, AT) is CertificateStatus.VALID
        assert CertificateAuthority.load(home).verify_auth_certificate(cert, AT) == "valid"
    assert parses[0] == 0
    (home / "ca" / "auth.crl").unlink()  # gone: issued anew, and read
    assert ca.verify_auth_certificate(cert, AT) is CertificateStatus.VALID
    assert parses[0] >= 1


def test_garbage_and_dates_are_still_judged(home_and_cert: tuple[Path, bytes]) -> None:
    home, cert = home_and_cert
    ca = CertificateAuthority.load(home)
    assert ca.verify_auth_certificate(b"not a certificate", AT) is CertificateStatus.UNKNOWN_CA
    assert ca.verify_auth_certificate(cert, datetime(2099, 1, 1, tzinfo=UTC)) == "expired"
    assert ca.verify_auth_certificate(cert, datetime(2001, 1, 1, tzinfo=UTC)) == "not_yet_valid"

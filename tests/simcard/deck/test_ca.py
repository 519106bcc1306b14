"""The simulated JPKI CAs: certificate shape, chain, CRL, verification, ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID

from kiosk.simcard.ca import CertificateAuthority, CertificateStatus, verify_auth_certificate
from kiosk.simcard.ledger import CaError, CertificateKind
from kiosk.simcard.state import CardState

TODAY = date(2026, 11, 23)  # the day conftest.py issues the session cards


def _cert(der: bytes | None) -> x509.Certificate:
    assert der is not None
    return x509.load_der_x509_certificate(der)


def test_auth_certificate_has_the_jpki_shape(cards: dict[str, CardState]) -> None:
    card = cards["standard"]
    cert = _cert(card.auth_cert)
    ca_cert = _cert(card.auth_ca_cert)
    assert cert.version is x509.Version.v3
    assert cert.signature_algorithm_oid == x509.oid.SignatureAlgorithmOID.RSA_WITH_SHA256
    key = cert.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "JP"
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == f"{cert.serial_number:X}"
    issuer = cert.issuer
    assert issuer == ca_cert.subject
    assert issuer.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "JP"
    units = [a.value for a in issuer.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)]
    assert units[0] == "JPKI for user authentication"
    assert units[1].startswith("Japan Agency for Local Authority Information Systems")
    assert "Simulated" in units[1]
    assert issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "JPKI-SIM"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature
    assert not usage.value.key_cert_sign and not usage.value.content_commitment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    dps = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    urls = [name.value for dp in dps for name in dp.full_name or ()]
    assert urls == ["http://crl.jpki-sim.invalid/13999/auth.crl"]
    # the chain verifies: the certificate is signed by the CA on the card
    cert.verify_directly_issued_by(ca_cert)
    ca_cert.verify_directly_issued_by(ca_cert)
    assert ca_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_certificate_validity_follows_the_profile(cards: dict[str, CardState]) -> None:
    cert = _cert(cards["standard"].auth_cert)
    # issued with the card two years before TODAY (00:00 JST), to the 5th birthday after
    assert cert.not_valid_before_utc == datetime(2024, 11, 22, 15, 0, tzinfo=UTC)
    assert cert.not_valid_after_utc == datetime(2029, 2, 17, 14, 59, 59, tzinfo=UTC)


def test_sign_certificate_is_from_the_sign_ca(cards: dict[str, CardState]) -> None:
    card = cards["standard"]
    cert, ca_cert = _cert(card.sign_cert), _cert(card.sign_ca_cert)
    cert.verify_directly_issued_by(ca_cert)
    assert "JPKI for digital signature" in ca_cert.subject.rfc4514_string()
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.content_commitment and usage.value.digital_signature
    assert card.sign_cert != card.auth_cert and card.sign_key != card.auth_key


def test_card_key_matches_its_certificate(cards: dict[str, CardState]) -> None:
    from cryptography.hazmat.primitives import hashes, serialization

    card = cards["standard"]
    assert card.auth_key is not None
    key = serialization.load_der_private_key(card.auth_key, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    signature = key.sign(b"challenge", padding.PKCS1v15(), hashes.SHA256())
    public = _cert(card.auth_cert).public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    public.verify(signature, b"challenge", padding.PKCS1v15(), hashes.SHA256())


def test_verify_statuses(ca: CertificateAuthority, cards: dict[str, CardState]) -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    good = cards["standard"].auth_cert
    assert good is not None
    assert ca.verify_auth_certificate(good, now) is CertificateStatus.VALID
    assert ca.verify_auth_certificate(good, datetime(2030, 1, 1)) is CertificateStatus.EXPIRED
    assert ca.verify_auth_certificate(good, datetime(2024, 1, 1)) is CertificateStatus.NOT_YET_VALID
    expired = cards["expired-certificate"].auth_cert
    assert expired is not None
    assert ca.verify_auth_certificate(expired, now) is CertificateStatus.EXPIRED
    revoked = cards["revoked-certificate"].auth_cert
    assert revoked is not None
    assert ca.verify_auth_certificate(revoked, now) is CertificateStatus.REVOKED
    assert ca.verify_auth_certificate(b"not a certificate", now) is CertificateStatus.UNKNOWN_CA
    # a sign certificate is not from the auth CA
    sign = cards["standard"].sign_cert
    assert sign is not None
    assert ca.verify_auth_certificate(sign, now) is CertificateStatus.UNKNOWN_CA


def test_foreign_certificate_is_unknown_ca(ca: CertificateAuthority) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _cert(ca.auth_ca_cert).subject  # same name, different key: a forgery
    now = datetime.now(UTC)
    from cryptography.hazmat.primitives import hashes, serialization

    forged = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "X")]))
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    der = forged.public_bytes(serialization.Encoding.DER)
    assert ca.verify_auth_certificate(der, now) is CertificateStatus.UNKNOWN_CA


def test_crl_is_signed_and_lists_the_revoked(
    ca: CertificateAuthority, cards: dict[str, CardState]
) -> None:
    crl = x509.load_der_x509_crl(ca.crl_der())
    ca_cert = _cert(ca.auth_ca_cert)
    public = ca_cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    assert crl.is_signature_valid(public)
    assert crl.issuer == ca_cert.subject
    revoked = _cert(cards["revoked-certificate"].auth_cert).serial_number
    good = _cert(cards["standard"].auth_cert).serial_number
    assert crl.get_revoked_certificate_by_serial_number(revoked) is not None
    assert crl.get_revoked_certificate_by_serial_number(good) is None
    assert ca.is_revoked(revoked) and not ca.is_revoked(good)
    assert (ca.state_dir / "auth.crl").read_bytes() == ca.crl_der()


def test_ledger_names_the_profile(ca: CertificateAuthority, cards: dict[str, CardState]) -> None:
    for name in ("standard", "auth-pin-locked", "face-only"):
        serial = _cert(cards[name].auth_cert).serial_number
        assert ca.profile_of(serial) == name
        entry = ca.ledger_entry(serial)
        assert entry is not None and entry.card_serial == cards[name].serial
    assert ca.profile_of(12345) is None


def test_state_lives_in_kiosk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.simcard.issue import issue_card

    monkeypatch.setenv("KIOSK_HOME", str(tmp_path))
    card = issue_card("revoked-certificate", today=TODAY)
    ca = CertificateAuthority.load()
    assert ca.state_dir == tmp_path / "ca"
    serial = _cert(card.auth_cert).serial_number
    assert ca.profile_of(serial) == "revoked-certificate"
    assert card.auth_cert is not None
    status = verify_auth_certificate(card.auth_cert, datetime(2026, 11, 23, tzinfo=UTC))
    assert status is CertificateStatus.REVOKED
    # the shipped CA (assets/ca) signs: cards move between homes and stay verifiable
    other = CertificateAuthority.load(home=tmp_path / "elsewhere")
    assert other.auth_ca_cert == ca.auth_ca_cert
    assert other.verify_auth_certificate(card.auth_cert, datetime(2026, 11, 23)) is (
        CertificateStatus.VALID
    )


def test_revoke_twice_is_harmless_and_unknown_serial_refused(tmp_path: Path) -> None:
    ca = CertificateAuthority.load(home=tmp_path)
    ca.revoke(77, CertificateKind.AUTH)
    ca.revoke(77, CertificateKind.AUTH)
    crl = x509.load_der_x509_crl(ca.crl_der())
    assert [r.serial_number for r in crl] == [77]
    assert (
        x509.load_der_x509_crl(ca.crl_der("sign")).get_revoked_certificate_by_serial_number(77)
        is None
    )
    with pytest.raises(CaError, match="not issued"):
        ca.revoke(78)


def test_corrupt_ledger_is_reported_not_rewritten(tmp_path: Path) -> None:
    ca = CertificateAuthority.load(home=tmp_path)
    ledger = tmp_path / "ca" / "ledger.json"
    ledger.write_text("{ not json", encoding="utf-8")
    with pytest.raises(CaError, match=r"ledger\.json"):
        ca.profile_of(1)
    assert ledger.read_text(encoding="utf-8") == "{ not json"


def test_missing_ca_material_is_generated_in_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KIOSK_ASSETS", str(tmp_path / "no-assets"))
    ca = CertificateAuthority.load(home=tmp_path / "home")
    assert (tmp_path / "home" / "ca" / "auth-ca.pem").is_file()
    again = CertificateAuthority.load(home=tmp_path / "home")
    assert again.auth_ca_cert == ca.auth_ca_cert  # generated once, then reused


def test_unreadable_crl_is_reissued(tmp_path: Path) -> None:
    ca = CertificateAuthority.load(home=tmp_path)
    ca.revoke(99, CertificateKind.AUTH)
    (tmp_path / "ca" / "auth.crl").write_bytes(b"garbage")
    crl = x509.load_der_x509_crl(ca.crl_der())
    assert crl.get_revoked_certificate_by_serial_number(99) is not None


def test_card_from_another_home_is_registered(cards: dict[str, CardState], tmp_path: Path) -> None:
    from kiosk.simcard.issue import register_card

    elsewhere = CertificateAuthority.load(home=tmp_path)
    revoked, standard = cards["revoked-certificate"], cards["standard"]
    assert revoked.auth_cert is not None and standard.auth_cert is not None
    now = datetime(2026, 11, 23, tzinfo=UTC)
    # before: this home's CRL does not know the card, its ledger neither
    assert elsewhere.verify_auth_certificate(revoked.auth_cert, now) is CertificateStatus.VALID
    assert register_card(revoked, ca=elsewhere) is True
    assert register_card(standard, ca=elsewhere) is True
    assert register_card(standard, ca=elsewhere) is False  # known already
    assert elsewhere.verify_auth_certificate(revoked.auth_cert, now) is CertificateStatus.REVOKED
    assert elsewhere.verify_auth_certificate(standard.auth_cert, now) is CertificateStatus.VALID
    assert elsewhere.profile_of(_cert(standard.auth_cert).serial_number) == "standard"

"""The simulated online eligibility service against the simulated CA and the card deck."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from helpers.issued import World, issued_world
from kiosk.config import Settings
from kiosk.eligibility import (
    CertificateAlert,
    CertificateRejectedError,
    ConsentItem,
    Consents,
    EligibilityService,
    QualificationValidity,
    ServiceUnavailableError,
    SimulatedEligibilityService,
)
from kiosk.simcard.issue import issue_card

PROFILES = (
    "standard",
    "expired-certificate",
    "expired-grace",
    "expiring-soon",
    "revoked-certificate",
    "unregistered",
    "qualification-invalid",
    "no-qualification",
    "elderly",
    "high-cost",
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """One CA (in its own home) and an auth certificate per profile, issued today."""
    return issued_world(tmp_path_factory.mktemp("ca-home"), PROFILES)


def self_signed() -> bytes:
    """A certificate no JPKI CA issued."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not JPKI")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now() - timedelta(days=1))
        .not_valid_after(now() + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def now() -> datetime:
    return datetime.now(UTC)


def service(world: World, tmp_path: Path, **kw: object) -> SimulatedEligibilityService:
    return SimulatedEligibilityService(world[0], home=tmp_path, **kw)  # type: ignore[arg-type]


def test_satisfies_the_protocol(world: World, tmp_path: Path) -> None:
    svc: EligibilityService = service(world, tmp_path)
    assert svc.is_registered(world[1]["standard"])


def test_valid_card_gives_the_deck_insurance_record(world: World, tmp_path: Path) -> None:
    at = now()
    consents = Consents(at, {ConsentItem.MEDICATION: True})
    result = service(world, tmp_path).confirm(world[1]["standard"], at=at, consents=consents)
    assert result.validity == QualificationValidity.VALID and result.is_valid
    assert result.consents == consents and result.certificate_alert is None
    ins, person = result.insurance, result.person
    assert ins is not None and person is not None
    assert ins.insurer_number == "06139992" and ins.insured_identification_number == "1234"
    assert ins.insured_card_symbol == "見本" and ins.insured_branch_number == "00"
    assert ins.insured_partial_contribution_ratio == "030"
    assert ins.insurer_name == "見本健康保険組合"
    assert ins.insured_certificate_issuance_date == date(2024, 4, 1)
    assert person.name == "見本\u3000太郎" and person.name_kana == "ﾐﾎﾝ ﾀﾛｳ"
    assert person.birthdate == date(1980, 2, 17) and person.sex1 == "1"
    assert person.post_number == "100-0001"


def test_limit_elderly_and_specific_disease_data(world: World, tmp_path: Path) -> None:
    svc = service(world, tmp_path)
    high = svc.confirm(world[1]["high-cost"], at=now()).insurance
    assert high is not None and high.limit_certificate is not None
    assert high.limit_certificate.classification_flag == "A03"
    assert high.limit_certificate.valid_end_date == date(2027, 7, 31)
    assert (
        high.specific_diseases
        and high.specific_diseases[0]["SpecificDiseasesDiseaseCategory"] == "01"
    )
    elderly = svc.confirm(world[1]["elderly"], at=now()).insurance
    assert elderly is not None and elderly.elderly_recipient is not None
    assert elderly.elderly_recipient.contribution_ratio == "020"


def test_validity_2_and_4(world: World, tmp_path: Path) -> None:
    svc = service(world, tmp_path)
    invalid = svc.confirm(world[1]["qualification-invalid"], at=now())
    assert invalid.validity == QualificationValidity.INVALID and invalid.insurance is not None
    none = svc.confirm(world[1]["no-qualification"], at=now())
    assert none.validity == QualificationValidity.NO_QUALIFICATION and none.insurance is None


@pytest.mark.parametrize(
    ("profile", "status"), [("revoked-certificate", "revoked"), ("expired-certificate", "expired")]
)
def test_rejected_certificates_are_006(
    world: World, tmp_path: Path, profile: str, status: str
) -> None:
    with pytest.raises(CertificateRejectedError) as caught:
        service(world, tmp_path).confirm(world[1][profile], at=now())
    assert caught.value.status == status and caught.value.code == "006"


def test_revocation_is_read_from_the_crl_when_it_happens(world: World, tmp_path: Path) -> None:
    ca = world[0]
    state = issue_card("standard", ca=ca)
    assert state.auth_cert is not None
    svc = service(world, tmp_path)
    assert svc.confirm(state.auth_cert, at=now()).is_valid
    from cryptography import x509

    ca.revoke(x509.load_der_x509_certificate(state.auth_cert).serial_number)
    with pytest.raises(CertificateRejectedError):
        svc.confirm(state.auth_cert, at=now())


def test_foreign_or_garbage_certificates_are_rejected(world: World, tmp_path: Path) -> None:
    foreign = self_signed()
    svc = service(world, tmp_path)
    for cert in (foreign, b"\x30\x03garbage"):
        with pytest.raises(CertificateRejectedError) as caught:
            svc.confirm(cert, at=now())
        assert caught.value.status == "unknown-ca"


def test_expiry_alerts(world: World, tmp_path: Path) -> None:
    svc = service(world, tmp_path)
    grace = svc.confirm(world[1]["expired-grace"], at=now())
    assert grace.is_valid and grace.certificate_alert == CertificateAlert.EXPIRED_GRACE
    soon = svc.confirm(world[1]["expiring-soon"], at=now())
    assert soon.certificate_alert == CertificateAlert.RENEW_SOON
    # the grace period ends about 3 months after expiry
    assert grace.certificate_expires is not None
    with pytest.raises(CertificateRejectedError):
        svc.confirm(world[1]["expired-grace"], at=grace.certificate_expires + timedelta(days=100))


def test_registration_persists(world: World, tmp_path: Path) -> None:
    cert = world[1]["unregistered"]
    assert not service(world, tmp_path).is_registered(cert)
    service(world, tmp_path).register(cert)
    assert service(world, tmp_path).is_registered(cert)  # a new service object: from disk
    assert not service(world, tmp_path / "elsewhere").is_registered(cert)


def test_failure_injection(world: World, tmp_path: Path) -> None:
    cert = world[1]["standard"]
    svc = service(world, tmp_path)
    svc.fail_next(2)
    for _ in range(2):
        with pytest.raises(ServiceUnavailableError, match="did not answer"):
            svc.confirm(cert, at=now())
    assert svc.confirm(cert, at=now()).is_valid
    flaky = service(world, tmp_path, failure_rate=0.5, rng=random.Random(7))
    outcomes = []
    for _ in range(40):
        try:
            flaky.confirm(cert, at=now())
            outcomes.append(True)
        except ServiceUnavailableError:
            outcomes.append(False)
    assert 8 < outcomes.count(False) < 32
    always = SimulatedEligibilityService.from_settings(
        Settings(eligibility_failure_rate=1.0), ca=world[0], home=tmp_path
    )
    with pytest.raises(ServiceUnavailableError):
        always.is_registered(cert)


def test_latency_is_simulated(world: World, tmp_path: Path) -> None:
    slept: list[float] = []
    svc = SimulatedEligibilityService.from_settings(
        Settings(eligibility_latency_ms=1500), ca=world[0], home=tmp_path, sleep=slept.append
    )
    svc.confirm(world[1]["standard"], at=now())
    assert slept == [1.5]

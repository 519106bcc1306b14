"""A real card's certificate: trusted when its CA is in the settings, error 006 otherwise;
a whole reception through pcscd with such a card, 照合番号B read off a photo of its front."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from helpers.doubles import MemoryRecords
from kiosk.card.mynumber import MyNumberCard
from kiosk.cardfront.ocr import read_front
from kiosk.cardfront.render import render_front
from kiosk.config import Settings
from kiosk.devices import served
from kiosk.eligibility import CertificateRejectedError, SimulatedEligibilityService
from kiosk.eligibility.trust import TrustedCas, TrustError
from kiosk.reception import State
from kiosk.reception.clock import ManualClock
from kiosk.reception.events import Event
from kiosk.simcard.deck import get_profile
from kiosk.simcard.issue import issue_card
from kiosk.simcard.state import CardState
from kiosk.simcard.virtual import VirtualCard
from kiosk.vocabulary import IdentityMethod
from kiosk.wiring.adapters import CaCertificates
from kiosk.wiring.services import build_services

READER = "Virtual PCD 00 00"
NOW = datetime.now(UTC)


def _name(unit: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test JPKI"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit),
        ]
    )


@pytest.fixture(scope="module")
def real_ca() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A stand-in for a real JPKI root: not the simulated CA, self-signed, made here."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = _name("JPKI for user authentication (test root)")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=365))
        .not_valid_after(NOW + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def real_card(ca: tuple[rsa.RSAPrivateKey, x509.Certificate], *, days: int = 365) -> CardState:
    """A deck card whose auth certificate the test root issued instead (same card key)."""
    ca_key, ca_cert = ca
    state = issue_card("standard")
    assert state.auth_key is not None
    key = serialization.load_der_private_key(state.auth_key, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "REALCARD0001")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=30))
        .not_valid_after(NOW + timedelta(days=days))
        .sign(ca_key, hashes.SHA256())
    )
    state.auth_cert = cert.public_bytes(serialization.Encoding.DER)
    state.auth_ca_cert = ca_cert.public_bytes(serialization.Encoding.DER)
    return state


@pytest.fixture
def ca_files(
    tmp_path: Path, real_ca: tuple[rsa.RSAPrivateKey, x509.Certificate]
) -> tuple[Path, Path]:
    pem, der = tmp_path / "root.pem", tmp_path / "root.der"
    pem.write_bytes(real_ca[1].public_bytes(serialization.Encoding.PEM))
    der.write_bytes(real_ca[1].public_bytes(serialization.Encoding.DER))
    return pem, der


def test_trusted_cas_from_pem_or_der(
    ca_files: tuple[Path, Path], real_ca: tuple[rsa.RSAPrivateKey, x509.Certificate]
) -> None:
    card = real_card(real_ca)
    assert card.auth_cert is not None
    for path in ca_files:
        trusted = TrustedCas.load([path])
        assert trusted.status(card.auth_cert, NOW) == "valid"
        assert trusted.status(card.auth_cert, NOW + timedelta(days=400)) == "expired"
    simulated = issue_card("standard").auth_cert
    assert simulated is not None
    assert TrustedCas.load([ca_files[0]]).status(simulated, NOW) == "unknown_ca"
    assert TrustedCas.load([ca_files[0]]).status(b"\x30\x03garbage", NOW) == "unknown_ca"


def test_a_bad_trusted_ca_file_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate")
    with pytest.raises(TrustError, match=r"junk.pem: not an X.509 certificate"):
        TrustedCas.load([junk])
    with pytest.raises(TrustError, match=r"missing.pem: cannot be read"):
        TrustedCas.load([tmp_path / "missing.pem"])
    settings = Settings().with_overrides({"trusted_ca_files": [str(junk)]})
    with pytest.raises(TrustError):
        build_services(settings, records=MemoryRecords())


def test_the_service_answers_for_a_trusted_real_card_and_rejects_it_otherwise(
    ca_files: tuple[Path, Path], real_ca: tuple[rsa.RSAPrivateKey, x509.Certificate]
) -> None:
    cert = real_card(real_ca).auth_cert
    assert cert is not None
    with pytest.raises(CertificateRejectedError):
        SimulatedEligibilityService().confirm(cert, at=NOW)
    assert CaCertificates().check(cert, NOW).status == "unknown_ca"
    settings = Settings().with_overrides(
        {"trusted_ca_files": [str(ca_files[0])], "real_card_profile": "standard"}
    )
    service = SimulatedEligibilityService.from_settings(settings)
    assert service.is_registered(cert)
    result = service.confirm(cert, at=NOW)
    assert int(result.validity) == 1 and result.person is not None
    plain = SimulatedEligibilityService.from_settings(
        Settings().with_overrides({"trusted_ca_files": [str(ca_files[1])]})
    )
    assert int(plain.confirm(cert, at=NOW).validity) == 4  # 該当資格なし: nobody to answer for
    assert CaCertificates(trusted=[ca_files[1]]).check(cert, NOW).status == "valid"


@pytest.fixture
def real_card_in_reader(
    pcscd: None, real_ca: tuple[rsa.RSAPrivateKey, x509.Certificate]
) -> Iterator[CardState]:
    state = real_card(real_ca)
    with served(VirtualCard(state), READER):
        yield state


def _reception(settings: Settings, card_camera: str | None = None) -> tuple[object, MemoryRecords]:
    records = MemoryRecords()
    services = build_services(
        settings,
        camera="scripted:match",
        records=records,
        clock=ManualClock(),
        card_camera=card_camera,
    )
    services.insert_card(f"pcsc:{READER}")
    return services, records


@pytest.mark.pcsc
def test_a_real_card_through_pcscd_untrusted_is_006_trusted_goes_through(
    real_card_in_reader: CardState, ca_files: tuple[Path, Path], tmp_path: Path
) -> None:
    services, _ = _reception(Settings())
    flow = services.reception()  # type: ignore[attr-defined]
    assert flow.send(Event.CARD_PLACED) == State.CARD_ERROR
    assert flow.screen().details["error_code"] == "006"
    services.close()  # type: ignore[attr-defined]

    picture = tmp_path / "front.png"
    render_front(real_card_in_reader.face).save(picture)
    settings = Settings().with_overrides(
        {"trusted_ca_files": [str(ca_files[0])], "real_card_profile": "standard"}
    )
    services, records = _reception(settings, card_camera=f"image:{picture}")
    flow = services.reception()  # type: ignore[attr-defined]
    assert flow.send(Event.CARD_PLACED) == State.METHOD
    if read_front(render_front(real_card_in_reader.face)).verify_b is not None:
        flow.send(Event.CHOOSE_FACE)
        state = flow.send(Event.LOOK_AT_CAMERA)
        method = IdentityMethod.FACE
    else:  # the front was not read surely: the face path closes, the PIN is offered
        flow.send(Event.CHOOSE_FACE)
        flow.send(Event.CHOOSE_PIN)
        state = flow.send(Event.PIN_ENTERED, get_profile("standard").auth_pin)
        method = IdentityMethod.PIN
    assert state == State.CONSENT
    flow.send(Event.CONSENT, True)
    flow.send(Event.CONSENT, False)
    assert flow.send(Event.HIGH_COST, False) == State.DONE
    assert records.receptions[-1].method == method
    services.close()  # type: ignore[attr-defined]


@pytest.mark.pcsc
def test_without_a_card_camera_a_pcsc_card_has_no_face_path(
    real_card_in_reader: CardState, ca_files: tuple[Path, Path]
) -> None:
    settings = Settings().with_overrides({"trusted_ca_files": [str(ca_files[0])]})
    services, _ = _reception(settings)
    flow = services.reception()  # type: ignore[attr-defined]
    flow.send(Event.CARD_PLACED)
    flow.send(Event.CHOOSE_FACE)
    assert flow.screen().details.get("face_reason") == "photo"
    services.close()  # type: ignore[attr-defined]


def test_face_only_card_is_recognised_from_the_chip_and_advised_office_only() -> None:
    face_only = VirtualCard(issue_card("face-only"))
    read = MyNumberCard(face_only).read_for_reception()
    assert (read.auth_tries_left, read.sign_tries_left) == (0, 5)
    assert read.face_only and read.sign_certificate is False
    statuses = MyNumberCard(face_only).all_pin_status()
    assert all(s.face_only for s in statuses)
    for status in statuses:
        text = status.unlock_ja + status.unlock_en
        assert "コンビニ" not in text and "store" not in text
        assert status.to_dict()["unlock_at"] in ([], ["office"])
    locked = MyNumberCard(VirtualCard(issue_card("auth-pin-locked")))
    read = locked.read_for_reception()
    assert read.auth_pin_blocked and read.sign_certificate is True and not read.face_only
    auth = locked.all_pin_status()[0]
    assert not auth.face_only and "コンビニ" in auth.unlock_ja


def test_broken_chip_card_is_not_recognised() -> None:
    from kiosk.card.errors import CardDataError

    with pytest.raises(CardDataError):
        MyNumberCard(VirtualCard(issue_card("broken-chip"))).read_for_reception()

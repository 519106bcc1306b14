"""No PIN, individual number or face data reaches the records database (WAL included) or
the result file, and the API refuses values that look like them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.config import Settings
from kiosk.eligibility import ConsentItem, Consents, SimulatedEligibilityService
from kiosk.records import AuditEvent, AuditKind, IdentityMethod, Outcome, RecordError, open_records
from kiosk.simcard.ca import CertificateAuthority
from kiosk.simcard.issue import issue_card

AT = datetime(2026, 4, 1, 0, 30, tzinfo=UTC)
AUTH_PIN = "7391"
SIGN_PIN = "QZ7XK2PW"


def found(secret: str, data: bytes) -> bool:
    """``secret`` as a value of its own (not inside a longer run of hex digits)."""
    token = re.escape(secret.encode())
    return re.search(rb"(?<![0-9A-Fa-f])" + token + rb"(?![0-9A-Fa-f])", data) is not None


@pytest.mark.parametrize("method", [IdentityMethod.PIN, IdentityMethod.VISUAL])
def test_files_never_hold_pins_or_the_individual_number(tmp_path: Path, method: str) -> None:
    ca = CertificateAuthority.load()
    card = issue_card("high-cost", auth_pin=AUTH_PIN, sign_pin=SIGN_PIN, ca=ca)
    assert card.auth_cert is not None
    secrets = [AUTH_PIN, SIGN_PIN, card.individual_number, card.verify_b]
    secrets += [p for p in ("2345", "3456", "4567")]  # the deck's other PINs of this card
    service = SimulatedEligibilityService(ca)
    settings = Settings(outbox=tmp_path / "outbox", card_salt_file=tmp_path / "salt")
    (tmp_path / "salt").write_text("ab" * 32)
    url = f"sqlite:///{tmp_path / 'db' / 'records.db'}"
    from cryptography import x509

    serial = x509.load_der_x509_certificate(card.auth_cert).serial_number
    with open_records(settings, url=url) as records:
        for n in range(3):
            rid = f"rx-{n}"
            at = AT + timedelta(minutes=n)
            consents = Consents(at, {ConsentItem.MEDICATION: True}, limit_info=True)
            result = service.confirm(card.auth_cert, at=at, consents=consents)
            events = [
                AuditEvent(AuditKind.CARD_READ, at, rid),
                AuditEvent(AuditKind.METHOD_CHOSEN, at, rid, detail={"method": str(method)}),
                AuditEvent(AuditKind.PIN_WRONG, at, rid, detail={"which": "auth", "tries_left": 2}),
                AuditEvent(AuditKind.PIN_LOCKED, at, rid, detail={"which": "hojo"}),
            ]
            if method == IdentityMethod.VISUAL:
                events.append(AuditEvent(AuditKind.VISUAL_CONFIRMED, at, rid, staff_id="staff-07"))
            receipt = records.record_reception(
                rid,
                at=at,
                cert_serial=serial,
                method=IdentityMethod(method),
                result=result,
                consents=consents,
                staff_id="staff-07" if method == "visual" else None,
                events=events,
            )
            records.record_outcome(f"{rid}-b", at=at, outcome=Outcome.CANCELLED, cert_serial=serial)
        # the database files, WAL included, while the connection is still open
        files = sorted((tmp_path / "db").iterdir())
        assert any(f.name.endswith("-wal") for f in files)
        for path in [*files, receipt.xml_path]:
            data = path.read_bytes()
            for secret in secrets:
                assert not found(secret, data), f"{path.name} holds a secret"
            assert str(serial).encode() not in data and f"{serial:x}".encode() not in data


@pytest.mark.parametrize(
    "detail",
    [
        {"entered": "1234"},
        {"pin": " 7391 "},
        {"number": "123456789012"},
        {"pin_value": "x"},
        {"individual_number": "x"},
        {"face_encoding": "x"},
        {"photo": "x"},
        {"face_image": "x"},
        {"blob": b"\x00\x01"},
    ],
)
def test_audit_details_that_could_be_secrets_are_refused(detail: dict[str, object]) -> None:
    with pytest.raises(RecordError) as caught:
        AuditEvent(AuditKind.PIN_WRONG, AT, "rx", detail=detail)  # type: ignore[arg-type]
    for value in detail.values():
        if isinstance(value, str) and value.strip().isdigit():
            assert value.strip() not in str(caught.value)  # the message names the key only


def test_ordinary_details_are_kept() -> None:
    detail = {"which": "auth", "tries_left": 2, "face_tries_left": 1, "distance": 0.62}
    assert AuditEvent(AuditKind.FACE_FAILED, AT, "rx", detail=detail).detail == detail


def test_staff_ids_must_not_be_digits_only() -> None:
    with pytest.raises(RecordError):
        AuditEvent(AuditKind.VISUAL_CONFIRMED, AT, "rx", staff_id="1234")
    assert AuditEvent(AuditKind.VISUAL_CONFIRMED, AT, "rx", staff_id="s-12").staff_id == "s-12"

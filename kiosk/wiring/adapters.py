"""Adapters from the flow's ports (kiosk.reception.ports) to the real packages: the card
session over any Transport, the simulated CA, the eligibility service, the records store and
the staff password."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509

from kiosk.card.errors import CardError, NoCardError, PinBlockedError, WrongPinError
from kiosk.card.mynumber import MyNumberCard
from kiosk.card.transport import Transport
from kiosk.cardfront.camera import card_state
from kiosk.cardfront.reader import FrontReader
from kiosk.config import Settings, staff_password_ok
from kiosk.eligibility.model import Consents, PrescriptionForm
from kiosk.eligibility.service import EligibilityService
from kiosk.eligibility.trust import TrustedCas
from kiosk.reception.events import UNNAMED_STAFF
from kiosk.reception.ports import (
    CardReading,
    CertificateCheck,
    Qualification,
    ReceptionResult,
)
from kiosk.records.model import AuditEvent
from kiosk.simcard.ca import CertificateAuthority
from kiosk.vocabulary import CARD_CODES, AuditKind, EligibilityFault, IdentityMethod, Outcome


class CardDataMissingError(CardError):
    """The kiosk cannot open the card face (照合番号B unknown: the card front was not read)."""


class TransportCardSession:
    """The flow's PlacedCard over kiosk.card.mynumber.MyNumberCard.

    ``verify_b`` is 照合番号B when it is known beforehand; otherwise ``front`` reads it off the
    card front when the face photo is first needed (a sure reading only: unsure, it raises a
    CardError and the flow closes the face path). A 照合番号B the card refuses is never sent
    again. ``face_only`` is what the printed 追記欄 says (None: the chip's guess).
    """

    def __init__(
        self,
        transport: Transport,
        *,
        verify_b: str | None = None,
        face_only: bool | None = None,
        front: FrontReader | None = None,
    ) -> None:

        self.card: MyNumberCard = MyNumberCard(transport)
        self._transport = transport
        self._verify_b = verify_b
        self._face_only = face_only
        self._front = front
        self._refused = False

    def read_for_reception(self) -> CardReading:
        read = self.card.read_for_reception()
        face_only = read.face_only if self._face_only is None else self._face_only
        return CardReading(read.auth_certificate, read.auth_tries_left, face_only)

    def read_face_photo(self) -> bytes:
        if self._refused:
            raise CardDataMissingError("the card refused 照合番号B from its front: not tried again")
        verify_b = self._verify_b
        if verify_b is None and self._front is not None:
            verify_b = self._front.verify_b(self._transport)
        if verify_b is None:
            raise CardDataMissingError("照合番号B is unknown: the card front was not photographed")
        try:
            return self.card.read_face_photo(verify_b)
        except (WrongPinError, PinBlockedError):
            self._refused = True
            if self._front is not None:
                self._front.refused(verify_b)
            raise

    def prove_possession(self, pin: str) -> None:
        self.card.prove_possession(pin)

    def pin_statuses(self) -> list[Any]:
        return self.card.all_pin_status()

    def close(self) -> None:
        self.card.close()


class TransportSlot:
    """The reader: holds the transport of the card lying on it (or none).

    ``insert`` a VirtualCard or any Transport (a CountingTransport around one, pyscard …);
    ``remove`` takes it away (powers it off). The flow then gets ``card_removed()``.
    ``front`` is the reader's card-front camera and OCR (照合番号B); without one, a virtual
    card hands over the 照合番号B printed on its face as is.
    """

    def __init__(self, front: FrontReader | None = None) -> None:
        self.transport: Transport | None = None
        self.verify_b: str | None = None
        self.face_only: bool | None = None
        self.front = front

    def insert(
        self, transport: Transport, *, verify_b: str | None = None, face_only: bool | None = None
    ) -> None:
        """Put a card on the reader; for a virtual card the 追記欄 comes from its face."""
        state = card_state(transport)
        if state is not None and verify_b is None and self.front is None:
            verify_b = state.verify_b
        if state is not None and face_only is None:
            face_only = bool(state.face_only)
        self.transport, self.verify_b, self.face_only = transport, verify_b, face_only

    def remove(self) -> None:
        transport, self.transport = self.transport, None
        if transport is not None:
            with contextlib.suppress(CardError):
                transport.close()

    def open(self) -> TransportCardSession:
        if self.transport is None:
            raise NoCardError("no card on the reader")
        return TransportCardSession(
            self.transport, verify_b=self.verify_b, face_only=self.face_only, front=self.front
        )

    def pin_statuses(self) -> list[Any]:
        """Every PIN's tries left (kiosk.card.mynumber.PinStatus), spending no try. Between
        receptions only: during one, ask the flow (``Reception.pin_statuses``), whose card
        session must stay the only one talking to the card."""
        return self.open().pin_statuses()


class CaCertificates:
    """CertificateChecker over the simulated JPKI CA (its certificate and CRL) and the real
    JPKI CAs the facility trusts (``trusted``: CA files, loaded at once)."""

    def __init__(
        self, ca: CertificateAuthority | None = None, *, trusted: Sequence[Path] = ()
    ) -> None:
        self._ca = ca
        self.trusted = TrustedCas.load(trusted)

    @property
    def ca(self) -> CertificateAuthority:
        if self._ca is None:
            self._ca = CertificateAuthority.load()
        return self._ca

    def check(self, cert_der: bytes, at: datetime) -> CertificateCheck:

        status = str(self.ca.verify_auth_certificate(cert_der, at).value)
        if status == "unknown_ca" and self.trusted:
            status = self.trusted.status(cert_der, at)
        try:
            cert = x509.load_der_x509_certificate(bytes(cert_der))
        except ValueError:
            return CertificateCheck("unknown_ca", 0, at)
        return CertificateCheck(status, cert.serial_number, cert.not_valid_after_utc)


class ServiceEligibility:
    """Eligibility over kiosk.eligibility (the simulated オンライン資格確認)."""

    def __init__(self, service: EligibilityService) -> None:
        self.service = service

    def is_registered(self, cert_der: bytes) -> bool:
        return self.service.is_registered(cert_der)

    def register(self, cert_der: bytes) -> None:
        self.service.register(cert_der)

    def lookup(
        self, cert_der: bytes, at: datetime, checked: CertificateCheck | None = None
    ) -> Qualification:
        status = checked.status if checked is not None else None
        result = self.service.confirm(cert_der, at=at, certificate_status=status)
        insurance = result.insurance
        person = result.person
        return Qualification(
            int(result.validity),
            has_limit_info=insurance is not None and insurance.limit_certificate is not None,
            has_specific_disease=insurance is not None and bool(insurance.specific_diseases),
            payload=result,
            name=person.name if person is not None else "",
            name_kana=person.name_kana if person is not None else "",
        )


DETAIL_KEYS = ("state", "tries_left", "attempt", "reason", "pin", "mode", "action", "fault")
"""The audit details the records keep (the rest — the reception id, the code, the serial —
have their own columns)."""


class StoreRecords:
    """Records over kiosk.records (hash-chained store + the result XML in the outbox).

    A visit's audit events are buffered and written with its record or its outcome, so a
    whole reception is one commit; staff actions are written at once.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self._pending: dict[str, list[Any]] = {}

    def record_reception(self, result: ReceptionResult) -> str | None:

        consents = Consents(
            given_at=result.finished_at,
            items=dict(result.consents),
            limit_info=result.limit_consent,
            specific_disease=result.specific_disease_consent,
        )
        form = None
        if result.electronic_prescription is not None:
            form = (
                PrescriptionForm.ELECTRONIC
                if result.electronic_prescription
                else PrescriptionForm.PAPER
            )
        receipt = self.store.record_reception(
            result.reception_id,
            at=result.finished_at,
            cert_serial=result.cert_serial,
            method=result.method,
            result=result.qualification.payload,
            consents=consents,
            prescription=form,
            staff_id=result.staff_id if result.method is IdentityMethod.VISUAL else None,
            events=self._pending.pop(result.reception_id, []),
        )
        path = getattr(receipt, "xml_path", None)
        return None if path is None else str(path)

    def record_event(
        self, kind: Outcome | AuditKind, details: Mapping[str, str | int], at: datetime
    ) -> None:
        reception_id = str(details.get("reception_id", "")) or None
        detail = {k: details[k] for k in DETAIL_KEYS if k in details}
        staff = str(details["staff_id"]) if "staff_id" in details else None
        staff_id = staff or UNNAMED_STAFF
        if isinstance(kind, Outcome):
            code = str(details.get("code", ""))
            serial = details.get("cert_serial")
            fault = str(details.get("fault", ""))
            portal = kind is Outcome.PORTAL_CONFIRMED  # 目視 of the マイナポータル screen
            self.store.record_outcome(
                reception_id or "none",
                at=at,
                outcome=kind,
                cert_serial=serial if isinstance(serial, int) else None,
                method=IdentityMethod.VISUAL if portal else None,
                staff_id=staff_id if portal else None,
                error_code=code if code in CARD_CODES else None,
                events=self._pending.pop(reception_id or "", []),
                failed_check=EligibilityFault(fault) if fault else None,
            )
        elif kind is AuditKind.STAFF:
            action = {"action": str(detail.get("action", ""))}
            self.store.record_event(AuditEvent(kind, at, reception_id, staff_id, action))
        else:
            event = AuditEvent(kind, at, reception_id, staff, detail)
            self._pending.setdefault(reception_id or "", []).append(event)

    def close(self) -> None:
        self.store.close()


class SettingsStaff:
    """The staff credential is the staff password of the facility settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def check(self, credential: str) -> bool:

        return staff_password_ok(self.settings, credential)

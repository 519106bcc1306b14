"""The work done on entering a state: read the card, check the certificate, check the PIN on
the card, look up eligibility, record. Each entry action takes the visit and returns the
next visit and, when its work decides what happens next, the follow-up event — which the
reception queues and runs after the current event has finished (entry actions never send
events themselves)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from kiosk.card.errors import (
    CardError,
    NotAPhoneError,
    NotMyNumberCardError,
    PhoneVerificationError,
    PinBlockedError,
    TransportError,
    WrongPinError,
)
from kiosk.errors import KioskError
from kiosk.reception.clock import Clock
from kiosk.reception.errors import need
from kiosk.reception.events import Event
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import (
    FACE_UNAVAILABLE,
    PHOTO_UNUSABLE,
    CardReading,
    CardSlot,
    CertificateChecker,
    Eligibility,
    FaceUnavailableError,
    FaceVerifier,
    PhoneReader,
    PlacedCard,
    ReceptionResult,
    Records,
)
from kiosk.reception.rules import PHONE_MOVED, PHONE_PIN_LOCKED, certificate_usable
from kiosk.reception.visit import Visit
from kiosk.vocabulary import (
    AUTH_PIN_TRIES,
    AuditKind,
    EligibilityFault,
    IdentityMethod,
    Outcome,
    PhoneOs,
    PinKind,
    ReaderError,
)

log = logging.getLogger("kiosk.reception")


Entry = Callable[["Ports", "Visit", Any], "Step"]
"""The work a state does on entry."""


class Step(NamedTuple):
    """What an entry action leaves: the visit, and the follow-up event (with its value)."""

    visit: Visit
    event: Event | None = None
    value: Any = None


@dataclass
class Ports:
    """The reception's ports (and its clock, policy and audit) as entry actions reach them."""

    slot: CardSlot
    certificates: CertificateChecker
    face: FaceVerifier
    eligibility: Eligibility
    records: Records
    clock: Clock
    policy: Callable[[], FlowPolicy]
    audit: Callable[[Visit, Outcome | AuditKind, dict[str, str | int]], None]
    phone: PhoneReader | None = None


def read_card(ports: Ports, visit: Visit, _: Any) -> Step:
    """READING: open the card, read it without a PIN, check its certificate and registration."""
    visit = visit.but(reception_id=uuid.uuid4().hex, started_at=ports.clock.now())
    try:
        card = ports.slot.open()
        visit = visit.but(card=card)
        reading = card.read_for_reception()
    except NotMyNumberCardError:
        return Step(visit.but(error=ReaderError.NOT_MY_NUMBER_CARD), Event.READ_FAILED)
    except CardError:
        return Step(visit.but(error=ReaderError.NOT_RECOGNISED), Event.READ_FAILED)
    visit = visit.but(reading=reading, auth_tries_left=reading.auth_pin_tries_left)
    now = ports.clock.now()
    try:
        cert = ports.certificates.check(reading.auth_certificate, now)
    except KioskError:
        return Step(visit.but(error=ReaderError.CERTIFICATE_INVALID), Event.READ_FAILED)
    visit = visit.but(cert=cert)
    if not certificate_usable(cert, now, ports.policy()):
        return Step(visit.but(error=ReaderError.CERTIFICATE_INVALID), Event.READ_FAILED)
    try:
        registered = ports.eligibility.is_registered(reading.auth_certificate)
    except KioskError as exc:
        log.warning("registration look-up failed: %s", type(exc).__name__)
        visit = _service_failed(ports, visit.but(error=ReaderError.SYSTEM), exc)
        return Step(visit, Event.READ_FAILED)
    return Step(visit.but(registered=registered), Event.READ_OK)


def open_face(ports: Ports, visit: Visit, _: Any) -> Step:
    """FACE: read the chip photo once per visit and (re)prepare the verifier when it is not
    ready (first attempt, or after a camera failure dropped the encoding)."""
    if visit.photo is not None and visit.face_prepared:
        return Step(visit)
    try:
        photo = visit.photo if visit.photo is not None else _card(visit).read_face_photo()
        visit = visit.but(photo=photo)
        ports.face.prepare(photo)
    except TransportError:
        return Step(visit, Event.CARD_REMOVED)
    except FaceUnavailableError:  # no model here: the face path is closed, PIN and staff remain
        log.warning("face verification unavailable on this kiosk (see kiosk doctor)")
        closed = visit.but(face_reason=FACE_UNAVAILABLE, face_failures=ports.policy().face_attempts)
        return Step(closed, Event.FACE_RESULT, False)
    except KioskError as exc:  # photo unreadable: the face path cannot be used
        log.warning("face photo unusable: %s", type(exc).__name__)
        closed = visit.but(photo=None, face_reason=PHOTO_UNUSABLE)
        closed = closed.but(face_failures=ports.policy().face_attempts)
        return Step(closed, Event.FACE_RESULT, False)
    return Step(visit.but(face_prepared=True))


def photo_for_staff(ports: Ports, visit: Visit, _: Any) -> Step:
    """STAFF_WAIT: the chip photo for the staff to compare (the printed one when unreadable);
    a smartphone patient shows the マイナポータル screen instead (no card, no photo)."""
    if visit.photo is not None or visit.card is None:
        return Step(visit)
    try:
        return Step(visit.but(photo=_card(visit).read_face_photo()))
    except TransportError:
        return Step(visit, Event.CARD_REMOVED)
    except CardError:
        return Step(visit)


def check_pin(ports: Ports, visit: Visit, pin: Any) -> Step:
    """PIN_CHECK: the card verifies the PIN and signs a challenge; the PIN is never kept."""
    try:
        _card(visit).prove_possession(str(pin))
    except WrongPinError as exc:
        visit = visit.but(auth_tries_left=exc.tries_left)
        ports.audit(visit, AuditKind.PIN_WRONG, {"tries_left": exc.tries_left})
        return note_pin_locked(ports, visit, None)
    except PinBlockedError:
        visit = visit.but(auth_tries_left=0)
        ports.audit(visit, AuditKind.PIN_WRONG, {"tries_left": 0})
        return note_pin_locked(ports, visit, None)
    except TransportError:
        return Step(visit, Event.CARD_REMOVED)
    except CardError as exc:  # possession not proven, card data unusable
        log.warning("PIN check failed: %s", type(exc).__name__)
        return Step(visit.but(error=ReaderError.NOT_RECOGNISED), Event.CHECK_FAILED)
    return Step(visit.but(auth_tries_left=AUTH_PIN_TRIES), Event.PIN_OK)


def note_pin_locked(ports: Ports, visit: Visit, _: Any) -> Step:
    """After a wrong PIN: PIN_WRONG, the lock noted when that was the last try (whether the
    patient then sees pin-locked or, with nothing else left, waits for the desk)."""
    if visit.auth_pin_locked:
        ports.audit(visit, AuditKind.PIN_LOCKED, {"pin": PinKind.AUTH.value})
    return Step(visit, Event.PIN_WRONG)


def qualify(ports: Ports, visit: Visit, _: Any) -> Step:
    """QUALIFYING: identity is settled (no face data beyond the one comparison); register the
    card when the patient asked to, then look up the insurance."""
    ports.face.forget()
    visit = visit.but(photo=None, face_prepared=False)
    cert = need(visit.reading, "card reading").auth_certificate
    try:
        if visit.wants_registration:
            ports.eligibility.register(cert)
            ports.audit(visit, AuditKind.REGISTERED, {})
        qualification = ports.eligibility.lookup(cert, ports.clock.now(), visit.cert)
    except KioskError as exc:
        log.warning("eligibility look-up failed: %s", type(exc).__name__)
        rejected = getattr(exc, "code", None) == ReaderError.CERTIFICATE_INVALID.value
        error = ReaderError.CERTIFICATE_INVALID if rejected else ReaderError.SYSTEM
        return Step(_service_failed(ports, visit.but(error=error), exc), Event.QUALIFY_FAILED)
    return Step(visit.but(qualification=qualification), Event.PROCEED)


def finish(ports: Ports, visit: Visit, _: Any) -> Step:
    """FINISHING: keep the record and hand the clinic system its result file."""
    result = ReceptionResult(
        reception_id=visit.reception_id,
        cert_serial=need(visit.cert, "certificate check").serial,
        method=need(visit.method, "identity method"),
        started_at=need(visit.started_at, "start time"),
        finished_at=ports.clock.now(),
        qualification=need(visit.qualification, "eligibility result"),
        consents=dict(visit.consents),
        high_cost=visit.high_cost,
        limit_consent=visit.limit_info,
        specific_disease_consent=visit.disease_info,
        electronic_prescription=visit.electronic_prescription,
        registered_now=visit.wants_registration,
        staff_id=visit.staff_id if visit.method is IdentityMethod.VISUAL else None,
    )
    try:
        path = ports.records.record_reception(result)
    except KioskError as exc:
        log.warning("recording failed: %s", type(exc).__name__)
        return Step(visit.but(error=ReaderError.SYSTEM), Event.RECORD_FAILED)
    return Step(visit.but(result_path=path), Event.RECORDED)


def _service_failed(ports: Ports, visit: Visit, exc: KioskError) -> Visit:
    """The visit after a failed eligibility call: how it failed, when the error says (timeout,
    refused, terminal authentication, error answer), noted for the records."""
    fault = getattr(exc, "fault", None)
    if not isinstance(fault, EligibilityFault):
        return visit
    visit = visit.but(service_fault=fault)
    ports.audit(visit, AuditKind.ELIGIBILITY_ERROR, {"fault": fault.value})
    return visit


# -- the smartphone path ------------------------------------------------------------------


def start_phone_visit(ports: Ports, visit: Visit, _: Any) -> Step:
    """PHONE_CHOOSE: a visit by smartphone begins (no card on the kiosk's reader)."""
    fresh = Visit(staff_visual=visit.staff_visual, by_phone=True)
    return Step(fresh.but(reception_id=uuid.uuid4().hex, started_at=ports.clock.now()))


def await_phone(ports: Ports, visit: Visit, pin: Any) -> Step:
    """PHONE_HOLD: keep the Android PIN just typed in the reader's port until the phone is
    read (never in the visit); read at once when the phone already lies there."""
    phone = _phone(ports)
    if visit.phone_os is PhoneOs.ANDROID and isinstance(pin, str):
        phone.arm(pin)
        visit = visit.but(phone_problem="")
    if phone.present():
        return Step(visit, Event.PHONE_PLACED)
    return Step(visit)


def read_phone(ports: Ports, visit: Visit, _: Any) -> Step:
    """PHONE_READING: the phone held over the reader: its kind, its PIN (Android) or its own
    user verification (iPhone), its certificate and a signature; then the certificate's
    status — a phone's certificate is usable only while valid (no grace months)."""
    phone = _phone(ports)
    try:
        reading = phone.read()
    except TransportError:  # taken away before the read finished: hold it again
        return Step(visit.but(phone_problem=PHONE_MOVED), Event.PHONE_LOST)
    except (WrongPinError, PinBlockedError) as exc:
        phone.disarm()
        left = exc.tries_left if isinstance(exc, WrongPinError) else 0
        problem = "wrong_pin" if left > 0 else PHONE_PIN_LOCKED
        visit = visit.but(auth_tries_left=left, phone_problem=problem)
        ports.audit(visit, AuditKind.PIN_WRONG, {"tries_left": left})
        return Step(visit, Event.PIN_WRONG)
    except PhoneVerificationError as exc:
        problem = "not_enrolled" if exc.reason == "not_enrolled" else "verification_failed"
        return _phone_refused(phone, visit, problem)
    except NotAPhoneError as exc:
        return _phone_refused(phone, visit, "card" if exc.card else "not_a_phone")
    except CardError as exc:
        log.warning("phone read failed: %s", type(exc).__name__)
        return _phone_refused(phone, visit, "unreadable")
    phone.disarm()
    visit = visit.but(phone_os=reading.os)
    try:
        cert = ports.certificates.check(reading.auth_certificate, ports.clock.now())
    except KioskError:
        return _phone_refused(phone, visit, "certificate_invalid")
    visit = visit.but(
        cert=cert, reading=CardReading(reading.auth_certificate, AUTH_PIN_TRIES, False)
    )
    if cert.status != "valid":
        known = cert.status in ("expired", "revoked")
        return _phone_refused(phone, visit, f"certificate_{cert.status if known else 'invalid'}")
    return Step(visit.but(phone_problem=""), Event.PHONE_OK)


def note_phone_failed(ports: Ports, visit: Visit, _: Any) -> Step:
    """PHONE_FAILED: the records note why the phone could not be used."""
    ports.audit(visit, AuditKind.PHONE_FAILED, {"reason": visit.phone_problem})
    return Step(visit)


def _phone_refused(phone: PhoneReader, visit: Visit, problem: str) -> Step:
    phone.disarm()
    return Step(visit.but(phone_problem=problem), Event.PHONE_REFUSED)


def _phone(ports: Ports) -> PhoneReader:
    return need(ports.phone, "phone reader")


def _card(visit: Visit) -> PlacedCard:
    return need(visit.card, "card session")

"""The work done on entering a state (card read, certificate check, PIN check on the card,
eligibility look-up, recording), and the visit's data, forgotten at the end of each visit."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

from kiosk.card.errors import CardError, NotMyNumberCard, PinBlocked, TransportError, WrongPin
from kiosk.errors import KioskError
from kiosk.reception.clock import Clock
from kiosk.reception.errors import FlowError, need
from kiosk.reception.policy import FlowPolicy
from kiosk.reception.ports import (
    PHOTO_UNUSABLE,
    CardReading,
    CardSession,
    CardSlot,
    CertificateCheck,
    CertificateChecker,
    Eligibility,
    FaceFrame,
    FaceVerifier,
    Qualification,
    ReceptionResult,
    Records,
)
from kiosk.reception.rules import certificate_usable
from kiosk.reception.states import ConsentItem, ErrorCode, Method, State

log = logging.getLogger("kiosk.reception.flow")
S = State


class VisitWork:
    """Mixed into Reception: entry work ``_enter_<state>`` and the visit's data."""

    state: Any
    _history: Any
    slot: CardSlot
    certificates: CertificateChecker
    face: FaceVerifier
    eligibility: Eligibility
    records: Records
    clock: Clock
    policy: FlowPolicy
    staff_visual: bool
    _last_event: str
    _frame_listeners: list[Any]
    _stop: Any

    _fire: Callable[..., Enum]  # DeclaredMachine._fire

    def _clear_visit(self) -> None:
        self.card: CardSession | None = None
        self.reading: CardReading | None = None
        self.cert: CertificateCheck | None = None
        self.error_code: ErrorCode | None = None
        self.wants_registration = False
        self.registered = True
        self.face_failures = 0
        self.face_reason = ""  # the last failed attempt's FaceVerdict.reason (screen details)
        self._face_prepared = False  # the face port holds this visit's photo encoding
        self.auth_tries_left: int | None = None
        self.method: Method | None = None
        self.qualification: Qualification | None = None
        self.consents: dict[ConsentItem, bool] = {}
        self.consent_index = 0
        self.high_cost_answer: bool | None = None
        self.limit_answer: bool | None = None
        self.disease_answer: bool | None = None
        self.prescription_answer: bool | None = None
        self.result_path: str | None = None
        self.started_at: datetime | None = None
        self.reception_id = ""
        self._photo: bytes | None = None

    def _end_visit(self) -> None:
        """Forget everything about the visit (face encoding, photo, card session)."""
        try:
            self.face.forget()
        finally:
            card = self.card
            self._clear_visit()
            self.staff_visual = False
            if card is not None:
                try:
                    card.close()
                except CardError:
                    log.debug("card already gone")

    def _enter_start(self, **_: Any) -> None:
        if self._history not in (S.DONE, S.CANCELLED, S.CARD_ERROR, S.START):
            self._audit("timed-out")
        self._end_visit()

    def _enter_cancelled(self, **_: Any) -> None:
        self._audit("card-removed" if self._last_event == "card_removed" else "cancelled")
        self._end_visit()

    def _enter_card_error(self, **_: Any) -> None:
        kind = {
            ErrorCode.CERTIFICATE_INVALID: "certificate-rejected",
            ErrorCode.SYSTEM: "service-error",
        }.get(self.error_code or ErrorCode.NOT_RECOGNISED, "card-error")
        self._audit(kind)
        self._end_visit_keep_code()

    def _end_visit_keep_code(self) -> None:
        code = self.error_code
        self._end_visit()
        self.error_code = code

    def _enter_reading(self, **_: Any) -> None:
        self.started_at = self.clock.now()
        self.reception_id = uuid.uuid4().hex
        try:
            self.card = self.slot.open()
            self.reading = self.card.read_for_reception()
        except NotMyNumberCard:
            self.error_code = ErrorCode.NOT_MY_NUMBER_CARD
        except CardError:
            self.error_code = ErrorCode.NOT_RECOGNISED
        if self.error_code is None:
            reading = need(self.reading, "card reading")
            self.auth_tries_left = reading.auth_pin_tries_left
            self.error_code = self._check_certificate(reading.auth_certificate)
        if self.error_code is None:
            self.error_code = self._check_registration(need(self.reading, "card reading"))
        if self.error_code is not None:
            self._fire("read_failed")
        else:
            self._fire("read_ok")

    def _check_registration(self, reading: CardReading) -> ErrorCode | None:
        try:
            self.registered = self.eligibility.is_registered(reading.auth_certificate)
        except KioskError as exc:
            log.warning("registration look-up failed: %s", type(exc).__name__)
            return ErrorCode.SYSTEM
        return None

    def _check_certificate(self, cert_der: bytes) -> ErrorCode | None:
        try:
            self.cert = self.certificates.check(cert_der, self.clock.now())
        except KioskError:
            return ErrorCode.CERTIFICATE_INVALID
        if not certificate_usable(self.cert, self.clock.now(), self.policy):
            return ErrorCode.CERTIFICATE_INVALID
        return None

    def _enter_face(self, **_: Any) -> None:
        """Read the chip photo once per visit; (re)prepare the verifier when it is not ready
        (first attempt, or after a camera failure made the flow drop the encoding)."""
        if self._photo is not None and self._face_prepared:
            return
        try:
            if self._photo is None:
                self._photo = self._card().read_face_photo()
            self.face.prepare(self._photo)
            self._face_prepared = True
        except TransportError:
            self._fire("card_removed")
        except KioskError as exc:  # photo unreadable: the face path cannot be used
            log.warning("face photo unusable: %s", type(exc).__name__)
            self._photo = None
            self.face_failures = self.policy.face_attempts
            self.face_reason = PHOTO_UNUSABLE
            self._fire("face_result", matched=False)

    def _enter_staff_wait(self, **_: Any) -> None:
        if self._photo is None:
            try:
                self._photo = self._card().read_face_photo()
            except TransportError:
                self._fire("card_removed")
            except CardError:
                self._photo = None  # staff compare with the printed photo instead

    def _enter_pin_check(self, pin: str = "", **_: Any) -> None:
        try:
            self._card().prove_possession(pin)
        except WrongPin as exc:
            self.auth_tries_left = exc.tries_left
            self._audit("pin-wrong", tries_left=exc.tries_left)
            self._fire("pin_wrong")
            return
        except PinBlocked:
            self.auth_tries_left = 0
            self._audit("pin-wrong", tries_left=0)
            self._fire("pin_wrong")
            return
        except TransportError:
            self._fire("card_removed")
            return
        except CardError as exc:  # possession not proven, card data unusable
            log.warning("PIN check failed: %s", type(exc).__name__)
            self.error_code = ErrorCode.NOT_RECOGNISED
            self._fire("check_failed")
            return
        self.auth_tries_left = 3
        self._fire("pin_ok", method=Method.PIN)

    def _enter_pin_locked(self, **_: Any) -> None:
        self._audit("pin-locked", pin="auth")

    def _enter_qualifying(self, **_: Any) -> None:
        previous = self._history
        self.method = {
            S.FACE: Method.FACE,
            S.PIN_CHECK: Method.PIN,
            S.STAFF_WAIT: Method.STAFF,
        }[State(previous)]
        self.face.forget()  # identity settled: no face data beyond the one comparison
        self._photo = None
        self._face_prepared = False
        cert = need(self.reading, "card reading").auth_certificate
        try:
            if self.wants_registration:
                self.eligibility.register(cert)
                self._audit("registered")
            self.qualification = self.eligibility.lookup(cert, self.clock.now())
        except KioskError as exc:
            log.warning("eligibility look-up failed: %s", type(exc).__name__)
            rejected = getattr(exc, "code", None) == ErrorCode.CERTIFICATE_INVALID.value
            self.error_code = ErrorCode.CERTIFICATE_INVALID if rejected else ErrorCode.SYSTEM
            self._fire("qualify_failed")
            return
        self._fire("proceed")

    def _enter_finishing(self, **_: Any) -> None:
        result = ReceptionResult(
            reception_id=self.reception_id,
            cert_serial=need(self.cert, "certificate check").serial,
            method=need(self.method, "identity method"),
            started_at=need(self.started_at, "start time"),
            finished_at=self.clock.now(),
            qualification=need(self.qualification, "eligibility result"),
            consents=dict(self.consents),
            high_cost=self.high_cost_answer,
            limit_consent=self.limit_answer,
            specific_disease_consent=self.disease_answer,
            electronic_prescription=self.prescription_answer,
            registered_now=self.wants_registration,
        )
        try:
            path = self.records.record_reception(result)
        except KioskError as exc:
            log.warning("recording failed: %s", type(exc).__name__)
            self.error_code = ErrorCode.SYSTEM
            self._fire("record_failed")
            return
        self.result_path = path
        self._fire("recorded")

    # -- helpers ---------------------------------------------------------------------------

    def _card(self) -> CardSession:
        if self.card is None:
            raise FlowError("no card session")
        return self.card

    def _on_frame(self, frame: FaceFrame) -> bool:
        for listener in list(self._frame_listeners):
            listener(frame)
        return not self._stop.is_set()

    def _audit(self, kind: str, **extra: str | int) -> None:
        """Tell the records what happened (kinds: OUTCOMES end a visit; the others are kept
        with the visit's record). Never a PIN, a photo or the individual number."""
        details: dict[str, str | int] = {
            "state": str(self._history.value),
            "reception_id": self.reception_id,
            **extra,
        }
        if self.error_code is not None:
            details["code"] = self.error_code.value
        if self.cert is not None:
            details["cert_serial"] = self.cert.serial
        try:
            self.records.record_event(kind, details, self.clock.now())
        except KioskError as exc:
            log.warning("audit event %s not recorded: %s", kind, type(exc).__name__)

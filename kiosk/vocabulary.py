"""The words every part of the kiosk shares, defined once: how a reception ends, how identity
was confirmed, the codes the reader shows, what a patient may agree to share, the card's
PINs and what is noted along the way.

The reception speaks these words, the records keep them, the settings and the fault
harness name them; nothing maps one to another by hand. See docs/reception.md.
"""

from __future__ import annotations

import re
from enum import StrEnum


class ConsentItem(StrEnum):
    """The information items a patient may agree to share, in the order they are asked.

    Their labels are ``consent.<item>`` in the text catalogue (assets/texts), as are those of
    the high-cost answers the records keep beside them (``limit_info``, ``specific_disease``).
    """

    MEDICATION = "medication"  # PharmacistsInfo in the result file
    CHECKUPS = "checkups"  # SpecificHealthCheckupsInfo
    TREATMENT = "treatment"  # DiagnosisInfo
    SURGERY = "surgery"  # OperationInfo


class IdentityMethod(StrEnum):
    """How the patient's identity was confirmed."""

    FACE = "face"  # 顔認証
    PIN = "pin"  # 暗証番号
    VISUAL = "visual"  # 目視確認 by staff
    PHONE_ANDROID = "phone-android"  # the smartphone's certificate, the PIN typed on the reader
    PHONE_IOS = "phone-ios"  # the smartphone's certificate, Face ID / Touch ID on the iPhone


class PhoneOs(StrEnum):
    """The two kinds of smartphone that carry the card's certificates (スマホ用電子証明書)."""

    ANDROID = "android"  # the certificates in the secure element; the PIN typed on the reader
    IOS = "ios"  # the iPhone confirms its user itself (Face ID / Touch ID)

    @property
    def method(self) -> IdentityMethod:
        """How identity is recorded when this phone is read."""
        return IdentityMethod.PHONE_ANDROID if self is PhoneOs.ANDROID else IdentityMethod.PHONE_IOS


class ReaderError(StrEnum):
    """The codes the reader shows on its error screen."""

    NOT_RECOGNISED = "001"  # the card cannot be read
    NOT_MY_NUMBER_CARD = "002"
    CERTIFICATE_INVALID = "006"  # revoked, expired past the grace months, unknown CA
    SYSTEM = "900"  # the kiosk itself failed (records, eligibility): see the reception desk

    @property
    def from_card(self) -> bool:
        """A code about the card (kept in the records), not about the kiosk."""
        return self is not ReaderError.SYSTEM


CARD_CODES = frozenset(code.value for code in ReaderError if code.from_card)
"""The codes about the card, kept in the records (001, 002, 006)."""


class Outcome(StrEnum):
    """How a reception ended. Only COMPLETED keeps consents."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    CARD_REMOVED = "card_removed"
    TIMED_OUT = "timed_out"
    CARD_ERROR = "card_error"  # 001 / 002
    CERTIFICATE_REJECTED = "certificate_rejected"  # 006
    NOT_ELIGIBLE = "not_eligible"  # 無効 / 該当資格なし and the patient left
    SERVICE_ERROR = "service_error"  # the kiosk's own failure (records, eligibility)
    PORTAL_CONFIRMED = "portal_confirmed"  # staff checked the マイナポータル screen by eye

    @classmethod
    def for_error(cls, code: ReaderError) -> Outcome:
        """The outcome of a reception that ended on the error screen with ``code``."""
        if code is ReaderError.CERTIFICATE_INVALID:
            return cls.CERTIFICATE_REJECTED
        if code is ReaderError.SYSTEM:
            return cls.SERVICE_ERROR
        return cls.CARD_ERROR


class AuditKind(StrEnum):
    """What is noted during a reception (details name PINs by kind, never by value)."""

    CARD_READ = "card_read"
    CARD_ERROR = "card_error"
    REGISTERED = "registered"  # 利用登録 at the kiosk
    METHOD_CHOSEN = "method_chosen"
    FACE_FAILED = "face_failed"
    FACE_MATCHED = "face_matched"
    PIN_WRONG = "pin_wrong"
    PIN_LOCKED = "pin_locked"
    PIN_OK = "pin_ok"
    VISUAL_CONFIRMED = "visual_confirmed"
    VISUAL_REFUSED = "visual_refused"
    PHONE_FAILED = "phone_failed"  # the smartphone could not be used (details: reason)
    CANCELLED = "cancelled"
    TIMED_OUT = "timed_out"
    CARD_REMOVED = "card_removed"
    ELIGIBILITY_ERROR = "eligibility_error"
    STAFF = "staff"  # staff actions (mode switch, refused credential, export)


class PinKind(StrEnum):
    """Every secret a My Number card checks: the holder's five PINs, then the two 照合番号
    that open the card face (the card layer's ``PINS`` describes the five PINs)."""

    AUTH = "auth"  # 利用者証明用電子証明書の暗証番号 (4 digits, 3 tries; JPKI EF 0018)
    SIGN = "sign"  # 署名用電子証明書の暗証番号 (6–16 of A–Z 0–9, 5 tries; JPKI EF 001B)
    HOJO = "hojo"  # 券面事項入力補助用の暗証番号 (4 digits, 3 tries; 入力補助AP EF 0011)
    JUKI = "juki"  # 住民基本台帳用の暗証番号, 住基AP (4 digits, 3 tries; EF 001C)
    KYOTSU = "kyotsu"  # 住民基本台帳用の暗証番号, 共通AP (its own counter; EF 001C)
    VERIFY_A = "verify_a"  # 照合番号A: the individual number (入力補助AP 0014, 券面AP 0013)
    VERIFY_B = "verify_b"  # 照合番号B: birth YYMMDD (era) + expiry year + security code


FOUR_DIGITS = r"[0-9]{4}"
"""The format of the 4-digit PINs (ASCII digits only)."""

AUTH_PIN = re.compile(FOUR_DIGITS)
"""The 利用者証明用 PIN the kiosk asks for: exactly 4 digits (``fullmatch``)."""

AUTH_PIN_TRIES = 3
"""The auth PIN's retry limit: a correct PIN gives the card back this many tries."""


class CallReason(StrEnum):
    """Why a kiosk calls the desk (the reception's rule ``desk_call_reason`` decides)."""

    PATIENT = "patient_call"  # the patient pressed 職員を呼ぶ
    PIN_LOCKED = "pin_locked"  # the auth PIN is locked
    FACE_FAILED = "face_failed"  # the face failed to the limit
    FACE_ONLY = "face_only"  # a face-only card whose face path is closed
    CARD_LEFT = "card_left"  # the reception is over and the card still lies on the reader
    HELP = "help"  # the patient pressed 職員を呼ぶ on an error or take-your-card screen
    NOT_QUALIFIED = "not_qualified"  # the reception ended without a valid insurance (資格無効 …)
    ELIGIBILITY_TIMEOUT = "eligibility_timeout"  # the eligibility check did not answer in time
    ELIGIBILITY_REFUSED = "eligibility_refused"  # the service refused the connection
    ELIGIBILITY_TERMINAL_AUTH = "eligibility_terminal_auth"  # the terminal failed to authenticate
    ELIGIBILITY_ERROR_ANSWER = "eligibility_error_answer"  # the service answered with an error
    # the smartphone path: which phone (branch) and why the patient waits for the desk
    PHONE_PORTAL = "phone_portal"  # shows the マイナポータル screen before choosing a phone
    PHONE_ANDROID_PORTAL = "phone_android_portal"  # Android: shows the マイナポータル screen
    PHONE_IOS_PORTAL = "phone_ios_portal"  # iPhone: shows the マイナポータル screen
    PHONE_ANDROID_PIN_LOCKED = "phone_android_pin_locked"  # Android: the phone's PIN locked
    PHONE_IOS_VERIFICATION = "phone_ios_verification"  # iPhone: Face ID / Touch ID failed
    PHONE_ANDROID_CERTIFICATE = "phone_android_certificate"  # expired / revoked on Android
    PHONE_IOS_CERTIFICATE = "phone_ios_certificate"  # expired / revoked on the iPhone

    @classmethod
    def for_fault(cls, fault: EligibilityFault) -> CallReason:
        """Why the desk is called when the eligibility check failed with ``fault``."""
        return cls(f"eligibility_{EligibilityFault(fault).value}")


IDENTITY_CALLS = frozenset(
    {
        CallReason.PATIENT,
        CallReason.PIN_LOCKED,
        CallReason.FACE_FAILED,
        CallReason.FACE_ONLY,
        # the smartphone path: staff check the マイナポータル screen by eye
        CallReason.PHONE_PORTAL,
        CallReason.PHONE_ANDROID_PORTAL,
        CallReason.PHONE_IOS_PORTAL,
        CallReason.PHONE_ANDROID_PIN_LOCKED,
        CallReason.PHONE_IOS_VERIFICATION,
        CallReason.PHONE_ANDROID_CERTIFICATE,
        CallReason.PHONE_IOS_CERTIFICATE,
    }
)
"""Calls about who the patient is: the desk answers them with 本人確認OK / 確認できない beside
the chip photo. Every other reason (a card left, help on an end screen, …) is closed with
対応しました after staff have done what the desk's ``station.todo.<reason>`` says."""


class EligibilityFault(StrEnum):
    """How the online eligibility check can fail (``[eligibility] fault``, the operator panel,
    a scenario's ``eligibility_fault`` step); the desk is called with the matching
    :class:`CallReason`."""

    TIMEOUT = "timeout"  # no answer in time
    REFUSED = "refused"  # the connection was refused
    TERMINAL_AUTH = "terminal_auth"  # the terminal's own authentication failed
    ERROR_ANSWER = "error_answer"  # the service answered with an error (処理結果 エラー)
